"""Readiness in the app: which profiles a user has, their scores, and the history.

The scoring itself is pure (scoring.py); this module gathers the data from the
database in a fixed number of queries, records the score when it changes, and holds
what the readiness pages and the API do: what-if, making and editing a custom profile,
and ranking jobs. Views validate their forms and call one function here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, func, select

from portfolio.caching import cache
from portfolio.extensions import db
from portfolio.models import DEFAULT_PROFILE, CustomProfile, ScoreSnapshot, User, utcnow
from portfolio.projects.record import KINDS, ProjectRecord
from portfolio.projects.services import portfolio_changed, touch_portfolio, user_records
from portfolio.readiness import fit
from portfolio.readiness.advice import NextStep, next_steps, what_if
from portfolio.readiness.profiles import (
    ProfileError,
    RoleProfile,
    load_builtin_profiles,
    profile_from_dict,
    profile_from_technologies,
    profile_to_dict,
    slugify,
)
from portfolio.readiness.scoring import Readiness, RequirementScore, score_portfolio
from portfolio.schemas import rules
from portfolio.technologies.catalogue import get_catalogue

#: How many score snapshots the dashboard chart shows.
HISTORY_POINTS = 60
#: The longest slug a custom profile's title gives, before any "-2" suffix.
SLUG_BASE_LENGTH = 110


def builtin_profiles() -> dict[str, RoleProfile]:
    """Return the shipped profiles, validated once when the app started."""
    return current_app.extensions["role_profiles"]


def init_app(app: Flask) -> None:
    """Load the shipped profiles and record the score whenever a portfolio changes.

    Called by the factory, so importing a module never wires anything: a bad profile
    file stops the app from starting, and the signal is connected once (connecting the
    same receiver again, for a second app, replaces it).
    """
    init_profiles(app)
    portfolio_changed.connect(_record_after_change)


def _record_after_change(user: User) -> None:
    """Record the score whenever the portfolio changes."""
    record_score(user)


def init_profiles(app: Flask) -> None:
    """Load and validate the shipped profiles; a bad file stops the app from starting."""
    app.extensions["role_profiles"] = load_builtin_profiles(get_catalogue())


def user_profiles(user: User) -> dict[str, RoleProfile]:
    """Return every profile the user can pick: shipped ones first, then their own."""
    profiles = dict(builtin_profiles())
    rows = db.session.scalars(
        select(CustomProfile).where(CustomProfile.user_id == user.id).order_by(CustomProfile.id)
    )
    catalogue = get_catalogue()
    for row in rows:
        try:
            profiles[row.slug] = profile_from_dict(row.body, catalogue)
        except ProfileError:
            # A catalogue change could invalidate an old custom profile; skip, don't crash.
            current_app.logger.warning("custom profile %s of user %s is invalid", row.id, user.id)
    return profiles


def target_of(user: User, profiles: dict[str, RoleProfile]) -> RoleProfile:
    """Return the user's target profile, falling back to the Back-end engineer."""
    return profiles.get(user.target_profile) or profiles[DEFAULT_PROFILE]


@dataclass(frozen=True)
class DashboardData:
    """Everything the dashboard shows, gathered in a fixed number of queries."""

    counts: dict[str, int]
    profile: RoleProfile
    readiness: Readiness
    steps: list[NextStep]
    history: list[tuple[datetime, float]]

    @property
    def total(self) -> int:
        """Return the number of projects."""
        return sum(self.counts.values())


def dashboard_data(user: User, today: date) -> DashboardData:
    """Return the user's score, next steps and history for their target profile.

    Computing next steps re-scores the portfolio dozens of times, so the result is
    kept per process under a key of everything it depends on: the user's portfolio
    version (bumped on every change and every recorded score), the target profile
    and the day. A stale entry can never be served; old ones simply age out.
    """
    key = (user.id, user.portfolio_changed_at, user.target_profile, today)
    return cache("dashboard").get_or_compute(key, lambda: _compute_dashboard(user, today))


def _compute_dashboard(user: User, today: date) -> DashboardData:
    projects = user_records(user)
    profile = target_of(user, user_profiles(user))
    readiness = score_portfolio(projects, profile, today)
    steps = next_steps(projects, profile, today, get_catalogue())
    counts = dict.fromkeys(KINDS, 0)
    for project in projects:
        counts[project.kind] = counts.get(project.kind, 0) + 1
    return DashboardData(counts, profile, readiness, steps, score_history(user, profile.slug))


