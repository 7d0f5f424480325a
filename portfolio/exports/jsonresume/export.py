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
from portfolio.projects.record import CodeProof, PortfolioOwner, ProjectRecord, ReferenceProof
from portfolio.references.wording import (
    confirmed_by,
    edited_note,
    how_confirmed,
    relationship_note,
    what_confirmed,
)
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
    references = [_export_reference(p, reference) for p in projects for reference in p.references]
    if references:
        resume["references"] = references
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
    if project.references:
        entry[REFERENCES_EXTENSION] = [_reference_extension(r) for r in project.references]
    if project.code is not None:
        entry[EVIDENCE_EXTENSION] = _export_code(project.code)
    return entry


#: What the analysis of a project's own code showed (issues 15, 16); imports ignore it,
#: so evidence never comes back in as "from its code".
EVIDENCE_EXTENSION = "x-evidence"


def _export_code(code: CodeProof) -> dict[str, Any]:
    proof: dict[str, Any] = {"source": code.source}
    if code.source == "url":
        proof["repository"] = http_url(code.label)
    if code.analysed_on is not None:
        proof["analysedOn"] = code.analysed_on.isoformat()
    if code.commits_total is not None:
        proof["commitsByAuthor"] = code.commits_yours
        proof["commitsTotal"] = code.commits_total
        if code.authors:
            proof["authors"] = list(code.authors)  # names a reader can check, never emails
    if code.first_commit is not None:
        proof["firstCommit"] = code.first_commit.isoformat()
    if code.last_commit is not None:
        proof["lastCommit"] = code.last_commit.isoformat()
    return {"fromCode": list(code.technologies), "code": proof}


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


#: Confirmed references on a project entry (issue 17): their structure, for tools that
#: read it. An import never recreates a confirmed reference from it (importing.py).
REFERENCES_EXTENSION = "x-references"


def _export_reference(project: ProjectRecord, reference: ReferenceProof) -> dict[str, str]:
    """Return a JSON Resume ``references`` entry: who confirmed what, and how."""
    who = confirmed_by(reference).removeprefix("Confirmed by ")
    text = f"Confirmed “{project.title}” {how_confirmed(reference)}."
    for extra in (relationship_note(reference), what_confirmed(reference)):
        if extra:
            text += f" {extra}."
    if reference.comment:
        text += f" “{reference.comment}”"
    note = edited_note(reference)
    if note:
        text += f" {note}."
    return {"name": who[:1].upper() + who[1:], "reference": text}


def _reference_extension(reference: ReferenceProof) -> dict[str, Any]:
    """Return a reference's structure, for the project's ``x-references``."""
    shown = _compact(
        name=reference.name,
        jobTitle=reference.job_title,
        organisation=reference.organisation,
        relationship=reference.relationship,
        confirmedOn=reference.confirmed_on.isoformat() if reference.confirmed_on else "",
        how=reference.how,
        emailDomain=reference.email_domain,
        confirms=list(reference.confirms),
        comment=reference.comment,
    )
    return {**shown, "editedSince": reference.edited_since, "changes": list(reference.changes)}
