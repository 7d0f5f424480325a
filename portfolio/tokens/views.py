"""Token settings: create, list and revoke personal access tokens for the API."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portfolio.schemas import rules
from portfolio.tokens import services
from portfolio.tokens.forms import NewTokenForm, RevokeTokenForm

bp = Blueprint("tokens", __name__, url_prefix="/auth/tokens")


@bp.before_request
@login_required
def require_login() -> None:
    """Every token page needs a login."""


@bp.route("/", methods=["GET", "POST"])
def index():
    """List the user's tokens and create a new one (shown once)."""
    form = NewTokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            wanted = form.validated
            token, secret = services.create_token(
                current_user, wanted.name, wanted.scope, wanted.expires_in_days
            )
        except services.TokenError as error:
            form.name.errors.append(str(error))
        else:
            # Rendered, not redirected: the secret must never sit in a session or a URL.
            flash(f"Token “{token.name}” created. Copy it now: it will not be shown again.",
                  "success")  # fmt: skip
            form = NewTokenForm(formdata=None)
    return render_template(
        "tokens/index.html",
        form=form,
        secret=secret,
        tokens=services.active_tokens(current_user),
        scopes=rules.TOKEN_SCOPES,
    ), 422 if form.errors else 200


@bp.route("/<int(max=2147483647):token_id>/revoke", methods=["POST"])
def revoke(token_id: int):
    """Revoke one of the user's tokens."""
    form = RevokeTokenForm()
    if not form.validate_on_submit() or not services.revoke_token(current_user, token_id):
        abort(404)
    flash("Token revoked. Anything using it can no longer reach the API.", "info")
    return redirect(url_for("tokens.index"))
