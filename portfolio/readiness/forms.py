"""Readiness forms: target profile, custom profiles and their editing, job adverts (one
to make a profile, several to rank), what-if."""

from __future__ import annotations

import copy
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms import Form as SubForm
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portfolio.projects.record import KIND_LABELS, KINDS
from portfolio.readiness.fit import Advert, split_adverts
from portfolio.readiness.profiles import relabel
from portfolio.schemas import rules
from portfolio.schemas.adverts import JobsToRankIn
from portfolio.schemas.base import Location, Problem
from portfolio.schemas.forms import SchemaForm
from portfolio.schemas.profile import TECHNOLOGY_SHAPES, RoleProfileIn
from portfolio.technologies.catalogue import get_catalogue, split_tags

MAX_ADVERT_LENGTH = rules.ADVERT_MAX


class TargetForm(FlaskForm):
    profile = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Make this my target")


class AdvertForm(FlaskForm):
    title = StringField(
        "Job title", validators=[DataRequired("Give the role a title."), Length(max=120)]
    )
    advert = TextAreaField(
        "Job advert",
        validators=[
            DataRequired("Paste the text of the job advert."),
            Length(
                max=MAX_ADVERT_LENGTH, message=f"Paste at most {MAX_ADVERT_LENGTH:,} characters."
            ),
        ],
        description="Paste the whole advert; we look for the technologies it names.",
    )
    submit = SubmitField("Find technologies")


