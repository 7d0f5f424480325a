"""Everything one account owns, as plain JSON-ready data (data portability).

Secrets never leave: no password hash, no API token or login session hashes, no share
token. Every query is here, one per table, each filtered by the owner's id.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portfolio.extensions import db
from portfolio.models import (
    ApiToken,
    CustomProfile,
    LoginSession,
    PortfolioSettings,
    Project,
    ReferenceRequest,
    ScoreSnapshot,
    User,
)
from portfolio.projects.services import record_of
from portfolio.schemas.project import project_document

#: 2: projects as the API sends them (months as YYYY-MM, with id and needs_attention).
FORMAT_VERSION = 2


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _project(project: Project) -> dict[str, Any]:
    return project_document(
        record_of(project), created_at=project.created_at, updated_at=project.updated_at
    )


def _reference(row: ReferenceRequest) -> dict[str, Any]:
    return {
        "project_id": row.project_id,
        "label_name": row.label_name,
        "label_role": row.label_role,
        "referee_email": row.referee_email,
        "state": row.state,
        "sent_by": row.sent_by,
        "sent_to_domain": row.sent_to_domain,
        "created_at": _iso(row.created_at),
        "expires_at": _iso(row.expires_at),
        "decided_at": _iso(row.decided_at),
        "referee": {
            "name": row.referee_name,
            "job_title": row.referee_job_title,
            "organisation": row.referee_organisation,
            "relationship": row.referee_relationship,
        },
        "confirmed": row.confirmed or {},
        "comment": row.comment,
        "show_name": bool(row.show_name),
        "show_comment": bool(row.show_comment),
        "hidden": bool(row.hidden),
        "owner_shows_comment": bool(row.owner_shows_comment),
    }


def _settings(settings: PortfolioSettings | None) -> dict[str, Any] | None:
    if settings is None:
        return None
    return {
        "name": settings.name,
        "headline": settings.headline,
        "bio": settings.bio,
        "location": settings.location,
        "email": settings.email,
        "website": settings.website,
        "links": list(settings.links or []),
        "shown": list(settings.shown or []),
        "share_enabled": bool(settings.share_enabled),
        "theme": settings.theme,
        "group_by": settings.group_by,
        "noindex": bool(settings.noindex),
        "show_badge": bool(settings.show_badge),
        "pdf_for_visitors": bool(settings.pdf_for_visitors),
        "paper_size": settings.paper_size,
    }


def export_account(user: User) -> dict[str, Any]:
    """Return the user's account, projects, settings, profiles, scores, tokens and logins."""
    uid = user.id
    projects = db.session.scalars(
        select(Project)
        .where(Project.user_id == uid)
        .options(selectinload(Project.technologies))
        .order_by(Project.start.desc().nulls_last(), Project.id)
    ).all()
    settings = db.session.get(PortfolioSettings, uid)
    profiles = db.session.scalars(
        select(CustomProfile).where(CustomProfile.user_id == uid).order_by(CustomProfile.id)
    ).all()
    scores = db.session.scalars(
        select(ScoreSnapshot)
        .where(ScoreSnapshot.user_id == uid)
        .order_by(ScoreSnapshot.recorded_at, ScoreSnapshot.id)
    ).all()
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == uid).order_by(ApiToken.id)
    ).all()
    sessions = db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == uid).order_by(LoginSession.id)
    ).all()
    references = db.session.scalars(
        select(ReferenceRequest)
        .where(ReferenceRequest.user_id == uid)
        .order_by(ReferenceRequest.id)
    ).all()
    return {
        "format": "portfolio-account-export",
        "version": FORMAT_VERSION,
        "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "created_at": _iso(user.created_at),
            "target_profile": user.target_profile,
        },
        "projects": [_project(p) for p in projects],
        "portfolio_settings": _settings(settings),
        "custom_profiles": [
            {"slug": p.slug, "title": p.title, "body": p.body, "created_at": _iso(p.created_at)}
            for p in profiles
        ],
        "score_history": [
            {"profile": s.profile_slug, "score": s.score, "recorded_at": _iso(s.recorded_at)}
            for s in scores
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "scope": t.scope,
                "created_at": _iso(t.created_at),
                "expires_at": _iso(t.expires_at),
                "last_used_at": _iso(t.last_used_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in tokens
        ],
        "login_sessions": [
            {
                "user_agent": s.user_agent,
                "created_at": _iso(s.created_at),
                "last_seen_at": _iso(s.last_seen_at),
                "expires_at": _iso(s.expires_at),
            }
            for s in sessions
        ],
        # What referees were asked and answered (issue 17); never the links' hashes.
        "reference_requests": [_reference(r) for r in references],
    }
