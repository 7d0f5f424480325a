"""Export a portfolio as a README-style Markdown page for a GitHub profile.

Every piece of user text goes through ``escape_markdown`` so a title or summary
cannot inject HTML, links or block structure into the rendered README, and only
http/https URLs ever become links. The project's description is the owner's own
Markdown: it is rendered and sanitised (``description.py``) and written back here
from that tree, so its lists, emphasis, code and links survive, raw HTML does not,
its headings sit below the project's, and its text is escaped like all the rest.
Like the other exports it renders what it is given: pass ``public_only(projects)``
for a public README.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from urllib.parse import quote

from portfolio.exports.description import (
    BLOCKS,
    HEADINGS,
    Node,
    description_tree,
    heading_level,
    plain_text,
    safe_href,
)
from portfolio.exports.grouping import KIND_ORDER, group_technologies, sort_projects
from portfolio.exports.links import http_url
from portfolio.projects.record import CodeProof, PortfolioOwner, ProjectRecord
from portfolio.references.wording import reference_line
from portfolio.technologies.catalogue import CatalogueLike

# Section headings read better in the plural than the singular KIND_LABELS.
_SECTIONS = {
    "paid": "Paid work",
    "internship": "Internships",
    "volunteer": "Volunteer projects",
    "personal": "Personal projects",
}
# An en dash between dates, written as an escape so the source stays ASCII.
_DASH = "\u2013"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Backslash first, so the backslashes added for the others are not doubled.
_ESCAPED_PUNCTUATION = "\\`*_{}[]()!|~"
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Constructs that only mean something at the start of a line (headings, lists,
# setext underlines, ordered lists); user text can land at a line start inside
# a list item too, so its start is always neutralised.
_LINE_START = re.compile(r"^(#+|[-+=]|\d+(?=[.)]))")
# Characters that would end or confuse a Markdown link destination, plus
# anything a browser would treat specially in an href.
_PLAIN_NAME = re.compile(r"[\w.+#/-]+(?: [\w.+#/-]+)*")
_URL_SAFE = "/:?#[]@!$&*+,;=%-._~"


def escape_markdown(text: str) -> str:
    """Return text as one line of inert Markdown that renders as itself."""
    # Newlines would break out of the list item or paragraph the text is in.
    return _line_safe(_escape_characters(" ".join(text.split())))


def _escape_characters(text: str) -> str:
    """Escape the characters Markdown or HTML would read as syntax."""
    out = []
    for ch in text:
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in _ESCAPED_PUNCTUATION:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _line_safe(line: str) -> str:
    """Keep a line of escaped text from starting a heading, list or underline."""
    match = _LINE_START.match(line)
    if not match:
        return line
    marker = match.group(1)
    # "1. foo" is a list and "1\. foo" is text; other markers take a leading backslash.
    if marker[0].isdigit():
        return marker + "\\" + line[len(marker) :]
    return "\\" + line


def link_target(url: str) -> str:
    """Return an http(s) URL percent-encoded for a Markdown link, or ""."""
    # Spaces, parentheses, quotes, backslashes and angle brackets would end the
    # link destination or break out of the rendered attribute, so they are
    # encoded first; the scheme check then runs on exactly what is emitted.
    target = quote(url.strip(), safe=_URL_SAFE)
    return http_url(target)


def markdown_link(label: str, url: str) -> str:
    """Return a Markdown link for an http(s) URL, or "" for any other URL."""
    target = link_target(url)
    return f"[{escape_markdown(label)}]({target})" if target else ""


def to_markdown(
    owner: PortfolioOwner, projects: Sequence[ProjectRecord], catalogue: CatalogueLike
) -> str:
    """Render the owner and their projects as a README-style Markdown page."""
    blocks: list[str] = [f"# {escape_markdown(owner.name) or 'Portfolio'}"]
    if owner.headline:
        blocks.append(f"**{escape_markdown(owner.headline)}**")
    blocks.extend(_paragraphs(owner.bio))
    contact = [escape_markdown(part) for part in (owner.location, owner.email) if part.strip()]
    if contact:
        blocks.append(" · ".join(contact))
    links = [markdown_link("Website", owner.website)]
    links += [markdown_link(link.network or "Profile", link.url) for link in owner.links]
    links = [link for link in links if link]
    if links:
        blocks.append(" · ".join(links))
    technologies = [name for _, names in group_technologies(projects, catalogue) for name in names]
    if technologies:
        blocks.append("**Technologies:** " + _technology_list(technologies))
    for kind in [*KIND_ORDER, *sorted({p.kind for p in projects} - set(KIND_ORDER))]:
        group = sort_projects(p for p in projects if p.kind == kind)
        if group:
            blocks.append(f"## {escape_markdown(_SECTIONS.get(kind, kind))}")
            blocks.extend(_project(project) for project in group)
    return "\n\n".join(blocks) + "\n"


def _project(project: ProjectRecord) -> str:
    title = escape_markdown(project.title)
    lines = [f"### {title}{' ★' if project.featured else ''}"]
    facts = [
        _period(project),
        escape_markdown(project.organisation),
        escape_markdown(project.role),
    ]
    facts = [fact for fact in facts if fact]
    parts = []
    if facts:
        parts.append(" · ".join(facts))
    if project.summary.strip():
        parts.append(escape_markdown(project.summary))
    description = description_markdown(project.description)
    if description:
        parts.append(description)
    highlights = [h for h in project.highlights if h.strip()]
    if highlights:
        parts.append("\n".join(f"- {escape_markdown(h)}" for h in highlights))
    if project.technologies:
        parts.append("**Technologies:** " + _technology_list(project.technologies))
    if project.code is not None:
        parts.append(_code_proof(project.code))
    links = [
        markdown_link("Live site", project.live_url),
        markdown_link("Source code", project.source_url),
    ]
    links = [link for link in links if link]
    if links:
        parts.append(" · ".join(links))
    for reference in project.references:
        parts.append(f"> {escape_markdown(reference_line(reference))}")
        if reference.comment.strip():
            parts.append(f"> “{escape_markdown(reference.comment)}”")
    return "\n\n".join([*lines, *parts])


def _code_proof(code: CodeProof) -> str:
    """Say what the analysis of the project's own code showed (issues 15, 16)."""
    found = [name for name in code.technologies if name.strip()]
    text = ("**From its code:** " + _technology_list(found)) if found else "**Code analysed**"
    if code.source == "url":
        link = markdown_link("Repository", code.label)
        if link:
            text += " · " + link
        if code.commits_total:
            text += f", {code.commits_yours} of {code.commits_total} commits by "
            text += escape_markdown(code.commits_by)
    return text


