"""The JSON API's projects and technologies: list, create, read, change, delete, search."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for
from werkzeug.http import quote_etag

from portfolio.api.idempotent import idempotent
from portfolio.api.payloads import json_object, project_etag, project_json, record_from_json
from portfolio.api.problems import CONFLICT, ApiProblem, FieldError, validation_problem
from portfolio.api.views import (
    DEFAULT_LIMIT,
    MAX_ID,
    MAX_LIMIT,
    MAX_OFFSET,
    _int_arg,
    _quota_problem,
    _text_arg,
    bp,
    current_api_user,
)
from portfolio.models import Project
from portfolio.projects import services as projects
from portfolio.projects.record import KINDS
from portfolio.schemas import rules
from portfolio.schemas.rules import QuotaError
from portfolio.technologies.catalogue import get_catalogue


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

    Without the header, None: the change is made over whatever is stored. Checked once
    the request is known to be valid, as RFC 9110 orders it: a body that would be
    refused anyway is refused for what is wrong with it.
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
    record = record_from_json(json_object())
    expected = _version_if_match(project)  # a valid request's precondition
    try:
        projects.update_project(current_api_user(), project, record, expected_version=expected)
    except projects.EditConflict:
        raise _lost_race(project_id, expected) from None
    return _project_answer(project)


@bp.patch("/projects/<int:project_id>")
def update_project(project_id: int):
    """Change some fields of a project (JSON Merge Patch; over If-Match's version, if any)."""
    project = _own_project(project_id)
    body = json_object(media_types=("application/json", "application/merge-patch+json"))
    record = record_from_json(body, base=projects.record_of(project))
    expected = _version_if_match(project)  # a valid request's precondition
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
