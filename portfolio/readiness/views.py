"""Readiness views: profiles side by side, one profile explained, adverts, what-if."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portfolio.projects.record import KIND_LABELS, ProjectRecord
from portfolio.projects.services import portfolio_changed, user_records
from portfolio.readiness import service
from portfolio.readiness.advice import what_if
from portfolio.readiness.charts import coverage_chart
from portfolio.readiness.forms import AdvertForm, ProfileForm, TargetForm, WhatIfForm
from portfolio.readiness.profiles import ProfileError, profile_from_technologies
from portfolio.technologies.catalogue import get_catalogue
from portfolio.technologies.extract import extract_technologies

bp = Blueprint("readiness", __name__, url_prefix="/readiness")


@portfolio_changed.connect
def _record_after_change(user) -> None:
    """Record the score whenever the portfolio changes."""
    service.record_score(user)


@bp.before_request
@login_required
def require_login() -> None:
    """Every readiness page needs a login."""


@bp.route("/")
def profiles():
    """Compare readiness for every profile side by side."""
    view = service.PortfolioView(current_user, date.today())
    available = service.user_profiles(current_user)
    rows = [(profile, view.readiness(profile)) for profile in available.values()]
    return render_template(
        "readiness/profiles.html",
        rows=rows,
        target=service.target_of(current_user, available),
        target_form=TargetForm(),
        delete_form=TargetForm(),
    )


@bp.route("/profile/<slug>")
def profile(slug: str):
    """Explain the score for one profile, requirement by requirement."""
    available = service.user_profiles(current_user)
    role = available.get(slug) or abort(404)
    view = service.PortfolioView(current_user, date.today())
    readiness = view.readiness(role)
    return render_template(
        "readiness/profile.html",
        role=role,
        readiness=readiness,
        parts=list(zip(readiness.parts, readiness.display_parts(), strict=True)),
        steps=view.steps(role),
        chart=coverage_chart(readiness, id_prefix=f"coverage-{role.slug}"),
        is_target=service.target_of(current_user, available).slug == role.slug,
        target_form=TargetForm(profile=role.slug),
        whatif=WhatIfForm(formdata=None),
        kind_labels=KIND_LABELS,
    )


@bp.route("/target", methods=["POST"])
def set_target():
    """Make a profile the user's target."""
    form = TargetForm()
    if form.validate_on_submit():
        try:
            role = service.set_target(current_user, form.profile.data)
        except KeyError:
            abort(404)
        flash(f"Your target is now {role.title}.", "success")
    return redirect(url_for("main.dashboard"))


@bp.route("/profile/<slug>/what-if")
def whatif(slug: str):
    """Show the score a planned project would give (changes nothing)."""
    available = service.user_profiles(current_user)
    role = available.get(slug) or abort(404)
    form = WhatIfForm(request.args)
    result = None
    if request.args and form.validate():
        tags = get_catalogue().normalise_tags(form.technologies.data)
        planned = ProjectRecord(
            title="Planned project",
            kind=form.kind.data,
            start=date.today().replace(day=1),
            ongoing=True,
            live_url="https://example.com/planned" if form.live.data else "",
            source_url="https://example.com/planned-source" if form.source.data else "",
            technologies=tuple(tag.name for tag in tags),
        )
        before, after = what_if(user_records(current_user), role, date.today(), planned)
        result = {
            "planned": planned,
            "before": before,
            "after": after,
            "changes": [
                (b, a) for b, a in zip(before.parts, after.parts, strict=True)
                if a.points - b.points >= 0.05
            ],
        }  # fmt: skip
    status = 422 if form.errors else 200
    return render_template(
        "readiness/whatif.html", role=role, form=form, result=result, kind_labels=KIND_LABELS
    ), status


@bp.route("/profiles/new", methods=["GET", "POST"])
def new_profile():
    """Create a profile from a list of technologies."""
    form = ProfileForm()
    if request.method == "POST":
        form.found.choices = [(name, name) for name in request.form.getlist("found")]
    if form.validate_on_submit():
        names = list(form.found.data or [])
        names += [n for n in (form.technologies.data or "").replace(";", ",").split(",")]
        tags = get_catalogue().normalise_tags(names)
        unknown = [tag.name for tag in tags if not tag.catalogued]
        known = [tag.name for tag in tags if tag.catalogued]
        if unknown:
            form.technologies.errors.append(
                "Not in the catalogue, so they cannot be scored: " + ", ".join(unknown) + "."
            )
        elif not known:
            form.technologies.errors.append("Choose at least one technology.")
        else:
            try:
                role = profile_from_technologies(
                    form.title.data, known, get_catalogue(), form.description.data or ""
                )
            except ProfileError as error:
                form.technologies.errors.append(str(error))
            else:
                stored = service.save_custom_profile(current_user, role)
                flash(f"Profile “{stored.title}” saved.", "success")
                return redirect(url_for("readiness.profile", slug=stored.slug))
    return render_template("readiness/new_profile.html", form=form), 422 if form.errors else 200


@bp.route("/profiles/from-advert", methods=["GET", "POST"])
def from_advert():
    """Find the technologies a pasted job advert names, for the user to confirm."""
    form = AdvertForm()
    if form.validate_on_submit():
        mentions = extract_technologies(form.advert.data, get_catalogue())
        confirm = ProfileForm(formdata=None, title=form.title.data)
        confirm.found.choices = [(m.technology.name, m.technology.name) for m in mentions]
        confirm.found.data = [m.technology.name for m in mentions]
        return render_template(
            "readiness/confirm_advert.html", form=confirm, mentions=mentions, title=form.title.data
        )
    return render_template("readiness/advert.html", form=form), 422 if form.errors else 200


@bp.route("/profile/<slug>/delete", methods=["POST"])
def delete_profile(slug: str):
    """Delete one of the user's own profiles."""
    form = TargetForm()
    if not form.validate_on_submit() or not service.delete_custom_profile(current_user, slug):
        abort(404)
    flash("Profile deleted.", "info")
    return redirect(url_for("readiness.profiles"))
