"""Sharing and exports on the database side: settings, the public page's data, imports.

The exporters themselves are pure (jsonresume.py, markdown.py, jsonld.py, grouping.py);
this module gathers what they need from the database and stores what an import plans.
The web views and the JSON API both call these functions, so they take a ``User`` and
plain data and never touch the request.

Rules worth knowing:

* Sharing is off until the owner turns it on. The public address is
  ``/p/<share_token>``, a random ``secrets.token_urlsafe`` value, never the user id.
  Rotating gives a new token (the old address answers 404); turning sharing off keeps
  the token but the page answers 404 until it is turned on again.
* ``owner_for`` honours ``PortfolioSettings.shown``: a detail the owner did not tick is
  an empty string, which every exporter leaves out.
* Every change to the settings bumps ``User.portfolio_changed_at``, which the public
  page's ETag and Last-Modified are made from.
* The PDF is the owner's until they allow visitors to download it
  (``pdf_for_visitors``, off by default); it is laid out on A4 unless they choose
  US Letter. Either way it shows what the public page shows, no more.
* ``apply_import`` is all or nothing (one transaction) and idempotent: ``new_and_present``
  compares the file's projects with the owner's as multisets of ``project_key`` (title,
  kind, organisation, start), so a file with N projects sharing a key, into a portfolio
  holding M of them, creates max(0, N - M), and importing a file twice creates nothing.
  That holds for imports at once too: each locks the owner's portfolio
  (``lock_portfolio``) before it compares, so the second sees what the first added.
  Entries the project schema refuses are never stored; the preview lists them.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from portfolio.caching import cache
from portfolio.exports.grouping import public_only
from portfolio.exports.jsonresume import (
    ImportPlan,
    RefusedEntry,
    new_and_present,
    parse_json_resume,
    to_json_resume,
)
from portfolio.exports.markdown import to_markdown
from portfolio.extensions import db
from portfolio.models import PortfolioSettings, Project, User
from portfolio.projects.record import PortfolioOwner, ProfileLink, ProjectRecord
from portfolio.projects.services import (
    apply_record,
    check_project_quota,
    lock_portfolio,
    portfolio_changed,
    touch_portfolio,
    user_records,
)
from portfolio.schemas import rules
from portfolio.schemas.details import SHOWABLE
from portfolio.technologies.catalogue import get_catalogue

#: The details the owner may show, in the order "Your details" lists them.
DETAIL_FIELDS: tuple[str, ...] = SHOWABLE
THEMES: dict[str, str] = {"clean": "Clean", "compact": "Compact"}
GROUPINGS: dict[str, str] = {"kind": "By kind of project", "technology": "By technology"}

#: Largest JSON Resume an import accepts, in bytes (a quota, in rules.py).
IMPORT_MAX_BYTES = rules.IMPORT_MAX_BYTES

# Bump when the public page's markup changes, so cached copies are revalidated.
_PAGE_VERSION = "2"


def new_share_token() -> str:
    """Return a fresh, unguessable token for the public address."""
    return secrets.token_urlsafe(24)


# --------------------------------------------------------------------------
# Settings


def settings_of(user: User) -> PortfolioSettings:
    """Return the user's settings, unsaved defaults when they have none yet."""
    settings = db.session.get(PortfolioSettings, user.id)
    if settings is None:
        settings = PortfolioSettings(
            user_id=user.id,
            name="",
            headline="",
            bio="",
            location="",
            email="",
            website="",
            links=[],
            shown=[],
            share_enabled=False,
            share_token=None,
            theme="clean",
            group_by="kind",
            noindex=True,
            show_badge=False,
            pdf_for_visitors=False,
            paper_size=rules.DEFAULT_PAPER,
        )
    return settings


def _save(user: User, settings: PortfolioSettings) -> PortfolioSettings:
    if settings not in db.session:
        db.session.add(settings)
    touch_portfolio(user)
    db.session.commit()
    return settings


def set_sharing(user: User, enabled: bool) -> PortfolioSettings:
    """Turn the public page on or off; turning it on the first time makes its token."""
    settings = settings_of(user)
    settings.share_enabled = enabled
    if enabled and not settings.share_token:
        settings.share_token = new_share_token()
    return _save(user, settings)


