"""The OpenAPI 3.1 document of the JSON API, made from the schemas and the routes.

Nothing in it is typed twice. The request bodies are the project schema's own JSON
Schema (``ProjectIn``, whose limits are the constants in ``portfolio/schemas/rules.py``),
the responses are the pydantic models in ``portfolio/api/schemas.py``, and the paths are
the ``api`` blueprint's routes. What a route cannot say (its operationId, words,
parameters and answers) is data in ``_operations()``, keyed by endpoint: a route without
an entry there, or an entry without a route, stops the document being made.

Tests validate the document with openapi-spec-validator, and schemathesis fuzzes every
operation against it (tests/api/test_api_fuzz.py). The end of the module builds the
reference page (/api/v1/docs) from the document.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from typing import Any

from flask import Flask, current_app
from pydantic.json_schema import models_json_schema

from portfolio.api import schemas as responses
from portfolio.exports.service import IMPORT_MAX_BYTES
from portfolio.projects.record import KINDS
from portfolio.schemas import rules
from portfolio.schemas.adverts import JobsToRankIn
from portfolio.schemas.base import Schema
from portfolio.schemas.project import ProjectIn

API_VERSION = "1.0.0"
BLUEPRINT = "api"
#: Routes of the blueprint that are not operations: the document and its page.
NOT_OPERATIONS = frozenset({"api.openapi_document", "api.docs"})
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
REF = "#/components/schemas/{model}"
_IMPORT_KB = IMPORT_MAX_BYTES // 1000


class DocumentError(LookupError):
    """The routes and the operations table disagree."""


# --- components: the schemas' own JSON Schema --------------------------------------

#: Keywords whose value is a schema, a list of schemas, or a map of names to schemas.
_ONE_SCHEMA = ("items", "additionalProperties", "not", "contains", "propertyNames",
               "if", "then", "else", "unevaluatedItems", "unevaluatedProperties")  # fmt: skip
_SCHEMA_LIST = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_MAP = ("properties", "patternProperties", "$defs", "dependentSchemas")
_NULL = {"type": "null"}


def _tidy(schema: Any, drop: tuple[str, ...], defs: dict[str, Any]) -> Any:
    """Return a generated schema as the document writes it.

    Drops the ``drop`` keywords (pydantic's automatic titles) and keywords that say
    nothing (``minLength: 0``, ``additionalProperties: true``), writes "this or null"
    as a type list, and writes out the models in ``defs`` where they are used.
    """
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in defs:
            inlined = {**defs[name], **{k: v for k, v in schema.items() if k != "$ref"}}
            return _tidy(inlined, drop, defs)
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in drop:
            continue
        if key in _ONE_SCHEMA:
            value = _tidy(value, drop, defs)
        elif key in _SCHEMA_LIST:
            value = [_tidy(item, drop, defs) for item in value]
        elif key in _SCHEMA_MAP:
            value = {name: _tidy(item, drop, defs) for name, item in value.items()}
        out[key] = value
    if out.get("minLength") == 0:
        del out["minLength"]
    if out.get("additionalProperties") is True:
        del out["additionalProperties"]
    variants = out.get("anyOf", ())
    if len(variants) == 2 and _NULL in variants:
        other = variants[1 - variants.index(_NULL)]
        if isinstance(other.get("type"), str):
            del out["anyOf"]
            out = {**other, **out, "type": [other["type"], "null"]}
    if isinstance(out.get("description"), str):
        out["description"] = " ".join(out["description"].split())
    return out


#: What the document says of the request bodies, beyond the schema's own description.
_TRIMMING = (
    "One-line text and web addresses are trimmed of surrounding spaces before they are "
    "checked and stored."
)
_INPUT_DESCRIPTION = (
    "A whole project, for create and replace. Fields left out take their defaults "
    f"(empty text, false, no end, no technologies). {_TRIMMING}"
)
_PATCH_DESCRIPTION = (
    "Some fields of a project (JSON Merge Patch): only those sent change; "
    '"end": null clears the end month. Setting ongoing to true also clears an end you '
    f"do not send. {_TRIMMING}"
)


_RANK_DESCRIPTION = (
    "Job adverts (each made into a profile, as a pasted advert is, and not saved) and "
    "saved profiles, by slug, to rank: at least one of either."
)


def _request_body(model: type[Schema], description: str) -> dict[str, Any]:
    """Return a request schema's own JSON Schema, its nested models written out."""
    generated = model.model_json_schema(ref_template=REF)
    schema = _tidy(generated, ("title",), generated.pop("$defs", {}))
    schema["description"] = description
    return schema


def _project_input() -> dict[str, Any]:
    generated = ProjectIn.model_json_schema(ref_template=REF)
    schema = _tidy(generated, ("title", "$defs"), generated.get("$defs", {}))
    schema["description"] = _INPUT_DESCRIPTION
    return schema


def _project_patch(project_input: dict[str, Any]) -> dict[str, Any]:
    """Return ProjectInput with nothing required and no defaults: a field left out of a
    patch keeps its stored value."""
    schema = copy.deepcopy(project_input)
    schema.pop("required", None)
    for prop in schema["properties"].values():
        prop.pop("default", None)
    schema["description"] = _PATCH_DESCRIPTION
    return schema


@functools.cache
def _schemas_json() -> str:
    models = [(model, "serialization") for model in responses.RESPONSES]
    _, generated = models_json_schema(models, ref_template=REF)
    defs = generated["$defs"]
    public = {model.__name__ for model in responses.RESPONSES}
    if not public <= set(defs):
        raise DocumentError(f"no schema generated for {sorted(public - set(defs))}")
    inline = {name: schema for name, schema in defs.items() if name not in public}
    found = {name: _tidy(defs[name], ("title", "default"), inline) for name in sorted(public)}
    project_input = _project_input()
    schemas: dict[str, Any] = {}
    for model in responses.RESPONSES:
        if model is responses.Project:
            schemas["ProjectInput"] = project_input
            schemas["ProjectPatch"] = _project_patch(project_input)
        if model is responses.JobRanking:
            schemas["JobsToRank"] = _request_body(JobsToRankIn, _RANK_DESCRIPTION)
        schemas[model.__name__] = found[model.__name__]
    return json.dumps(schemas)


def component_schemas() -> dict[str, Any]:
    """Return the document's schemas: the request bodies, then the responses."""
    return json.loads(_schemas_json())


# --- operations: what a route cannot say ---------------------------------------------


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }


