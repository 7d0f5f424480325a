"""Account views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portfolio.auth import sessions, throttle
from portfolio.auth.data_export import export_account
from portfolio.auth.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    LoginForm,
    RegisterForm,
    SessionActionForm,
)
from portfolio.auth.services import (
    AccountError,
    authenticate,
    change_password,
    delete_account,
    password_rule_problem,
    register_user,
)
from portfolio.schemas import rules

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next_url(target: str | None) -> str | None:
    """Return target if it is a path on this site, else None (refuses other hosts)."""
    if not target:
        return None
    target = target.strip()
    # Browsers treat "\" like "/", so "/\evil.com" would leave the site.
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    if target.startswith("//"):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # unbalanced brackets: "//[", "/x?[" is fine, "//a]b" is not
        return None
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create an account and log it in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        if wait := throttle.registration_retry_after(form.email.data):
            return _throttled("auth/register.html", form, form.email, wait)
        throttle.record_registration_attempt(form.email.data)
        try:
            user = register_user(form.email.data, form.display_name.data, form.password.data)
        except AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            sessions.start_session(user, remember=False)
            flash("Welcome! Your account is ready. Add your first project.", "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        if wait := throttle.login_retry_after(form.email.data):
            return _throttled("auth/login.html", form, form.password, wait)
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            throttle.record_login_failure(form.email.data)
            form.password.errors.append("Email or password is wrong.")
        else:
            throttle.record_login_success(form.email.data)
            # Accounts made before the password rule may hold a password it refuses:
            # this session opens nothing but the account page until it is changed.
            problem = password_rule_problem(user, form.password.data)
            sessions.start_session(
                user, remember=bool(form.remember.data), needs_new_password=bool(problem)
            )
            if problem:
                flash(rules.PASSWORD_MUST_CHANGE.format(problem=problem), "error")
                return redirect(url_for("auth.account"))
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.dashboard"))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


def _throttled(template: str, form, field, wait: int):
    """Render the form with the throttle message, as 429 with Retry-After."""
    field.errors.append(throttle.too_many_message(wait))
    response = render_template(template, form=form)
    return response, 429, {"Retry-After": str(wait)}


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out: end this device's session, so no copy of its cookies opens anything."""
    if current_user.is_authenticated:
        sessions.end_current_session()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Show account settings and sessions; change the password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        remember = bool(getattr(sessions.current_session(), "remember", False))
        try:
            change_password(
                user,
                form.current.data,
                form.password.data,
                revoke_tokens=bool(form.revoke_tokens.data),
            )
        except AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            sessions.start_session(user, remember=remember)  # this device goes on, anew
            done = "Your password is changed. Other devices are logged out"
            if form.revoke_tokens.data:
                done += " and your API tokens are revoked"
            flash(done + ".", "success")
            return redirect(url_for("auth.account"))
    return _account_page(form)


def _account_page(form: ChangePasswordForm):
    current = sessions.current_session()
    return render_template(
        "auth/account.html",
        form=form,
        sessions=sessions.live_sessions(current_user),
        current_session=current,
        describe_device=sessions.describe_device,
        password_change_first=rules.PASSWORD_CHANGE_FIRST,
    ), 422 if form.errors else 200


@bp.route("/sessions/<int(max=2147483647):session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    """Log out one of the user's sessions (this device's, or another)."""
    form = SessionActionForm()
    if not form.validate_on_submit():
        abort(400)
    this_device = getattr(sessions.current_session(), "id", None) == session_id
    if not sessions.end_session(current_user, session_id):
        abort(404)
    if this_device:
        flash("You are logged out.", "info")
        return redirect(url_for("auth.login"))
    flash("That session is logged out.", "info")
    return redirect(url_for("auth.account"))


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    """Log out every session but this device's."""
    form = SessionActionForm()
    if not form.validate_on_submit():
        abort(400)
    ended = sessions.end_other_sessions(current_user)
    flash(f"Logged out {ended} other session{'s' if ended != 1 else ''}.", "info")
    return redirect(url_for("auth.account"))


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Delete the account and everything in it, after confirmation."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            form.password.errors.append("That is not your password.")
        else:
            user = current_user._get_current_object()
            sessions.end_current_session()
            delete_account(user)  # and every other session with it
            flash("Your account and everything in it are deleted.", "info")
            return redirect(url_for("auth.register"))
    return render_template("auth/delete.html", form=form), 422 if form.errors else 200


@bp.route("/account/export.json")
@login_required
def export_data():
    """Download everything the user owns as JSON (data portability)."""
    response = jsonify(export_account(current_user))
    response.headers["Content-Disposition"] = 'attachment; filename="portfolio-account.json"'
    return response