def _technology_list(names: Sequence[str]) -> str:
    return " ".join(_code(name) for name in dict.fromkeys(names) if name.strip())


def _code(text: str) -> str:
    text = " ".join(text.split())
    # A code span shows its content literally, which suits "C++" or "Node.js";
    # anything beyond plain name characters (brackets, backticks, angle
    # brackets...) falls back to escaped text so the source never even looks
    # like a link or a tag.
    if _PLAIN_NAME.fullmatch(text):
        return f"`{text}`"
    return escape_markdown(text)


def _paragraphs(text: str) -> list[str]:
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return [escape_markdown(p) for p in paragraphs if p.strip()]


def _period(project: ProjectRecord) -> str:
    if project.start is None:
        if project.end is not None:
            return f"until {_month(project.end)}"
        return "ongoing" if project.ongoing else ""
    start = _month(project.start)
    if project.ongoing:
        return f"{start} {_DASH} present"
    if project.end is None or project.end == project.start:
        return start
    return f"{start} {_DASH} {_month(project.end)}"


def _month(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.year}"


# --------------------------------------------------------------------------
# The description, written back from its sanitised tree


def description_markdown(text: str, *, top_heading: int = 4) -> str:
    """Return the description as Markdown written from the sanitised tree (no raw HTML).

    Headings start at ``top_heading`` (``####`` by default, below the export's ``###``
    project headings); text is escaped as the export escapes every piece of user text.
    """
    blocks = _blocks(description_tree(text).children, top_heading)
    return "\n\n".join(block for block in blocks if block.strip())


