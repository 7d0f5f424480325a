"""The JSON API's JSON Resume export and import."""

from __future__ import annotations

import re

from flask import jsonify, request

from portfolio.api.idempotent import idempotent
from portfolio.api.payloads import json_object
from portfolio.api.problems import CONFLICT, ApiProblem, FieldError, validation_problem
from portfolio.api.views import _bool_arg, _quota_problem, bp, current_api_user
from portfolio.exports import service as exports
from portfolio.exports.jsonresume import ResumeImportError
from portfolio.schemas.rules import QuotaError


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