#: The answers many operations share, by status code, as components/responses.
_SHARED = {
    "401": (
        "Unauthorised",
        {
            "description": "No token, or a token that is unknown or revoked.",
            "headers": {
                "WWW-Authenticate": {
                    "description": 'Always `Bearer realm="api"`, with `error="invalid_token"` '
                    "when a token was sent.",
                    "schema": {"type": "string"},
                }
            },
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        },
    ),
    "403": (
        "InsufficientScope",
        {
            "description": "The token has the read scope; this operation needs write.",
            "headers": {
                "WWW-Authenticate": {
                    "description": 'Always `Bearer realm="api", error="insufficient_scope", '
                    'scope="write"`.',
                    "schema": {"type": "string"},
                }
            },
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        },
    ),
    "429": (
        "TooManyRequests",
        {
            "description": "The token has used its rate limit; try again after Retry-After "
            "seconds.",
            "headers": {
                "Retry-After": {"$ref": "#/components/headers/Retry-After"},
                "RateLimit": {"$ref": "#/components/headers/RateLimit"},
                "RateLimit-Policy": {"$ref": "#/components/headers/RateLimit-Policy"},
            },
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        },
    ),
    "400": ("MalformedJson", _problem("The body is not JSON, or not UTF-8.")),
    "404": ("NotFound", _problem("Not found, or not yours.")),
    "409": ("Conflict", _problem("Conflicts with what is already stored.")),
    "412": (
        "PreconditionFailed",
        {
            "description": "The project has changed since the `If-Match` ETag was read; "
            "nothing was changed.",
            "headers": {
                "ETag": {
                    "description": "The project's current ETag.",
                    "schema": {"type": "string"},
                }
            },
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        },
    ),
    "413": ("TooLarge", _problem("The body is too large.")),
    "415": ("UnsupportedMediaType", _problem("The body is not sent as JSON.")),
    "422": ("Invalid", _problem("The request is understood but not valid; see errors.")),
}


