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
* Only http and https URLs are ever written or imported. Standard URL fields are
  written as strict RFC 3986 URIs (punycode host, percent-encoded path); when
  that changed a project's live URL, ``x-portfolio.liveUrl`` keeps it as typed.
* Foreign entries import as private and not featured, for the owner to review.
* Two projects may share a natural key (``project_key``: title, kind, organisation,
  start). Within one file, entries carrying ``x-portfolio`` are told apart by its
  ``key`` (or ``id``); only entries without it are merged by natural key. Against
  the portfolio, ``new_and_present`` counts: N entries with a key, into a
  portfolio already holding M projects with it, create max(0, N - M).
* A file within the import's byte limit is never cut short: ``MAX_PROJECTS`` is
  above the number of projects even the tersest 400 kB file can hold.
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
from portfolio.projects.record import KINDS, PortfolioOwner, ProfileLink, ProjectRecord

SCHEMA_PATH = Path(__file__).with_name("jsonresume-schema.json")
SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
SCHEMA_VERSION = "v1.0.0"

#: Key of the extension object carrying what JSON Resume has no field for.
EXTENSION = "x-portfolio"

#: Longest text kept on import, in characters; longer text is shortened. These
#: match the form and database limits so an import never fails on save.
LIMITS: dict[str, int] = {
    "title": 200,
    "organisation": 200,
    "role": 120,
    "summary": 300,
    "description": 20_000,
    "highlight": 300,
    "technology": 60,  # the catalogue's MAX_TAG_LENGTH
    "url": 2_000,
    "name": 120,
    "headline": 120,
    "bio": 5_000,
    "location": 120,
    "email": 254,
    "network": 100,
    "username": 100,
}
MAX_HIGHLIGHTS = 20
MAX_TECHNOLOGIES = 30
#: A safety net for callers with a large ``max_bytes``, never reached within the web
#: and API limit of 400 kB: the smallest entry that yields a project,
#: ``{"name":"x"},``, is 13 bytes, so 400 kB holds at most 30,768 projects.
MAX_PROJECTS = 40_000
MAX_LINKS = 20
#: Enough problems to fix a file in a few passes without flooding the page.
MAX_PROBLEMS = 20

WORK_KINDS: tuple[str, ...] = ("paid", "internship")

