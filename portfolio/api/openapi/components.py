"""The document's components: the schemas' own JSON Schema, and the shared answers.

The request bodies are the project schema's own JSON Schema (``ProjectIn``, whose
limits are the constants in ``portfolio/schemas/rules.py``); the responses are the
pydantic models in ``portfolio/api/schemas.py``. The answers many operations share
(401, 404, 429, ...) and the header fields they carry are written here once.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

from pydantic.json_schema import models_json_schema

from portfolio.api import schemas as responses
from portfolio.schemas.adverts import JobsToRankIn
from portfolio.schemas.analysis import AnalysisConfirmIn
from portfolio.schemas.base import Schema
from portfolio.schemas.project import ProjectIn

REF = "#/components/schemas/{model}"


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


_CONFIRM_DESCRIPTION = (
    "The technologies found to keep (catalogue names; others are ignored), and where: "
    "`project_id` adds them to that project, `project` creates one with those fields "
    "(as ProjectInput)."
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
        if model is responses.Analysis:
            schemas["AnalysisConfirm"] = _request_body(AnalysisConfirmIn, _CONFIRM_DESCRIPTION)
        schemas[model.__name__] = found[model.__name__]
    return json.dumps(schemas)


def component_schemas() -> dict[str, Any]:
    """Return the document's schemas: the request bodies, then the responses."""
    return json.loads(_schemas_json())


# --- shared answers and header fields ------------------------------------------------


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


def _shared_ref(code: str) -> str:
    return f"#/components/responses/{_SHARED[code][0]}"
