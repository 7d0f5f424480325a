"""Project rules: saving with normalised technologies, the list query, counts."""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portfolio.extensions import db
from portfolio.models import Project, ProjectTechnology, User, utcnow
from portfolio.projects.record import KINDS, ProjectRecord, record_from
from portfolio.technologies.catalogue import get_catalogue

_signals = Namespace()
#: Sent with the user after any change to their portfolio has been committed.
portfolio_changed = _signals.signal("portfolio-changed")


@dataclass(frozen=True)
class ProjectFilter:
    """What the project list is narrowed to."""

    kind: str | None = None
    technology: str | None = None


def apply_record(project: Project, record: ProjectRecord) -> None:
    """Copy a record's fields onto a project, normalising its technologies."""
    project.title = record.title.strip()
    project.kind = record.kind
    project.organisation = record.organisation.strip()
    project.role = record.role.strip()
    project.start = record.start
    project.ongoing = record.ongoing
    project.end = None if record.ongoing else record.end
    project.summary = record.summary.strip()
    project.description = record.description
    project.highlights = [h.strip() for h in record.highlights if h.strip()]
    project.live_url = record.live_url.strip()
    project.source_url = record.source_url.strip()
    project.public = record.public
    project.featured = record.featured
    tags = get_catalogue().normalise_tags(record.technologies)
    wanted = [tag.name for tag in tags]
    existing = {t.name: t for t in project.technologies}
    project.technologies = [existing.get(name) or ProjectTechnology(name=name) for name in wanted]
    for position, tech in enumerate(project.technologies):
        tech.position = position


def create_project(user: User, record: ProjectRecord) -> Project:
    """Create a project for the user."""
    project = Project(user_id=user.id, technologies=[])
    apply_record(project, record)
    db.session.add(project)
    touch_portfolio(user)
    db.session.commit()
    portfolio_changed.send(user)
    return project


def update_project(user: User, project: Project, record: ProjectRecord) -> Project:
    """Replace a project's fields."""
    apply_record(project, record)
    touch_portfolio(user)
    db.session.commit()
    portfolio_changed.send(user)
    return project


def delete_project(user: User, project: Project) -> None:
    """Delete a project and its technology tags."""
    db.session.delete(project)
    touch_portfolio(user)
    db.session.commit()
    portfolio_changed.send(user)


def touch_portfolio(user: User) -> None:
    """Mark the user's portfolio as changed now (for caches and ETags)."""
    user.portfolio_changed_at = utcnow()


def record_of(project: Project) -> ProjectRecord:
    """Return a stored project as the plain record the domain modules read."""
    return record_from(project, project.technology_names)


def get_user_project(user: User, project_id: int) -> Project | None:
    """Return the user's project with this id, or None (other users' ids included)."""
    return db.session.scalar(
        select(Project)
        .where(Project.id == project_id, Project.user_id == user.id)
        .options(selectinload(Project.technologies))
    )


def _newest_first():
    # Ongoing work is the newest; then by end, then start, then most recently added.
    ongoing_first = Project.ongoing.desc()
    return (
        ongoing_first,
        func.coalesce(Project.end, Project.start).desc().nulls_last(),
        Project.start.desc().nulls_last(),
        Project.id.desc(),
    )


def list_projects(
    user: User,
    filters: ProjectFilter = ProjectFilter(),
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[Project]:
    """Return the user's projects, newest first, with technologies loaded in one query."""
    query = select(Project).where(Project.user_id == user.id)
    if filters.kind:
        query = query.where(Project.kind == filters.kind)
    if filters.technology:
        query = query.where(
            Project.id.in_(
                select(ProjectTechnology.project_id).where(
                    ProjectTechnology.name == filters.technology
                )
            )
        )
    query = query.order_by(*_newest_first()).options(selectinload(Project.technologies))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return list(db.session.scalars(query))


def count_projects(user: User, filters: ProjectFilter = ProjectFilter()) -> int:
    """Return how many of the user's projects match the filters."""
    query = select(func.count(Project.id)).where(Project.user_id == user.id)
    if filters.kind:
        query = query.where(Project.kind == filters.kind)
    if filters.technology:
        query = query.where(
            Project.id.in_(
                select(ProjectTechnology.project_id).where(
                    ProjectTechnology.name == filters.technology
                )
            )
        )
    return db.session.scalar(query) or 0


def counts_by_kind(user: User) -> dict[str, int]:
    """Return how many projects the user has of each kind (zero included)."""
    rows = db.session.execute(
        select(Project.kind, func.count(Project.id))
        .where(Project.user_id == user.id)
        .group_by(Project.kind)
    )
    counts = dict.fromkeys(KINDS, 0)
    counts.update({kind: count for kind, count in rows})
    return counts


def technology_usage(user: User) -> list[tuple[str, int]]:
    """Return the user's technologies with how many projects use each, most used first."""
    rows = db.session.execute(
        select(ProjectTechnology.name, func.count(ProjectTechnology.project_id))
        .join(Project, Project.id == ProjectTechnology.project_id)
        .where(Project.user_id == user.id)
        .group_by(ProjectTechnology.name)
        .order_by(func.count(ProjectTechnology.project_id).desc(), ProjectTechnology.name)
    )
    return [(name, count) for name, count in rows]


def user_records(user: User) -> list[ProjectRecord]:
    """Return all the user's projects as plain records, newest first, in two queries.

    Scoring and exports read every project; plain rows skip the ORM's identity
    map and change tracking, which cost more than the query itself at 200 projects.
    """
    columns = (
        Project.id, Project.title, Project.kind, Project.organisation, Project.role,
        Project.start, Project.end, Project.ongoing, Project.summary, Project.description,
        Project.highlights, Project.live_url, Project.source_url, Project.public,
        Project.featured,
    )  # fmt: skip
    rows = db.session.execute(
        select(*columns).where(Project.user_id == user.id).order_by(*_newest_first())
    ).all()
    technologies: dict[int, list[str]] = {}
    tag_rows = db.session.execute(
        select(ProjectTechnology.project_id, ProjectTechnology.name)
        .join(Project, Project.id == ProjectTechnology.project_id)
        .where(Project.user_id == user.id)
        .order_by(ProjectTechnology.project_id, ProjectTechnology.position)
    )
    for project_id, name in tag_rows:
        technologies.setdefault(project_id, []).append(name)
    return [record_from(row, technologies.get(row.id, ())) for row in rows]
