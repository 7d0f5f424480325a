"""The OpenAPI 3.1 document of the JSON API, as Python data, and the reference page's model.

The document is the contract: tests check that every route of the ``api`` blueprint is
in it with the same methods and that nothing in it is missing from the app, and a
schemathesis run fuzzes every operation against it (tests/api/test_fuzz.py). Keep the
limits here in step with portfolio/api/payloads.py, which enforces them.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

from portfolio.projects.forms import MAX_HIGHLIGHT_LENGTH, MAX_HIGHLIGHTS, MAX_TECHNOLOGIES
from portfolio.projects.record import KINDS
from portfolio.technologies.catalogue import CATEGORIES

API_VERSION = "1.0.0"
PREFIX = "/api/v1"
MONTH_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])$"
MAX_ID = 2**31 - 1
_IMPORT_KB = 400  # portfolio.exports.service.IMPORT_MAX_BYTES, checked by a test


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }


_UNAUTHORISED = {
    "description": "No token, or a token that is unknown or revoked.",
    "headers": {
        "WWW-Authenticate": {
            "description": 'Always `Bearer realm="api"`, with `error="invalid_token"` '
            "when a token was sent.",
            "schema": {"type": "string"},
        }
    },
    "content": {"application/problem+json": {"schema": _ref("Problem")}},
}


def _responses(ok: dict[str, Any], *extra: str) -> dict[str, Any]:
    responses: dict[str, Any] = dict(ok)
    responses["401"] = {"$ref": "#/components/responses/Unauthorised"}
    for code in extra:
        responses[code] = {"$ref": f"#/components/responses/{_SHARED[code]}"}
    return responses


_SHARED = {
    "400": "MalformedJson",
    "404": "NotFound",
    "409": "Conflict",
    "413": "TooLarge",
    "415": "UnsupportedMediaType",
    "422": "Invalid",
}


def _json(schema: dict[str, Any], description: str, **more: Any) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}, **more}


def _text(max_length: int, description: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length, "description": description, **more}


def _project_properties() -> dict[str, Any]:
    return {
        "title": _text(200, "What the project is called.", minLength=1, examples=["Booking API"]),
        "kind": {"type": "string", "enum": list(KINDS), "description": "What kind of work."},
        "organisation": _text(200, "Organisation or client; empty for your own."),
        "role": _text(120, "Your role."),
        "start": {
            "type": "string",
            "pattern": MONTH_PATTERN,
            "examples": ["2025-01"],
            "description": "Month the project started.",
        },
        "end": {
            "type": ["string", "null"],
            "pattern": MONTH_PATTERN,
            "description": "Month it ended; null while ongoing. Not before start.",
        },
        "ongoing": {"type": "boolean", "description": "Still going; then end must be null."},
        "summary": _text(300, "One line on what it is."),
        "description": _text(20_000, "What you did and how, in Markdown."),
        "highlights": {
            "type": "array",
            "maxItems": MAX_HIGHLIGHTS,
            "items": {"type": "string", "maxLength": MAX_HIGHLIGHT_LENGTH},
            "description": "Outcomes you achieved, one per item.",
        },
        "live_url": _text(
            2000, "Live site: an http(s) address, or empty.", examples=["https://example.com"]
        ),
        "source_url": _text(2000, "Source code: an http(s) address, or empty."),
        "technologies": {
            "type": "array",
            "maxItems": MAX_TECHNOLOGIES,
            "items": {"type": "string", "maxLength": 80},
            "description": "Technology names; catalogue aliases become canonical names "
            "(postgres becomes PostgreSQL), others are kept as your own tags.",
            "examples": [["python", "flask", "postgres"]],
        },
        "public": {"type": "boolean", "description": "Shown on your shared portfolio."},
        "featured": {"type": "boolean", "description": "Shown first on your shared portfolio."},
    }


def _schemas() -> dict[str, Any]:
    input_properties = _project_properties()
    project_properties = {
        "id": {"type": "integer", "minimum": 1},
        **copy.deepcopy(input_properties),
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    }
    # What the server sends is already trimmed and within limits; minLength on title
    # stays, the examples are for requests.
    return {
        "Problem": {
            "type": "object",
            "description": "An error, as RFC 9457 problem details.",
            "required": ["type", "title", "status", "detail", "instance"],
            "properties": {
                "type": {
                    "type": "string",
                    "description": "about:blank, or a link to the "
                    "explanation of this kind of problem.",
                },
                "title": {"type": "string"},
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": {"type": "string"},
                "instance": {"type": "string", "description": "The path requested."},
                "errors": {
                    "type": "array",
                    "description": "What is invalid, for 422 responses.",
                    "items": _ref("FieldError"),
                },
            },
        },
        "FieldError": {
            "type": "object",
            "required": ["pointer", "field", "message"],
            "properties": {
                "pointer": {
                    "type": "string",
                    "description": "JSON Pointer into the body "
                    '("/title"); empty for a query parameter or the whole body.',
                },
                "field": {
                    "type": "string",
                    "description": "The body member or query parameter at fault.",
                },
                "message": {"type": "string"},
            },
        },
        "ProjectInput": {
            "type": "object",
            "description": "A whole project, for create and replace. Fields left out "
            "take their defaults (empty text, false, no end, no technologies).",
            "required": ["title", "kind", "start"],
            "additionalProperties": False,
            "properties": input_properties,
        },
        "ProjectPatch": {
            "type": "object",
            "description": "Some fields of a project (JSON Merge Patch): only those sent "
            'change; "end": null clears the end month. Setting ongoing to true also '
            "clears an end you do not send.",
            "additionalProperties": False,
            "properties": copy.deepcopy(input_properties),
        },
        "Project": {
            "type": "object",
            "required": list(project_properties),
            "properties": project_properties,
        },
        "ProjectPage": {
            "type": "object",
            "required": ["items", "total", "limit", "offset", "links"],
            "properties": {
                "items": {"type": "array", "items": _ref("Project")},
                "total": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "How many projects match the filters.",
                },
                "limit": {"type": "integer", "minimum": 1, "maximum": 100},
                "offset": {"type": "integer", "minimum": 0},
                "links": {
                    "type": "object",
                    "required": ["self", "first", "prev", "next", "last"],
                    "properties": {
                        "self": {"type": "string"},
                        "first": {"type": "string"},
                        "prev": {"type": ["string", "null"]},
                        "next": {"type": ["string", "null"]},
                        "last": {"type": "string"},
                    },
                },
            },
        },
        "Technology": {
            "type": "object",
            "required": ["name", "category", "aliases"],
            "properties": {
                "name": {"type": "string", "description": "The canonical name."},
                "category": {"type": "string", "enum": list(CATEGORIES)},
                "aliases": {"type": "array", "items": {"type": "string"}},
            },
        },
        "TechnologyList": {
            "type": "object",
            "required": ["items", "total"],
            "properties": {
                "items": {"type": "array", "items": _ref("Technology")},
                "total": {"type": "integer", "minimum": 0},
            },
        },
        "TechnologyUsage": {
            "type": "object",
            "required": ["items"],
            "properties": {
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "projects", "category"],
                        "properties": {
                            "name": {"type": "string"},
                            "projects": {"type": "integer", "minimum": 1},
                            "category": {
                                "type": ["string", "null"],
                                "description": "Null for your own tags.",
                            },
                        },
                    },
                }
            },
        },
        "Requirement": {
            "type": "object",
            "required": ["id", "label", "why", "weight", "shape", "technologies"],
            "properties": {
                "id": {"type": "string"},
                "label": {"type": "string"},
                "why": {"type": "string"},
                "weight": {"type": "integer", "minimum": 0},
                "shape": {
                    "type": "string",
                    "enum": ["any", "skill", "practice", "portfolio", "experience"],
                },
                "technologies": {"type": "array", "items": {"type": "string"}},
            },
        },
        "Profile": {
            "type": "object",
            "required": ["slug", "title", "description", "builtin", "target", "requirements"],
            "properties": {
                "slug": {"type": "string"},
                "title": {"type": "string"},
                "description": {"type": "string"},
                "builtin": {"type": "boolean", "description": "Shipped, not made by you."},
                "target": {"type": "boolean", "description": "Your target role."},
                "requirements": {"type": "array", "items": _ref("Requirement")},
            },
        },
        "ProfileList": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": _ref("Profile")}},
        },
        "Readiness": {
            "type": "object",
            "description": "The readiness score as the dashboard shows it: points to one "
            "decimal place that add up to the score.",
            "required": [
                "profile",
                "title",
                "score",
                "met",
                "requirements",
                "parts",
                "next_steps",
                "computed_on",
            ],
            "properties": {
                "profile": {"type": "string"},
                "title": {"type": "string"},
                "score": {"type": "number", "minimum": 0, "maximum": 100},
                "met": {"type": "integer", "minimum": 0},
                "requirements": {"type": "integer", "minimum": 0},
                "parts": {"type": "array", "items": _ref("ReadinessPart")},
                "next_steps": {"type": "array", "items": _ref("NextStep")},
                "computed_on": {"type": "string", "format": "date"},
            },
        },
        "ReadinessPart": {
            "type": "object",
            "required": [
                "requirement",
                "label",
                "points",
                "max_points",
                "coverage",
                "met",
                "missing",
                "evidence",
            ],
            "properties": {
                "requirement": {"type": "string"},
                "label": {"type": "string"},
                "points": {"type": "number", "minimum": 0},
                "max_points": {"type": "number", "minimum": 0},
                "coverage": {"type": "number", "minimum": 0, "maximum": 1},
                "met": {"type": "boolean"},
                "missing": {"type": "array", "items": {"type": "string"}},
                "evidence": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["project_id", "project_title", "reason", "amount"],
                        "properties": {
                            "project_id": {"type": ["integer", "null"]},
                            "project_title": {"type": "string"},
                            "reason": {"type": "string"},
                            "amount": {"type": "number", "minimum": 0, "maximum": 1},
                        },
                    },
                },
            },
        },
        "JsonResume": {
            "type": "object",
            "description": "A JSON Resume document (jsonresume.org/schema, v1.0.0). Only the "
            "main sections are described here; the importer checks the whole schema and "
            "reports each problem with its place in the file.",
            "properties": {
                "basics": {"type": "object"},
                "work": {"type": "array", "items": {"type": "object"}},
                "volunteer": {"type": "array", "items": {"type": "object"}},
                "projects": {"type": "array", "items": {"type": "object"}},
                "skills": {"type": "array", "items": {"type": "object"}},
                "meta": {"type": "object"},
            },
        },
        "ImportResult": {
            "type": "object",
            "required": ["created", "skipped", "details_updated", "notes"],
            "properties": {
                "created": {"type": "integer", "minimum": 0},
                "skipped": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Projects you already had.",
                },
                "details_updated": {"type": "boolean"},
                "notes": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "What was skipped, shortened or dropped.",
                },
            },
        },
        "NextStep": {
            "type": "object",
            "required": ["requirement", "text", "gain", "kind", "technologies"],
            "properties": {
                "requirement": {"type": "string"},
                "text": {"type": "string"},
                "gain": {"type": "number", "description": "Points the step would add."},
                "kind": {"type": "string", "enum": list(KINDS)},
                "technologies": {"type": "array", "items": {"type": "string"}},
            },
        },
    }


_PROJECT_ID = {
    "name": "project_id",
    "in": "path",
    "required": True,
    "description": "The project's id.",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "example": 1,
}
_SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The profile's slug, like back-end-engineer.",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 120,
        "examples": ["back-end-engineer"],
    },
}


def _paths() -> dict[str, Any]:
    project_body = {
        "required": True,
        "content": {"application/json": {"schema": _ref("ProjectInput")}},
    }
    return {
        f"{PREFIX}/projects": {
            "get": {
                "operationId": "listProjects",
                "tags": ["Projects"],
                "summary": "List your projects",
                "description": "Newest first (ongoing, then by end and start), a page at a "
                "time. `links` holds the addresses of the neighbouring pages.",
                "parameters": [
                    {
                        "name": "kind",
                        "in": "query",
                        "description": "Only this kind.",
                        "schema": {"type": "string", "enum": list(KINDS)},
                    },
                    {
                        "name": "technology",
                        "in": "query",
                        "description": "Only projects using this technology (aliases work).",
                        "schema": {"type": "string", "maxLength": 200},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "description": "Page size.",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                    },
                    {
                        "name": "offset",
                        "in": "query",
                        "description": "Projects to skip.",
                        "schema": {
                            "type": "integer",
                            "minimum": 0,
                            "maximum": 1_000_000,
                            "default": 0,
                        },
                    },
                ],
                "responses": _responses({"200": _json(_ref("ProjectPage"), "A page.")}, "422"),
            },
            "post": {
                "operationId": "createProject",
                "tags": ["Projects"],
                "summary": "Create a project",
                "requestBody": project_body,
                "responses": _responses(
                    {
                        "201": _json(
                            _ref("Project"),
                            "Created.",
                            headers={
                                "Location": {
                                    "description": "The new project's address.",
                                    "schema": {"type": "string"},
                                }
                            },
                        )
                    },
                    "400",
                    "413",
                    "415",
                    "422",
                ),
            },
        },
        f"{PREFIX}/projects/{{project_id}}": {
            "parameters": [_PROJECT_ID],
            "get": {
                "operationId": "getProject",
                "tags": ["Projects"],
                "summary": "Get a project",
                "responses": _responses({"200": _json(_ref("Project"), "The project.")}, "404"),
            },
            "put": {
                "operationId": "replaceProject",
                "tags": ["Projects"],
                "summary": "Replace a project",
                "description": "Every field is set: fields left out take their defaults.",
                "requestBody": project_body,
                "responses": _responses(
                    {"200": _json(_ref("Project"), "The project as saved.")},
                    "400",
                    "404",
                    "413",
                    "415",
                    "422",
                ),
            },
            "patch": {
                "operationId": "updateProject",
                "tags": ["Projects"],
                "summary": "Change some fields of a project",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/merge-patch+json": {"schema": _ref("ProjectPatch")},
                        "application/json": {"schema": _ref("ProjectPatch")},
                    },
                },
                "responses": _responses(
                    {"200": _json(_ref("Project"), "The project as saved.")},
                    "400",
                    "404",
                    "413",
                    "415",
                    "422",
                ),
            },
            "delete": {
                "operationId": "deleteProject",
                "tags": ["Projects"],
                "summary": "Delete a project",
                "responses": _responses({"204": {"description": "Deleted."}}, "404"),
            },
        },
        f"{PREFIX}/technologies": {
            "get": {
                "operationId": "searchTechnologies",
                "tags": ["Technologies"],
                "summary": "Search the technology catalogue",
                "description": "By name or alias: exact matches first, then prefixes, then "
                "substrings. Without `q`, the catalogue in order.",
                "parameters": [
                    {
                        "name": "q",
                        "in": "query",
                        "description": "Name or alias, or part of one.",
                        "schema": {"type": "string", "maxLength": 60},
                        "examples": {"alias": {"value": "postgres"}},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "description": "At most this many.",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 20},
                    },
                ],
                "responses": _responses(
                    {"200": _json(_ref("TechnologyList"), "Matching technologies.")}, "422"
                ),
            }
        },
        f"{PREFIX}/me/technologies": {
            "get": {
                "operationId": "listMyTechnologies",
                "tags": ["Technologies"],
                "summary": "List the technologies you have used",
                "description": "With how many of your projects use each, most used first.",
                "responses": _responses({"200": _json(_ref("TechnologyUsage"), "Usage.")}),
            }
        },
        f"{PREFIX}/profiles": {
            "get": {
                "operationId": "listProfiles",
                "tags": ["Readiness"],
                "summary": "List role profiles",
                "description": "The shipped profiles, then the ones you made.",
                "responses": _responses({"200": _json(_ref("ProfileList"), "Profiles.")}),
            }
        },
        f"{PREFIX}/profiles/{{slug}}": {
            "parameters": [_SLUG],
            "get": {
                "operationId": "getProfile",
                "tags": ["Readiness"],
                "summary": "Get a role profile",
                "responses": _responses({"200": _json(_ref("Profile"), "The profile.")}, "404"),
            },
        },
        f"{PREFIX}/profiles/{{slug}}/readiness": {
            "parameters": [_SLUG],
            "get": {
                "operationId": "getReadiness",
                "tags": ["Readiness"],
                "summary": "Score your readiness for a profile",
                "description": "The score, each requirement's points, coverage, evidence "
                "and gaps, and the next steps that would raise it most, as of today.",
                "responses": _responses({"200": _json(_ref("Readiness"), "The score.")}, "404"),
            },
        },
        f"{PREFIX}/exports/json-resume": {
            "get": {
                "operationId": "exportJsonResume",
                "tags": ["JSON Resume"],
                "summary": "Export your portfolio as a JSON Resume",
                "description": "A [JSON Resume](https://jsonresume.org/schema) v1.0.0 "
                "document. With `scope=public` (the default) it holds your public "
                "projects and the details you chose to show, ready to publish; with "
                "`scope=all`, every project and detail, for moving your data. Each "
                "project carries an `x-portfolio` object so importing it back restores "
                "it exactly.",
                "parameters": [
                    {
                        "name": "scope",
                        "in": "query",
                        "description": "public or all.",
                        "schema": {
                            "type": "string",
                            "enum": ["public", "all"],
                            "default": "public",
                        },
                    }
                ],
                "responses": _responses({"200": _json(_ref("JsonResume"), "The résumé.")}, "422"),
            }
        },
        f"{PREFIX}/imports/json-resume": {
            "post": {
                "operationId": "importJsonResume",
                "tags": ["JSON Resume"],
                "summary": "Import projects from a JSON Resume",
                "description": "Creates the résumé's projects (and its work and "
                "volunteering) that you do not already have, in one transaction: a project "
                "with the same title, kind, organisation and start is skipped, so importing "
                "the same file twice answers 409 the second time. Imported projects are "
                "private. With `details=true` the résumé's basics replace your details. "
                f"At most {_IMPORT_KB} kB.",
                "parameters": [
                    {
                        "name": "details",
                        "in": "query",
                        "description": "Also replace your name, headline and other details.",
                        "schema": {"type": "boolean", "default": False},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("JsonResume")}},
                },
                "responses": _responses(
                    {"200": _json(_ref("ImportResult"), "What was imported.")},
                    "400",
                    "409",
                    "413",
                    "415",
                    "422",
                ),
            }
        },
    }


def _components() -> dict[str, Any]:
    return {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal access token from your account's API tokens page.",
            }
        },
        "schemas": _schemas(),
        "responses": {
            "Unauthorised": _UNAUTHORISED,
            "MalformedJson": _problem("The body is not JSON, or not UTF-8."),
            "NotFound": _problem("Not found, or not yours."),
            "Conflict": _problem("Conflicts with what is already stored."),
            "TooLarge": _problem("The body is too large."),
            "UnsupportedMediaType": _problem("The body is not sent as JSON."),
            "Invalid": _problem("The request is understood but not valid; see errors."),
        },
    }


@functools.cache
def _document_json() -> str:
    return json.dumps(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "Portfolio tracker API",
                "version": API_VERSION,
                "description": "Your projects, the technology catalogue, readiness for a "
                "role and JSON Resume, for scripts and other apps. Authenticate with a "
                "personal access token: `Authorization: Bearer <token>`. Errors are RFC "
                "9457 problem details (`application/problem+json`).",
            },
            "tags": [
                {"name": "Projects", "description": "Your portfolio's projects."},
                {"name": "Technologies", "description": "The catalogue and your usage."},
                {"name": "Readiness", "description": "Role profiles and your score."},
                {"name": "JSON Resume", "description": "Export and import résumés."},
            ],
            "security": [{"bearer": []}],
            "paths": _paths(),
            "components": _components(),
        }
    )


def document() -> dict[str, Any]:
    """Return a fresh copy of the OpenAPI document."""
    return json.loads(_document_json())


# --- the reference page ------------------------------------------------------------

_CONSTRAINTS = (
    ("minLength", "at least {} characters"),
    ("maxLength", "at most {} characters"),
    ("minimum", "at least {}"),
    ("maximum", "at most {}"),
    ("minItems", "at least {} items"),
    ("maxItems", "at most {} items"),
    ("pattern", "matches {}"),
    ("format", "{}"),
    ("default", "default {}"),
)


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/") else None


def type_text(schema: dict[str, Any]) -> str:
    """Describe a schema's type in a few words: "Project", "array of string", ..."""
    name = _ref_name(schema)
    if name:
        return name
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind == "array":
        return "array of " + type_text(schema.get("items", {}))
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    return str(kind)


