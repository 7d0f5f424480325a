"""Technology views."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user, login_required

from portfolio.projects.services import technology_usage
from portfolio.technologies.catalogue import CATEGORY_LABELS, get_catalogue

bp = Blueprint("technologies", __name__, url_prefix="/technologies")


@bp.before_request
@login_required
def require_login() -> None:
    """Every technology page needs a login."""


@bp.route("/")
def index():
    """List the user's technologies with how many projects use each."""
    catalogue = get_catalogue()
    usage = [
        (name, count, catalogue.category_of(name)) for name, count in technology_usage(current_user)
    ]
    return render_template("technologies/index.html", usage=usage, category_labels=CATEGORY_LABELS)


@bp.route("/catalogue")
def catalogue():
    """Browse or search the technology catalogue (works without JavaScript)."""
    query = (request.args.get("q") or "").strip()[:60]
    catalogue = get_catalogue()
    matches = catalogue.search(query, limit=50) if query else list(catalogue)
    return render_template(
        "technologies/catalogue.html",
        query=query,
        matches=matches,
        category_labels=CATEGORY_LABELS,
    )


@bp.route("/suggest")
def suggest():
    """Return catalogue names matching the text typed so far, for the tag field."""
    query = (request.args.get("q") or "").strip()[:60]
    return jsonify([t.name for t in get_catalogue().search(query, limit=8)])
