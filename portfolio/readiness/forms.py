"""Readiness forms: target profile, custom profiles, job adverts, what-if."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portfolio.projects.record import KIND_LABELS, KINDS

MAX_ADVERT_LENGTH = 50_000


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
            Length(max=MAX_ADVERT_LENGTH, message="Paste at most 50,000 characters."),
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
