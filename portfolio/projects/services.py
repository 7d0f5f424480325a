"""Project rules: saving with normalised technologies, the list query, counts.

Every saved change to a project, its technologies included, bumps its ``version``
(SQLAlchemy's version_id_col: the UPDATE also says which version it replaces, so of two
saves made from one version only the first matches a row). ``update_project`` and
``delete_project`` take the version the editor started from and raise ``EditConflict``
instead of overwriting a newer one, whether the newer one was there when they looked or
was saved while they were saving.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from blinker import Namespace
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from portfolio import idempotency
from portfolio.extensions import db
from portfolio.models import Project, ProjectCodeEvidence, ProjectTechnology, User, utcnow
from portfolio.projects.record import KINDS, CodeProof, ProjectRecord, record_from
from portfolio.references.proofs import attach_references
from portfolio.schemas import rules
from portfolio.technologies.catalogue import get_catalogue

_signals = Namespace()
#: Sent with the user after any change to their portfolio has been committed.
portfolio_changed = _signals.signal("portfolio-changed")


@dataclass(frozen=True)
class ProjectFilter:
    """What the project list is narrowed to."""

    kind: str | None = None
    technology: str | None = None


class EditConflict(Exception):
    """The project changed after the editor read it: saving would overwrite that change."""

    def __init__(self, project_id: int) -> None:
        super().__init__(f"project {project_id} has a newer version")
        self.project_id = project_id


def apply_record(project: Project, record: ProjectRecord) -> None:
    """Copy a record's fields onto a project, normalising its technologies.

    A stored project that changes, if only in its technologies, gets a new
    ``updated_at``: the tags live in their own table, and without a change to the
    project's own row its version would not move either.
    """
    before = record_of(project) if project.id is not None else None
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
    if before is not None and record_of(project) != before:
        project.updated_at = utcnow()


def check_project_quota(user: User, adding: int = 1) -> None:
    """Raise QuotaError unless the user may hold `adding` more projects (rules.MAX_PROJECTS)."""
    held = db.session.scalar(select(func.count(Project.id)).where(Project.user_id == user.id))
    if held + adding > rules.MAX_PROJECTS:
        if adding == 1:
            raise rules.QuotaError(rules.TOO_MANY_PROJECTS)
        raise rules.QuotaError(rules.IMPORT_OVER_QUOTA.format(new=adding, total=held + adding))


def create_project(user: User, record: ProjectRecord) -> Project:
    """Create a project for the user, within their quota."""
    project = _add_project(user, record)
    db.session.commit()
    portfolio_changed.send(user)
    return project


def _add_project(user: User, record: ProjectRecord) -> Project:
    """Add a project to the session (within the quota) and flush it: it has its id.

    The portfolio is locked first, so two adds at once cannot both count the last free
    place and both take it.
    """
    lock_portfolio(user)
    check_project_quota(user)
    project = Project(user_id=user.id, technologies=[])
    apply_record(project, record)
    db.session.add(project)
    touch_portfolio(user)
    db.session.flush()
    return project


@dataclass(frozen=True)
class Created:
    """What sending the add form did: the project it names, and whether it made it now."""

    project_id: int
    title: str
    again: bool  # the form was sent before: this post created nothing


def create_from_form(user: User, record: ProjectRecord, once: str | None) -> Created:
    """Create a project from the add form, once per form (its one-time token ``once``).

    A second post of one form creates nothing and names the project the first post
    created (waiting for it if the first is still being saved: ``idempotency.claim``).
    The token, the project and the answer are committed together: however a request
    ends, a repeat finds either all three or none.
    """
    if once is None:
        project = create_project(user, record)
        return Created(project.id, project.title, again=False)
    scope = idempotency.form_scope(user.id)
    first = idempotency.claim(user.id, scope, once)
    if first is not None:
        return Created(int(first.body), record.title.strip(), again=True)
    try:
        project = _add_project(user, record)
        answer = idempotency.Answer(201, body=str(project.id).encode())
        idempotency.remember(user.id, scope, once, answer, commit=False)
        db.session.commit()
    except Exception:
        db.session.rollback()  # nothing was created: the form may be sent again
        raise
    portfolio_changed.send(user)
    return Created(project.id, project.title, again=False)


def update_project(
    user: User, project: Project, record: ProjectRecord, *, expected_version: int | None = None
) -> Project:
    """Replace a project's fields; with ``expected_version``, only over that version."""
    if expected_version is not None and project.version != expected_version:
        raise EditConflict(project.id)
    apply_record(project, record)
    touch_portfolio(user)
    _commit_unless_stale(project.id)
    portfolio_changed.send(user)
    return project


