"""The plain shape of a project that the pure domain modules work on.

Readiness scoring, exports and imports take and return these records, never ORM
objects, so they can be tested without Flask or a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: The kinds of project, from least to most weight as evidence of readiness.
KINDS: tuple[str, ...] = ("personal", "volunteer", "internship", "paid")

KIND_LABELS: dict[str, str] = {
    "personal": "Personal project",
    "volunteer": "Volunteer project",
    "internship": "Internship",
    "paid": "Paid work",
}

#: How a count of each kind reads: "3 personal projects", "2 internships", "1 paid work".
KIND_PLURALS: dict[str, str] = {
    "personal": "personal projects",
    "volunteer": "volunteer projects",
    "internship": "internships",
    "paid": "paid work",
}


@dataclass(frozen=True)
class ProjectRecord:
    """One portfolio project as plain data."""

    title: str
    kind: str
    organisation: str = ""
    role: str = ""
    start: date | None = None  # always the first day of a month
    end: date | None = None  # None while ongoing or unknown
    ongoing: bool = False
    summary: str = ""
    description: str = ""  # Markdown source
    highlights: tuple[str, ...] = ()
    live_url: str = ""
    source_url: str = ""
    technologies: tuple[str, ...] = ()  # canonical catalogue names, or the user's own
    public: bool = False
    featured: bool = False
    id: int | None = field(default=None, compare=False)


def record_from(source: Any, technologies: Iterable[str]) -> ProjectRecord:
    """Build a record from anything with a project's attributes: a model or a row."""
    return ProjectRecord(
        id=source.id,
        title=source.title,
        kind=source.kind,
        organisation=source.organisation or "",
        role=source.role or "",
        start=source.start,
        end=source.end,
        ongoing=bool(source.ongoing),
        summary=source.summary or "",
        description=source.description or "",
        highlights=tuple(source.highlights or ()),
        live_url=source.live_url or "",
        source_url=source.source_url or "",
        technologies=tuple(technologies),
        public=bool(source.public),
        featured=bool(source.featured),
    )


@dataclass(frozen=True)
class ProfileLink:
    """A link to the owner's profile elsewhere (GitHub, LinkedIn...)."""

    network: str
    url: str
    username: str = ""


@dataclass(frozen=True)
class PortfolioOwner:
    """What the owner chose to show about themselves; empty strings are hidden."""

    name: str
    headline: str = ""
    bio: str = ""
    location: str = ""
    email: str = ""
    website: str = ""
    links: tuple[ProfileLink, ...] = ()
