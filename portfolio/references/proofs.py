"""Confirmed references as the plain proof records the scorer and the exporters read.

One query per list of projects, never one per project: ``attach_references`` loads
every confirmed reference of the owner at once and hands each record its own. Whether
a reference was edited since is worked out here, from its snapshot and the record.

What a proof holds is what may be shown: the referee's name only if they allowed it,
their comment only if they allowed it and the owner chose to show it, the domain of
the address the link was mailed to (never the address). With ``public`` the owner's
hidden references are left out; the owner's own views and score keep them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import select

from portfolio.extensions import db
from portfolio.models import ReferenceRequest
from portfolio.projects.record import ProjectRecord, ReferenceProof
from portfolio.references.snapshot import changes_since, confirms_in_words

CONFIRMED = "confirmed"
#: What a proof is made of.
PROOF_COLUMNS = (
    ReferenceRequest.project_id, ReferenceRequest.sent_by, ReferenceRequest.sent_to_domain,
    ReferenceRequest.decided_at, ReferenceRequest.referee_name, ReferenceRequest.show_name,
    ReferenceRequest.referee_job_title, ReferenceRequest.referee_organisation,
    ReferenceRequest.referee_relationship, ReferenceRequest.comment,
    ReferenceRequest.show_comment, ReferenceRequest.owner_shows_comment,
    ReferenceRequest.confirmed,
)  # fmt: skip


def proof_of(row: Any, record: ProjectRecord) -> ReferenceProof:
    """Return a confirmed reference (a model or a row of PROOF_COLUMNS) as the proof it
    gives the project as it is now."""
    confirmed = row.confirmed or {}
    changes = changes_since(confirmed, record)
    return ReferenceProof(
        how=row.sent_by,
        confirmed_on=row.decided_at.date() if row.decided_at else None,
        edited_since=bool(changes),
        name=row.referee_name if row.show_name else "",
        job_title=row.referee_job_title,
        organisation=row.referee_organisation,
        relationship=row.referee_relationship,
        comment=row.comment if (row.show_comment and row.owner_shows_comment) else "",
        email_domain=row.sent_to_domain if row.sent_by == "email" else "",
        confirms=confirms_in_words(confirmed),
        changes=changes,
    )


def attach_references(
    user_id: int, records: Sequence[ProjectRecord], *, public: bool = False
) -> list[ProjectRecord]:
    """Return the records with their confirmed references, loaded in one query."""
    if not records:
        return list(records)
    # Plain rows, not ORM objects: at a few hundred references the identity map and
    # change tracking cost more than the query (as in projects.services.user_records).
    query = select(*PROOF_COLUMNS).where(
        ReferenceRequest.user_id == user_id, ReferenceRequest.state == CONFIRMED
    )
    if public:
        query = query.where(ReferenceRequest.hidden.is_(False))
    rows = db.session.execute(
        query.order_by(ReferenceRequest.decided_at, ReferenceRequest.id)
    ).all()
    by_project: dict[int, list[Any]] = {}
    for row in rows:
        by_project.setdefault(row.project_id, []).append(row)
    if not by_project:
        return list(records)
    return [
        replace(record, references=tuple(proof_of(row, record) for row in by_project[record.id]))
        if record.id in by_project
        else record
        for record in records
    ]
