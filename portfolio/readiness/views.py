"""Readiness views: profiles side by side, one profile explained, adverts, what-if,
which jobs fit, and editing a custom profile. Each validates its form and calls one
function of the readiness service."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portfolio.projects.record import KIND_LABELS
from portfolio.readiness import service
from portfolio.readiness.charts import coverage_chart
from portfolio.readiness.forms import (
    AdvertForm,
    ProfileEditForm,
    ProfileForm,
    RankForm,
    TargetForm,
    WhatIfForm,
)
from portfolio.readiness.profiles import ProfileError, RoleProfile
from portfolio.references.wording import proof_notes
from portfolio.technologies.catalogue import get_catalogue
from portfolio.technologies.extract import extract_technologies

bp = Blueprint("readiness", __name__, url_prefix="/readiness")


def _own_profile(slug: str) -> RoleProfile:
    """Return a profile the user can pick, or answer 404."""
    return service.user_profiles(current_user).get(slug) or abort(404)


@bp.before_request
@login_required
def require_login() -> None:
    """Every readiness page needs a login."""


@bp.route("/")
def profiles():
    """Compare readiness for every profile side by side."""
    view = service.CachedReadiness(current_user, date.today())
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
    view = service.CachedReadiness(current_user, date.today())
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
        reference_notes=proof_notes(view.projects),
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
    role = _own_profile(slug)
    form = WhatIfForm(request.args)
    result = None
    if request.args and form.validate():
        result = service.plan_what_if(
            current_user,
            role,
            form.kind.data,
            form.technologies.data,
            live=bool(form.live.data),
            source=bool(form.source.data),
            today=date.today(),
        )
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
        names = [*(form.found.data or []), form.technologies.data or ""]
        try:
            stored = service.create_profile(
                current_user, form.title.data, names, form.description.data or ""
            )
        except service.ProfileInputError as error:
            form[error.field].errors.append(error.message)
        else:
            flash(f"Profile “{stored.title}” saved.", "success")
            return redirect(url_for("readiness.profile", slug=stored.slug))
    return render_template("readiness/new_profile.html", form=form), 422 if form.errors else 200


@bp.route("/profile/<slug>/edit", methods=["GET", "POST"])
def edit_profile(slug: str):
    """Edit one of the user's own profiles: its title, technologies and weights."""
    stored = service.custom_profile_body(current_user, slug) or abort(404)
    form = ProfileEditForm.editing(stored)
    if form.validate_on_submit():
        try:
            role = service.update_custom_profile(current_user, slug, form.body)
        except ProfileError as error:  # the schema passed: only a change meanwhile
            form.form_errors.append(str(error))
        else:
            if role is None:
                abort(404)
            flash(f"Profile “{role.title}” saved; its score is up to date.", "success")
            return redirect(url_for("readiness.profile", slug=slug))
    return render_template(
        "readiness/edit_profile.html", form=form, slug=slug
    ), 422 if form.errors else 200


@bp.route("/which-jobs-fit", methods=["GET", "POST"])
def which_jobs_fit():
    """Rank pasted adverts and saved profiles by readiness, with reasons (saves nothing)."""
    available = service.user_profiles(current_user)
    form = RankForm()
    form.profiles.choices = [(slug, role.title) for slug, role in available.items()]
    ranking = None
    if form.validate_on_submit():
        try:
            ranking = service.rank_jobs(
                current_user, form.pasted, form.profiles.data or [], date.today()
            )
        except service.ProfileInputError as error:
            form.profiles.errors = [*form.profiles.errors, error.message]
    return render_template(
        "readiness/fit.html", form=form, ranking=ranking
    ), 422 if form.errors else 200


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
