"""What a route cannot say: each operation's words, parameters, body and answers.

``_operations()`` is keyed by endpoint (``api.list_projects``, ...): a route without an
entry there, or an entry without a route, stops the document being made (paths.py).
"""

from __future__ import annotations

from typing import Any

from portfolio.api.openapi.components import (
    _RATE_LIMIT_HEADERS,
    _ref,
    _shared_ref,
)
from portfolio.exports.service import IMPORT_MAX_BYTES
from portfolio.projects.record import KINDS
from portfolio.schemas import rules

_IMPORT_KB = IMPORT_MAX_BYTES // 1000


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


def _json(schema: str, description: str, **more: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema)}},
        **more,
    }


def _query(name: str, description: str, schema: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema, **more}


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
        "api.start_analysis": {
            "operationId": "startAnalysis",
            "tags": ["Code analyses"],
            "summary": "Analyse a repository's code",
            "description": "Upload a repository archive (.zip, .tar.gz) or git bundle as "
            "`multipart/form-data` (`file`, and `emails` for a bundle's history), or send "
            "a public https Git URL as JSON. The analysis runs in the background: the "
            "answer (202) says where to read its state, and its findings once `status` "
            "is `done`. Nothing in the code is run, and only the findings are kept. "
            f"At most {rules.MAX_COMMIT_EMAILS} commit emails. A refused file or URL "
            "(unsafe paths, too big, private address, http, credentials) is 422 with "
            f"the reason. At most {rules.MAX_ANALYSES_IN_PROGRESS} of your analyses may "
            "be waiting or running at once (409 past it), and a daily number may be "
            "started (429 with `Retry-After` past it).",
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "emails": {
                                    "type": "array",
                                    "items": {"type": "string", "maxLength": rules.EMAIL_MAX},
                                    "maxItems": rules.MAX_COMMIT_EMAILS,
                                },
                            },
                        }
                    },
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["url"],
                            "additionalProperties": False,
                            "properties": {
                                "url": {
                                    "type": "string",
                                    "maxLength": rules.URL_MAX,
                                    "pattern": "^https://",
                                    "examples": ["https://github.com/pallets/flask.git"],
                                },
                                "emails": {
                                    "type": "array",
                                    "items": {"type": "string", "maxLength": rules.EMAIL_MAX},
                                    "maxItems": rules.MAX_COMMIT_EMAILS,
                                },
                            },
                        }
                    },
                },
            },
            "responses": _responses(
                {
                    "202": _json(
                        "Analysis",
                        "Started.",
                        headers={
                            "Location": {
                                "description": "The analysis's address.",
                                "schema": {"type": "string"},
                            }
                        },
                    )
                },
                *body_errors,
                "409",
            ),
        },
        "api.get_analysis": {
            "operationId": "getAnalysis",
            "tags": ["Code analyses"],
            "summary": "Get an analysis",
            "description": "Its status and current step; its findings (each technology "
            "with the lines that show it, languages by lines, practices) and, with "
            "history, your commits once `status` is `done`.",
            "responses": _responses({"200": _json("Analysis", "The analysis.")}, "404"),
        },
        "api.confirm_analysis": {
            "operationId": "confirmAnalysis",
            "tags": ["Code analyses"],
            "summary": "Keep an analysis's findings on a project",
            "description": "Creates a project (201) or adds to one of yours (200); the "
            "technologies kept are marked as found in its code, and the project's earlier "
            "code findings are replaced. 409 when the analysis has not finished or was "
            "confirmed already.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("AnalysisConfirm")}},
            },
            "responses": _responses(
                {
                    "200": _json("Project", "Added to the project."),
                    "201": _json(
                        "Project",
                        "Created.",
                        headers={
                            "Location": {
                                "description": "The new project's address.",
                                "schema": {"type": "string"},
                            }
                        },
                    ),
                },
                *body_errors,
                "404",
                "409",
            ),
        },
        "api.list_references": {
            "operationId": "listReferences",
            "tags": ["References"],
            "summary": "List the references confirmed on your projects",
            "description": "Every reference a referee confirmed and has not withdrawn, "
            "oldest first, hidden ones included (`hidden`). One whose confirmed fields "
            "you edited since says so (`edited_since`, `changes`) and no longer counts "
            "in the score.",
            "responses": _responses({"200": _json("ReferenceList", "The references.")}),
        },
        "api.list_reference_requests": {
            "operationId": "listReferenceRequests",
            "tags": ["References"],
            "summary": "List your reference requests",
            "description": "Every link you made for a referee, newest first, with its "
            f"state: a waiting link expires {rules.REFERENCE_LINK_DAYS} days after it "
            "was made. The links themselves are never sent: only their hashes are kept.",
            "responses": _responses({"200": _json("ReferenceRequestList", "The requests.")}),
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