class ProfileForm(FlaskForm):
    """Create a profile from a list of technologies (typed, or confirmed from an advert)."""

    title = StringField(
        "Job title", validators=[DataRequired("Give the role a title."), Length(max=120)]
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
    found = SelectMultipleField(
        "Technologies found in the advert",
        choices=[],
        validate_choice=False,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    technologies = StringField(
        "Technologies",
        validators=[Optional(), Length(max=2000)],
        description="Comma-separated, like: Python, Django, PostgreSQL, Docker.",
    )
    submit = SubmitField("Save profile")


class WhatIfForm(FlaskForm):
    """A planned project: read with GET, changes nothing."""

    class Meta:
        csrf = False

    kind = RadioField(
        "Kind",
        choices=[SelectChoice(kind, KIND_LABELS[kind]) for kind in KINDS],
        default="personal",
        validators=[DataRequired("Choose a kind.")],
    )
    technologies = StringField(
        "Technologies",
        validators=[DataRequired("Name at least one technology."), Length(max=2000)],
        description="Comma-separated, like: PHP, MySQL.",
    )
    live = BooleanField("It will have a live URL", default=True)
    source = BooleanField("Its code will be public", default=True)
    submit = SubmitField("Show the new score")


def _checkboxes(label: str) -> SelectMultipleField:
    return SelectMultipleField(
        label,
        choices=[],
        # The schema and the service say what is wrong with a slug, in their words.
        validate_choice=False,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )


class RankForm(SchemaForm):
    """Which jobs fit me? Adverts pasted at once and saved profiles picked (saves nothing)."""

    schema = JobsToRankIn

    adverts = TextAreaField(
        "Job adverts",
        validators=[Length(max=rules.ADVERTS_PASTED_MAX, message=rules.ADVERTS_TOO_LONG)],
        description="Paste one or more adverts, each starting with its title on the first "
        "line, with a line of three dashes (---) between two adverts.",
    )
    profiles = _checkboxes("Saved profiles")
    submit = SubmitField("Rank them")

    def schema_input(self) -> dict[str, Any]:
        """Return the adverts, split at the dashes, and the profiles picked."""
        self.pasted: list[Advert] = split_adverts(self.adverts.data or "")
        return {
            "adverts": [{"title": a.title, "text": a.text} for a in self.pasted],
            "profiles": list(self.profiles.data or []),
        }

    def field_for(self, location: Location):
        """Problems with a profile go by the profiles; all others by the adverts."""
        return self.profiles if location[:1] == ("profiles",) else self.adverts

    def show_problems(self, problems) -> None:
        """Say which advert a problem is in, by its number and title."""
        named = []
        for problem in problems:
            place = problem.location
            if len(place) > 1 and place[0] == "adverts" and isinstance(place[1], int):
                title = self.pasted[place[1]].title
                title = title if len(title) <= 60 else title[:59] + "…"
                message = f"Advert {place[1] + 1} (“{title}”): {problem.message}"
                problem = Problem(place, message)
            named.append(problem)
        super().show_problems(named)


def _whole(text: str | None) -> int | str | None:
    """Return typed digits as a number, other text as it is (the schema names it)."""
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else text


class RequirementEditForm(SubForm):
    """One requirement of a custom profile: what it asks for and how much it weighs."""

    label = StringField("What it asks for", render_kw={"maxlength": rules.REQUIREMENT_LABEL_MAX})
    technologies = StringField(
        "Technologies", description="Separate with commas, like: MySQL, PostgreSQL."
    )
    needed = StringField("How many are needed", render_kw={"inputmode": "numeric"})
    weight = StringField(
        "Weight",
        render_kw={"inputmode": "numeric"},
        description="Its share of the score, against the other weights.",
    )


class ProfileEditForm(SchemaForm):
    """Edit a custom profile: its title, and each requirement's technologies and weights.

    The profile keeps its slug and everything the form does not show; the whole of it is
    validated by the role profile schema, as any stored profile is.
    """

    schema = RoleProfileIn

    title = StringField("Job title", render_kw={"maxlength": rules.PROFILE_TITLE_MAX})
    description = TextAreaField(
        "Description", render_kw={"maxlength": rules.PROFILE_DESCRIPTION_MAX}
    )
    requirements = FieldList(
        FormField(RequirementEditForm), min_entries=0, max_entries=rules.MAX_REQUIREMENTS
    )
    submit = SubmitField("Save changes")

    @classmethod
    def editing(cls, stored: dict[str, Any]) -> ProfileEditForm:
        """Return the form filled with a stored profile (the request's input wins)."""
        data = {
            "title": stored.get("title", ""),
            "description": stored.get("description", ""),
            "requirements": [
                {
                    "label": r.get("label", ""),
                    "technologies": ", ".join(r.get("technologies", [])),
                    "needed": str(r.get("needed", 1)),
                    "weight": str(r.get("weight", "")),
                }
                for r in stored.get("requirements", [])
            ],
        }
        form = cls(data=data)
        form.stored = stored
        return form

    def shape_of(self, index: int) -> str:
        """Return the shape of the stored requirement at this place."""
        stored = self.stored.get("requirements", [])
        return stored[index].get("shape", "") if index < len(stored) else ""

    def schema_input(self) -> dict[str, Any]:
        """Return the stored profile with what was typed in its place."""
        body = copy.deepcopy(self.stored)
        body["title"] = self.title.data or ""
        body["description"] = self.description.data or ""
        catalogue = get_catalogue()
        for entry, requirement in zip(
            self.requirements.entries, body.get("requirements", []), strict=False
        ):
            typed = entry.form
            shape = requirement.get("shape")
            stored_label = requirement.get("label", "")
            stored_names = list(requirement.get("technologies", []))
            requirement["label"] = typed.label.data or ""
            _set_whole(requirement, "weight", typed.weight.data)
            if shape in TECHNOLOGY_SHAPES:
                # Canonical names for what the catalogue knows; the rest as typed, so
                # the schema says which is not in the catalogue.
                requirement["technologies"] = [
                    tag.name
                    for tag in catalogue.normalise_tags(split_tags(typed.technologies.data or ""))
                ]
            if shape in TECHNOLOGY_SHAPES or shape == "experience":
                _set_whole(requirement, "needed", typed.needed.data)
            if shape in TECHNOLOGY_SHAPES and requirement["label"] == stored_label:
                # A label made from the technologies follows them; one typed stays.
                needed = requirement.get("needed", 1)
                requirement["label"] = relabel(
                    stored_label,
                    stored_names,
                    requirement["technologies"],
                    needed if isinstance(needed, int) else 1,
                )
            if shape in ("skill", "any"):
                # As a profile from an advert: one technology is a skill, several a
                # group of which some are needed.
                one = len(requirement["technologies"]) == 1
                requirement["shape"] = (
                    "skill" if one and requirement.get("needed", 1) == 1 else "any"
                )
                if requirement["shape"] == "skill":
                    requirement.pop("needed", None)
        self.body = body
        return body

    def field_for(self, location: Location):
        """A problem with a requirement belongs to its field, or to its technologies."""
        if len(location) >= 2 and location[0] == "requirements" and isinstance(location[1], int):
            entries = self.requirements.entries
            if location[1] < len(entries):
                fields = entries[location[1]].form._fields
                name = str(location[2]) if len(location) > 2 else "label"
                if name == "related":
                    name = "technologies"
                return fields.get(name) or fields["label"]
        return (
            super().field_for(location) if location[:1] in (("title",), ("description",)) else None
        )

    def show_problems(self, problems) -> None:
        """Show each problem, and count the requirements' in the list's own errors."""
        super().show_problems(problems)
        if any(entry.errors for entry in self.requirements.entries):
            self.requirements.errors = [entry.errors for entry in self.requirements.entries]


def _set_whole(requirement: dict[str, Any], name: str, typed: str | None) -> None:
    value = _whole(typed)
    if value is None:
        requirement.pop(name, None)  # left out: required, or its default, in the schema's words
    else:
        requirement[name] = value