class CachedReadiness:
    """One user's readiness for any profile, computed at most once per portfolio version.

    Pages and API calls ask for scores and next steps of several profiles; the
    projects are loaded once per request, and only if some answer is not cached.
    """

    def __init__(self, user: User, today: date) -> None:
        self.user = user
        self.today = today
        self._projects: list[ProjectRecord] | None = None

    @property
    def projects(self) -> list[ProjectRecord]:
        """Return the user's projects, loaded on first use."""
        if self._projects is None:
            self._projects = user_records(self.user)
        return self._projects

    def _key(self, what: str, profile: RoleProfile) -> tuple:
        # The profile itself is in the key: a custom profile deleted and made again
        # under the same slug may ask for different things.
        return (what, self.user.id, self.user.portfolio_changed_at, profile, self.today)

    def readiness(self, profile: RoleProfile) -> Readiness:
        """Return the score for a profile."""
        return cache("dashboard").get_or_compute(
            self._key("readiness", profile),
            lambda: score_portfolio(self.projects, profile, self.today),
        )

    def steps(self, profile: RoleProfile) -> list[NextStep]:
        """Return the next steps for a profile, biggest gain first."""
        return cache("dashboard").get_or_compute(
            self._key("steps", profile),
            lambda: next_steps(self.projects, profile, self.today, get_catalogue()),
        )


def score_history(user: User, slug: str) -> list[tuple[datetime, float]]:
    """Return the most recent recorded scores for a profile, oldest first."""
    rows = db.session.execute(
        select(ScoreSnapshot.recorded_at, ScoreSnapshot.score)
        .where(ScoreSnapshot.user_id == user.id, ScoreSnapshot.profile_slug == slug)
        .order_by(ScoreSnapshot.recorded_at.desc(), ScoreSnapshot.id.desc())
        .limit(HISTORY_POINTS)
    ).all()
    return [(when, score) for when, score in reversed(rows)]


def record_score(user: User, today: date | None = None) -> float:
    """Record the user's current score for their target profile, if it changed."""
    profiles = user_profiles(user)
    profile = target_of(user, profiles)
    score = round(score_portfolio(user_records(user), profile, today or date.today()).total, 2)
    last = db.session.execute(
        select(ScoreSnapshot.profile_slug, ScoreSnapshot.score)
        .where(ScoreSnapshot.user_id == user.id)
        .order_by(ScoreSnapshot.recorded_at.desc(), ScoreSnapshot.id.desc())
        .limit(1)
    ).first()
    if last is None or last.profile_slug != profile.slug or abs(last.score - score) >= 0.005:
        now = utcnow()
        db.session.add(
            ScoreSnapshot(user_id=user.id, profile_slug=profile.slug, score=score, recorded_at=now)
        )
        # The history is part of what the dashboard shows: a new version of it.
        user.portfolio_changed_at = now
        db.session.commit()
    return score


def set_target(user: User, slug: str) -> RoleProfile:
    """Make a profile the user's target and record the score against it."""
    profiles = user_profiles(user)
    if slug not in profiles:
        raise KeyError(slug)
    user.target_profile = slug
    db.session.commit()
    record_score(user)
    return profiles[slug]


def save_custom_profile(user: User, profile: RoleProfile) -> RoleProfile:
    """Store a user-made profile under a slug that no other profile of theirs uses."""
    taken = set(user_profiles(user))
    # Slugs are String(120): leave room for a "-2" (or "-1234") suffix on a long title.
    base = (slugify(profile.title) or "profile")[:SLUG_BASE_LENGTH].rstrip("-")
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    body = profile_to_dict(profile)
    body["slug"] = slug
    stored = profile_from_dict(body, get_catalogue())
    db.session.add(CustomProfile(user_id=user.id, slug=slug, title=profile.title, body=body))
    db.session.commit()
    return stored


def delete_custom_profile(user: User, slug: str) -> bool:
    """Delete one of the user's own profiles; return whether it existed."""
    result = db.session.execute(
        delete(CustomProfile).where(CustomProfile.user_id == user.id, CustomProfile.slug == slug)
    )
    if result.rowcount and user.target_profile == slug:
        user.target_profile = DEFAULT_PROFILE
    db.session.commit()
    if result.rowcount:
        record_score(user)
    return bool(result.rowcount)


