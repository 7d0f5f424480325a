"""JSON Resume export: a portfolio written as a JSON Resume document."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from portfolio.exports.grouping import group_technologies
from portfolio.exports.jsonresume.document import (
    EXTENSION,
    SCHEMA_URL,
    SCHEMA_VERSION,
    WORK_KINDS,
)
from portfolio.exports.links import export_uri, http_url, year_month
from portfolio.projects.record import PortfolioOwner, ProjectRecord
from portfolio.technologies.catalogue import CatalogueLike

# Deliberately loose: it only has to agree with the schema's "email" format
# and catch obvious junk; the app validates addresses properly elsewhere.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def to_json_resume(
    owner: PortfolioOwner,
    projects: Sequence[ProjectRecord],
    catalogue: CatalogueLike,
    *,
    generated: datetime | None = None,
) -> dict[str, Any]:
    """Build a JSON Resume document from the owner and their projects."""
    generated = generated or datetime.now(UTC)
    if generated.tzinfo is not None:
        generated = generated.astimezone(UTC)
    keys = _export_keys(projects)
    resume: dict[str, Any] = {"$schema": SCHEMA_URL, "basics": _export_basics(owner)}
    work = [
        _export_experience(p, key, "name")
        for p, key in zip(projects, keys, strict=True)
        if p.kind in WORK_KINDS
    ]
    volunteer = [
        _export_experience(p, key, "organization")
        for p, key in zip(projects, keys, strict=True)
        if p.kind == "volunteer"
    ]
    # Empty sections are left out rather than sent as [] so themes do not
    # render empty headings.
    if work:
        resume["work"] = work
    if volunteer:
        resume["volunteer"] = volunteer
    if projects:
        resume["projects"] = [
            _export_project(p, key) for p, key in zip(projects, keys, strict=True)
        ]
    skills = [
        {"name": label, "keywords": names}
        for label, names in group_technologies(projects, catalogue)
    ]
    if skills:
        resume["skills"] = skills
    resume["meta"] = {
        "version": SCHEMA_VERSION,
        # The schema documents "YYYY-MM-DDThh:mm:ss" (no offset); it is UTC.
        "lastModified": generated.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    return resume


def _export_keys(projects: Sequence[ProjectRecord]) -> list[str]:
    # Database ids make keys stable between exports; unsaved records fall back
    # to their position, which is unique within one document.
    return [f"project-{p.id}" if p.id is not None else f"index-{i}" for i, p in enumerate(projects)]


def _export_basics(owner: PortfolioOwner) -> dict[str, Any]:
    basics = _compact(
        name=owner.name,
        label=owner.headline,
        email=owner.email.strip() if _EMAIL.match(owner.email.strip()) else "",
        url=export_uri(owner.website),
        summary=owner.bio,
    )
    if owner.location:
        basics["location"] = {"city": owner.location}
    profiles = [
        _compact(network=link.network, username=link.username, url=export_uri(link.url))
        for link in owner.links
    ]
    profiles = [p for p in profiles if p]
    if profiles:
        basics["profiles"] = profiles
    return basics


def _export_project(project: ProjectRecord, key: str) -> dict[str, Any]:
    entry = _compact(
        name=project.title,
        description=project.summary,
        highlights=list(project.highlights),
        keywords=list(project.technologies),
        startDate=year_month(project.start),
        endDate=year_month(project.end),
        url=export_uri(project.live_url),
        roles=[project.role] if project.role else [],
        entity=project.organisation,
        type=project.kind,
    )
    extension: dict[str, Any] = {"key": key}
    if project.id is not None:
        extension["id"] = project.id
    extension.update(
        kind=project.kind,
        summary=project.summary,
        descriptionMarkdown=project.description,
        sourceUrl=http_url(project.source_url),
        public=project.public,
        featured=project.featured,
        ongoing=project.ongoing,
    )
    live_url = http_url(project.live_url)
    if live_url != entry.get("url", ""):
        # The standard field needed encoding to be a strict URI; keep the URL
        # exactly as the owner wrote it too.
        extension["liveUrl"] = live_url
    entry[EXTENSION] = extension
    return entry


def _export_experience(project: ProjectRecord, key: str, employer_field: str) -> dict[str, Any]:
    """Return a work or volunteer entry: the standard names the employer field differently."""
    entry = _compact(
        # The employer is the organisation; with none recorded the project title
        # is the most useful thing to show instead.
        **{employer_field: project.organisation or project.title},
        position=project.role,
        url=export_uri(project.live_url),
        startDate=year_month(project.start),
        endDate=year_month(project.end),
        summary=project.summary,
        highlights=list(project.highlights),
    )
    entry[EXTENSION] = {"project": key}
    return entry


def _compact(**fields: Any) -> dict[str, Any]:
    # "" would fail the schema's email/uri formats and [] is noise: omit both.
    return {k: v for k, v in fields.items() if v not in ("", [], None)}