def rotate_token(user: User) -> PortfolioSettings:
    """Give the public page a new address; the old one answers 404 from now on."""
    settings = settings_of(user)
    settings.share_token = new_share_token()
    return _save(user, settings)


def update_appearance(
    user: User, *, theme: str, group_by: str, noindex: bool, show_badge: bool
) -> PortfolioSettings:
    """Store how the public page looks and whether search engines may index it."""
    if theme not in THEMES or group_by not in GROUPINGS:
        raise ValueError(f"unknown theme {theme!r} or grouping {group_by!r}")
    settings = settings_of(user)
    settings.theme, settings.group_by = theme, group_by
    settings.noindex, settings.show_badge = noindex, show_badge
    return _save(user, settings)


def update_pdf(user: User, *, paper_size: str, for_visitors: bool) -> PortfolioSettings:
    """Store the PDF's paper size and whether the public page offers it to visitors."""
    if paper_size not in rules.PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper_size!r}")
    settings = settings_of(user)
    settings.paper_size, settings.pdf_for_visitors = paper_size, for_visitors
    return _save(user, settings)


def update_details(user: User, owner: PortfolioOwner, shown: Sequence[str]) -> PortfolioSettings:
    """Store the owner's details and which of them the public page shows."""
    settings = settings_of(user)
    _copy_owner(settings, owner)
    settings.shown = [name for name in DETAIL_FIELDS if name in set(shown)]
    return _save(user, settings)


def _copy_owner(settings: PortfolioSettings, owner: PortfolioOwner) -> None:
    settings.name = owner.name.strip()
    settings.headline = owner.headline.strip()
    settings.bio = owner.bio.strip()
    settings.location = owner.location.strip()
    settings.email = owner.email.strip()
    settings.website = owner.website.strip()
    settings.links = [
        {"network": link.network, "url": link.url, "username": link.username}
        for link in owner.links
    ]


def owner_for(user: User, *, everything: bool = False) -> PortfolioOwner:
    """Return what the owner shows about themselves; ``everything`` ignores their choices."""
    return owner_from_settings(settings_of(user), everything=everything)


def owner_from_settings(settings: PortfolioSettings, *, everything: bool = False) -> PortfolioOwner:
    """Return the owner as the settings describe them, hiding what is not ticked."""
    shown = set(DETAIL_FIELDS if everything else (settings.shown or ()))

    def pick(name: str) -> str:
        return (getattr(settings, name) or "") if name in shown else ""

    links: tuple[ProfileLink, ...] = ()
    if "links" in shown:
        links = tuple(
            ProfileLink(
                network=str(item.get("network") or ""),
                url=str(item.get("url") or ""),
                username=str(item.get("username") or ""),
            )
            for item in settings.links or ()
            if isinstance(item, dict)
        )
    return PortfolioOwner(
        name=pick("name"),
        headline=pick("headline"),
        bio=pick("bio"),
        location=pick("location"),
        email=pick("email"),
        website=pick("website"),
        links=links,
    )


# --------------------------------------------------------------------------
# The public page


@dataclass(frozen=True)
class SharedPortfolio:
    """A shared portfolio found by its token: enough to answer a conditional GET."""

    user: User
    settings: PortfolioSettings

    @property
    def last_modified(self) -> datetime:
        """Return when the page last changed (midnight today at the latest with a badge)."""
        changed = self.user.portfolio_changed_at.replace(tzinfo=UTC)
        if self.settings.show_badge:
            # The readiness score decays with time, so the page changes daily.
            changed = max(changed, datetime.combine(date.today(), time(), tzinfo=UTC))
        return changed

    @property
    def etag(self) -> str:
        """Return a validator that changes whenever anything on the page can change."""
        parts = [
            _PAGE_VERSION,
            str(self.user.id),
            self.settings.share_token or "",
            self.user.portfolio_changed_at.isoformat(),
        ]
        if self.settings.show_badge:
            parts += [self.user.target_profile, date.today().isoformat()]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def find_shared(token: str) -> SharedPortfolio | None:
    """Return the portfolio shared under this token, or None (unknown, rotated or off)."""
    if not token or len(token) > 64:
        return None
    row = db.session.execute(
        select(PortfolioSettings, User)
        .join(User, User.id == PortfolioSettings.user_id)
        .where(PortfolioSettings.share_token == token, PortfolioSettings.share_enabled.is_(True))
    ).first()
    if row is None:
        return None
    return SharedPortfolio(user=row[1], settings=row[0])