def constraint_text(schema: dict[str, Any]) -> str:
    """List a schema's limits in words."""
    parts = [text.format(schema[key]) for key, text in _CONSTRAINTS if key in schema]
    items = schema.get("items") or {}
    if "maxLength" in items:
        parts.append(f"each at most {items['maxLength']} characters")
    return "; ".join(parts)


def _schema_rows(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "type": type_text(prop),
            "link": _ref_name(prop) or _ref_name(prop.get("items", {})),
            "required": name in required,
            "constraints": constraint_text(prop),
            "description": prop.get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _example_body(schema_name: str, doc: dict[str, Any]) -> str:
    if schema_name == "ProjectPatch":
        return json.dumps({"ongoing": False, "end": "2025-06"})
    props = doc["components"]["schemas"][schema_name]["properties"]
    example = {
        name: (prop.get("examples") or [None])[0]
        for name, prop in props.items()
        if prop.get("examples")
    }
    example.setdefault("kind", "personal")
    return json.dumps(dict(sorted(example.items(), key=lambda kv: list(props).index(kv[0]))))


def _curl(method: str, path: str, body: str | None, media: str, base: str) -> str:
    url = base.rstrip("/") + path.replace("{project_id}", "1").replace(
        "{slug}", "back-end-engineer"
    )
    lines = [f"curl -X {method.upper()} '{url}'", '  -H "Authorization: Bearer $TOKEN"']
    if body is not None:
        lines.append(f"  -H 'Content-Type: {media}'")
        lines.append(f"  --data '{body}'")
    return " \\\n".join(lines)


def reference(doc: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Return what the reference page shows, worked out from the document."""
    tags = {
        tag["name"]: {
            "name": tag["name"],
            "description": tag.get("description", ""),
            "operations": [],
        }
        for tag in doc.get("tags", [])
    }
    for path, item in doc["paths"].items():
        shared = item.get("parameters", [])
        for method in ("get", "post", "put", "patch", "delete"):
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "type": type_text(p["schema"]),
                    "constraints": constraint_text(p["schema"]),
                    "description": p.get("description", ""),
                }
                for p in [*shared, *operation.get("parameters", [])]
            ]
            body = None
            example = None
            media = "application/json"
            if "requestBody" in operation:
                content = operation["requestBody"]["content"]
                media = next(iter(content))
                schema = content[media]["schema"]
                body = {
                    "media": list(content),
                    "type": type_text(schema),
                    "link": _ref_name(schema),
                }
                name = _ref_name(schema)
                example = (
                    _example_body(name, doc)
                    if name in doc["components"]["schemas"] and name.startswith("Project")
                    else "@resume.json"
                )
            responses = []
            for code, response in operation["responses"].items():
                shared_name = _ref_name(response)
                if shared_name:
                    response = doc["components"]["responses"][shared_name]
                content = response.get("content", {})
                media_type = next(iter(content), "")
                schema = content[media_type]["schema"] if media_type else {}
                responses.append(
                    {
                        "code": code,
                        "description": response.get("description", ""),
                        "media": media_type,
                        "type": type_text(schema) if schema else "",
                        "link": _ref_name(schema) if schema else None,
                    }
                )
            curl_body = None
            if example is not None:
                curl_body = example if not example.startswith("@") else None
            curl = _curl(method, path, curl_body, media, base_url)
            if example is not None and example.startswith("@"):
                curl += f" \\\n  -H 'Content-Type: {media}' \\\n  --data-binary {example}"
            tags[operation["tags"][0]]["operations"].append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": parameters,
                    "body": body,
                    "responses": responses,
                    "curl": curl,
                }
            )
    schemas = [
        {
            "name": name,
            "description": schema.get("description", ""),
            "type": schema.get("type", "object"),
            "rows": _schema_rows(schema),
        }
        for name, schema in doc["components"]["schemas"].items()
    ]
    return {
        "info": doc["info"],
        "tags": list(tags.values()),
        "schemas": schemas,
        "base_url": base_url.rstrip("/"),
    }
