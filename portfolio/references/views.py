"""Reference views: the owner's requests, and the referee's one-time page (issue 17)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from portfolio import mail
from portfolio.auth.throttle import too_many_message
from portfolio.projects import services as projects
from portfolio.references import limits, service
from portfolio.references.forms import ActionForm, AnswerForm, RequestForm
from portfolio.references.wording import (
    confirmed_by,
    how_confirmed,
    relationship_note,
    what_confirmed,
)
from portfolio.schemas import rules

bp = Blueprint("references", __name__)
# How a reference reads, for every template that shows one (the public page, the
# downloads, the project page).
for _helper in (confirmed_by, how_confirmed, relationship_note, what_confirmed):
    bp.add_app_template_global(_helper)

#: The referee's pages: kept out of search engines, and no address leaks onward.
REFEREE_ENDPOINTS = frozenset({"references.referee", "references.withdraw"})


@bp.after_request
def referee_headers(response: Response) -> Response:
    """Keep the referee's pages out of indexes, caches and Referer headers."""
    if request.endpoint in REFEREE_ENDPOINTS:
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


#: Seconds between reloads of a page that shows a mail being sent.
REFRESH_SECONDS = 2


def _mail_on() -> bool:
    return mail.settings_from(current_app.config) is not None


def _referee_link(token: str) -> str:
    return url_for("references.referee", token=token, _external=True)


def _own_project_or_404(project_id: int):
    project = projects.get_user_project(current_user, project_id)
    if project is None:
        abort(404)
    return project


# --------------------------------------------------------------------------
# The owner


@bp.route("/projects/<int(max=2147483647):project_id>/references/new", methods=["GET", "POST"])
@login_required
def new(project_id: int):
    """Ask for a reference on a project: the link is shown once, or a job mails it."""
    project = _own_project_or_404(project_id)
    form = RequestForm(mail=_mail_on(), owner_emails=service.owner_emails(current_user))
    if form.validate_on_submit():
        if wait := limits.request_attempt(current_user.id):
            form.form_errors.append(too_many_message(wait))
            return _request_page(form, project, 429, retry_after=wait)
        try:
            made = service.request_reference(
                current_user,
                project,
                form.validated,
                link_for=_referee_link,
                mail_from=request.host_url if form.mail else None,
            )
        except rules.QuotaError as error:
            form.form_errors.append(error.message)
            return _request_page(form, project, 422)
        if made.link is None:
            # Mailed by a job: the owner follows it on the request's own page.
            return redirect(url_for("references.show", request_id=made.request.id), 303)
        return render_template("references/created.html", project=project, made=made), 201
    return _request_page(form, project, 422 if form.errors else 200)


@bp.route("/references/<int(max=2147483647):request_id>")
@login_required
def show(request_id: int):
    """Show one request and how its mail is going; the page reloads while it is sent."""
    row = service.get_own_request(current_user, request_id)
    if row is None:
        abort(404)
    project = projects.get_user_project(current_user, row.project_id)
    state = service.state_of(row)
    return render_template(
        "references/show.html",
        project=project,
        r=row,
        state=state,
        label=service.STATE_LABELS[state],
        delivery=service.delivery_of(row),
        mail_failed=rules.REFERENCE_MAIL_FAILED.format(reason=row.mail_error)
        if state == service.NOT_SENT
        else "",
        refresh=REFRESH_SECONDS if state == service.SENDING else None,
    )


@bp.route("/references/<int(max=2147483647):request_id>/make-link", methods=["POST"])
@login_required
def make_link(request_id: int):
    """Make a link to copy for a request whose mail could not be sent (shown once)."""
    row = service.get_own_request(current_user, request_id)
    if row is None:
        abort(404)
    # CSRF is checked for every POST by CSRFProtect, before this view runs.
    try:
        made = service.make_link_instead(current_user, row, link_for=_referee_link)
    except service.NotAllowed:
        flash("That cannot be done to this request now.", "warning")
        return redirect(url_for("projects.detail", project_id=row.project_id) + "#references")
    project = projects.get_user_project(current_user, row.project_id)
    return render_template("references/created.html", project=project, made=made), 201


def _request_page(form: RequestForm, project, status: int, retry_after: int = 0):
    response = current_app.make_response(
        (
            render_template(
                "references/request.html",
                form=form,
                project=project,
                link_days=rules.REFERENCE_LINK_DAYS,
            ),
            status,
        )
    )
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


