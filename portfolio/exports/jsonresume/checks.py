"""Reading an uploaded file: JSON within the size limit, then the schema's problems."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jsonschema.validators import validator_for

from portfolio.exports import jsonresume
from portfolio.exports.jsonresume.document import EXTENSION, load_schema
from portfolio.projects.record import KINDS


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
    return problems[: jsonresume.MAX_PROBLEMS]


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


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # Prefer to break between words, unless that would lose too much.
    space = cut.rfind(" ")
    if space >= limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"
