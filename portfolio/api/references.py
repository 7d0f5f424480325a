"""The JSON API's references: what referees confirmed, and the requests sent to them."""

from __future__ import annotations

from typing import Any

from portfolio.api.views import bp, current_api_user
from portfolio.projects.services import user_records
from portfolio.references import service
from portfolio.references.proofs import proof_of


def _time(value) -> str | None:
    # As the projects' timestamps: UTC, to the second.
    return value.replace(microsecond=0).isoformat() + "Z" if value is not None else None


@bp.get("/references")
def list_references():
    """List the references confirmed on the user's projects, oldest first."""
    user = current_api_user()
    records = {record.id: record for record in user_records(user)}
    rows = [
        (row, title)
        for row, title in reversed(service.requests_of(user))
        if row.state == service.CONFIRMED
    ]
    items: list[dict[str, Any]] = []
    for row, title in rows:
        proof = proof_of(row, records[row.project_id])
        items.append(
            {
                "id": row.id,
                "project_id": row.project_id,
                "project_title": title,
                "referee": {
                    "name": row.referee_name,
                    "job_title": row.referee_job_title,
                    "organisation": row.referee_organisation,
                    "relationship": row.referee_relationship,
                },
                "confirmed_on": row.decided_at.date().isoformat(),
                "how": row.sent_by,
                "email_domain": proof.email_domain,
                "confirms": list(proof.confirms),
                "comment": row.comment,
                "show_name": bool(row.show_name),
                "show_comment": bool(row.show_comment),
                "comment_shown": bool(row.show_comment and row.owner_shows_comment),
                "hidden": bool(row.hidden),
                "edited_since": proof.edited_since,
                "changes": list(proof.changes),
            }
        )
    return {"items": items}


@bp.get("/reference-requests")
def list_reference_requests():
    """List the user's reference requests, newest first, with their states."""
    now = service.utcnow()
    return {
        "items": [
            {
                "id": row.id,
                "project_id": row.project_id,
                "project_title": title,
                "label_name": row.label_name,
                "label_role": row.label_role,
                "state": service.state_of(row, now),
                "sent_by": row.sent_by,
                "sent_to_domain": row.sent_to_domain,
                "created_at": _time(row.created_at),
                "expires_at": _time(row.expires_at),
                "decided_at": _time(row.decided_at),
            }
            for row, title in service.requests_of(current_api_user())
        ]
    }
