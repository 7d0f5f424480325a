"""Project views: thin wrappers around the project services."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from portfolio import idempotency
from portfolio.analyses import service as analyses
from portfolio.caching import cache
from portfolio.projects import services
from portfolio.projects.forms import (
    FIELD_LABELS,
    DeleteProjectForm,
    EditProjectForm,
    NewProjectForm,
    ProjectForm,
)
from portfolio.projects.record import KIND_LABELS, KINDS
from portfolio.references import service as references
from portfolio.schemas import rules
from portfolio.schemas.project import record_problems
from portfolio.schemas.rules import QuotaError
from portfolio.technologies.catalogue import get_catalogue

bp = Blueprint("projects", __name__, url_prefix="/projects")

#: The highest page number the list accepts; larger ones show this page.
MAX_PAGE = 100_000


@bp.before_request
@login_required
def require_login() -> None:
    """Every project page needs a login."""


def _own_project_or_404(project_id: int):
    project = services.get_user_project(current_user, project_id)
    if project is None:
        abort(404)
    return project


@bp.route("/")
def index():
    """List the user's projects, filtered by kind and technology, newest first."""
    kind = request.args.get("kind") or None
    if kind not in KINDS:
        kind = None
    technology = (request.args.get("technology") or "").strip() or None
    if technology:
        tag = get_catalogue().normalise(technology)
        technology = tag.name if tag else None
    page = request.args.get("page", 1, type=int) or 1
    # A huge page would overflow the database's OFFSET; nobody has 100,000 pages.
    page = min(max(page, 1), MAX_PAGE)
    per_page = current_app.config["PROJECTS_PER_PAGE"]
    filters = services.ProjectFilter(kind=kind, technology=technology)
    # Rendering fifty cards costs more than the queries; the body depends only on
    # the portfolio version and the filters, so it is rendered once per version.
    key = (current_user.id, current_user.portfolio_changed_at, kind, technology, page, per_page)
    body = cache("project_list").get_or_compute(
        key,
        lambda: Markup(_render_list(filters, page, per_page)),  # noqa: S704  (our template)
    )
    return render_template("projects/index.html", body=body)


def _render_list(filters: services.ProjectFilter, page: int, per_page: int) -> str:
    projects = services.list_projects(
        current_user, filters, limit=per_page, offset=(page - 1) * per_page
    )
    total = services.count_projects(current_user, filters)
    return render_template(
        "projects/_index_body.html",
        projects=projects,
        counts=services.counts_by_kind(current_user),
        kind=filters.kind,
        technology=filters.technology,
        page=page,
        pages=max(1, -(-total // per_page)),
        total=total,
        kind_labels=KIND_LABELS,
        catalogue_names=_catalogue_names(),
        attention={
            project.id: found
            for project in projects
            if (found := record_problems(services.record_of(project)))
        },
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Add a project (once per opened form: sending it twice adds it once)."""
    form = NewProjectForm()
    if form.validate_on_submit():
        try:
            created = services.create_from_form(current_user, form.record(), form.once_token())
        except QuotaError as error:
            form.form_errors.append(error.message)
        except (idempotency.KeyInFlight, idempotency.KeyUnfinished):
            flash(rules.FORM_STILL_SAVING, "info")
            return redirect(url_for("projects.index"))
        else:
            if created.again:
                flash(rules.FORM_ALREADY_SENT, "info")
            else:
                flash(f"Project “{created.title}” added.", "success")
            return redirect(url_for("projects.detail", project_id=created.project_id))
    return _render_form(form, project=None)


@bp.route("/<int(max=2147483647):project_id>")
def detail(project_id: int):
    """Show one project."""
    project = _own_project_or_404(project_id)
    record = services.record_of(project)
    return render_template(
        "projects/detail.html",
        project=project,
        problems=record_problems(record),
        references=references.views_for(
            references.requests_for_project(current_user, project.id), record
        ),
        code=services.code_proof(project),
        has_analyses=analyses.has_analyses(current_user, project.id),
        field_labels=FIELD_LABELS,
        kind_labels=KIND_LABELS,
        catalogue_names=_catalogue_names(),
    )


@bp.route("/<int(max=2147483647):project_id>/edit", methods=["GET", "POST"])
def edit(project_id: int):
    """Edit a project; a save over a version saved since the form opened is refused."""
    project = _own_project_or_404(project_id)
    if request.method == "GET":
        record = services.record_of(project)
        form = EditProjectForm.for_project(record, project.version)
        # A project saved before today's rules opens on the fields to fix.
        form.show_problems(record_problems(record))
    else:
        form = EditProjectForm()
    if form.validate_on_submit():
        try:
            services.update_project(
                current_user, project, form.record(), expected_version=form.started_from()
            )
        except services.EditConflict:
            project = _own_project_or_404(project_id)
            changes = form.take_newer(services.record_of(project), project.version)
            return _render_form(form, project=project, changes=changes)
        flash(f"Project “{project.title}” saved.", "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return _render_form(form, project=project)


@bp.route("/<int(max=2147483647):project_id>/delete", methods=["GET", "POST"])
def delete(project_id: int):
    """Confirm, then delete a project: the version the page showed, not a newer one."""
    project = _own_project_or_404(project_id)
    form = DeleteProjectForm()
    if form.validate_on_submit():
        title = project.title
        try:
            services.delete_project(current_user, project, expected_version=form.started_from())
        except services.EditConflict:
            project = _own_project_or_404(project_id)
            form.version.data = str(project.version)
            return render_template(
                "projects/delete.html", project=project, form=form, changed=True
            ), 409
        flash(f"Project “{title}” deleted.", "info")
        return redirect(url_for("projects.index"))
    form.version.data = str(project.version)
    return render_template("projects/delete.html", project=project, form=form)


def _render_form(form: ProjectForm, project, changes: list[str] | None = None):
    # A save refused for a newer version is a conflict (409), not invalid input.
    status = 409 if changes is not None else 422 if form.errors else 200
    return (
        render_template(
            "projects/form.html",
            form=form,
            project=project,
            catalogue_names=_catalogue_names(),
            conflict=None if changes is None else {
                "lead": rules.EDITED_ELSEWHERE, "changes": changes, "then": rules.SAVE_AGAIN,
            },
        ),
        status,
    )  # fmt: skip


def _catalogue_names() -> list[str]:
    return [t.name for t in get_catalogue()]
