"""The OpenAPI 3.1 document of the JSON API, made from the schemas and the routes.

Nothing in it is typed twice. The request bodies are the project schema's own JSON
Schema (``ProjectIn``, whose limits are the constants in ``portfolio/schemas/rules.py``),
the responses are the pydantic models in ``portfolio/api/schemas.py``, and the paths are
the ``api`` blueprint's routes. What a route cannot say (its operationId, words,
parameters and answers) is data in ``_operations()``, keyed by endpoint: a route without
an entry there, or an entry without a route, stops the document being made.

The parts: components.py (the schemas and the shared answers), operations.py (the
per-endpoint table), paths.py (the routes) and page.py (the reference page's model).

Tests validate the document with openapi-spec-validator, and schemathesis fuzzes every
operation against it (tests/api/test_api_fuzz.py).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, current_app

from portfolio.api.openapi.components import (
    _HEADERS,
    _SHARED,
    REF,
    DocumentError,
    component_schemas,
)
from portfolio.api.openapi.operations import _IMPORT_KB, _operations
from portfolio.api.openapi.page import constraint_text, reference, type_text
from portfolio.api.openapi.paths import (
    BLUEPRINT,
    METHODS,
    NOT_OPERATIONS,
    _paths,
    openapi_path,
)

__all__ = [
    "API_VERSION",
    "BLUEPRINT",
    "METHODS",
    "NOT_OPERATIONS",
    "REF",
    "_IMPORT_KB",
    "DocumentError",
    "component_schemas",
    "constraint_text",
    "document",
    "openapi_path",
    "reference",
    "type_text",
]

API_VERSION = "1.0.0"


def _build(app: Flask) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Portfolio tracker API",
            "version": API_VERSION,
            "description": "Your projects, the technology catalogue, readiness for a "
            "role and JSON Resume, for scripts and other apps. Authenticate with a "
            "personal access token: `Authorization: Bearer <token>`. A token with the "
            "read scope may call every operation that changes nothing; the others need "
            "the write scope (403 without it). Each token may send "
            f"{app.config['API_RATE_LIMIT'][0]} requests per "
            f"{app.config['API_RATE_LIMIT'][1]} seconds (a moving window): every "
            "answer carries `RateLimit-Policy` and `RateLimit` header fields, and past "
            "the limit the answer is 429 with `Retry-After`. Errors are RFC 9457 problem "
            "details (`application/problem+json`).",
        },
        "tags": [
            {"name": "Projects", "description": "Your portfolio's projects."},
            {"name": "Technologies", "description": "The catalogue and your usage."},
            {"name": "Readiness", "description": "Role profiles and your score."},
            {"name": "JSON Resume", "description": "Export and import résumés."},
            {"name": "Code analyses", "description": "Technologies found in your code."},
            {"name": "References", "description": "Referees' confirmations of your work."},
        ],
        "security": [{"bearer": []}],
        "paths": _paths(app, _operations()),
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token from your account's API tokens page.",
                }
            },
            "schemas": component_schemas(),
            "responses": dict(_SHARED.values()),
            "headers": _HEADERS,
        },
    }


def document(app: Flask | None = None) -> dict[str, Any]:
    """Return a fresh copy of the OpenAPI document of an app (by default, the current one).

    It is made once per app: the routes do not change once the app serves requests.
    """
    if app is None:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
    made = app.extensions.get("openapi_document")
    if made is None:
        made = app.extensions["openapi_document"] = json.dumps(_build(app))
    return json.loads(made)
