"""Reading API request bodies, and writing projects as JSON.

Every rule is the project schema's (portfolio/schemas/project.py), the same one the
form and the JSON Resume import validate with, so the API accepts exactly what they
accept and says so in the same words. Type checks are strict (a number is not text,
``true`` is not a number) and every problem is reported at once, each with a JSON
Pointer.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import request

from portfolio.api.problems import MALFORMED, ApiProblem, FieldError, validation_problem
from portfolio.models import Project
from portfolio.projects.record import ProjectRecord
from portfolio.projects.services import record_of
from portfolio.schemas.base import Problem, SchemaError, describe, validate
from portfolio.schemas.project import ProjectIn, project_document, record_input

JSON_TYPES = ("application/json",)


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
        raise validation_problem([FieldError("", f"Expected a JSON object, not {describe(body)}.")])
    return body


# --- projects in and out ------------------------------------------------------


def _field_errors(problems: list[Problem]) -> list[FieldError]:
    return [FieldError(p.pointer, p.message) for p in problems]


def record_from_json(body: dict[str, Any], base: ProjectRecord | None = None) -> ProjectRecord:
    """Return the project a body describes, validated by the project schema.

    Without ``base`` (create, replace) the body is the whole project. With ``base``
    (PATCH, JSON Merge Patch) the body's fields replace the stored ones, ``"end": null``
    clears the end month, and turning ongoing on drops an end the client did not send;
    the result is checked whole, so a patch can never store what a create would refuse.
    """
    if base is None:
        data = body
    else:
        data = {**record_input(base), **body}
        if body.get("ongoing") is True and "end" not in body:
            data["end"] = None
        if data.get("start") is None:
            # A project stored before start was required: "required", in its words.
            data.pop("start", None)
    try:
        return validate(ProjectIn, data).to_record(id=base.id if base else None)
    except SchemaError as error:
        raise validation_problem(_field_errors(error.problems)) from None


def project_json(project: Project) -> dict[str, Any]:
    """Return a project as the API sends it."""
    document = project_document(
        record_of(project), created_at=project.created_at, updated_at=project.updated_at
    )
    document["version"] = project.version
    return document


def project_etag(project: Project) -> str:
    """Return the project's entity tag (unquoted): its version, and which project it is.

    The version changes with every saved change; the rest tells apart a project that
    reuses a deleted one's id (SQLite may give it again), so an old tag never matches.
    """
    created = project.created_at.isoformat() if project.created_at else ""
    which = hashlib.sha256(f"{project.id}:{created}".encode()).hexdigest()[:8]
    return f"{project.version}-{which}"
