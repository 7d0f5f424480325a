"""JSON Resume import: an uploaded file planned as projects and the owner's details."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from portfolio.exports import jsonresume
from portfolio.exports.jsonresume.checks import (
    Problem,
    ResumeImportError,
    _clip,
    _load_json,
    _schema_problems,
)
from portfolio.exports.jsonresume.document import EXTENSION, WORK_KINDS
from portfolio.exports.jsonresume.export import REFERENCES_EXTENSION
from portfolio.projects.record import KINDS, PortfolioOwner, ProjectRecord
from portfolio.references.carried import carried_note, with_note
from portfolio.schemas import rules
from portfolio.schemas.base import Problem as RuleProblem
from portfolio.schemas.base import SchemaError, problems, validate
from portfolio.schemas.details import DetailsIn, ProfileLinkIn
from portfolio.schemas.project import ProjectIn
from portfolio.technologies.catalogue import CatalogueLike

#: The longest title of a refused entry the preview repeats (it is not stored).
_SHOWN_TITLE_MAX = 120

# Singular forms only: "intern" describes the position, while "mentored
# interns" in a summary describes someone else's.
_INTERNSHIP = re.compile(r"\b(?:intern|internship|placement|trainee|traineeship)\b", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Line breaks inside text bound for a one-line field, with the spaces and tabs around
# them. U+0085 is not among them: it is a C1 control, which the rules refuse.
_LINE_BREAKS = re.compile("[ \t]*(?:[\n\r\u2028\u2029][ \t]*)+")
# What a refused entry's title may not show as is: controls, direction overrides.
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

_UNSUPPORTED_SECTIONS: tuple[str, ...] = (
    "education",
    "awards",
    "certificates",
    "publications",
    "languages",
    "interests",
    "references",
)


@dataclass(frozen=True)
class EntryProblem:
    """One rule an entry breaks: the project field, the rule's message, where in the file."""

    field: str  # the project's field ("end", "highlights"); "" for the entry as a whole
    message: str  # the rule's own message, as the form and the API give it
    location: str  # where in the file: "projects[3].endDate"

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


@dataclass(frozen=True)
class RefusedEntry:
    """An entry the import cannot take, and why; the rest of the file still imports."""

    where: str  # "projects[3]", "work[0]"
    title: str  # the entry's title as far as it can be shown, "" when it has none
    problems: tuple[EntryProblem, ...]

    def __str__(self) -> str:
        named = f" ({self.title})" if self.title else ""
        return f"{self.where}{named}: " + "; ".join(str(p) for p in self.problems)


@dataclass(frozen=True)
class ImportPlan:
    """What an import would create, for the user to review before saving."""

    projects: tuple[ProjectRecord, ...]
    owner: PortfolioOwner | None
    skipped: tuple[str, ...]  # notes on what was skipped, shortened or left out
    #: Entries the project schema refuses, in file order: they are not imported.
    refused: tuple[RefusedEntry, ...] = ()


def project_key(record: ProjectRecord) -> tuple[str, str, str, date | None]:
    """Return the natural key that makes importing the same file twice a no-op."""
    return (
        record.title.strip().casefold(),
        record.kind,
        record.organisation.strip().casefold(),
        record.start,
    )


def new_and_present(
    planned: Sequence[ProjectRecord], existing: Iterable[ProjectRecord]
) -> tuple[tuple[ProjectRecord, ...], tuple[ProjectRecord, ...]]:
    """Split planned projects into those to create and those the portfolio already has.

    A multiset comparison by ``project_key``: when the file holds N projects with a
    key and the portfolio M, max(0, N - M) of them are new, so importing a file into
    a fresh account creates every project and importing it again creates none. Exact
    copies (every field but the id) are matched first, so that when one of two
    projects sharing a key is already there, the other is the one created; the rest
    of the count goes to the earliest entries in the file. Both parts keep file order.
    """
    stored = list(existing)
    copies = Counter(stored)  # ProjectRecord equality and hash ignore the id
    spare = Counter(project_key(r) for r in stored)
    present = [False] * len(planned)
    for i, record in enumerate(planned):
        if copies[record] > 0:
            copies[record] -= 1
            spare[project_key(record)] -= 1
            present[i] = True
    for i, record in enumerate(planned):
        key = project_key(record)
        if not present[i] and spare[key] > 0:
            spare[key] -= 1
            present[i] = True
    return (
        tuple(r for r, done in zip(planned, present, strict=True) if not done),
        tuple(r for r, done in zip(planned, present, strict=True) if done),
    )


