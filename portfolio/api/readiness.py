"""The JSON API's role profiles, readiness scores and job ranking."""

from __future__ import annotations

from datetime import date
from typing import Any

from portfolio.api.payloads import json_object
from portfolio.api.problems import ApiProblem, FieldError, validation_problem
from portfolio.api.views import bp, current_api_user
from portfolio.readiness import service as readiness_service
from portfolio.readiness.fit import Advert
from portfolio.readiness.service import CachedReadiness
from portfolio.schemas.adverts import JobsToRankIn
from portfolio.schemas.base import SchemaError, validate


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
