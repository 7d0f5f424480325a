"""Home: the dashboard a logged-in user lands on."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from portfolio.projects import services

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Send visitors to their dashboard, or to log in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return redirect(url_for("auth.login"))


@bp.route("/dashboard")
@login_required
def dashboard():
    """Show the user's portfolio at a glance."""
    counts = services.counts_by_kind(current_user)
    return render_template("main/dashboard.html", counts=counts, total=sum(counts.values()))


@bp.route("/healthz")
def healthz():
    """Answer 200 when the app and its database respond."""
    from sqlalchemy import text

    from portfolio.extensions import db

    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