#: What the owner may do to a request, and the service call that does it.
ACTIONS = {
    "revoke": lambda user, row: service.revoke(user, row),
    "hide": lambda user, row: service.set_hidden(user, row, True),
    "show": lambda user, row: service.set_hidden(user, row, False),
    "show-comment": lambda user, row: service.set_comment_shown(user, row, True),
    "hide-comment": lambda user, row: service.set_comment_shown(user, row, False),
    "delete": lambda user, row: service.delete(user, row),
}
DONE = {
    "revoke": "Request revoked: its link opens nothing now.",
    "hide": "Reference hidden: it shows on none of your public pages or downloads.",
    "show": "Reference shown again on your public pages and downloads.",
    "show-comment": "The referee's comment now shows with the reference.",
    "hide-comment": "The referee's comment no longer shows.",
    "delete": "Deleted.",
}


@bp.route(
    "/references/<int(max=2147483647):request_id>/<action>",
    methods=["POST"],
)
@login_required
def act(request_id: int, action: str):
    """Revoke, hide, show or delete one of the owner's requests."""
    row = service.get_own_request(current_user, request_id)
    if row is None or action not in ACTIONS:
        abort(404)
    project_id = row.project_id
    # CSRF is checked for every POST by CSRFProtect, before this view runs.
    try:
        ACTIONS[action](current_user, row)
    except service.NotAllowed:
        flash("That cannot be done to this request now.", "warning")
    else:
        flash(DONE[action], "success")
    return redirect(url_for("projects.detail", project_id=project_id) + "#references")


# --------------------------------------------------------------------------
# The referee


def _closed(message: str, status: int):
    return render_template("references/closed.html", message=message), status


@bp.route("/r/<token>", methods=["GET", "POST"])
def referee(token: str):
    """Show the project to the referee and take their answer, once."""
    row = service.find_by_token(token)
    state = service.state_of(row) if row is not None else None
    if row is None or state in (service.EXPIRED, service.REVOKED, service.WITHDRAWN):
        return _closed(rules.REFERENCE_LINK_UNUSABLE, 404)
    if state != service.WAITING:
        return _closed(rules.REFERENCE_LINK_USED, 410)
    if current_user.is_authenticated and current_user.id == row.user_id:
        return _closed(rules.OWN_PROJECT_REFERENCE, 403)
    shown = service.for_referee(row)
    form = AnswerForm(offered=shown.project.technologies)
    if request.method == "GET":
        form.seen.data = str(shown.version)
        return _referee_page(form, shown, 200)
    if wait := limits.answer_attempt(row.token_hash):
        form.form_errors.append(too_many_message(wait))
        response = current_app.make_response(_referee_page(form, shown, 429))
        response.headers["Retry-After"] = str(wait)
        return response
    if "decline" in request.form:
        try:
            service.decline(row)
        except service.AlreadyAnswered:
            return _closed(rules.REFERENCE_LINK_USED, 410)
        return render_template("references/answered.html", confirmed=False)
    if not form.validate():
        return _referee_page(form, shown, 422)
    if form.seen_version() != shown.version:
        # The owner changed the project while the referee read it: show it again.
        form.seen.data = str(shown.version)
        form.form_errors.append(
            "The project was changed while you read it. Check it again, then confirm."
        )
        return _referee_page(form, shown, 409)
    try:
        withdraw_token = service.confirm(row, form.validated, shown.project)
    except service.AlreadyAnswered:
        return _closed(rules.REFERENCE_LINK_USED, 410)
    withdraw_link = url_for("references.withdraw", token=withdraw_token, _external=True)
    mailed = service.queue_withdraw_mail(row, request.host_url)
    return render_template(
        "references/answered.html", confirmed=True, withdraw_link=withdraw_link, mailed=mailed
    )


def _referee_page(form: AnswerForm, shown: service.ForReferee, status: int):
    return render_template("references/referee.html", form=form, shown=shown), status


@bp.route("/r/withdraw/<token>", methods=["GET", "POST"])
def withdraw(token: str):
    """Let the referee withdraw the reference they gave."""
    row = service.find_by_withdraw_token(token)
    if row is None:
        return _closed(rules.REFERENCE_LINK_UNUSABLE, 404)
    if row.state == service.WITHDRAWN:
        return render_template("references/withdrawn.html", done=True)
    if row.state != service.CONFIRMED:
        return _closed(rules.REFERENCE_LINK_UNUSABLE, 404)
    form = ActionForm()
    if form.validate_on_submit():
        service.withdraw(row)
        return render_template("references/withdrawn.html", done=True)
    return render_template("references/withdrawn.html", done=False, form=form)
