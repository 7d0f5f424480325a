"""The JSON API, version 1: every operation the OpenAPI document (openapi/) describes.

Requests authenticate with a personal access token (``Authorization: Bearer pt_...``);
a browser's session cookie is never enough, which is also why the blueprint is exempt
from CSRF: a cross-site page can make a browser send cookies, never a bearer token.
A token with the read scope opens every operation but those in ``WRITE_ENDPOINTS``
(403). Each token has a rate limit (ratelimit.py: 429 past it, RateLimit headers on
every answer). Another user's ids answer 404, exactly like ids that do not exist.

The operations live by area in projects.py (projects and technologies), readiness.py
(role profiles, readiness and ranking) and resumes.py (JSON Resume export and import),
all on this module's blueprint; this module holds the blueprint, authentication, rate
limiting, the query-string helpers and the document's own routes.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request

from portfolio.api import openapi, ratelimit
from portfolio.api.problems import (
    INSUFFICIENT_SCOPE,
    QUOTA,
    RATE_LIMITED,
    UNAUTHORISED,
    ApiProblem,
    FieldError,
    validation_problem,
)
from portfolio.exports import service as exports
from portfolio.extensions import csrf
from portfolio.models import User
from portfolio.schemas import rules
from portfolio.schemas.rules import QuotaError
from portfolio.tokens.services import token_for_secret

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

#: Bodies larger than this are refused with 413 (imports have their own, larger limit).
MAX_BODY = 256 * 1024
MAX_IMPORT_BODY = exports.IMPORT_MAX_BYTES
#: The largest id a path may carry: both databases store ids as 32-bit integers.
MAX_ID = 2**31 - 1
MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_OFFSET = 1_000_000
#: Endpoints anyone may read: the document describing the API, and its page.
PUBLIC_ENDPOINTS = frozenset({"api.openapi_document", "api.docs"})
#: Operations that change what is stored: they need a token with the write scope.
WRITE_ENDPOINTS = frozenset(
    {"api.create_project", "api.replace_project", "api.update_project",
     "api.delete_project", "api.import_json_resume", "api.start_analysis",
     "api.confirm_analysis"}
)  # fmt: skip


def current_api_user() -> User:
    """Return the user the request's token belongs to."""
    return g.api_user


@bp.before_request
def authenticate() -> None:
    """Accept a live bearer token, and nothing else, for every operation."""
    request.max_content_length = (
        MAX_IMPORT_BODY if request.endpoint == "api.import_json_resume" else MAX_BODY
    )
    if request.endpoint == "api.start_analysis":
        # A repository's upload: this operation alone takes a large body.
        request.max_content_length = analyses.upload_limit()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.strip().partition(" ")
    challenge = 'Bearer realm="api"'
    if not header:
        raise ApiProblem(
            401,
            "Send a personal access token as 'Authorization: Bearer <token>'. Create one "
            "on your account's API tokens page.",
            type=UNAUTHORISED,
            headers={"WWW-Authenticate": challenge},
        )
    found = token_for_secret(secret.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        raise ApiProblem(
            401,
            "The token is not valid: it may be mistyped, revoked, expired or not a bearer token.",
            type=UNAUTHORISED,
            headers={"WWW-Authenticate": f'{challenge}, error="invalid_token"'},
        )
    token, g.api_user = found
    standing = g.rate_limit = ratelimit.count_request(token.id)
    if standing is not None and not standing.allowed:
        raise ApiProblem(
            429,
            f"This token has made {standing.limit} requests in {standing.window} seconds, "
            f"as many as one token may. Try again in {max(1, standing.reset)} seconds.",
            type=RATE_LIMITED,
            title="Too many requests",
            headers=standing.headers(),
        )
    if request.endpoint in WRITE_ENDPOINTS and token.scope != "write":
        raise ApiProblem(
            403,
            "This token may only read. Create a token that may read and write on your "
            "account's API tokens page.",
            type=INSUFFICIENT_SCOPE,
            title="Your token may not do this",
            headers={"WWW-Authenticate": f'{challenge}, error="insufficient_scope", scope="write"'},
        )
    _refuse_unknown_parameters()


#: The query parameters each operation understands; any other is refused with 422, so a
#: typo such as ?kidn=paid is reported instead of silently listing everything.
QUERY_PARAMETERS: dict[str, frozenset[str]] = {
    "api.list_projects": frozenset({"kind", "technology", "limit", "offset"}),
    "api.search_technologies": frozenset({"q", "limit"}),
    "api.export_json_resume": frozenset({"scope"}),
    "api.import_json_resume": frozenset({"details"}),
}


def _refuse_unknown_parameters() -> None:
    allowed = QUERY_PARAMETERS.get(request.endpoint or "", frozenset())
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise validation_problem(
            [FieldError("", "Is not a parameter of this operation.", field=name[:100])
             for name in unknown[:20]],
            "The query string has unknown parameters; see errors.",
        )  # fmt: skip


@bp.after_request
def no_cache(response: Response) -> Response:
    """Keep personal data out of shared caches; say where the token stands."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        response.headers.setdefault("Cache-Control", "private, no-store")
        response.vary.add("Authorization")
    standing = g.get("rate_limit")
    if standing is not None:
        for name, value in standing.headers().items():
            response.headers.setdefault(name, value)
    return response


def _quota_problem(error: QuotaError) -> ApiProblem:
    return ApiProblem(409, error.message, type=QUOTA, title="Quota reached")


# --- the document and its page ---------------------------------------------


@bp.get("/openapi.json")
def openapi_document():
    """Serve the OpenAPI 3.1 document."""
    return jsonify(openapi.document())


@bp.get("/docs")
def docs():
    """Show the API reference page, rendered from the OpenAPI document."""
    return render_template(
        "api/docs.html",
        page=openapi.reference(openapi.document(), request.host_url),
        rate_limit=current_app.config["API_RATE_LIMIT"],
        max_projects=rules.MAX_PROJECTS,
    )


# --- query strings ----------------------------------------------------------------


def _int_arg(name: str, default: int, low: int, high: int, errors: list[FieldError]) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or not low <= int(raw) <= high:
        errors.append(FieldError("", f"Must be a whole number from {low} to {high}.", field=name))
        return default
    return int(raw)


def _text_arg(name: str, longest: int, errors: list[FieldError]) -> str | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if len(raw) > longest or any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in raw):
        errors.append(FieldError("", f"Must be at most {longest} printable characters.",
                                 field=name))  # fmt: skip
        return None
    return raw.strip() or None


def _bool_arg(name: str, errors: list[FieldError]) -> bool:
    raw = request.args.get(name)
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    errors.append(FieldError("", "Must be true or false.", field=name))
    return False


# The operations register on bp when imported: last, as they import this module.
from portfolio.api import analyses, projects, readiness, references, resumes  # noqa: E402, F401