def parse_json_resume(
    raw: bytes | str,
    catalogue: CatalogueLike,
    *,
    max_bytes: int = 1_000_000,
) -> ImportPlan:
    """Parse and check an uploaded JSON Resume and plan what to import."""
    document = _load_json(raw, max_bytes)
    problems = _schema_problems(document)
    if problems:
        raise ResumeImportError(problems)
    return _Importer(catalogue).run(document)


@dataclass
class _Candidate:
    """An entry mapped to the project schema's input, before the schema has checked it."""

    where: str  # "projects[3]"
    data: dict[str, Any]  # the input ProjectIn validates
    #: Where each field came from in the file ("projects[3].endDate"); list fields name
    #: the list, and ``items`` the file index of each item handed on.
    sources: dict[str, str]
    items: dict[str, list[int]]
    #: Notes on what the mapping shortened: kept only if the entry is imported.
    notes: list[str]
    start: date | None

    @property
    def anchor(self) -> tuple[str, date | None]:
        """Return what our work/volunteer copies are named after, and the start."""
        name = self.data.get("organisation", "").strip() or self.data["title"].strip()
        return name.casefold(), self.start

    def locate(self, problem: RuleProblem) -> EntryProblem:
        """Return a schema problem with the place in the file it comes from."""
        field = problem.field
        location = self.sources.get(field, self.where)
        if len(problem.location) > 1 and isinstance(problem.location[1], int):
            positions = self.items.get(field, [])
            index = problem.location[1]
            if index < len(positions):
                location = f"{location}[{positions[index]}]"
        return EntryProblem(field, problem.message, location)

    def shown_title(self) -> str:
        """Return the title for the list of refused entries: showable, and not too long."""
        title = _UNSHOWABLE.sub("\ufffd", self.data.get("title", "").strip())
        return _clip(title, _SHOWN_TITLE_MAX)


