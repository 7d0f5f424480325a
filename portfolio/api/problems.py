"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API sends has one shape: ``type``, ``title``, ``status``, ``detail`` and
``instance`` (the path asked for), plus ``errors`` (a list of ``{pointer, field,
message}``, the pointer an RFC 6901 JSON Pointer into the request body, or the query
parameter's name as ``field``) when the request was understood but its content was not
valid. Plain HTTP errors use ``type: "about:blank"`` as the RFC says; problems with their
own meaning have a ``type`` that points at their explanation on the API page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, json, request
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_JSON = "application/problem+json"
DOCS_PATH = "/api/v1/docs"

#: Problem types with a meaning of their own, documented on the API page.
VALIDATION = f"{DOCS_PATH}#problem-validation"
MALFORMED = f"{DOCS_PATH}#problem-malformed-json"
CONFLICT = f"{DOCS_PATH}#problem-conflict"
UNAUTHORISED = f"{DOCS_PATH}#problem-unauthorised"
INSUFFICIENT_SCOPE = f"{DOCS_PATH}#problem-insufficient-scope"
RATE_LIMITED = f"{DOCS_PATH}#problem-rate-limited"
QUOTA = f"{DOCS_PATH}#problem-quota"


@dataclass(frozen=True)
class FieldError:
    """One thing wrong with the request's content, and where."""

    pointer: str  # "/title", "/highlights/3"; "" for the body as a whole
    message: str
    field: str = ""  # query parameter name, or the top-level body member

    def to_json(self) -> dict[str, str]:
        """Return the error as the API sends it."""
        field = self.field or self.pointer.lstrip("/").split("/", 1)[0]
        return {"pointer": self.pointer, "field": field, "message": self.message}


class ApiProblem(Exception):
    """Stop handling an API request and answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type: str = "about:blank",
        title: str | None = None,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = type
        self.title = title or HTTP_STATUS_CODES.get(status, "Error")
        self.errors = errors
        self.headers = headers or {}


def validation_problem(errors: list[FieldError], detail: str | None = None) -> ApiProblem:
    """Return the 422 problem for content that is well-formed but not valid."""
    return ApiProblem(
        422,
        detail or "The request has invalid fields; see errors.",
        type=VALIDATION,
        title="Your request is not valid",
        errors=errors,
    )


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    type: str = "about:blank",
    title: str | None = None,
    errors: list[FieldError] | None = None,
    headers: Any = None,
) -> Response:
    """Build an application/problem+json response."""
    body: dict[str, Any] = {
        "type": type,
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail or HTTP_STATUS_CODES.get(status, "Error"),
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = [error.to_json() for error in errors]
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in dict(headers or {}).items():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def from_api_problem(problem: ApiProblem) -> Response:
    """Turn a raised ApiProblem into its response."""
    return problem_response(
        problem.status,
        problem.detail,
        type=problem.type,
        title=problem.title,
        errors=problem.errors,
        headers=problem.headers,
    )
