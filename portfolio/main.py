"""Home: the front door for strangers, the dashboard a logged-in user lands on, the health check."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from portfolio.extensions import db
from portfolio.models import DEFAULT_PROFILE
from portfolio.projects.record import KIND_PLURALS
from portfolio.readiness import service
from portfolio.readiness.charts import coverage_chart, history_chart, rule_changes_within

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Send a logged-in user to their dashboard; show a stranger what the product does."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    # The score is explained against the profile every new account starts with.
    profile = service.builtin_profiles()[DEFAULT_PROFILE]
    return render_template("main/welcome.html", profile=profile, kinds=KIND_PLURALS)


@bp.route("/dashboard")
@login_required
def dashboard():
    """Show the readiness score, its history, coverage and next steps."""
    data = service.dashboard_data(current_user, date.today())
    return render_template(
        "main/dashboard.html",
        data=data,
        counts=data.counts,
        total=data.total,
        parts=list(zip(data.readiness.parts, data.readiness.display_parts(), strict=True)),
        history_svg=history_chart(data.history),
        rule_changes=rule_changes_within(data.history),
        coverage_svg=coverage_chart(data.readiness),
    )


@bp.route("/healthz")
def healthz():
    """Answer 200 when the app and its database respond, 503 (JSON) when the database fails."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Health check failed: the database does not answer")
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok"}