class _Importer:
    """One import run: turns a schema-valid document into an ImportPlan."""

    def __init__(self, catalogue: CatalogueLike) -> None:
        # The project schema names technologies with the app's catalogue; this one is
        # kept for callers that pass their own.
        self.catalogue = catalogue
        self.notes: list[str] = []
        self.problems: list[Problem] = []
        self.refused: list[RefusedEntry] = []

    def run(self, document: dict[str, Any]) -> ImportPlan:
        owner = self._owner(document.get("basics"))
        # (where, record, identity): identity is the x-portfolio key of an entry
        # from our own export, None for a foreign entry.
        accepted: list[tuple[str, ProjectRecord, Hashable | None]] = []
        own_keys: set[str] = set()
        own_work: set[tuple[str, date | None]] = set()
        own_volunteer: set[tuple[str, date | None]] = set()
        for i, entry in enumerate(_entries(document.get("projects"))):
            candidate = self._project(entry, f"projects[{i}]")
            extension = entry.get(EXTENSION)
            if isinstance(extension, dict) and isinstance(extension.get("key"), str):
                own_keys.add(extension["key"])
            # Our work/volunteer copies are named after the organisation, or
            # after the title when there is none. Matching on that as well as
            # on x-portfolio keys also catches our export after an editor has
            # stripped the extension objects. A refused entry counts too: its
            # copy would be refused or imported in its place.
            kind = candidate.data.get("kind")
            if kind in WORK_KINDS:
                own_work.add(candidate.anchor)
            elif kind == "volunteer":
                own_volunteer.add(candidate.anchor)
            record = self._check(candidate)
            if record is not None:
                accepted.append((candidate.where, record, _identity(extension)))
        for section, duplicates in (("work", own_work), ("volunteer", own_volunteer)):
            for i, entry in enumerate(_entries(document.get(section))):
                where = f"{section}[{i}]"
                extension = entry.get(EXTENSION)
                if isinstance(extension, dict) and extension.get("project") in own_keys:
                    continue  # our own copy of a project in projects
                candidate = self._position(entry, where, section)
                if candidate.anchor in duplicates:
                    self.notes.append(f"{where}: same as an entry in projects, skipped")
                    continue
                record = self._check(candidate)
                if record is not None:
                    accepted.append((where, record, None))
        if self.problems:
            raise ResumeImportError(self.problems[: jsonresume.MAX_PROBLEMS])
        projects = self._deduplicate(accepted)
        unsupported = [s for s in _UNSUPPORTED_SECTIONS if document.get(s)]
        if unsupported:
            self.notes.append(
                f"{', '.join(unsupported)}: not imported; the portfolio holds projects"
            )
        return ImportPlan(tuple(projects), owner, tuple(self.notes), tuple(self.refused))

    def _check(self, candidate: _Candidate) -> ProjectRecord | None:
        """Validate a mapped entry with the project schema: the record, or refuse it."""
        try:
            record = validate(ProjectIn, candidate.data).to_record()
        except SchemaError as error:
            self.refused.append(
                RefusedEntry(
                    candidate.where,
                    candidate.shown_title(),
                    tuple(dict.fromkeys(candidate.locate(p) for p in error.problems)),
                )
            )
            return None
        self.notes.extend(candidate.notes)
        return record

    def _deduplicate(
        self, candidates: list[tuple[str, ProjectRecord, Hashable | None]]
    ) -> list[ProjectRecord]:
        # Our own entries are distinct by their x-portfolio key: two projects may
        # share a title, kind, organisation and start. Foreign entries are merged by
        # natural key, with each other and with our own entries.
        own_natural: dict[tuple[Any, ...], str] = {}
        for where, record, identity in candidates:
            if identity is not None:
                own_natural.setdefault(project_key(record), where)
        limit = jsonresume.MAX_PROJECTS
        first_seen: dict[Hashable, str] = {}
        projects: list[ProjectRecord] = []
        left_out: list[str] = []
        for where, record, identity in candidates:
            natural = project_key(record)
            if identity is not None:
                key: Hashable = ("own", identity)
                same = first_seen.get(key)
            else:
                key = ("natural", natural)
                same = first_seen.get(key) or own_natural.get(natural)
            if same is not None:
                self.notes.append(f"{where}: same as {same}, skipped")
                continue
            first_seen[key] = where
            if len(projects) >= limit:
                left_out.append(where)  # still counted, to say how many
            else:
                projects.append(record)
        if len(left_out) == 1:
            self.notes.append(
                f"{left_out[0]}: not imported, an import holds at most {limit} projects"
            )
        elif left_out:
            self.notes.append(
                f"{left_out[0]} and later entries: {len(left_out)} projects not imported, "
                f"an import holds at most {limit} projects"
            )
        return projects

    # -- entries, mapped to the project schema's input

    def _project(self, entry: dict[str, Any], where: str) -> _Candidate:
        extension = entry.get(EXTENSION)
        ours = extension if isinstance(extension, dict) else {}
        candidate = self._candidate(entry, where)
        data, sources = candidate.data, candidate.sources
        data["title"] = _one_line(entry.get("name"))
        sources["title"] = f"{where}.name"
        if "kind" in ours:
            data["kind"] = ours["kind"]
            sources["kind"] = f"{where}.{EXTENSION}.kind"
        else:
            data["kind"] = _kind_from_type(entry.get("type"))
            sources["kind"] = f"{where}.type"
        data["organisation"] = _one_line(entry.get("entity"))
        sources["organisation"] = f"{where}.entity"
        roles = [_one_line(role) for role in entry.get("roles") or [] if isinstance(role, str)]
        data["role"] = ", ".join(role for role in roles if role)
        sources["role"] = f"{where}.roles"
        data["ongoing"] = _flag(
            ours, "ongoing", default=candidate.start is not None and data.get("end") is None
        )
        sources["ongoing"] = f"{where}.{EXTENSION}.ongoing"
        if "summary" in ours:
            data["summary"] = _one_line(ours["summary"])
            sources["summary"] = f"{where}.{EXTENSION}.summary"
            # The app stores Markdown as typed, trailing newline and all.
            description = ours.get("descriptionMarkdown")
            data["description"] = description if isinstance(description, str) else ""
            sources["description"] = f"{where}.{EXTENSION}.descriptionMarkdown"
        else:
            self._summary_and_description(candidate, entry.get("description"), "description")
        for field, name in (("live_url", "liveUrl"), ("source_url", "sourceUrl")):
            if isinstance(ours.get(name), str) and ours[name].strip():
                data[field] = ours[name]
                sources[field] = f"{where}.{EXTENSION}.{name}"
        if "live_url" not in data:
            self._url(candidate, entry)
        # Foreign entries stay private until the owner has reviewed them.
        for flag in ("public", "featured"):
            data[flag] = _flag(ours, flag, default=False)
            sources[flag] = f"{where}.{EXTENSION}.{flag}"
        _carry_references(candidate, entry)
        return candidate

    def _position(self, entry: dict[str, Any], where: str, section: str) -> _Candidate:
        candidate = self._candidate(entry, where)
        data, sources = candidate.data, candidate.sources
        name_field = "name" if section == "work" else "organization"
        if not _one_line(entry.get(name_field)).strip() and isinstance(entry.get("company"), str):
            name_field = "company"  # what JSON Resume called it before v1.0.0
        data["organisation"] = _one_line(entry.get(name_field))
        sources["organisation"] = f"{where}.{name_field}"
        data["role"], sources["role"] = _one_line(entry.get("position")), f"{where}.position"
        self._summary_and_description(candidate, entry.get("summary"), "summary")
        organisation, position = data["organisation"].strip(), data["role"].strip()
        if position and organisation:
            title = f"{position} at {organisation}"
        elif organisation:
            verb = "Work" if section == "work" else "Volunteering"
            title = f"{verb} at {organisation}"
        else:
            title = position
        if len(title) > rules.TITLE_MAX:
            # A title the mapping made up; the parts are kept whole in their fields.
            candidate.notes.append(
                f"{where}: title shortened to {rules.TITLE_MAX} characters; "
                "the organisation and position are kept whole"
            )
            title = _clip(title, rules.TITLE_MAX)
        data["title"] = title
        sources["title"] = where  # made from the position and the organisation
        if section == "volunteer":
            data["kind"] = "volunteer"
        elif any(_INTERNSHIP.search(text) for text in (position, data["summary"], organisation)):
            data["kind"] = "internship"
        else:
            data["kind"] = "paid"
        sources["kind"] = where
        # JSON Resume convention: a position without an end is current.
        data["ongoing"] = candidate.start is not None and data.get("end") is None
        sources["ongoing"] = f"{where}.endDate"
        self._url(candidate, entry)
        return candidate

    def _candidate(self, entry: dict[str, Any], where: str) -> _Candidate:
        """Start an entry's input with what every section writes the same way."""
        candidate = _Candidate(where, {}, {}, {}, [], None)
        data, sources = candidate.data, candidate.sources
        start = self._date(entry.get("startDate"), f"{where}.startDate")
        end = self._date(entry.get("endDate"), f"{where}.endDate")
        candidate.start = start
        sources["start"], sources["end"] = f"{where}.startDate", f"{where}.endDate"
        if start is not None:  # left out, the schema says a start is needed
            data["start"] = rules.format_month(start)
        data["end"] = rules.format_month(end)
        for field, name in (("highlights", "highlights"), ("technologies", "keywords")):
            items, positions = [], []
            for n, value in enumerate(entry.get(name) or []):
                text = _one_line(value)
                if text.strip():  # a blank item is nothing, not a mistake
                    items.append(text)
                    positions.append(n)
            data[field] = items
            sources[field] = f"{where}.{name}"
            candidate.items[field] = positions
        return candidate

    def _summary_and_description(self, candidate: _Candidate, value: Any, name: str) -> None:
        # Foreign summaries are often whole paragraphs: rather than cut them,
        # keep the full text as the description and a shortened summary.
        where = f"{candidate.where}.{name}"
        text = value.strip() if isinstance(value, str) else ""
        summary = _one_line(text)
        description = ""
        if len(summary) > rules.SUMMARY_MAX:
            candidate.notes.append(
                f"{where}: longer than {rules.SUMMARY_MAX} characters, "
                "shortened; the full text is kept as the description"
            )
            summary, description = _clip(summary, rules.SUMMARY_MAX), text
        candidate.data["summary"] = summary
        candidate.data["description"] = description
        candidate.sources["summary"] = candidate.sources["description"] = where

    def _url(self, candidate: _Candidate, entry: dict[str, Any]) -> None:
        for name in ("url", "website"):  # JSON Resume before v1.0.0 said "website"
            value = entry.get(name)
            if isinstance(value, str) and value.strip():
                candidate.data["live_url"] = value
                candidate.sources["live_url"] = f"{candidate.where}.{name}"
                return

    def _date(self, value: Any, where: str) -> date | None:
        if not isinstance(value, str):
            return None
        match = _DATE.match(value)
        if match is None:  # the schema pattern already refused this
            return None
        year, month, day = (int(part) if part else 1 for part in match.groups())
        try:
            date(year, month, day)
        except ValueError:
            self.problems.append(Problem(where, f"{value} is not a real date"))
            return None
        # Projects are dated to the month; the day is deliberately dropped.
        return date(year, month, 1)

    # -- the owner's details

    def _owner(self, basics: Any) -> PortfolioOwner | None:
        if not isinstance(basics, dict):
            return None
        data: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for field, name in (
            ("name", "name"),
            ("headline", "label"),
            ("email", "email"),
            ("website", "url"),
        ):
            value = basics.get(name)
            if isinstance(value, str) and value.strip():
                data[field] = value if field == "website" else _one_line(value)
                sources[field] = f"basics.{name}"
        if isinstance(basics.get("summary"), str):
            data["bio"], sources["bio"] = basics["summary"].strip(), "basics.summary"
        location = basics.get("location")
        if isinstance(location, dict):
            # A street address is never imported: the portfolio shows a place.
            parts = [
                _one_line(location.get(part))
                for part in ("city", "region", "countryCode")
                if isinstance(location.get(part), str)
            ]
            data["location"] = ", ".join(part.strip() for part in parts if part.strip())
            sources["location"] = "basics.location"
        data["links"] = self._links(basics.get("profiles"))
        # Each problem leaves out the detail at fault (each link was checked on its
        # own already), so this ends within one pass per detail.
        for _ in range(len(data)):
            found = [p for p in problems(DetailsIn, data) if p.field in data]
            if not found:
                break
            for problem in found:
                if problem.field in data:
                    where = sources.get(problem.field, "basics.profiles")
                    self.notes.append(f"{where}: left out; {problem.message}")
                    del data[problem.field]
        details = validate(DetailsIn, data)
        owner = details.to_owner()
        return owner if owner != PortfolioOwner(name="") else None

    def _links(self, profiles: Any) -> list[dict[str, str]]:
        """Return the profile links the rules accept; leave out the others with a note."""
        links: list[dict[str, str]] = []
        for n, profile in enumerate(profiles if isinstance(profiles, list) else []):
            where = f"basics.profiles[{n}]"
            if not isinstance(profile, dict):
                continue
            link = {
                field: _one_line(profile.get(field)) if field != "url" else profile["url"]
                for field in ("network", "username", "url")
                if isinstance(profile.get(field), str)
            }
            found = problems(ProfileLinkIn, link)
            if found:
                reasons = "; ".join(f"{p.field}: {p.message}" for p in found)
                self.notes.append(f"{where}: left out; {reasons}")
                continue
            if validate(ProfileLinkIn, link).empty:
                continue
            if len(links) >= rules.MAX_LINKS:
                self.notes.append(f"{where} and later: skipped, at most {rules.MAX_LINKS} links")
                break
            links.append(link)
        return links