def _blocks(nodes: list[Node], top_heading: int) -> list[str]:
    """Render a list of nodes as Markdown blocks; loose inline runs become paragraphs."""
    blocks: list[str] = []
    run: list[Node] = []
    for node in nodes:
        if node.tag in BLOCKS or node.tag in HEADINGS:
            blocks.append(_paragraph(run))
            run = []
            blocks.append(_block(node, top_heading))
        else:
            run.append(node)
    blocks.append(_paragraph(run))
    return [block for block in blocks if block.strip()]


def _paragraph(nodes: list[Node]) -> str:
    text = "".join(_inline(node) for node in nodes).strip()
    return "\n".join(_line_safe(line.strip()) for line in text.split("\n"))


def _block(node: Node, top_heading: int) -> str:
    tag = node.tag
    if tag in HEADINGS:
        text = " ".join(_inline(node).replace("\\\n", " ").split())
        return f"{'#' * heading_level(tag, top_heading)} {text}" if text else ""
    if tag == "p":
        return _paragraph(node.children)
    if tag in ("ul", "ol"):
        # An empty item would leave a bare "-", which reads as a heading's underline.
        bodies = [_list_item(child, top_heading) for child in node.children if child.tag == "li"]
        lines = []
        for number, body in enumerate((body for body in bodies if body.strip()), start=1):
            marker = f"{number}. " if tag == "ol" else "- "
            indent = " " * len(marker)
            first, *rest = body.split("\n") if body else [""]
            lines.append(marker + first)
            lines.extend(indent + line if line else "" for line in rest)
        return "\n".join(lines)
    if tag == "blockquote":
        inner = "\n\n".join(_blocks(node.children, top_heading))
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
    if tag == "pre":
        code = plain_text(node).strip("\n")
        fence = "`" * max(3, _longest_run(code, "`") + 1)
        return f"{fence}\n{code}\n{fence}"
    if tag == "hr":
        return "* * *"
    if tag == "table":
        return _table(node)
    return _paragraph(node.children)


def _list_item(item: Node, top_heading: int) -> str:
    loose = any(child.tag == "p" for child in item.children)
    blocks = _blocks(item.children, top_heading)
    return ("\n\n" if loose else "\n").join(blocks)


def _inline(node: Node) -> str:
    if not node.tag:
        return _escape_keeping_edges(node.text)
    tag = node.tag
    if tag == "br":
        return "\\\n"
    if tag == "code":
        return _code_span(plain_text(node))
    inner = "".join(_inline(child) for child in node.children)
    if tag in ("strong", "em"):
        core = inner.strip()
        if not core:
            return inner
        mark = "**" if tag == "strong" else "*"
        lead = inner[: len(inner) - len(inner.lstrip())]
        trail = inner[len(inner.rstrip()) :]
        return f"{lead}{mark}{core}{mark}{trail}"
    if tag == "a":
        href = safe_href(node.href)
        target = href if href.startswith("mailto:") else link_target(href) if href else ""
        label = inner.strip()
        return f"[{label}]({target})" if target and label else inner
    return inner


def _escape_keeping_edges(text: str) -> str:
    """Escape a run of text, as one line, keeping one space at either edge.

    A line-start marker is not escaped here: the run may sit mid-line, and each
    paragraph checks the start of its lines itself.
    """
    core = _escape_characters(" ".join(text.split()))
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and core else ""
    return f"{lead}{core}{trail}"


def _code_span(code: str) -> str:
    code = " ".join(code.split("\n"))
    if not code.strip():
        return ""
    fence = "`" * (_longest_run(code, "`") + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def _table(table: Node) -> str:
    rows = [row for row in _walk(table) if row.tag == "tr"]
    if not rows:
        return ""
    cells = [
        [" ".join(_inline(cell).replace("\\\n", " ").split()) for cell in row.children
         if cell.tag in ("th", "td")]
        for row in rows
    ]  # fmt: skip
    width = max((len(row) for row in cells), default=0)
    if width == 0:
        return ""
    cells = [row + [""] * (width - len(row)) for row in cells]
    lines = ["| " + " | ".join(cells[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
    return "\n".join(lines)


def _walk(node: Node) -> Iterator[Node]:
    for child in node.children:
        yield child
        yield from _walk(child)


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(run) for run in runs), default=0)
