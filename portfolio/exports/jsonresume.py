"""Export a portfolio to JSON Resume (v1.0.0) and import one back.

Plain Python: no Flask, no SQLAlchemy. The schema is a vendored copy
(``jsonresume-schema.json``, MIT, see ``jsonresume-LICENSE.md``) so neither the
app nor the tests read anything outside the repository.

Mapping decisions worth knowing:

* ``basics.location``: the owner's location is one free-text field ("Leeds, UK",
  "Remote"). It goes whole into ``location.city``, which themes show most
  prominently; splitting it into city/region would be a guess that could not be
  undone. On import, ``city``, ``region`` and ``countryCode`` are joined with
  ", "; a street ``address`` is never imported.
* Every project is written to ``projects``, carrying an ``x-portfolio`` object
  with what the standard lacks, so importing our own export restores each
  ``ProjectRecord`` exactly. Paid work and internships are also written to
  ``work``, volunteer projects to ``volunteer``, as themes expect; those copies
  point back at their project (``x-portfolio.project``) and are skipped on import,
  as is any work/volunteer entry with the same organisation and start as a
  paid/internship/volunteer entry in ``projects`` (an editor may have dropped
  the extension objects).
* Only http and https URLs are ever written or imported, under the one web-address
  rule (``rules.check_web_address``). Standard URL fields are written as strict RFC
  3986 URIs (the host in its IDNA 2008 ASCII form, so ``ß.de`` is written
  ``xn--zca.de``, the same host, never ``ss.de``; the path percent-encoded); when
  that changed a project's live URL, ``x-portfolio.liveUrl`` keeps it as typed.
* Import maps each projects/work/volunteer entry to the input of the project schema
  (``ProjectIn``), then validates it like the form and the API do. An entry the schema
  refuses is not imported: ``ImportPlan.refused`` names it with the rule's own message
  for each problem, and the rest of the file still imports. Nothing is silently
  changed to fit: text with a control or text-direction character, an end before the
  start, a missing start, a technology over its limit are all refused. The mapping
  only shortens what it made up or moved: a title built from position and
  organisation, and a long foreign summary, whose full text becomes the description;
  both with a note. Line breaks inside a one-line field (a wrapped highlight) become
  spaces, as the standard has no one-line fields.
* The owner's details (``basics``) are checked with ``DetailsIn``: a detail or a
  profile link the rules refuse is left out with a note giving the reason.
* Foreign entries import as private and not featured, for the owner to review.
* Two projects may share a natural key (``project_key``: title, kind, organisation,
  start). Within one file, entries carrying ``x-portfolio`` are told apart by its
  ``key`` (or ``id``); only entries without it are merged by natural key. Against
  the portfolio, ``new_and_present`` counts: N entries with a key, into a
  portfolio already holding M projects with it, create max(0, N - M).
* A file within the import's byte limit is never cut short: ``MAX_PROJECTS`` is
  above the number of entries even the tersest 400 kB file can hold.
* The exporter writes whatever it is given: pass ``public_only(projects)`` for a
  resume meant to be published.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlsplit, urlunsplit

from jsonschema.validators import validator_for

from portfolio.exports.grouping import group_technologies
from portfolio.projects.record import KINDS, PortfolioOwner, ProjectRecord
from portfolio.schemas import rules
from portfolio.schemas.base import Problem as RuleProblem
from portfolio.schemas.base import SchemaError, problems, validate
from portfolio.schemas.details import DetailsIn, ProfileLinkIn
from portfolio.schemas.project import ProjectIn

SCHEMA_PATH = Path(__file__).with_name("jsonresume-schema.json")
SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
SCHEMA_VERSION = "v1.0.0"

#: Key of the extension object carrying what JSON Resume has no field for.
EXTENSION = "x-portfolio"

#: A safety net for callers with a large ``max_bytes``, never reached within the web
#: and API limit of 400 kB: the smallest entry, ``{"name":"x"},``, is 13 bytes, so
#: 400 kB holds at most 30,768 entries.
MAX_PROJECTS = 40_000
#: Enough problems to fix a file in a few passes without flooding the page.
MAX_PROBLEMS = 20
#: The longest title of a refused entry the preview repeats (it is not stored).
_SHOWN_TITLE_MAX = 120

WORK_KINDS: tuple[str, ...] = ("paid", "internship")

# Singular forms only: "intern" describes the position, while "mentored
# interns" in a summary describes someone else's.
_INTERNSHIP = re.compile(r"\b(?:intern|internship|placement|trainee|traineeship)\b", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Deliberately loose: it only has to agree with the schema's "email" format
# and catch obvious junk; the app validates addresses properly elsewhere.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
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


class TechnologyCatalogue(Protocol):
    """The part of the technology catalogue the exports use."""

    def normalise_tags(self, raw: str | Iterable[str]) -> list[Any]: ...

    def category_of(self, name: str) -> str | None: ...


@dataclass(frozen=True)
class Problem:
    """Something wrong with an uploaded file, and where it is."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class ResumeImportError(ValueError):
    """The uploaded file cannot be imported; ``problems`` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


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


# --------------------------------------------------------------------------
# Helpers shared with the other exports


def http_url(value: str) -> str:
    """Return the URL trimmed if the web-address rule accepts it, else "".

    The one rule (``rules.check_web_address``): absolute http(s), no spaces, controls,
    credentials or unreadable brackets, and a host IDNA 2008 can encode.
    """
    try:
        return rules.check_web_address(value)
    except rules.RuleError:
        return ""


def export_uri(value: str) -> str:
    """Return an http(s) URL as a strict RFC 3986 URI, or "" if it is not one.

    An internationalised host becomes its IDNA 2008 ASCII form (``rules.ascii_host``),
    the same host: ``ß.de`` is ``xn--zca.de``, where Python's IDNA 2003 codec would
    write ``ss.de``, another host.
    """
    url = http_url(value)
    if not url:
        return ""
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii():
        # The rule refuses user names and passwords, and a non-ASCII host cannot be
        # an IPv6 literal, so the netloc is a host and maybe ":" and a port.
        host, colon, port = netloc.partition(":")
        ascii_host = rules.ascii_host(host)
        if ascii_host is None:
            return ""
        netloc = f"{ascii_host}{colon}{port}"
    # A "%" that does not start an escape is a literal percent sign.
    encode = functools.partial(quote, safe="/?:@!$&'()*+,;=%-._~")
    path, query, fragment = (
        encode(_STRAY_PERCENT.sub("%25", part))
        for part in (parts.path, parts.query, parts.fragment)
    )
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


def year_month(day: date | None) -> str:
    """Return the date as "YYYY-MM", or "" when there is none."""
    return f"{day.year:04d}-{day.month:02d}" if day is not None else ""


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


def load_schema() -> dict[str, Any]:
    """Return a fresh copy of the vendored JSON Resume schema."""
    return copy.deepcopy(_schema())


# --------------------------------------------------------------------------
# Export


def to_json_resume(
    owner: PortfolioOwner,
    projects: Sequence[ProjectRecord],
    catalogue: TechnologyCatalogue,
    *,
    generated: datetime | None = None,
) -> dict[str, Any]:
    """Build a JSON Resume document from the owner and their projects."""
    generated = generated or datetime.now(UTC)
    if generated.tzinfo is not None:
        generated = generated.astimezone(UTC)
    keys = _export_keys(projects)
    resume: dict[str, Any] = {"$schema": SCHEMA_URL, "basics": _export_basics(owner)}
    work = [
        _export_experience(p, key, "name")
        for p, key in zip(projects, keys, strict=True)
        if p.kind in WORK_KINDS
    ]
    volunteer = [
        _export_experience(p, key, "organization")
        for p, key in zip(projects, keys, strict=True)
        if p.kind == "volunteer"
    ]
    # Empty sections are left out rather than sent as [] so themes do not
    # render empty headings.
    if work:
        resume["work"] = work
    if volunteer:
        resume["volunteer"] = volunteer
    if projects:
        resume["projects"] = [
            _export_project(p, key) for p, key in zip(projects, keys, strict=True)
        ]
    skills = [
        {"name": label, "keywords": names}
        for label, names in group_technologies(projects, catalogue)
    ]
    if skills:
        resume["skills"] = skills
    resume["meta"] = {
        "version": SCHEMA_VERSION,
        # The schema documents "YYYY-MM-DDThh:mm:ss" (no offset); it is UTC.
        "lastModified": generated.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    return resume


def _export_keys(projects: Sequence[ProjectRecord]) -> list[str]:
    # Database ids make keys stable between exports; unsaved records fall back
    # to their position, which is unique within one document.
    return [f"project-{p.id}" if p.id is not None else f"index-{i}" for i, p in enumerate(projects)]


def _export_basics(owner: PortfolioOwner) -> dict[str, Any]:
    basics = _compact(
        name=owner.name,
        label=owner.headline,
        email=owner.email.strip() if _EMAIL.match(owner.email.strip()) else "",
        url=export_uri(owner.website),
        summary=owner.bio,
    )
    if owner.location:
        basics["location"] = {"city": owner.location}
    profiles = [
        _compact(network=link.network, username=link.username, url=export_uri(link.url))
        for link in owner.links
    ]
    profiles = [p for p in profiles if p]
    if profiles:
        basics["profiles"] = profiles
    return basics


def _export_project(project: ProjectRecord, key: str) -> dict[str, Any]:
    entry = _compact(
        name=project.title,
        description=project.summary,
        highlights=list(project.highlights),
        keywords=list(project.technologies),
        startDate=year_month(project.start),
        endDate=year_month(project.end),
        url=export_uri(project.live_url),
        roles=[project.role] if project.role else [],
        entity=project.organisation,
        type=project.kind,
    )
    extension: dict[str, Any] = {"key": key}
    if project.id is not None:
        extension["id"] = project.id
    extension.update(
        kind=project.kind,
        summary=project.summary,
        descriptionMarkdown=project.description,
        sourceUrl=http_url(project.source_url),
        public=project.public,
        featured=project.featured,
        ongoing=project.ongoing,
    )
    live_url = http_url(project.live_url)
    if live_url != entry.get("url", ""):
        # The standard field needed encoding to be a strict URI; keep the URL
        # exactly as the owner wrote it too.
        extension["liveUrl"] = live_url
    entry[EXTENSION] = extension
    return entry


def _export_experience(project: ProjectRecord, key: str, employer_field: str) -> dict[str, Any]:
    """Return a work or volunteer entry: the standard names the employer field differently."""
    entry = _compact(
        # The employer is the organisation; with none recorded the project title
        # is the most useful thing to show instead.
        **{employer_field: project.organisation or project.title},
        position=project.role,
        url=export_uri(project.live_url),
        startDate=year_month(project.start),
        endDate=year_month(project.end),
        summary=project.summary,
        highlights=list(project.highlights),
    )
    entry[EXTENSION] = {"project": key}
    return entry


def _compact(**fields: Any) -> dict[str, Any]:
    # "" would fail the schema's email/uri formats and [] is noise: omit both.
    return {k: v for k, v in fields.items() if v not in ("", [], None)}


# --------------------------------------------------------------------------
# Import


def parse_json_resume(
    raw: bytes | str,
    catalogue: TechnologyCatalogue,
    *,
    max_bytes: int = 1_000_000,
) -> ImportPlan:
    """Parse and check an uploaded JSON Resume and plan what to import."""
    document = _load_json(raw, max_bytes)
    problems = _schema_problems(document)
    if problems:
        raise ResumeImportError(problems)
    return _Importer(catalogue).run(document)


def _load_json(raw: bytes | str, max_bytes: int) -> dict[str, Any]:
    too_big = Problem("file", f"is larger than the {_describe_size(max_bytes)} an import allows")
    if isinstance(raw, str):
        # Each character is at least one byte, so a cheap length check first
        # avoids encoding a huge string only to refuse it.
        if len(raw) > max_bytes or len(raw.encode("utf-8", "surrogatepass")) > max_bytes:
            raise ResumeImportError([too_big])
        text = raw.removeprefix("\ufeff")
    else:
        if len(raw) > max_bytes:
            raise ResumeImportError([too_big])
        try:
            # utf-8-sig: editors on Windows like to add a byte-order mark.
            text = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ResumeImportError(
                [
                    Problem(
                        "file",
                        f"is not UTF-8 text (invalid byte at offset {exc.start})",
                    )
                ]
            ) from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ResumeImportError(
            [Problem(f"line {exc.lineno}, column {exc.colno}", _json_message(exc))]
        ) from None
    except RecursionError:
        raise ResumeImportError([Problem("file", "is nested too deeply")]) from None
    except ValueError as exc:
        # NaN/Infinity (see _refuse_constant) or integers too long to convert.
        raise ResumeImportError([Problem("file", _clip(str(exc), 200))]) from None
    if not isinstance(document, dict):
        raise ResumeImportError(
            [
                Problem(
                    "file",
                    "must contain a JSON object (a résumé), not " + _json_type_name(document),
                )
            ]
        )
    return document


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"contains {name}, which is not valid JSON")


def _json_message(exc: json.JSONDecodeError) -> str:
    return f"is not valid JSON: {exc.msg[:1].lower()}{exc.msg[1:]}"


def _describe_size(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000} MB"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000} kB"
    return f"{size} bytes"


def _json_type_name(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "null"


@functools.cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.cache
def _import_validator() -> Any:
    schema = load_schema()
    props = schema["properties"]
    # The importer reads x-portfolio and a few legacy fields the standard
    # schema leaves untyped; typing them here means bad values are reported
    # with their location like any other schema error.
    strings = {"type": "array", "items": {"type": "string"}}
    props["projects"]["items"]["properties"][EXTENSION] = {
        "type": "object",
        "properties": {
            "key": {"type": "string"},
            "id": {"type": ["integer", "null"]},
            "kind": {"enum": list(KINDS)},
            "summary": {"type": "string"},
            "descriptionMarkdown": {"type": "string"},
            "sourceUrl": {"type": "string"},
            "liveUrl": {"type": "string"},
            "public": {"type": "boolean"},
            "featured": {"type": "boolean"},
            "ongoing": {"type": "boolean"},
        },
    }
    copy_of = {"type": "object", "properties": {"project": {"type": "string"}}}
    for section in ("work", "volunteer"):
        item = props[section]["items"]["properties"]
        item[EXTENSION] = copy_of
        item["keywords"] = strings
    # JSON Resume before v1.0.0 called these "company" and "website".
    props["work"]["items"]["properties"]["company"] = {"type": "string"}
    for section in ("work", "volunteer", "projects"):
        props[section]["items"]["properties"].setdefault("website", {"type": "string"})
    cls = validator_for(schema)
    cls.check_schema(schema)
    # No format checker: a malformed email or URL is dropped with a note
    # rather than failing the whole upload.
    return cls(schema)


def _schema_problems(document: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[Problem] = set()
    errors = sorted(
        _import_validator().iter_errors(document),
        # Tagging the parts keeps list indexes numeric: [2] before [10].
        key=lambda e: [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in e.absolute_path],
    )
    for error in errors:
        problem = Problem(_location(error.absolute_path), _schema_message(error))
        if problem not in seen:
            seen.add(problem)
            problems.append(problem)
    return problems[:MAX_PROBLEMS]


def _location(path: Iterable[str | int]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "file"


_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "an object",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "null": "null",
}


def _schema_message(error: Any) -> str:
    if error.validator == "type":
        expected = error.validator_value
        if isinstance(expected, str):
            expected = [expected]
        return "must be " + " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
    if error.validator == "pattern" and "[1-2][0-9]{3}" in str(error.validator_value):
        return "must be a date written as 2021, 2021-04 or 2021-04-15"
    if error.validator == "enum":
        return "must be one of " + ", ".join(str(v) for v in error.validator_value)
    if error.validator == "format":
        return f"is not a valid {error.validator_value}"
    return _clip(error.message, 200)


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

    def __init__(self, catalogue: TechnologyCatalogue) -> None:
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
            raise ResumeImportError(self.problems[:MAX_PROBLEMS])
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
            if len(projects) >= MAX_PROJECTS:
                left_out.append(where)  # still counted, to say how many
            else:
                projects.append(record)
        if len(left_out) == 1:
            self.notes.append(
                f"{left_out[0]}: not imported, an import holds at most {MAX_PROJECTS} projects"
            )
        elif left_out:
            self.notes.append(
                f"{left_out[0]} and later entries: {len(left_out)} projects not imported, "
                f"an import holds at most {MAX_PROJECTS} projects"
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


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # Prefer to break between words, unless that would lose too much.
    space = cut.rfind(" ")
    if space >= limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"
