"""A project's description in each output: sanitised HTML, a word budget, Markdown."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.exports.description import description_html
from portfolio.exports.markdown import description_markdown

HOSTILE = (
    'Intro <script>alert(1)</script> and <b style="color:red">bold</b>\n\n'
    "<style>body { display: none }</style>\n\n"
    '<img src="https://tracker.example/pixel.png" onerror="alert(2)">\n\n'
    "[js](javascript:alert(3)) [data](data:text/html,hi) [relative](/auth/logout) "
    "[ok](https://ok.example/a_b)\n\n"
    '<a href="https://evil.example" onclick="alert(4)" style="position:fixed">styled</a>\n\n'
    '<iframe src="https://evil.example"></iframe><div onmouseover="alert(5)">div text</div>'
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


#: What the description may produce in HTML, and each tag's attributes.
ALLOWED = {
    "p": set(), "br": set(), "strong": set(), "em": set(), "code": set(), "pre": set(),
    "blockquote": set(), "ul": set(), "ol": set(), "li": set(), "hr": set(),
    "h4": set(), "h5": set(), "h6": set(), "table": set(), "thead": set(), "tbody": set(),
    "tr": set(), "th": set(), "td": set(), "a": {"href", "title", "rel"},
}  # fmt: skip


def assert_only_allowed(html: str) -> None:
    for tag, attrs in tags_of(html):
        assert tag in ALLOWED, f"<{tag}> in {html!r}"
        assert set(attrs) <= ALLOWED[tag], f"<{tag} {attrs}> in {html!r}"
        if tag == "a":
            assert (attrs["href"] or "").startswith(("https://", "http://", "mailto:")), attrs


# -- HTML


def test_markdown_becomes_html_with_its_structure():
    html = str(description_html("Built a **Flask** API.\n\n- row locks\n- *backups*").html)
    assert html == (
        "<p>Built a <strong>Flask</strong> API.</p>\n"
        "<ul>\n<li>row locks</li>\n<li><em>backups</em></li>\n</ul>"
    )


def test_hostile_description_keeps_its_text_and_loses_its_markup():
    html = str(description_html(HOSTILE).html)
    assert_only_allowed(html)
    for gone in ("<script", "alert(", "<style", "display: none", "color:red", "<img",
                 "tracker.example", "javascript:", "data:", "/auth/logout", "onerror",
                 "onclick", "position:fixed", "<iframe", "onmouseover"):  # fmt: skip
        assert gone not in html, gone
    for kept in ("Intro", "bold", "js", "relative", "styled", "div text"):
        assert kept in html
    assert '<a href="https://ok.example/a_b"' in html


def test_headings_sit_below_the_projects_own_heading():
    text = "### Approach\n\n#### Details\n\n###### Deep"
    assert str(description_html(text, top_heading=5).html) == (
        "<h5>Approach</h5>\n<h6>Details</h6>\n<h6>Deep</h6>"
    )


def test_a_long_description_is_cut_after_its_word_budget():
    words = [f"word{n}" for n in range(300)]
    text = " ".join(words[:100]) + "\n\n- " + "\n- ".join(words[100:])
    excerpt = description_html(text, word_budget=120)
    assert excerpt.truncated
    html = str(excerpt.html)
    assert "word119\u2026" in html
    assert "word120" not in html
    assert html.count("<li>") == 20  # the list is kept as a list, up to the budget
    assert_only_allowed(html)


def test_a_description_within_its_budget_is_whole():
    excerpt = description_html("Just a few words.", word_budget=120)
    assert not excerpt.truncated
    assert str(excerpt.html) == "<p>Just a few words.</p>"


def test_an_empty_description_is_falsy():
    assert not description_html("")
    assert not description_html("   \n\n")


# -- Markdown


def test_markdown_keeps_structure_and_drops_raw_html():
    text = (
        "Built a **Flask** API with `SELECT *`.\n\n### How\n\n1. locks\n2. *backups*\n\n"
        "> quoted\n\n```\n<b>code</b>\n```\n\nSee [the site](https://ok.example/x_y)."
    )
    assert description_markdown(text) == (
        "Built a **Flask** API with `SELECT *`.\n\n#### How\n\n1. locks\n2. *backups*\n\n"
        "> quoted\n\n```\n<b>code</b>\n```\n\nSee [the site](https://ok.example/x_y)."
    )


def test_hostile_description_is_inert_markdown():
    text = description_markdown(HOSTILE)
    for gone in ("<script", "alert(", "<style", "<img", "<b", "<a ", "<iframe", "<div",
                 "javascript:", "data:", "/auth/logout", "tracker.example"):  # fmt: skip
        assert gone not in text, gone
    assert "[ok](https://ok.example/a_b)" in text
    assert_only_allowed(markdown.markdown(text))


def test_text_that_looks_like_markdown_stays_text():
    text = description_markdown("Use a \\# sign, 3\\. or \\- and \\*stars\\* and a \\| pipe")
    rendered = markdown.markdown(text, extensions=["tables"])  # GitHub escapes "|" too
    assert rendered == "<p>Use a # sign, 3. or - and *stars* and a | pipe</p>"


PIECES = [*"<>/\"'=&;:*_`[]()!#-+|\\~.\n ab1", "script", "style", "onerror", "img",
          "javascript:", "http://x.example"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_no_description_puts_markup_into_the_readme(text):
    """Whatever the owner writes, the README renders to the description's own tags only."""
    assert_only_allowed(
        markdown.markdown(description_markdown(text), extensions=["fenced_code", "tables"])
    )
