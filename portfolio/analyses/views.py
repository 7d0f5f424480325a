"""Code analysis views: upload or give a URL, watch the job, confirm the findings."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from portfolio.analyses import service
from portfolio.analyses.forms import AnalysisForm, ConfirmAnalysisForm
from portfolio.projects import services as projects
from portfolio.schemas import rules
from portfolio.schemas.base import SchemaError
from portfolio.schemas.rules import QuotaError

bp = Blueprint("analyses", __name__, url_prefix="/analyses")

#: How often a page with a running job reloads itself (seconds).
REFRESH_SECONDS = 2


@bp.before_request
@login_required
def require_login() -> None:
    """Every analysis page needs a login."""


@bp.url_value_preprocessor
def allow_large_upload(endpoint: str | None, _values) -> None:
    """Let the upload route alone take a repository's upload (the app-wide limit is small).

    Set here because URL preprocessors run before every before-request function, and
    the CSRF check (one of those) reads the body first. Only for a logged-in user: a
    stranger's post is refused at the small limit, not read to the large one.
    """
    if endpoint == "analyses.new" and current_user.is_authenticated:
        request.max_content_length = service.upload_body_limit()


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(_error):
    """Show the form again with the limit beside the file field."""
    form = AnalysisForm(formdata=None)
    form.file.errors = [service.too_big_message(current_app.config["CODE_UPLOAD_MAX_BYTES"])]
    project = None
    if request.args.get("project", "").isdigit() and current_user.is_authenticated:
        project = projects.get_user_project(current_user, int(request.args["project"]))
    return _render_new(form, project, 413)


def _project_from_query():
    raw = request.args.get("project", "")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        abort(404)
    project = projects.get_user_project(current_user, int(raw))
    if project is None:
        abort(404)
    return project


def _own_analysis_or_404(analysis_id: int):
    analysis = service.get_user_analysis(current_user, analysis_id)
    if analysis is None:
        abort(404)
    return analysis


@bp.get("/")
def index():
    """List the user's analyses, newest first, each linking to its page.

    The list refreshes itself while one of them waits or runs (with a plain Refresh link).
    """
    project = _project_from_query()
    listed = service.list_user_analyses(current_user, project.id if project else None)
    running = any(item.analysis.status in service.IN_PROGRESS for item in listed)
    return render_template(
        "analyses/index.html",
        listed=listed,
        project=project,
        limit=service.LIST_LIMIT,
        # While one waits or runs, the list follows it as its own page does.
        refresh=REFRESH_SECONDS * 2 if running else None,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Upload a repository archive or bundle, or give its URL, and start the analysis."""
    project = _project_from_query()
    form = AnalysisForm()
    if request.method == "GET":
        form.emails.data = current_user.email
    status = 200
    if form.validate_on_submit():
        data = form.validated
        try:
            upload = form.uploaded()
            if upload is not None:
                analysis = service.start_upload(
                    current_user, upload.stream, data.filename, data.emails, project
                )
            else:
                analysis = service.start_url(current_user, data.url, data.emails, project)
        except service.FieldRefused as error:
            getattr(form, error.field).errors = [error.message]
            if isinstance(error, service.AnalysisLimit) and error.retry_after:
                status = 429
        else:
            return redirect(url_for("analyses.show", analysis_id=analysis.id))
    return _render_new(form, project, status if status != 200 or not form.errors else 422)


def _render_new(form: AnalysisForm, project, status: int):
    return render_template("analyses/new.html", form=form, project=project), status


@bp.route("/<int(max=2147483647):analysis_id>", methods=["GET", "POST"])
def show(analysis_id: int):
    """Show an analysis: its steps while it runs, then its findings to confirm."""
    analysis = _own_analysis_or_404(analysis_id)
    result = service.result_of(analysis)
    form = ConfirmAnalysisForm()
    names = [found.name for found in result.choosable] if result else []
    form.technologies.choices = [(name, name) for name in names]
    owned = projects.list_projects(current_user)
    form.project_id.choices = [("", "Choose a project")] + [(str(p.id), p.title) for p in owned]
    started_from = next((p for p in owned if p.id == analysis.project_id), None)
    if started_from is not None:
        form.add.label.text = f"Add to “{started_from.title}”"
    if request.method == "GET" and result is not None:
        proposed = service.proposed_project(analysis, result)
        form.technologies.data = names
        form.title.data = proposed["title"]
        form.start.data = proposed["start"] or ""
        form.end.data = proposed["end"] or ""
        if started_from is not None:
            form.project_id.data = str(started_from.id)
    status = 200
    if form.validate_on_submit():
        chosen = form.validated.technologies
        target = None
        if form.validated.project_id:
            target = projects.get_user_project(current_user, form.validated.project_id)
            if target is None:
                form.project_id.errors = [rules.CHOOSE_PROJECT]
        if not form.errors:
            try:
                project = service.confirm(
                    current_user,
                    analysis,
                    chosen,
                    project=target,
                    new_project=form.validated.project if target is None else None,
                )
            except SchemaError as error:
                form.show_problems(error.problems)
            except (QuotaError, service.FieldRefused) as error:
                form.form_errors.append(error.message)
            else:
                flash(f"Findings kept on “{project.title}”.", "success")
                return redirect(url_for("projects.detail", project_id=project.id))
    if form.errors:
        status = 422
    retry = None
    if analysis.status == service.FAILED:
        # The refusal is shown where it belongs: beside the file or URL it is about.
        retry = AnalysisForm(formdata=None)
        retry.emails.data = "\n".join(analysis.emails)
        if analysis.source == "url":
            retry.url.data = analysis.label
            retry.url.errors = [analysis.error]
        else:
            retry.file.errors = [analysis.error]
    return render_template(
        "analyses/show.html",
        analysis=analysis,
        result=result,
        form=form,
        retry=retry,
        started_from=started_from,
        has_projects=bool(owned),
        refresh=REFRESH_SECONDS if analysis.status in service.IN_PROGRESS else None,
    ), status