#: The rate limit's header fields (api/ratelimit.py), sent with every answer to a token.
_HEADERS = {
    "RateLimit-Policy": {
        "description": 'The token\'s quota: `"token";q=300;w=60` says 300 requests per '
        "60 seconds (a moving window).",
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": 'Where the token stands: `"token";r=297;t=41` leaves 297 requests, '
        "and more in 41 seconds.",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds until the token may send another request.",
        "schema": {"type": "integer", "minimum": 1},
    },
    "ETag": {
        "description": "The project's entity tag: it changes with every saved change to "
        "the project (its `version`). Send it back in `If-Match` to change the project "
        "only if nobody has changed it since you read it.",
        "required": True,
        "schema": {"type": "string"},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the kept first answer to a request sent "
        "again with the same `Idempotency-Key`.",
        "schema": {"type": "string", "enum": ["true"]},
    },
}
_RATE_LIMIT_HEADERS = {
    name: {"$ref": f"#/components/headers/{name}"} for name in ("RateLimit", "RateLimit-Policy")
}


#: Lost updates: the If-Match a change of a project may carry, answered 412 when stale.
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The project's `ETag` as you read it. The change is made only if the "
    "project is still at that version; if it has changed since, nothing is changed and "
    "the answer is 412 with the current `ETag`: read the project again and decide. `*` "
    "matches any version. Without `If-Match` the change is made over whatever is stored "
    "(409 if another change of the same version is saved at the same moment).",
    "schema": {"type": "string"},
}
#: Repeated writes: the Idempotency-Key a POST may carry.
_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any text unique to this request, like a UUID, so that it can be sent "
    "again safely (after a timeout or a dropped connection): a request sent again with "
    f"the same key within {rules.IDEMPOTENCY_KEY_HOURS} hours, by the same token, is not "
    "done again but answered with the first answer (status, headers and body, with "
    "`Idempotent-Replayed: true`), waiting for it if the first is still running. Every "
    "answer below 500 is kept, refusals included; after a 5xx nothing was stored and "
    "the request may be sent again. The same key with a different request (another "
    "body, path or query) is refused with 422. 409 when the first request is still "
    "running after 10 seconds, or stopped before it could answer. Keys are per token.",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": rules.IDEMPOTENCY_KEY_MAX,
        "pattern": rules.IDEMPOTENCY_KEY_PATTERN,
    },
}
_ETAG = {"ETag": {"$ref": "#/components/headers/ETag"}}
_REPLAYED = {"Idempotent-Replayed": {"$ref": "#/components/headers/Idempotent-Replayed"}}


def _responses(ok: dict[str, Any], *codes: str) -> dict[str, Any]:
    """Return an operation's answers: its own (with the rate limit's header fields), 401
    and 429 (every operation), then shared ones."""
    answers = {
        code: {**answer, "headers": {**answer.get("headers", {}), **_RATE_LIMIT_HEADERS}}
        for code, answer in ok.items()
    }
    for code in ("401", *codes, "429"):
        answers[code] = {"$ref": _shared_ref(code)}
    return answers


def _shared_ref(code: str) -> str:
    return f"#/components/responses/{_SHARED[code][0]}"


def _json(schema: str, description: str, **more: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema)}},
        **more,
    }


def _query(name: str, description: str, schema: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema, **more}


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


