"""README-style Markdown export: structure, and no way to inject HTML or links."""

from __future__ import annotations

import re
from datetime import date

import markdown as python_markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from portfolio.exports.markdown import escape_markdown, link_target, to_markdown
from portfolio.projects.record import PortfolioOwner, ProfileLink, ProjectRecord
from portfolio.technologies.catalogue import get_catalogue

CATALOGUE = get_catalogue()

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[click](javascript:alert(1))",
    "![x](https://evil.example/x.png)",
    "<https://evil.example>",
    "&lt;b&gt;entity&lt;/b&gt;",
)


def render(text: str) -> list[str]:
    """Render with two common engines, raw HTML allowed, as GitHub would see it."""
    commonmark = MarkdownIt("commonmark", {"html": True}).enable("table")
    return [commonmark.render(text), python_markdown.markdown(text)]


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def canonical(raw: str) -> str:
    return CATALOGUE.normalise_tags([raw])[0].name


def portfolio() -> tuple[PortfolioOwner, list[ProjectRecord]]:
    owner = PortfolioOwner(
        name="Ada Lovelace",
        headline="Aspiring back-end engineer",
        bio="I build APIs.\n\nAnd I test them.",
        location="Leeds, UK",
        email="ada@example.com",
        website="https://ada.example.com",
        links=(ProfileLink("GitHub", "https://github.com/ada", "ada"),),
    )
    projects = [
        ProjectRecord(
            title="Dotfiles",
            kind="personal",
            start=date(2020, 1, 1),
            summary="My shell set-up.",
            source_url="https://github.com/ada/dotfiles",
        ),
        ProjectRecord(
            title="Payments API",
            kind="paid",
            organisation="Acme Ltd",
            role="Back-end developer",
            start=date(2023, 1, 1),
            end=date(2024, 6, 1),
            summary="Rebuilt the payments API.",
            description="This is *Markdown* the user wrote, <b>with raw HTML</b>.",
            highlights=("Cut p95 latency by 40%", "Zero-downtime migration"),
            live_url="https://pay.example.com",
            source_url="https://git.example.com/pay",
            technologies=(canonical("python"), canonical("postgres")),
            featured=True,
        ),
        ProjectRecord(
            title="Food bank rota",
            kind="volunteer",
            organisation="Leeds Food Bank",
            start=date(2021, 3, 1),
            ongoing=True,
        ),
    ]
    return owner, projects


def test_structure() -> None:
    owner, projects = portfolio()
    text = to_markdown(owner, projects, CATALOGUE)

    assert text.startswith("# Ada Lovelace\n\n**Aspiring back-end engineer**\n\n")
    assert "I build APIs\\." not in text  # full stops are left alone
    assert "I build APIs.\n\nAnd I test them." in text
    assert "Leeds, UK · ada@example.com" in text
    assert "[Website](https://ada.example.com) · [GitHub](https://github.com/ada)" in text
    assert f"**Technologies:** `{canonical('python')}`" in text
    # Paid work before volunteer before personal.
    assert text.index("## Paid work") < text.index("## Volunteer projects")
    assert text.index("## Volunteer projects") < text.index("## Personal projects")
    assert "### Payments API ★" in text
    assert "Jan 2023 \u2013 Jun 2024 · Acme Ltd · Back-end developer" in text
    assert "Mar 2021 \u2013 present · Leeds Food Bank" in text
    assert "- Cut p95 latency by 40%\n- Zero-downtime migration" in text
    assert "[Live site](https://pay.example.com) · [Source code](https://git.example.com/pay)" in (
        text
    )
    # The description comes after the summary, as Markdown, its raw HTML removed.
    assert "Rebuilt the payments API.\n\nThis is *Markdown* the user wrote, with raw HTML." in text
    assert "<b>" not in text
    assert text.endswith("\n")


def test_renders_to_the_expected_html() -> None:
    owner, projects = portfolio()
    html = render(to_markdown(owner, projects, CATALOGUE))[0]

    assert html.count("<h1>") == 1
    assert "<h2>Paid work</h2>" in html
    assert "<li>Zero-downtime migration</li>" in html
    assert "<code>PostgreSQL</code>" in html
    assert "Back-end developer" in html