def _entries(section: Any) -> list[dict[str, Any]]:
    """Return a section's entries (the schema has checked each is an object)."""
    return [entry if isinstance(entry, dict) else {} for entry in section or []]


def _one_line(value: Any) -> str:
    """Return text bound for a one-line field with its line breaks made spaces."""
    if not isinstance(value, str):
        return ""
    return _LINE_BREAKS.sub(" ", value)


def _identity(extension: Any) -> Hashable | None:
    """Return what tells an entry of our own export apart: its x-portfolio key or id."""
    if not isinstance(extension, dict):
        return None
    key, project_id = extension.get("key"), extension.get("id")
    if isinstance(key, str) and key:
        return ("key", key)
    if isinstance(project_id, int) and not isinstance(project_id, bool):
        return ("id", project_id)
    return None


def _kind_from_type(value: Any) -> str:
    kind = value.strip().casefold() if isinstance(value, str) else ""
    if kind in KINDS:
        return kind
    if kind in ("volunteering", "voluntary", "charity"):
        return "volunteer"
    return "personal"


def _flag(extension: Mapping[str, Any], name: str, *, default: bool) -> bool:
    value = extension.get(name)
    return value if isinstance(value, bool) else default


def _carry_references(candidate: _Candidate, entry: dict[str, Any]) -> None:
    """Carry an entry's confirmed references as a plain note: never as confirmed ones."""
    note = carried_note(entry.get(REFERENCES_EXTENSION))
    if not note:
        return
    joined = with_note(candidate.data.get("description") or "", note)
    if joined is None:
        candidate.notes.append(
            f"{candidate.where}: its references were left out (the description is full); "
            "ask the referees to confirm the work here"
        )
        return
    candidate.data["description"] = joined
    candidate.notes.append(
        f"{candidate.where}: its references arrive as a note in the description, not as "
        "confirmed references; ask the referees to confirm the work here"
    )
