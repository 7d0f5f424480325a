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
class CodeProof:
    """What an analysis of the project's own code showed (issues 15 and 16).

    ``source`` is how the code came: "archive" or "bundle" (an upload: proves that code
    with this stack exists, not who wrote it) or "url" (a public repository any reader
    can open and check). ``technologies`` are the catalogue names found in the code and
    kept by the owner.
    """

    source: str
    label: str = ""  # the uploaded file's name, or the repository URL
    technologies: tuple[str, ...] = ()
    analysed_on: date | None = None
    commits_yours: int | None = None  # with history only
    commits_total: int | None = None
    first_commit: date | None = None
    last_commit: date | None = None
    authors: tuple[str, ...] = ()  # the author names of those commits, never the emails

    @property
    def commits_by(self) -> str:
        """Return who made the owner's commits, as a reader can check: "Ada Lovelace"."""
        names = [name for name in self.authors if name.strip()]
        if not names:
            return "this author"
        if len(names) == 1:
            return names[0]
        return ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class ReferenceProof:
    """A reference a referee confirmed on the project (issue 17)."""

    how: str  # "email" (a link sent by the app to the referee's address) or "link"
    confirmed_on: date | None = None
    edited_since: bool = False  # the owner changed a confirmed field afterwards
    name: str = ""  # shown only when the referee allowed it
    job_title: str = ""
    organisation: str = ""
    comment: str = ""  # shown only when the referee allowed it and the owner chose to
    email_domain: str = ""  # "brightwave.co.uk" when confirmed through a mailed link
    relationship: str = ""  # how the referee knows the work, in their words
    confirms: tuple[str, ...] = ()  # what was confirmed, in words ("the dates and role")
    changes: tuple[str, ...] = ()  # what the owner changed since, in words


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
    # Proof beyond what the owner typed: filled where the caller loads it, empty otherwise.
    code: CodeProof | None = field(default=None, compare=False)
    references: tuple[ReferenceProof, ...] = field(default=(), compare=False)


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
