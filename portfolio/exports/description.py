"""A project's description, the owner's own Markdown, as each output shows it.

The description is rendered and sanitised once, exactly as the project's own page shows
it (``projects.markup.render_markdown``: Markdown, then nh3 keeps a short list of tags
and no attribute but a link's address and title, so no script, style or image survives).
That HTML is read into a small tree, and every output is written from the tree, never
from the owner's text:

* the public page and the HTML download: the tree as HTML, its headings placed below
  the project's own heading, and a link kept only when it is an absolute http(s) or
  mailto address (a relative one would point into this app, or, in a PDF, at a file);
* the PDF: the same, cut after a budget of words (``rules.PDF_DESCRIPTION_WORDS``), saying
  whether it was cut so the PDF can point to the public page for the rest;
* the Markdown export: the tree written back as Markdown by ``markdown.py``, so raw HTML
  in the source never reaches the README and its text is escaped like the rest.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markupsafe import Markup, escape

from portfolio.exports.links import http_url
from portfolio.projects.markup import render_markdown

#: Tags that hold blocks; the others are inline.
BLOCKS = {"p", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr", "table",
           "thead", "tbody", "tr", "th", "td"}  # fmt: skip
_VOID = {"br", "hr"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
#: A plain address for a mailto: link; anything fancier is shown as text.
_MAILTO = re.compile(r"mailto:[\w.+-]+@[\w-]+(\.[\w-]+)+", re.ASCII)
_ELLIPSIS = "\u2026"


@dataclass
class Node:
    """One element of the sanitised description, or a run of text (``tag`` empty)."""

    tag: str
    text: str = ""
    href: str = ""
    title: str = ""
    children: list[Node] = field(default_factory=list)

    def words(self) -> int:
        """Return how many words this node and its children hold."""
        if not self.tag:
            return len(self.text.split())
        return sum(child.words() for child in self.children)


@dataclass(frozen=True)
class Excerpt:
    """A description as HTML, and whether words were left out to keep to a budget."""

    html: Markup
    truncated: bool = False

    def __bool__(self) -> bool:
        return bool(self.html)


class _TreeBuilder(HTMLParser):
    """Read nh3's output (well-formed, a few known tags) into ``Node``s."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        node = Node(tag, href=values.get("href", ""), title=values.get("title", ""))
        self._stack[-1].children.append(node)
        if tag not in _VOID:
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack[-1].children.append(Node(tag))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(Node("", text=data))


def description_tree(text: str) -> Node:
    """Return the description, rendered and sanitised, as a tree under a root node."""
    builder = _TreeBuilder()
    builder.feed(str(render_markdown(text or "")))
    builder.close()
    return builder.root


def safe_href(href: str) -> str:
    """Return an absolute http(s) or plain mailto: address, or "" for anything else."""
    href = href.strip()
    if href.lower().startswith("mailto:"):
        return href if _MAILTO.fullmatch(href) else ""
    return http_url(href)


# --------------------------------------------------------------------------
# HTML, for the public page, the HTML download and the PDF


def description_html(text: str, *, top_heading: int = 5, word_budget: int | None = None) -> Excerpt:
    """Return the description as safe HTML, cut after ``word_budget`` words if given.

    A heading in the description becomes ``top_heading`` (h3 in the source) or the next
    level down, so it always sits below the heading of the project it belongs to.
    """
    root = description_tree(text)
    truncated = word_budget is not None and root.words() > word_budget
    if truncated:
        root = _cut(root, word_budget or 0)
    html = "".join(_html(child, top_heading) for child in root.children).strip()
    return Excerpt(Markup(html), truncated)  # noqa: S704  (every part escaped in _html)


def _cut(root: Node, budget: int) -> Node:
    """Return a copy of the tree holding its first ``budget`` words, then an ellipsis."""
    left = budget
    last_text: Node | None = None

    def copy(node: Node) -> Node | None:
        nonlocal left, last_text
        if left <= 0:
            return None
        if not node.tag:
            words = list(re.finditer(r"\S+", node.text))
            kept = node.text if len(words) <= left else node.text[: words[left - 1].end()]
            left -= min(left, len(words))
            copied = Node("", text=kept)
            if kept.strip():
                last_text = copied
            return copied
        kept = Node(node.tag, href=node.href, title=node.title)
        for child in node.children:
            copied = copy(child)
            if copied is None:
                break
            kept.children.append(copied)
        return kept

    cut = copy(root) or Node("root")
    if last_text is not None:
        last_text.text = last_text.text.rstrip() + _ELLIPSIS
    return cut


def _html(node: Node, top_heading: int) -> str:
    if not node.tag:
        return str(escape(node.text))
    inner = "".join(_html(child, top_heading) for child in node.children)
    tag = node.tag
    if tag in HEADINGS:
        level = heading_level(tag, top_heading)
        return f"<h{level}>{inner}</h{level}>"
    if tag == "a":
        href = safe_href(node.href)
        if not href:
            return inner
        title = f' title="{escape(node.title)}"' if node.title else ""
        return f'<a href="{escape(href)}"{title} rel="nofollow noopener noreferrer">{inner}</a>'
    if tag in _VOID:
        return f"<{tag}>"
    if tag in BLOCKS or tag in {"strong", "em", "code"}:
        return f"<{tag}>{inner}</{tag}>"
    return inner  # nh3 lets nothing else through; never emit a tag we did not choose


def plain_text(node: Node) -> str:
    """Return the text of a node and its children, as it reads (line breaks kept)."""
    if not node.tag:
        return node.text
    if node.tag == "br":
        return "\n"
    return "".join(plain_text(child) for child in node.children)


def heading_level(tag: str, top_heading: int) -> int:
    """Return the level a description heading takes below its project's heading."""
    return min(6, top_heading + max(0, HEADINGS[tag] - 3))
