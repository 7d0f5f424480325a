"""The JSON API's code analyses: start one, read its state and findings, confirm them.

Starting answers 202 at once with a ``Location`` to read: the analysis runs as a
background job (``portfolio.jobs``), exactly as from the pages, and its findings are
there once ``status`` is ``done``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from portfolio.analyses import service
from portfolio.api.payloads import json_object, project_json
from portfolio.api.problems import (
    CONFLICT,
    QUOTA,
    RATE_LIMITED,
    ApiProblem,
    FieldError,
    validation_problem,
)
from portfolio.api.views import MAX_ID, _quota_problem, bp, current_api_user
from portfolio.models import CodeAnalysis
from portfolio.projects import services as projects
from portfolio.schemas import rules
from portfolio.schemas.analysis import AnalysisConfirmIn, AnalysisIn
from portfolio.schemas.base import SchemaError, validate
from portfolio.schemas.project import _timestamp
from portfolio.schemas.rules import QuotaError


def upload_limit() -> int:
    """Return the largest body the start operation accepts (the upload page's)."""
    return service.upload_body_limit()


def _own_analysis(analysis_id: int) -> CodeAnalysis:
    found = (
        service.get_user_analysis(current_api_user(), analysis_id)
        if 0 < analysis_id <= MAX_ID
        else None
    )
    if found is None:
        raise ApiProblem(404, f"You have no analysis with id {analysis_id}.")
    return found


def _problems(error: SchemaError, prefix: str = "") -> ApiProblem:
    return validation_problem([FieldError(prefix + p.pointer, p.message) for p in error.problems])


def analysis_json(analysis: CodeAnalysis) -> dict[str, Any]:
    """Return an analysis as the API sends it: its state, and its findings once done."""
    result = service.result_of(analysis)
    history = result.history if result else None
    return {
        "id": analysis.id,
        "status": analysis.status,
        "step": analysis.step,
        "error": analysis.error or None,
        "source": analysis.source,
        "label": analysis.label,
        "project_id": analysis.project_id,
        "created_at": _timestamp(analysis.created_at),
        "finished_at": _timestamp(analysis.finished_at),
        "findings": result.findings.to_json() if result else None,
        "history": history.to_json() if history is not None else None,
        "languages": [share.to_json() for share in result.languages] if result else None,
        "languages_note": result.languages_note if result else None,
    }


def _limit_problem(error: service.AnalysisLimit) -> ApiProblem:
    """Answer a refused start as the API answers quotas (409) and rate limits (429)."""
    if error.retry_after:
        return ApiProblem(
            429,
            error.message,
            type=RATE_LIMITED,
            title="Too many requests",
            headers={"Retry-After": str(error.retry_after)},
        )
    return ApiProblem(409, error.message, type=QUOTA, title="Quota reached")


def _accepted(analysis: CodeAnalysis):
    response = jsonify(analysis_json(analysis))
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_analysis", analysis_id=analysis.id)
    return response


@bp.post("/analyses")
def start_analysis():
    """Start analysing an uploaded archive or bundle (multipart) or a repository URL (JSON)."""
    user = current_api_user()
    if request.mimetype == "multipart/form-data":
        try:
            upload = request.files.get("file")
            emails = request.form.getlist("emails")  # one address per field, as documented
        except RequestEntityTooLarge:
            limit = current_app.config["CODE_UPLOAD_MAX_BYTES"]
            raise ApiProblem(413, service.too_big_message(limit)) from None
        data = {"filename": upload.filename if upload else "", "emails": emails}
        try:
            validated = validate(AnalysisIn, data)
        except SchemaError as error:
            raise _problems(error) from None
        try:
            analysis = service.start_upload(
                user, upload.stream, validated.filename, validated.emails, None
            )
        except service.AnalysisLimit as error:
            raise _limit_problem(error) from None
        except service.FieldRefused as error:
            raise validation_problem([FieldError(f"/{error.field}", error.message)]) from None
        return _accepted(analysis)
    body = json_object()
    data = {"url": body.get("url", ""), "emails": body.get("emails", [])}
    unknown = sorted(set(body) - {"url", "emails"})
    if unknown:
        raise validation_problem(
            [FieldError(f"/{name[:100]}", "Is not a field of an analysis.") for name in unknown]
        )
    try:
        validated = validate(AnalysisIn, data)
    except SchemaError as error:
        raise _problems(error) from None
    try:
        analysis = service.start_url(user, validated.url, validated.emails, None)
    except service.AnalysisLimit as error:
        raise _limit_problem(error) from None
    except service.FieldRefused as error:
        raise validation_problem([FieldError(f"/{error.field}", error.message)]) from None
    return _accepted(analysis)


@bp.get("/analyses/<int:analysis_id>")
def get_analysis(analysis_id: int):
    """Return an analysis: its status and step, and its findings once done."""
    return analysis_json(_own_analysis(analysis_id))


@bp.post("/analyses/<int:analysis_id>/confirm")
def confirm_analysis(analysis_id: int):
    """Keep the chosen technologies: on a new project, or added to one of yours."""
    analysis = _own_analysis(analysis_id)
    body = json_object()
    try:
        chosen = validate(AnalysisConfirmIn, body)
    except SchemaError as error:
        raise _problems(error) from None
    target = None
    if chosen.project_id is not None:
        target = projects.get_user_project(current_api_user(), chosen.project_id)
        if target is None:
            raise validation_problem([FieldError("/project_id", rules.CHOOSE_PROJECT)])
    elif chosen.project is None:
        raise validation_problem(
            [FieldError("/project", "Send project (a new project's fields) or project_id.")]
        )
    try:
        project = service.confirm(
            current_api_user(),
            analysis,
            chosen.technologies,
            project=target,
            new_project=chosen.project if target is None else None,
        )
    except SchemaError as error:
        pointer = "" if target is not None else "/project"
        raise _problems(error, pointer) from None
    except QuotaError as error:
        raise _quota_problem(error) from None
    except service.FieldRefused as error:
        raise ApiProblem(409, error.message, type=CONFLICT) from None
    response = jsonify(project_json(project))
    response.status_code = 200 if target is not None else 201
    if target is None:
        response.headers["Location"] = url_for("api.get_project", project_id=project.id)
    return response
