"""The JSON API, version 1: every operation the OpenAPI document (openapi.py) describes.

Requests authenticate with a personal access token (``Authorization: Bearer pt_...``);
a browser's session cookie is never enough, which is also why the blueprint is exempt
from CSRF: a cross-site page can make a browser send cookies, never a bearer token.
A token with the read scope opens every operation but those in ``WRITE_ENDPOINTS``
(403). Each token has a rate limit (ratelimit.py: 429 past it, RateLimit headers on
every answer). Another user's ids answer 404, exactly like ids that do not exist.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, url_for
from werkzeug.http import quote_etag

from portfolio.api import openapi, ratelimit
from portfolio.api.idempotent import idempotent
from portfolio.api.payloads import json_object, project_etag, project_json, record_from_json
from portfolio.api.problems import (
    CONFLICT,
    INSUFFICIENT_SCOPE,
    QUOTA,
    RATE_LIMITED,
    UNAUTHORISED,
    ApiProblem,
    FieldError,
    validation_problem,
)
from portfolio.exports import service as exports
from portfolio.exports.jsonresume import ResumeImportError
from portfolio.extensions import csrf
from portfolio.models import Project, User
from portfolio.projects import services as projects
from portfolio.projects.record import KINDS
from portfolio.readiness import service as readiness_service
from portfolio.readiness.fit import Advert
from portfolio.readiness.service import CachedReadiness
from portfolio.schemas import rules
from portfolio.schemas.adverts import JobsToRankIn
from portfolio.schemas.base import SchemaError, validate
from portfolio.schemas.rules import QuotaError
from portfolio.technologies.catalogue import get_catalogue
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
     "api.delete_project", "api.import_json_resume"}
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


def _own_project(project_id: int) -> Project:
    project = (
        projects.get_user_project(current_api_user(), project_id)
        if 0 < project_id <= MAX_ID
        else None
    )
    if project is None:
        raise ApiProblem(404, f"You have no project with id {project_id}.")
    return project


# --- projects -------------------------------------------------------------------


@bp.get("/projects")
def list_projects():
    """List the user's projects, newest first, filtered and a page at a time."""
    errors: list[FieldError] = []
    kind = request.args.get("kind")
    if kind is not None and kind not in KINDS:
        errors.append(FieldError("", f"Must be one of: {', '.join(KINDS)}.", field="kind"))
    technology = _text_arg("technology", 200, errors)
    limit = _int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT, errors)
    offset = _int_arg("offset", 0, 0, MAX_OFFSET, errors)
    if errors:
        raise validation_problem(errors, "The query string has invalid parameters; see errors.")
    if technology:
        tag = get_catalogue().normalise(technology)
        technology = tag.name if tag else None
    filters = projects.ProjectFilter(kind=kind, technology=technology)
    user = current_api_user()
    total = projects.count_projects(user, filters)
    items = projects.list_projects(user, filters, limit=limit, offset=offset)

    def page_url(at: int) -> str:
        args = {k: v for k, v in (("kind", kind), ("technology", technology)) if v}
        return url_for("api.list_projects", limit=limit, offset=at, **args)

    links: dict[str, str | None] = {
        "self": page_url(offset),
        "first": page_url(0),
        "prev": page_url(max(0, offset - limit)) if offset > 0 else None,
        "next": page_url(offset + limit) if offset + limit < total else None,
        "last": page_url(max(0, (total - 1) // limit * limit)),
    }
    return {
        "items": [project_json(p) for p in items],
        "total": total,
        "limit": limit,
        "offset": offset,
        "links": links,
    }


def _project_answer(project: Project, status: int = 200, **headers: str) -> Response:
    """Answer with the project and its ETag."""
    response = jsonify(project_json(project))
    response.status_code = status
    response.headers.update(headers)
    response.set_etag(project_etag(project))
    return response


def _version_if_match(project: Project) -> int | None:
    """Return the version an If-Match header names, refusing a stale one (412).

    Without the header, None: the change is made over whatever is stored.
    """
    if not request.if_match:
        return None
    if not request.if_match.contains(project_etag(project)):
        raise _precondition_failed(project)
    return project.version


def _precondition_failed(project: Project) -> ApiProblem:
    tag = quote_etag(project_etag(project))
    return ApiProblem(412, rules.PRECONDITION_FAILED.format(etag=tag), headers={"ETag": tag})


def _lost_race(project_id: int, expected: int | None) -> ApiProblem:
    """Return the problem for a save another save of the same version beat."""
    if expected is None:
        return ApiProblem(409, rules.CHANGED_WHILE_SAVING, type=CONFLICT)
    return _precondition_failed(_own_project(project_id))


@bp.post("/projects")
@idempotent
def create_project():
    """Create a project."""
    record = record_from_json(json_object())
    try:
        project = projects.create_project(current_api_user(), record)
    except QuotaError as error:
        raise _quota_problem(error) from None
    url = url_for("api.get_project", project_id=project.id)
    return _project_answer(project, 201, Location=url)


@bp.get("/projects/<int:project_id>")
def get_project(project_id: int):
    """Return one of the user's projects."""
    return _project_answer(_own_project(project_id))


@bp.put("/projects/<int:project_id>")
def replace_project(project_id: int):
    """Replace every field of a project (over the version If-Match names, if any)."""
    project = _own_project(project_id)
    expected = _version_if_match(project)
    record = record_from_json(json_object())
    try:
        projects.update_project(current_api_user(), project, record, expected_version=expected)
    except projects.EditConflict:
        raise _lost_race(project_id, expected) from None
    return _project_answer(project)


@bp.patch("/projects/<int:project_id>")
def update_project(project_id: int):
    """Change some fields of a project (JSON Merge Patch; over If-Match's version, if any)."""
    project = _own_project(project_id)
    expected = _version_if_match(project)
    body = json_object(media_types=("application/json", "application/merge-patch+json"))
    record = record_from_json(body, base=projects.record_of(project))
    try:
        projects.update_project(current_api_user(), project, record, expected_version=expected)
    except projects.EditConflict:
        raise _lost_race(project_id, expected) from None
    return _project_answer(project)


@bp.delete("/projects/<int:project_id>")
def delete_project(project_id: int):
    """Delete a project (the version If-Match names, if any)."""
    project = _own_project(project_id)
    expected = _version_if_match(project)
    try:
        projects.delete_project(current_api_user(), project, expected_version=expected)
    except projects.EditConflict:
        raise _lost_race(project_id, expected) from None
    return "", 204


# --- technologies -------------------------------------------------------------


@bp.get("/technologies")
def search_technologies():
    """Search the technology catalogue by name or alias (all of it without q)."""
    errors: list[FieldError] = []
    query = _text_arg("q", 60, errors)
    limit = _int_arg("limit", 20, 1, 500, errors)
    if errors:
        raise validation_problem(errors, "The query string has invalid parameters; see errors.")
    catalogue = get_catalogue()
    found = catalogue.search(query, limit=limit) if query else list(catalogue)[:limit]
    return {
        "items": [
            {"name": t.name, "category": t.category, "aliases": list(t.aliases)} for t in found
        ],
        "total": len(found),
    }


@bp.get("/me/technologies")
def my_technologies():
    """List the technologies on the user's projects, with how many projects use each."""
    catalogue = get_catalogue()
    return {
        "items": [
            {"name": name, "projects": count, "category": catalogue.category_of(name)}
            for name, count in projects.technology_usage(current_api_user())
        ]
    }


# --- profiles and readiness -------------------------------------------------------


def _profile_json(profile, target_slug: str) -> dict[str, Any]:
    return {
        "slug": profile.slug,
        "title": profile.title,
        "description": profile.description,
        "builtin": bool(profile.builtin),
        "target": profile.slug == target_slug,
        "requirements": [
            {
                "id": r.id,
                "label": r.label,
                "why": r.why,
                "weight": r.weight,
                "shape": r.shape,
                "technologies": list(r.technologies),
            }
            for r in profile.requirements
        ],
    }


def _user_profile(slug: str):
    user = current_api_user()
    available = readiness_service.user_profiles(user)
    profile = available.get(slug)
    if profile is None:
        raise ApiProblem(404, "You have no role profile with that slug.")
    return profile, readiness_service.target_of(user, available).slug


@bp.get("/profiles")
def list_profiles():
    """List the role profiles the user can score against: shipped ones, then their own."""
    user = current_api_user()
    available = readiness_service.user_profiles(user)
    target = readiness_service.target_of(user, available).slug
    return {"items": [_profile_json(p, target) for p in available.values()]}


@bp.get("/profiles/<slug>")
def get_profile(slug: str):
    """Return one role profile."""
    profile, target = _user_profile(slug)
    return _profile_json(profile, target)


def _step_json(step) -> dict[str, Any]:
    return {
        "requirement": step.requirement_id,
        "text": step.text,
        "gain": round(step.gain, 1),
        "kind": step.planned.kind,
        "technologies": list(step.planned.technologies),
    }


@bp.get("/profiles/<slug>/readiness")
def get_readiness(slug: str):
    """Return the readiness score for a profile, part by part, with the next steps."""
    profile, _ = _user_profile(slug)
    # The same cached answers the dashboard uses: computed once per portfolio version.
    today = date.today()
    view = CachedReadiness(current_api_user(), today)
    readiness = view.readiness(profile)
    steps = view.steps(profile)
    parts = []
    for part, shown in zip(readiness.parts, readiness.display_parts(), strict=True):
        parts.append(
            {
                "requirement": part.requirement.id,
                "label": part.requirement.label,
                "points": shown,
                "max_points": round(part.max_points, 1),
                "coverage": round(part.coverage, 4),
                "met": part.met,
                "missing": list(part.missing),
                "evidence": [
                    {
                        "project_id": e.project_id,
                        "project_title": e.project_title,
                        "reason": e.technology_or_reason,
                        "amount": round(e.amount, 4),
                        "credit": e.credit or None,
                    }
                    for e in part.evidence
                ],
            }
        )
    return {
        "profile": profile.slug,
        "title": profile.title,
        "score": readiness.display_total,
        "met": readiness.met_count,
        "requirements": len(readiness.parts),
        "parts": parts,
        "next_steps": [_step_json(step) for step in steps],
        "computed_on": today.isoformat(),
    }


@bp.post("/readiness/rank")
def rank_jobs():
    """Rank job adverts and saved profiles by the user's readiness, with the reasons."""
    try:
        wanted = validate(JobsToRankIn, json_object())
    except SchemaError as error:
        raise validation_problem(
            [FieldError(p.pointer, p.message) for p in error.problems]
        ) from None
    today = date.today()
    adverts = [Advert(advert.title, advert.text) for advert in wanted.adverts]
    try:
        ranking = readiness_service.rank_jobs(current_api_user(), adverts, wanted.profiles, today)
    except readiness_service.ProfileInputError as error:
        raise validation_problem([FieldError(f"/{error.field}", error.message)]) from None
    items = []
    for rank, fit in enumerate(ranking.fits, start=1):
        gap = fit.biggest_gap
        items.append(
            {
                "rank": rank,
                "title": fit.title,
                "source": fit.source,
                "profile": fit.profile.slug if fit.source == "profile" else None,
                "score": fit.readiness.display_total,
                "met": len(fit.met),
                "requirements": len(fit.readiness.parts),
                "met_requirements": [part.requirement.label for part in fit.met],
                "biggest_gap": None
                if gap is None
                else {
                    "requirement": gap.requirement.id,
                    "label": gap.requirement.label,
                    "points_missing": round(gap.max_points - gap.points, 1),
                },
                "next_step": None if fit.next_step is None else _step_json(fit.next_step),
                "technologies": list(fit.technologies),
            }
        )
    return {
        "items": items,
        "unranked": [
            {"advert": item.position, "title": item.title, "reason": item.reason}
            for item in ranking.unranked
        ],
        "computed_on": today.isoformat(),
    }


# --- JSON Resume --------------------------------------------------------------


def _bool_arg(name: str, errors: list[FieldError]) -> bool:
    raw = request.args.get(name)
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    errors.append(FieldError("", "Must be true or false.", field=name))
    return False


@bp.get("/exports/json-resume")
def export_json_resume():
    """Export the portfolio as a JSON Resume document (public projects unless scope=all)."""
    scope = request.args.get("scope", "public")
    if scope not in ("public", "all"):
        raise validation_problem(
            [FieldError("", "Must be public or all.", field="scope")],
            "The query string has invalid parameters; see errors.",
        )
    resume = exports.export_json_resume(current_api_user(), public_only=scope == "public")
    return jsonify(resume)


_LOCATION_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _pointer(location: str) -> str:
    """Turn an importer location ("projects[2].name") into a JSON Pointer."""
    if location == "file" or location.startswith("line "):
        return ""
    parts = [m.group(1) or m.group(2) for m in _LOCATION_PART.finditer(location)]
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


@bp.post("/imports/json-resume")
@idempotent
def import_json_resume():
    """Import the projects of a JSON Resume that the portfolio lacks (all or nothing).

    Entries the project rules refuse are not imported and are listed under "refused",
    each with its problems; when they leave nothing to import the answer is 422.
    """
    errors: list[FieldError] = []
    include_details = _bool_arg("details", errors)
    if errors:
        raise validation_problem(errors, "The query string has invalid parameters; see errors.")
    json_object()  # 415 for other media types, 400 for broken JSON, 422 for non-objects
    user = current_api_user()
    try:
        preview = exports.plan_import(user, request.get_data(cache=True))
    except ResumeImportError as error:
        raise validation_problem(
            [FieldError(_pointer(p.location), p.message, field=p.location[:200])
             for p in error.problems],
            "The résumé cannot be imported; see errors.",
        ) from None  # fmt: skip
    refused = preview.plan.refused
    details = include_details and preview.plan.owner is not None
    if not preview.new and not details and refused:
        detail = (
            f"{len(refused)} entr{'ies' if len(refused) != 1 else 'y'} in the résumé "
            "cannot be imported; see errors."
        )
        if preview.present:
            present = len(preview.present)
            detail += f" The other {present} {'is' if present == 1 else 'are'} already yours."
        raise validation_problem(
            [FieldError(_pointer(p.location), p.message) for e in refused for p in e.problems],
            detail + " Nothing was imported.",
        )
    if not preview.plan.projects and not details:
        raise validation_problem(
            [FieldError("/projects", "The résumé has no projects, work or volunteering.")],
            "There is nothing in the résumé to import.",
        )
    if not preview.new and not details:
        raise ApiProblem(
            409,
            f"All {len(preview.present)} projects in the résumé are already in your "
            "portfolio (same title, kind, organisation and start); nothing was imported.",
            type=CONFLICT,
            title="Already imported",
        )
    try:
        result = exports.apply_import(user, preview.plan, include_details=include_details)
    except QuotaError as error:
        raise _quota_problem(error) from None
    if not result.created and not result.details_updated:
        # Another import of the same file finished first.
        raise ApiProblem(409, "These projects were imported meanwhile; nothing was imported.",
                         type=CONFLICT, title="Already imported")  # fmt: skip
    return {
        "created": result.created,
        "skipped": result.skipped,
        "details_updated": result.details_updated,
        "notes": list(preview.plan.skipped),
        "refused": [
            {
                "entry": entry.where,
                "title": entry.title,
                "errors": [
                    {"pointer": _pointer(p.location), "field": p.field, "message": p.message}
                    for p in entry.problems
                ],
            }
            for entry in refused
        ],
    }