def test_empty_portfolio() -> None:
    text = to_markdown(PortfolioOwner(name=""), [], CATALOGUE)

    assert text == "# Portfolio\n"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_text_field_stay_text(payload: str) -> None:
    owner = PortfolioOwner(
        name=payload,
        headline=payload,
        bio=f"{payload}\n\n{payload}",
        location=payload,
        email=payload,
        website="javascript:alert(1)",
        links=(ProfileLink(payload, "javascript:alert(1)", payload),),
    )
    project = ProjectRecord(
        title=payload,
        kind="paid",
        organisation=payload,
        role=payload,
        start=date(2023, 1, 1),
        summary=payload,
        highlights=(payload, payload),
        live_url="javascript:alert(1)",
        source_url="JaVaScRiPt:alert(1)",
        technologies=(payload, "C++", "Node.js"),
    )
    text = to_markdown(owner, [project], CATALOGUE)

    assert "<script" not in text.lower()
    assert "<img" not in text.lower()
    assert "](javascript" not in text.lower()
    for html in render(text):
        lowered = html.lower()
        assert "<script" not in lowered
        assert "<img" not in lowered
        assert "<b>" not in lowered
        assert hrefs(html) == []


def test_payload_text_is_still_shown() -> None:
    project = ProjectRecord(title="<script>alert(1)</script>", kind="personal")
    text = to_markdown(PortfolioOwner(name="Ada"), [project], CATALOGUE)

    html = render(text)[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_javascript_live_url_is_never_a_link() -> None:
    project = ProjectRecord(title="XSS", kind="personal", live_url="javascript:alert(1)")
    text = to_markdown(PortfolioOwner(name="Ada"), [project], CATALOGUE)

    assert "javascript" not in text.lower()
    for html in render(text):
        assert hrefs(html) == []


def test_only_http_urls_become_links() -> None:
    owner = PortfolioOwner(
        name="Ada",
        links=(
            ProfileLink("A", "https://a.example.com"),
            ProfileLink("B", "data:text/html,hi"),
            ProfileLink("C", "//evil.example.com"),
            ProfileLink("D", "java\nscript:alert(1)"),
            ProfileLink("E", "http://e.example.com"),
        ),
    )
    for html in render(to_markdown(owner, [], CATALOGUE)):
        assert hrefs(html) == ["https://a.example.com", "http://e.example.com"]


def test_link_targets_are_percent_encoded() -> None:
    assert (
        link_target("https://example.com/a b(c)<d>\"e'")
        == "https://example.com/a%20b%28c%29%3Cd%3E%22e%27"
    )
    assert link_target("https://example.com/?q=1&r=%20") == "https://example.com/?q=1&r=%20"
    assert link_target("javascript:alert(1)") == ""
    assert link_target("  https://example.com  ") == "https://example.com"


def test_encoded_url_cannot_break_out_of_the_link() -> None:
    project = ProjectRecord(
        title="T", kind="personal", live_url="https://x.example/) [evil](javascript:alert(1)"
    )
    text = to_markdown(PortfolioOwner(name="Ada"), [project], CATALOGUE)

    for html in render(text):
        assert len(hrefs(html)) == 1
        assert hrefs(html)[0].startswith("https://x.example/")


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("# not a heading", "<h1>"),
        ("1. not a list", "<ol"),
        ("- not a list", "<ul"),
        ("+ not a list", "<ul"),
        ("*not emphasis*", "<em>"),
        ("__not strong__", "<strong>"),
        ("`not code`", "<code>"),
        ("a | b\n--- | ---", "<table"),
        ("> not a quote", "<blockquote>"),
        ("    not code", "<pre>"),
        ("---", "<hr"),
        ("~~not struck~~", "<s>"),
    ],
)
def test_markdown_syntax_in_user_text_is_inert(text: str, forbidden: str) -> None:
    for html in render(escape_markdown(text)):
        assert forbidden not in html


def test_highlight_cannot_start_a_heading_or_nested_list() -> None:
    project = ProjectRecord(title="T", kind="personal", highlights=("# big", "- nested", "2. x"))
    text = to_markdown(PortfolioOwner(name="Ada"), [project], CATALOGUE)

    html = render(text)[0]
    assert "<h1>" in html  # the name only
    assert html.count("<h1>") == 1
    assert html.count("<ul>") == 1
    assert "<ol" not in html


@settings(max_examples=200, deadline=None, database=None)
@given(st.text())
def test_escaped_text_renders_as_itself(text: str) -> None:
    # CommonMark collapses whitespace, so compare with whitespace normalised.
    html = MarkdownIt("commonmark", {"html": True}).render(escape_markdown(text))
    assert "<" not in re.sub(r"</?p>|<br />", "", html).replace("&lt;", "")