# Singular forms only: "intern" describes the position, while "mentored
# interns" in a summary describes someone else's.
_INTERNSHIP = re.compile(r"\b(?:intern|internship|placement|trainee|traineeship)\b", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Deliberately loose: it only has to agree with the schema's "email" format
# and catch obvious junk; the app validates addresses properly elsewhere.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# C0/C1 controls (bar tab, newline, carriage return) and lone surrogates: they
# break databases and terminals and nobody types them on purpose.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]+")

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
class ImportPlan:
    """What an import would create, for the user to review before saving."""

    projects: tuple[ProjectRecord, ...]
    owner: PortfolioOwner | None
    skipped: tuple[str, ...]  # notes on what was skipped, shortened or dropped


# --------------------------------------------------------------------------
# Helpers shared with the other exports


def http_url(value: str) -> str:
    """Return the URL stripped if it is an absolute http(s) URL, else ""."""
    url = value.strip()
    # Whitespace or controls inside a URL are never legitimate and are how
    # attribute and Markdown injections start.
    if not url or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return url


def export_uri(value: str) -> str:
    """Return an http(s) URL as a strict RFC 3986 URI, or "" if it is not one."""
    url = http_url(value)
    if not url:
        return ""
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii():
        # Internationalised host names become their punycode form; a
        # non-ASCII host cannot be an IPv6 literal, so ":" starts the port.
        userinfo, at, host_port = netloc.rpartition("@")
        host, colon, port = host_port.partition(":")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return ""
        netloc = f"{userinfo}{at}{host}{colon}{port}"
        if not netloc.isascii():  # a non-ASCII user name or password
            return ""
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


class _Importer:
    """One import run: turns a schema-valid document into an ImportPlan."""

    def __init__(self, catalogue: TechnologyCatalogue) -> None:
        self.catalogue = catalogue
        self.notes: list[str] = []
        self.problems: list[Problem] = []

    def run(self, document: dict[str, Any]) -> ImportPlan:
        owner = self._owner(document.get("basics"))
        # (where, record, identity): identity is the x-portfolio key of an entry
        # from our own export, None for a foreign entry.
        candidates: list[tuple[str, ProjectRecord, Hashable | None]] = []
        own_keys: set[str] = set()
        own_work: set[tuple[str, date | None]] = set()
        own_volunteer: set[tuple[str, date | None]] = set()
        for i, entry in enumerate(document.get("projects") or []):
            where = f"projects[{i}]"
            record = self._project(entry, where)
            if record is None:
                continue
            extension = entry.get(EXTENSION)
            candidates.append((where, record, _identity(extension)))
            if isinstance(extension, dict) and isinstance(extension.get("key"), str):
                own_keys.add(extension["key"])
            # Our work/volunteer copies are named after the organisation, or
            # after the title when there is none. Matching on that as well as
            # on x-portfolio keys also catches our export after an editor has
            # stripped the extension objects.
            anchor = (record.organisation or record.title).casefold()
            if record.kind in WORK_KINDS:
                own_work.add((anchor, record.start))
            elif record.kind == "volunteer":
                own_volunteer.add((anchor, record.start))
        for section, duplicates in (("work", own_work), ("volunteer", own_volunteer)):
            for i, entry in enumerate(document.get(section) or []):
                where = f"{section}[{i}]"
                extension = entry.get(EXTENSION)
                if isinstance(extension, dict) and extension.get("project") in own_keys:
                    continue  # our own copy of a project imported above
                record = self._position(entry, where, section)
                if record is None:
                    continue
                anchor = (record.organisation or record.title).casefold()
                if (anchor, record.start) in duplicates:
                    self.notes.append(f"{where}: same as an entry in projects, skipped")
                    continue
                candidates.append((where, record, None))
        if self.problems:
            raise ResumeImportError(self.problems[:MAX_PROBLEMS])
        projects = self._deduplicate(candidates)
        unsupported = [s for s in _UNSUPPORTED_SECTIONS if document.get(s)]
        if unsupported:
            self.notes.append(
                f"{', '.join(unsupported)}: not imported; the portfolio holds projects"
            )
        return ImportPlan(tuple(projects), owner, tuple(self.notes))

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

    # -- entries

    def _project(self, entry: dict[str, Any], where: str) -> ProjectRecord | None:
        extension = entry.get(EXTENSION)
        ours = extension if isinstance(extension, dict) else {}
        title = self._line(entry.get("name"), f"{where}.name", "title")
        if not title:
            self.notes.append(f"{where}: no name, skipped")
            return None
        kind = ours.get("kind") or _kind_from_type(entry.get("type"))
        start = self._date(entry.get("startDate"), f"{where}.startDate")
        end = self._date(entry.get("endDate"), f"{where}.endDate")
        roles = [
            self._line(role, f"{where}.roles[{n}]", "role")
            for n, role in enumerate(entry.get("roles") or [])
        ]
        if "summary" in ours:
            summary = self._line(ours["summary"], f"{where}.{EXTENSION}.summary", "summary")
            description = self._multiline(
                ours.get("descriptionMarkdown"),
                f"{where}.{EXTENSION}.descriptionMarkdown",
                "description",
                # The app stores Markdown as typed, trailing newline and all.
                strip=False,
            )
        else:
            summary, description = self._summary_and_description(
                entry.get("description"), f"{where}.description"
            )
        return ProjectRecord(
            title=title,
            kind=kind,
            organisation=self._line(entry.get("entity"), f"{where}.entity", "organisation"),
            role=_clip(", ".join(r for r in roles if r), LIMITS["role"]),
            start=start,
            end=end,
            ongoing=_flag(ours, "ongoing", default=start is not None and end is None),
            summary=summary,
            description=description,
            highlights=self._highlights(entry.get("highlights"), where),
            live_url=self._url(
                ours.get("liveUrl") or entry.get("url") or entry.get("website"),
                f"{where}.url",
            ),
            source_url=self._url(ours.get("sourceUrl"), f"{where}.{EXTENSION}.sourceUrl"),
            technologies=self._technologies(entry.get("keywords"), where),
            # Foreign entries stay private until the owner has reviewed them.
            public=_flag(ours, "public", default=False),
            featured=_flag(ours, "featured", default=False),
        )

    def _position(self, entry: dict[str, Any], where: str, section: str) -> ProjectRecord | None:
        name_field = "name" if section == "work" else "organization"
        raw_name = entry.get(name_field) or entry.get("company")
        organisation = self._line(raw_name, f"{where}.{name_field}", "organisation")
        position = self._line(entry.get("position"), f"{where}.position", "role")
        summary, description = self._summary_and_description(
            entry.get("summary"), f"{where}.summary"
        )
        if position and organisation:
            title = f"{position} at {organisation}"
        elif organisation:
            verb = "Work" if section == "work" else "Volunteering"
            title = f"{verb} at {organisation}"
        elif position:
            title = position
        else:
            self.notes.append(f"{where}: no organisation or position, skipped")
            return None
        if len(title) > LIMITS["title"]:
            title = _clip(title, LIMITS["title"])
        if section == "volunteer":
            kind = "volunteer"
        elif any(_INTERNSHIP.search(text) for text in (position, summary, organisation)):
            kind = "internship"
        else:
            kind = "paid"
        start = self._date(entry.get("startDate"), f"{where}.startDate")
        end = self._date(entry.get("endDate"), f"{where}.endDate")
        return ProjectRecord(
            title=title,
            kind=kind,
            organisation=organisation,
            role=position,
            start=start,
            end=end,
            # JSON Resume convention: a position without an end is current.
            ongoing=start is not None and end is None,
            summary=summary,
            description=description,
            highlights=self._highlights(entry.get("highlights"), where),
            live_url=self._url(entry.get("url") or entry.get("website"), f"{where}.url"),
            technologies=self._technologies(entry.get("keywords"), where),
        )

    def _owner(self, basics: Any) -> PortfolioOwner | None:
        if not isinstance(basics, dict):
            return None
        location = basics.get("location")
        place = ""
        if isinstance(location, dict):
            parts = [
                self._line(location.get(part), f"basics.location.{part}", "location")
                for part in ("city", "region", "countryCode")
                if isinstance(location.get(part), str)
            ]
            place = _clip(", ".join(p for p in parts if p), LIMITS["location"])
        email = self._line(basics.get("email"), "basics.email", "email")
        if email and not _EMAIL.match(email):
            self.notes.append("basics.email: not an email address, dropped")
            email = ""
        links: list[ProfileLink] = []
        for n, profile in enumerate(basics.get("profiles") or []):
            where = f"basics.profiles[{n}]"
            if len(links) >= MAX_LINKS:
                self.notes.append(f"{where} and later: skipped, at most {MAX_LINKS} links")
                break
            link = ProfileLink(
                network=self._line(profile.get("network"), f"{where}.network", "network"),
                url=self._url(profile.get("url"), f"{where}.url"),
                username=self._line(profile.get("username"), f"{where}.username", "username"),
            )
            if link.network or link.url:
                links.append(link)
        owner = PortfolioOwner(
            name=self._line(basics.get("name"), "basics.name", "name"),
            headline=self._line(basics.get("label"), "basics.label", "headline"),
            bio=self._multiline(basics.get("summary"), "basics.summary", "bio"),
            location=place,
            email=email,
            website=self._url(basics.get("url"), "basics.url"),
            links=tuple(links),
        )
        return owner if owner != PortfolioOwner(name="") else None

    # -- fields

    def _line(self, value: Any, where: str, limit: str) -> str:
        return self._limit(_clean_line(value), where, limit)

    def _multiline(self, value: Any, where: str, limit: str, *, strip: bool = True) -> str:
        if not isinstance(value, str):
            return ""
        text = _CONTROL.sub("", value)
        return self._limit(text.strip() if strip else text, where, limit)

    def _limit(self, text: str, where: str, limit: str) -> str:
        if len(text) <= LIMITS[limit]:
            return text
        self.notes.append(f"{where}: shortened to {LIMITS[limit]} characters")
        return _clip(text, LIMITS[limit])

    def _summary_and_description(self, value: Any, where: str) -> tuple[str, str]:
        # Foreign summaries are often whole paragraphs: rather than cut them,
        # keep the full text as the description and a shortened summary.
        text = self._multiline(value, where, "description")
        summary = _LINE_BREAKS.sub(" ", text)
        if len(summary) <= LIMITS["summary"]:
            return summary, ""
        self.notes.append(
            f"{where}: longer than {LIMITS['summary']} characters, "
            "shortened; the full text is kept as the description"
        )
        return _clip(summary, LIMITS["summary"]), text

    def _highlights(self, values: Any, where: str) -> tuple[str, ...]:
        highlights: list[str] = []
        for n, value in enumerate(values or []):
            text = self._line(value, f"{where}.highlights[{n}]", "highlight")
            if not text:
                continue
            if len(highlights) >= MAX_HIGHLIGHTS:
                self.notes.append(
                    f"{where}.highlights[{n}] and later: skipped, "
                    f"at most {MAX_HIGHLIGHTS} highlights"
                )
                break
            highlights.append(text)
        return tuple(highlights)

    def _technologies(self, values: Any, where: str) -> tuple[str, ...]:
        raw: list[str] = []
        for n, value in enumerate(values or []):
            text = _clean_line(value)
            if len(text) > LIMITS["technology"]:
                # A shortened technology name is junk; better to leave it out.
                self.notes.append(f"{where}.keywords[{n}]: too long, skipped")
            elif text:
                raw.append(text)
        if not raw:
            return ()
        names = list(
            dict.fromkeys(tag.name for tag in self.catalogue.normalise_tags(raw) if tag.name)
        )
        if len(names) > MAX_TECHNOLOGIES:
            self.notes.append(f"{where}.keywords: only the first {MAX_TECHNOLOGIES} kept")
            names = names[:MAX_TECHNOLOGIES]
        return tuple(names)

    def _url(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            return ""
        url = http_url(value)
        if not url:
            self.notes.append(f"{where}: dropped, only http and https links are kept")
        elif len(url) > LIMITS["url"]:
            self.notes.append(f"{where}: longer than {LIMITS['url']} characters, dropped")
            url = ""
        return url

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


def _clean_line(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return _LINE_BREAKS.sub(" ", _CONTROL.sub("", value)).strip()


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