def public_records(user: User) -> list[ProjectRecord]:
    """Return the projects the owner marked public, as plain records, newest first."""
    return public_only(user_records(user, public=True))


@dataclass(frozen=True)
class Badge:
    """The readiness score shown on the public page."""

    title: str
    score: float


def badge_for(user: User, projects: Sequence[ProjectRecord], today: date) -> Badge:
    """Score the shown projects against the owner's target profile."""
    from portfolio.readiness.scoring import score_portfolio
    from portfolio.readiness.service import target_of, user_profiles

    profile = target_of(user, user_profiles(user))
    return Badge(profile.title, score_portfolio(projects, profile, today).display_total)


# --------------------------------------------------------------------------
# Downloads


def export_json_resume(user: User, *, public_only: bool = True) -> dict[str, Any]:
    """Return the portfolio as a JSON Resume document.

    With ``public_only`` (the default, for sharing) it holds the public projects and
    the details the owner chose to show; without, every project and every detail,
    for moving the data to another tool or account.
    """

    def build() -> dict[str, Any]:
        # Dated by the portfolio's last change, so the same version is the same file.
        changed = user.portfolio_changed_at.replace(tzinfo=UTC)
        if public_only:
            owner, records = owner_for(user), public_records(user)
        else:
            owner, records = owner_for(user, everything=True), user_records(user)
        return to_json_resume(owner, records, get_catalogue(), generated=changed)

    # Scripts poll this; build it once per portfolio version. Callers must not mutate it.
    key = ("json-resume", user.id, user.portfolio_changed_at, public_only)
    return cache("shared_outputs").get_or_compute(key, build)


def export_markdown(user: User) -> str:
    """Return the public portfolio as README-style Markdown."""
    return to_markdown(owner_for(user), public_records(user), get_catalogue())


# --------------------------------------------------------------------------
# Import


@dataclass(frozen=True)
class ImportPreview:
    """What importing a file would do for this user."""

    plan: ImportPlan
    new: tuple[ProjectRecord, ...]
    present: tuple[ProjectRecord, ...]  # already in the portfolio, will be skipped

    @property
    def refused(self) -> tuple[RefusedEntry, ...]:
        """Return the entries the project rules refuse: they will not be imported."""
        return self.plan.refused

    @property
    def public_count(self) -> int:
        """Return how many of the new projects arrive public (on the shared page)."""
        return sum(1 for record in self.new if record.public)


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    created: int
    skipped: int
    details_updated: bool
    refused: int = 0  # entries the project rules refused, not imported


def plan_import(
    user: User, raw: bytes | str, *, max_bytes: int = IMPORT_MAX_BYTES
) -> ImportPreview:
    """Check a JSON Resume file and say what importing it would create and skip.

    Raises ``ResumeImportError`` with the problems (and where they are in the file) when
    the file as a whole cannot be read; entries the project rules refuse are listed in
    ``plan.refused`` and the rest still import.
    """
    plan = parse_json_resume(raw, get_catalogue(), max_bytes=max_bytes)
    new, present = new_and_present(plan.projects, user_records(user))
    return ImportPreview(plan, new, present)


def apply_import(user: User, plan: ImportPlan, *, include_details: bool = False) -> ImportResult:
    """Create the planned projects the owner lacks, in one transaction (all or nothing).

    With ``include_details`` the file's basics (name, headline...) replace the owner's
    details, without changing which of them the public page shows.
    """
    try:
        # Two imports at once (a double click, a retried request) must not both add.
        lock_portfolio(user)
        new, _present = new_and_present(plan.projects, user_records(user))
        if new:
            check_project_quota(user, len(new))
        for record in new:
            project = Project(user_id=user.id, technologies=[])
            apply_record(project, record)
            db.session.add(project)
        created = len(new)
        details = include_details and plan.owner is not None
        if details:
            settings = settings_of(user)
            _copy_owner(settings, plan.owner)  # type: ignore[arg-type]
            if settings not in db.session:
                db.session.add(settings)
        if created or details:
            touch_portfolio(user)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if created or details:
        portfolio_changed.send(user)
    return ImportResult(created, len(plan.projects) - created, details, len(plan.refused))
