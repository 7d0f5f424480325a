"""Export a portfolio as a README-style Markdown page for a GitHub profile.

Every piece of user text goes through ``escape_markdown`` so a title or summary
cannot inject HTML, links or block structure into the rendered README, and only
http/https URLs ever become links. The project's Markdown description is left
out on purpose: it is the user's own Markdown and could not be included safely
without rendering and sanitising it, which is not this module's job. Like the
other exports it renders what it is given: pass ``public_only(projects)`` for a
public README.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from urllib.parse import quote

from portfolio.exports.grouping import KIND_ORDER, group_technologies, sort_projects
from portfolio.exports.jsonresume import TechnologyCatalogue, http_url
from portfolio.projects.record import PortfolioOwner, ProjectRecord

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
    text = " ".join(text.split())
    out = []
    for ch in text:
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in _ESCAPED_PUNCTUATION:
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = "".join(out)
    match = _LINE_START.match(escaped)
    if match:
        marker = match.group(1)
        # "1. foo" is a list and "1\. foo" is text; other markers take a
        # leading backslash.
        digits = marker[0].isdigit()
        escaped = marker + "\\" + escaped[len(marker) :] if digits else "\\" + escaped
    return escaped


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
    owner: PortfolioOwner, projects: Sequence[ProjectRecord], catalogue: TechnologyCatalogue
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
    highlights = [h for h in project.highlights if h.strip()]
    if highlights:
        parts.append("\n".join(f"- {escape_markdown(h)}" for h in highlights))
    if project.technologies:
        parts.append("**Technologies:** " + _technology_list(project.technologies))
    links = [
        markdown_link("Live site", project.live_url),
        markdown_link("Source code", project.source_url),
    ]
    links = [link for link in links if link]
    if links:
        parts.append(" · ".join(links))
    return "\n\n".join([*lines, *parts])


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
