"""Reading API request bodies and query strings, and writing projects as JSON.

The rules mirror the project form (portfolio/projects/forms.py) so a project saved
through the API is one the form would have accepted: a title up to 200 characters,
one of the four kinds, a start month, an end no earlier than the start and none on
ongoing work, http(s) links only, at most 20 highlights of 300 characters and 30
technologies. Type checks are strict (a number is not a string, ``true`` is not a
number) and every problem is reported at once, each with a JSON Pointer.

Text must not contain NUL, other control characters (bar tab and line breaks) or lone
surrogates: PostgreSQL cannot store NUL and neither database can store a surrogate,
so they are refused here rather than failing deep in the driver.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from flask import request

from portfolio.api.problems import MALFORMED, ApiProblem, FieldError, validation_problem
from portfolio.models import Project
from portfolio.projects.forms import MAX_HIGHLIGHT_LENGTH, MAX_HIGHLIGHTS, MAX_TECHNOLOGIES
from portfolio.projects.record import KINDS, ProjectRecord
from portfolio.technologies.catalogue import get_catalogue

JSON_TYPES = ("application/json",)
MERGE_PATCH = "application/merge-patch+json"

MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
MAX_TECHNOLOGY_LENGTH = 80

#: Text fields: name -> longest length in characters.
TEXT_LIMITS: dict[str, int] = {
    "title": 200,
    "organisation": 200,
    "role": 120,
    "summary": 300,
    "description": 20_000,
    "live_url": 2000,
    "source_url": 2000,
}
BOOL_FIELDS = ("ongoing", "public", "featured")
INPUT_FIELDS = (
    *TEXT_LIMITS,
    "kind",
    "start",
    "end",
    *BOOL_FIELDS,
    "highlights",
    "technologies",
)
REQUIRED_FIELDS = ("title", "kind", "start")


# --- reading the body ---------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_body(*, media_types: tuple[str, ...] = JSON_TYPES) -> Any:
    """Return the parsed JSON body, or raise 415 or 400 problems."""
    mimetype = request.mimetype
    if mimetype not in media_types:
        accepted = " or ".join(media_types)
        raise ApiProblem(
            415,
            f"Send the body as {accepted} (Content-Type was "
            f"{mimetype or 'missing'}).",
            headers={"Accept-Post" if request.method == "POST" else "Accept-Patch": ", ".join(
                media_types
            )} if request.method in ("POST", "PATCH") else None,
        )  # fmt: skip
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiProblem(400, "The body is not UTF-8 text.", type=MALFORMED) from None
    if not text.strip():
        raise ApiProblem(400, "The body is empty; send a JSON object.", type=MALFORMED)
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ApiProblem(
            400,
            f"The body is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}.",
            type=MALFORMED,
        ) from None
    except RecursionError:
        raise ApiProblem(400, "The body is nested too deeply.", type=MALFORMED) from None
    except ValueError as error:
        # NaN/Infinity, or an integer with more digits than Python will convert.
        raise ApiProblem(400, f"The body is not valid JSON: {error}.", type=MALFORMED) from None


def json_object(*, media_types: tuple[str, ...] = JSON_TYPES) -> dict[str, Any]:
    """Return the body, which must be a JSON object."""
    body = json_body(media_types=media_types)
    if not isinstance(body, dict):
        raise validation_problem([FieldError("", f"Expected a JSON object, not {_type(body)}.")])
    return body


def _type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


# --- projects in -----------------------------------------------------------


@dataclass
class _Checker:
    errors: list[FieldError]

    def fail(self, pointer: str, message: str) -> None:
        self.errors.append(FieldError(pointer, message))

    def text(self, name: str, value: Any) -> str | None:
        pointer = f"/{name}"
        if not isinstance(value, str):
            self.fail(pointer, f"Must be a string, not {_type(value)}.")
            return None
        if _BAD_TEXT.search(value):
            self.fail(pointer, "Must not contain control characters or lone surrogates.")
            return None
        limit = TEXT_LIMITS[name]
        if len(value) > limit:
            self.fail(pointer, f"Must be at most {limit} characters (it has {len(value)}).")
            return None
        return value

    def month(self, name: str, value: Any) -> date | None:
        pointer = f"/{name}"
        if not isinstance(value, str):
            self.fail(pointer, f'Must be a month like "2025-03", not {_type(value)}.')
            return None
        match = MONTH_RE.match(value)
        if match is None or not (1 <= int(match[2]) <= 12) or int(match[1]) < 1:
            self.fail(pointer, 'Must be a month like "2025-03".')
            return None
        return date(int(match[1]), int(match[2]), 1)

    def string_list(self, name: str, value: Any, most: int, longest: int) -> tuple[str, ...]:
        pointer = f"/{name}"
        if not isinstance(value, list):
            self.fail(pointer, f"Must be an array of strings, not {_type(value)}.")
            return ()
        if len(value) > most:
            self.fail(pointer, f"Must have at most {most} items (it has {len(value)}).")
            return ()
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"{pointer}/{index}", f"Must be a string, not {_type(item)}.")
            elif _BAD_TEXT.search(item):
                self.fail(
                    f"{pointer}/{index}", "Must not contain control characters or lone surrogates."
                )
            elif len(item) > longest:
                self.fail(f"{pointer}/{index}", f"Must be at most {longest} characters.")
            else:
                items.append(item)
        return tuple(items)


def _web_address(checker: _Checker, name: str, value: str) -> str:
    from urllib.parse import urlsplit

    value = value.strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        checker.fail(f"/{name}", "Must be a full web address starting with http:// or https://.")
    elif any(ch.isspace() for ch in value):
        checker.fail(f"/{name}", "A web address cannot contain spaces.")
    return value


def record_from_json(body: dict[str, Any], base: ProjectRecord | None = None) -> ProjectRecord:
    """Return the project a body describes, on top of ``base`` for a partial update.

    Without ``base`` (create, replace) title, kind and start are required and every
    other field takes its default. With ``base`` (PATCH, JSON Merge Patch) only the
    fields present change, and ``"end": null`` clears the end month.
    """
    checker = _Checker([])
    unknown = sorted(set(body) - set(INPUT_FIELDS))
    for name in unknown[:20]:
        checker.fail(f"/{_escape(name)}", "Is not a project field.")
    if base is None:
        for name in REQUIRED_FIELDS:
            if name not in body or body[name] is None:
                checker.fail(f"/{name}", "Is required.")
    changes: dict[str, Any] = {}
    for name, value in body.items():
        if name not in INPUT_FIELDS or (base is None and name in REQUIRED_FIELDS and value is None):
            continue
        if value is None and name != "end":
            checker.fail(f"/{name}", "Must not be null.")
            continue
        if name in TEXT_LIMITS:
            text = checker.text(name, value)
            if text is None:
                continue
            if name in ("live_url", "source_url"):
                text = _web_address(checker, name, text)
            changes[name] = text
        elif name == "kind":
            if value not in KINDS:
                checker.fail("/kind", f"Must be one of: {', '.join(KINDS)}.")
            else:
                changes["kind"] = value
        elif name in ("start", "end"):
            changes[name] = None if value is None else checker.month(name, value)
        elif name in BOOL_FIELDS:
            if not isinstance(value, bool):
                checker.fail(f"/{name}", f"Must be true or false, not {_type(value)}.")
            else:
                changes[name] = value
        elif name == "highlights":
            changes[name] = checker.string_list(name, value, MAX_HIGHLIGHTS, MAX_HIGHLIGHT_LENGTH)
        elif name == "technologies":
            names = checker.string_list(name, value, MAX_TECHNOLOGIES, MAX_TECHNOLOGY_LENGTH)
            # A name with commas is split into several tags; count what would be saved.
            if len(get_catalogue().normalise_tags(names)) > MAX_TECHNOLOGIES:
                checker.fail("/technologies", f"Must have at most {MAX_TECHNOLOGIES} technologies.")
            changes[name] = names
    if checker.errors:
        raise validation_problem(checker.errors)
    if base is None:
        record = ProjectRecord(title="", kind="personal")
        wanted = {f.name for f in fields(ProjectRecord)} - {"id"}
        record = replace(record, **{k: v for k, v in changes.items() if k in wanted})
    else:
        record = replace(base, **changes)
        # Merge patch: turning ongoing on drops an end the client did not mention.
        if changes.get("ongoing") is True and "end" not in changes:
            record = replace(record, end=None)
    _check_whole(checker, record)
    if checker.errors:
        raise validation_problem(checker.errors)
    return record


def _check_whole(checker: _Checker, record: ProjectRecord) -> None:
    """Check the rules that span fields, on the record as it would be saved."""
    if not record.title.strip():
        checker.fail("/title", "Give the project a title.")
    if record.start is None:
        checker.fail("/start", "Is required.")
    if record.end is not None:
        if record.ongoing:
            checker.fail("/end", "An ongoing project has no end: send null or ongoing false.")
        elif record.start is not None and record.end < record.start:
            checker.fail("/end", "Must not be before start.")
    highlights = [h for h in record.highlights if h.strip()]
    if len(highlights) > MAX_HIGHLIGHTS:
        checker.fail("/highlights", f"Must have at most {MAX_HIGHLIGHTS} items.")


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")[:100]


# --- projects out ------------------------------------------------------------


def month(value: date | None) -> str | None:
    """Return a date as "YYYY-MM", or None."""
    return f"{value.year:04d}-{value.month:02d}" if value else None


def project_json(project: Project) -> dict[str, Any]:
    """Return a project as the API sends it."""
    return {
        "id": project.id,
        "title": project.title,
        "kind": project.kind,
        "organisation": project.organisation or "",
        "role": project.role or "",
        "start": month(project.start),
        "end": month(project.end),
        "ongoing": bool(project.ongoing),
        "summary": project.summary or "",
        "description": project.description or "",
        "highlights": list(project.highlights or []),
        "live_url": project.live_url or "",
        "source_url": project.source_url or "",
        "technologies": project.technology_names,
        "public": bool(project.public),
        "featured": bool(project.featured),
        "created_at": _timestamp(project.created_at),
        "updated_at": _timestamp(project.updated_at),
    }


def _timestamp(value) -> str | None:
    return value.replace(microsecond=0).isoformat() + "Z" if value else None
