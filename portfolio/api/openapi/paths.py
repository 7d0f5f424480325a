"""The document's paths: the ``api`` blueprint's routes, each with its operation."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from portfolio.api.openapi.components import DocumentError, _shared_ref
from portfolio.schemas import rules

BLUEPRINT = "api"
#: Routes of the blueprint that are not operations: the document and its page.
NOT_OPERATIONS = frozenset({"api.openapi_document", "api.docs"})
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _path_parameters() -> dict[str, dict[str, Any]]:
    """Return the path parameters, by the name the routes give them."""
    from portfolio.api import views  # late: the views import this module

    return {
        "project_id": {
            "name": "project_id",
            "in": "path",
            "required": True,
            "description": "The project's id.",
            "schema": {"type": "integer", "minimum": 1, "maximum": views.MAX_ID},
            "example": 1,
        },
        "analysis_id": {
            "name": "analysis_id",
            "in": "path",
            "required": True,
            "description": "The analysis's id.",
            "schema": {"type": "integer", "minimum": 1, "maximum": views.MAX_ID},
            "example": 1,
        },
        "slug": {
            "name": "slug",
            "in": "path",
            "required": True,
            "description": "The profile's slug, like back-end-engineer.",
            "schema": {
                "type": "string",
                "minLength": 1,
                "maxLength": rules.PROFILE_SLUG_MAX,
                "examples": ["back-end-engineer"],
            },
        },
    }


_VARIABLE = re.compile(r"<(?:[^<>:]+:)?([^<>:]+)>")


def openapi_path(rule: str) -> str:
    """Return a Flask rule as an OpenAPI path: "/projects/<int:project_id>" becomes
    "/projects/{project_id}"."""
    return _VARIABLE.sub(r"{\1}", rule)


def _needs_write_scope(operation: dict[str, Any]) -> None:
    """Say that an operation needs a token with the write scope, and answer 403 without."""
    note = "Needs a token with the write scope."
    operation["description"] = f"{operation.get('description', '')} {note}".strip()
    answers = {**operation["responses"], "403": {"$ref": _shared_ref("403")}}
    operation["responses"] = dict(sorted(answers.items()))


def _paths(app: Flask, operations: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Return the document's paths: each route of the blueprint with its operation."""
    from portfolio.api import views  # late: the views import this module

    parameters = _path_parameters()
    paths: dict[str, Any] = {}
    documented: set[str] = set()
    for rule in app.url_map.iter_rules():
        endpoint = rule.endpoint
        if endpoint.partition(".")[0] != BLUEPRINT or endpoint in NOT_OPERATIONS:
            continue
        methods = [method for method in METHODS if method in (rule.methods or ())]
        if endpoint not in operations:
            raise DocumentError(f"route {rule.rule} ({endpoint}) has no entry in _operations()")
        if endpoint in views.WRITE_ENDPOINTS:
            _needs_write_scope(operations[endpoint])
        if len(methods) != 1:
            raise DocumentError(f"{endpoint} answers {methods}: give each method its own view")
        path = openapi_path(rule.rule)
        item = paths.setdefault(path, {})
        names = _VARIABLE.findall(rule.rule)
        if names:
            unknown = [name for name in names if name not in parameters]
            if unknown:
                raise DocumentError(f"{rule.rule}: no description of {unknown}")
            item["parameters"] = [parameters[name] for name in names]
        item[methods[0].lower()] = operations[endpoint]
        documented.add(endpoint)
    stale = sorted(set(operations) - documented)
    if stale:
        raise DocumentError(f"_operations() describes {stale}, which no route serves")
    return paths