def delete_project(user: User, project: Project, *, expected_version: int | None = None) -> None:
    """Delete a project and its technology tags; with ``expected_version``, only that one."""
    if expected_version is not None and project.version != expected_version:
        raise EditConflict(project.id)
    project_id = project.id
    db.session.delete(project)
    touch_portfolio(user)
    _commit_unless_stale(project_id)
    portfolio_changed.send(user)


def _commit_unless_stale(project_id: int) -> None:
    try:
        db.session.commit()
    except StaleDataError:
        # Another save of the same version committed first; ours matched no row.
        db.session.rollback()
        raise EditConflict(project_id) from None


def lock_portfolio(user: User) -> None:
    """Hold the user's portfolio until this transaction ends: others locking it wait.

    For writes that read the portfolio, then add to it (imports): two at once must not
    both read it without the other's additions. PostgreSQL locks the user's row
    (SELECT ... FOR UPDATE). SQLite has no row locks but one writer at a time: a write to
    the user's row takes the database's write lock, and since pysqlite runs reads
    outside transactions, the transaction starts there and reads everything committed
    before it.
    """
    if db.engine.dialect.name == "sqlite":
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(portfolio_changed_at=User.portfolio_changed_at)
            .execution_options(synchronize_session=False)
        )
    else:
        db.session.execute(select(User.id).where(User.id == user.id).with_for_update())


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


def user_records(user: User, *, public: bool = False) -> list[ProjectRecord]:
    """Return all the user's projects as plain records, newest first, in three queries.

    Scoring and exports read every project; plain rows skip the ORM's identity
    map and change tracking, which cost more than the query itself at 200 projects.
    Confirmed references come with them (``public``: only those the owner shows).
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
    from_code: dict[int, list[str]] = {}
    tag_rows = db.session.execute(
        select(ProjectTechnology.project_id, ProjectTechnology.name, ProjectTechnology.from_code)
        .join(Project, Project.id == ProjectTechnology.project_id)
        .where(Project.user_id == user.id)
        .order_by(ProjectTechnology.project_id, ProjectTechnology.position)
    )
    for project_id, name, found_in_code in tag_rows:
        technologies.setdefault(project_id, []).append(name)
        if found_in_code:
            from_code.setdefault(project_id, []).append(name)
    # One query for every project's code proof (issues 15, 16).
    proofs = {
        row.project_id: code_proof_from(row, from_code.get(row.project_id, ()))
        for row in db.session.scalars(
            select(ProjectCodeEvidence)
            .join(Project, Project.id == ProjectCodeEvidence.project_id)
            .where(Project.user_id == user.id)
        )
    }
    records = [
        replace(record_from(row, technologies.get(row.id, ())), code=proofs.get(row.id))
        for row in rows
    ]
    return attach_references(user.id, records, public=public)


def code_proof_from(row: ProjectCodeEvidence, from_code: Iterable[str]) -> CodeProof:
    """Return a project's stored code proof as the plain record the domain modules read."""
    return CodeProof(
        source=row.source,
        label=row.label,
        technologies=tuple(from_code),
        analysed_on=row.analysed_at.date() if row.analysed_at else None,
        commits_yours=row.commits_yours,
        commits_total=row.commits_total,
        first_commit=row.first_commit,
        last_commit=row.last_commit,
        authors=tuple(row.commit_authors or ()),
    )


def code_proof(project: Project) -> CodeProof | None:
    """Return what the latest confirmed analysis of a project's code showed, if any."""
    row = db.session.get(ProjectCodeEvidence, project.id)
    if row is None:
        return None
    return code_proof_from(row, (t.name for t in project.technologies if t.from_code))