class ProfileInputError(ValueError):
    """What a user gave for a profile cannot be used; ``field`` says where to show it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def create_profile(
    user: User, title: str, technologies: Sequence[str], description: str = ""
) -> RoleProfile:
    """Make a profile from technologies (typed, or confirmed from an advert) and save it."""
    held = db.session.scalar(
        select(func.count(CustomProfile.id)).where(CustomProfile.user_id == user.id)
    )
    if held >= rules.MAX_CUSTOM_PROFILES:
        raise ProfileInputError("title", rules.TOO_MANY_PROFILES)
    tags = get_catalogue().normalise_tags(list(technologies))
    unknown = [tag.name for tag in tags if not tag.catalogued]
    known = [tag.name for tag in tags if tag.catalogued]
    if unknown:
        raise ProfileInputError(
            "technologies",
            "Not in the catalogue, so they cannot be scored: " + ", ".join(unknown) + ".",
        )
    if not known:
        raise ProfileInputError("technologies", "Choose at least one technology.")
    try:
        role = profile_from_technologies(title, known, get_catalogue(), description)
    except ProfileError as error:
        raise ProfileInputError("technologies", str(error)) from None
    return save_custom_profile(user, role)


def custom_profile_body(user: User, slug: str) -> dict[str, Any] | None:
    """Return the stored form of one of the user's own profiles, or None."""
    row = db.session.scalar(
        select(CustomProfile).where(CustomProfile.user_id == user.id, CustomProfile.slug == slug)
    )
    return None if row is None else dict(row.body)


def update_custom_profile(user: User, slug: str, body: dict[str, Any]) -> RoleProfile | None:
    """Replace one of the user's own profiles, keeping its slug; None if it is gone.

    The body is validated as any stored profile is. Its score history stays (it is
    kept by slug); the portfolio version is bumped, so no cached score of the old
    profile can be served, and the new score is computed now: recorded in the history
    when it is the target, and cached for the page that follows.
    """
    row = db.session.scalar(
        select(CustomProfile).where(CustomProfile.user_id == user.id, CustomProfile.slug == slug)
    )
    if row is None:
        return None
    stored = profile_from_dict({**body, "slug": slug}, get_catalogue())
    row.body = profile_to_dict(stored)
    row.title = stored.title
    touch_portfolio(user)
    db.session.commit()
    if user.target_profile == slug:
        record_score(user)
    CachedReadiness(user, date.today()).readiness(stored)
    return stored


@dataclass(frozen=True)
class WhatIf:
    """A planned project and the score before and after it (nothing is saved)."""

    planned: ProjectRecord
    before: Readiness
    after: Readiness

    @property
    def changes(self) -> list[tuple[RequirementScore, RequirementScore]]:
        """Return the requirements whose points the plan raises, before and after."""
        return [
            (old, new)
            for old, new in zip(self.before.parts, self.after.parts, strict=True)
            if new.points - old.points >= 0.05
        ]


def plan_what_if(
    user: User,
    profile: RoleProfile,
    kind: str,
    technologies: str,
    *,
    live: bool,
    source: bool,
    today: date,
) -> WhatIf:
    """Score the user's portfolio with a planned project added, changing nothing."""
    tags = get_catalogue().normalise_tags(technologies)
    planned = ProjectRecord(
        title="Planned project",
        kind=kind,
        start=today.replace(day=1),
        ongoing=True,
        live_url="https://example.com/planned" if live else "",
        source_url="https://example.com/planned-source" if source else "",
        technologies=tuple(tag.name for tag in tags),
    )
    before, after = what_if(user_records(user), profile, today, planned)
    return WhatIf(planned, before, after)


@dataclass(frozen=True)
class Ranking:
    """Jobs ranked by readiness (best first), and adverts that could not be scored."""

    fits: list[fit.Fit]
    unranked: list[fit.Unranked]


def rank_jobs(
    user: User, adverts: Sequence[fit.Advert], slugs: Sequence[str], today: date
) -> Ranking:
    """Rank adverts (made into profiles, not saved) and saved profiles by readiness.

    Raises ProfileInputError naming the first slug the user has no profile for.
    """
    available = user_profiles(user)
    for index, slug in enumerate(slugs):
        if slug not in available:
            raise ProfileInputError(f"profiles/{index}", rules.NO_SUCH_PROFILE.format(slug=slug))
    view = CachedReadiness(user, today)
    catalogue = get_catalogue()
    fits: list[fit.Fit] = []
    unranked: list[fit.Unranked] = []
    for position, advert in enumerate(adverts):
        profile = fit.advert_profile(advert, catalogue)
        if profile is None:
            unranked.append(fit.Unranked(position, advert.title, fit.NO_TECHNOLOGIES))
            continue
        technologies = tuple(t for r in profile.requirements for t in r.technologies)
        fits.append(_fit(view, position, advert.title, "advert", profile, technologies))
    for offset, slug in enumerate(slugs):
        profile = available[slug]
        fits.append(_fit(view, len(adverts) + offset, profile.title, "profile", profile))
    return Ranking(fit.rank(fits), unranked)


def _fit(
    view: CachedReadiness,
    position: int,
    title: str,
    source: str,
    profile: RoleProfile,
    technologies: tuple[str, ...] = (),
) -> fit.Fit:
    return fit.Fit(
        position=position,
        title=title,
        source=source,
        profile=profile,
        readiness=view.readiness(profile),
        steps=tuple(view.steps(profile)),
        technologies=technologies,
    )