def _operations() -> dict[str, dict[str, Any]]:
    """Return each operation's words, parameters, body and answers, by endpoint."""
    from portfolio.api import views  # late: the views import this module

    project_body = {
        "required": True,
        "content": {"application/json": {"schema": _ref("ProjectInput")}},
    }
    patch_body = {
        "required": True,
        "content": {
            "application/merge-patch+json": {"schema": _ref("ProjectPatch")},
            "application/json": {"schema": _ref("ProjectPatch")},
        },
    }
    body_errors = ("400", "413", "415", "422")
    return {
        "api.list_projects": {
            "operationId": "listProjects",
            "tags": ["Projects"],
            "summary": "List your projects",
            "description": "Newest first (ongoing, then by end and start), a page at a "
            "time. `links` holds the addresses of the neighbouring pages.",
            "parameters": [
                _query("kind", "Only this kind.", {"type": "string", "enum": list(KINDS)}),
                _query(
                    "technology",
                    "Only projects using this technology (aliases work).",
                    # The views' own check (views._text_arg), not a project rule.
                    {"type": "string", "maxLength": 200},
                ),
                _query(
                    "limit",
                    "Page size.",
                    {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": views.MAX_LIMIT,
                        "default": views.DEFAULT_LIMIT,
                    },
                ),
                _query(
                    "offset",
                    "Projects to skip.",
                    {"type": "integer", "minimum": 0, "maximum": views.MAX_OFFSET, "default": 0},
                ),
            ],
            "responses": _responses({"200": _json("ProjectPage", "A page.")}, "422"),
        },
        "api.create_project": {
            "operationId": "createProject",
            "tags": ["Projects"],
            "summary": "Create a project",
            "description": f"One account holds at most {rules.MAX_PROJECTS:,} projects: "
            "past that, 409. Send an `Idempotency-Key` to make a retry safe: it creates "
            "the project once.",
            "parameters": [_IDEMPOTENCY_KEY],
            "requestBody": project_body,
            "responses": _responses(
                {
                    "201": _json(
                        "Project",
                        "Created.",
                        headers={
                            "Location": {
                                "description": "The new project's address.",
                                "schema": {"type": "string"},
                            },
                            **_ETAG,
                            **_REPLAYED,
                        },
                    )
                },
                *body_errors,
                "409",
            ),
        },
        "api.get_project": {
            "operationId": "getProject",
            "tags": ["Projects"],
            "summary": "Get a project",
            "description": "Its `ETag` is the version to send back in `If-Match`.",
            "responses": _responses(
                {"200": _json("Project", "The project.", headers=_ETAG)}, "404"
            ),
        },
        "api.replace_project": {
            "operationId": "replaceProject",
            "tags": ["Projects"],
            "summary": "Replace a project",
            "description": "Every field is set: fields left out take their defaults. "
            "With `If-Match`, only over the version you read (412 otherwise).",
            "parameters": [_IF_MATCH],
            "requestBody": project_body,
            "responses": _responses(
                {"200": _json("Project", "The project as saved.", headers=_ETAG)},
                "400",
                "404",
                "409",
                "412",
                "413",
                "415",
                "422",
            ),
        },
        "api.update_project": {
            "operationId": "updateProject",
            "tags": ["Projects"],
            "summary": "Change some fields of a project",
            "description": "With `If-Match`, only over the version you read (412 otherwise).",
            "parameters": [_IF_MATCH],
            "requestBody": patch_body,
            "responses": _responses(
                {"200": _json("Project", "The project as saved.", headers=_ETAG)},
                "400",
                "404",
                "409",
                "412",
                "413",
                "415",
                "422",
            ),
        },
        "api.delete_project": {
            "operationId": "deleteProject",
            "tags": ["Projects"],
            "summary": "Delete a project",
            "description": "With `If-Match`, only the version you read (412 otherwise).",
            "parameters": [_IF_MATCH],
            "responses": _responses({"204": {"description": "Deleted."}}, "404", "409", "412"),
        },
        "api.search_technologies": {
            "operationId": "searchTechnologies",
            "tags": ["Technologies"],
            "summary": "Search the technology catalogue",
            "description": "By name or alias: exact matches first, then prefixes, then "
            "substrings. Without `q`, the catalogue in order.",
            "parameters": [
                _query(
                    "q",
                    "Name or alias, or part of one.",
                    {"type": "string", "maxLength": rules.TECHNOLOGY_MAX},
                    examples={"alias": {"value": "postgres"}},
                ),
                _query(
                    "limit",
                    "At most this many.",
                    {"type": "integer", "minimum": 1, "maximum": 500, "default": 20},
                ),
            ],
            "responses": _responses(
                {"200": _json("TechnologyList", "Matching technologies.")}, "422"
            ),
        },
        "api.my_technologies": {
            "operationId": "listMyTechnologies",
            "tags": ["Technologies"],
            "summary": "List the technologies you have used",
            "description": "With how many of your projects use each, most used first.",
            "responses": _responses({"200": _json("TechnologyUsage", "Usage.")}),
        },
        "api.list_profiles": {
            "operationId": "listProfiles",
            "tags": ["Readiness"],
            "summary": "List role profiles",
            "description": "The shipped profiles, then the ones you made.",
            "responses": _responses({"200": _json("ProfileList", "Profiles.")}),
        },
        "api.get_profile": {
            "operationId": "getProfile",
            "tags": ["Readiness"],
            "summary": "Get a role profile",
            "responses": _responses({"200": _json("Profile", "The profile.")}, "404"),
        },
        "api.get_readiness": {
            "operationId": "getReadiness",
            "tags": ["Readiness"],
            "summary": "Score your readiness for a profile",
            "description": "The score, each requirement's points, coverage, evidence "
            "and gaps, and the next steps that would raise it most, as of today.",
            "responses": _responses({"200": _json("Readiness", "The score.")}, "404"),
        },
        "api.rank_jobs": {
            "operationId": "rankJobs",
            "tags": ["Readiness"],
            "summary": "Rank job adverts and profiles by your readiness",
            "description": "Which jobs fit you? Each advert is made into a profile from "
            "the catalogue technologies it names (its title included), as a pasted advert "
            "is, and your portfolio is scored against it and against each saved profile "
            "named. The answer ranks them best first, each with the requirements met, the "
            "biggest gap and the next step. Nothing is saved. An unknown profile slug is "
            "refused (422, with its pointer); an advert naming no technology is listed "
            f"under `unranked`. At most {rules.MAX_ADVERTS} adverts.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("JobsToRank")}},
            },
            "responses": _responses(
                {"200": _json("JobRanking", "The jobs, best first.")}, *body_errors
            ),
        },
        "api.export_json_resume": {
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
                _query(
                    "scope",
                    "public or all.",
                    {"type": "string", "enum": ["public", "all"], "default": "public"},
                ),
            ],
            "responses": _responses({"200": _json("JsonResume", "The résumé.")}, "422"),
        },
        "api.import_json_resume": {
            "operationId": "importJsonResume",
            "tags": ["JSON Resume"],
            "summary": "Import projects from a JSON Resume",
            "description": "Creates the résumé's projects (and its work and "
            "volunteering) that you do not already have, in one transaction: a project "
            "with the same title, kind, organisation and start is skipped, so importing "
            "the same file twice answers 409 the second time, and so does the second of "
            "two sent at once. Imported projects are "
            "private. With `details=true` the résumé's basics replace your details. "
            f"At most {_IMPORT_KB} kB. Send an `Idempotency-Key` to get the first "
            "answer again, instead of 409, when you retry.",
            "parameters": [
                _query(
                    "details",
                    "Also replace your name, headline and other details.",
                    {"type": "boolean", "default": False},
                ),
                _IDEMPOTENCY_KEY,
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("JsonResume")}},
            },
            "responses": _responses(
                {"200": _json("ImportResult", "What was imported.", headers=_REPLAYED)},
                "400",
                "409",
                "413",
                "415",
                "422",
            ),
        },
    }


# --- paths: the routes ---------------------------------------------------------------

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


# --- the reference page ------------------------------------------------------------

_CONSTRAINTS = (
    ("minLength", "at least {} characters"),
    ("maxLength", "at most {} characters"),
    ("minimum", "at least {}"),
    ("maximum", "at most {}"),
    ("minItems", "at least {} items"),
    ("maxItems", "at most {} items"),
    ("pattern", "{}"),
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


#: The rules' patterns in words; any other is shown as it is.
_PATTERN_WORDS = {
    rules.LINE_PATTERN: "one line, without control or text-direction characters",
    rules.TEXT_PATTERN: "no control or text-direction characters",
    rules.MONTH_PATTERN: "a month, YYYY-MM",
}


def _words(key: str, value: Any) -> Any:
    if key == "pattern":
        return _PATTERN_WORDS.get(value, f"matches {value}")
    if key == "default":
        return json.dumps(value, ensure_ascii=False)
    return value


def constraint_text(schema: dict[str, Any]) -> str:
    """List a schema's limits in words."""
    parts = [text.format(_words(key, schema[key])) for key, text in _CONSTRAINTS if key in schema]
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
    if schema_name.startswith("Project"):
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
                    if name in doc["components"]["schemas"] and name != "JsonResume"
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
