"""Project forms."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    MonthField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portfolio.projects.record import KIND_LABELS, KINDS
from portfolio.technologies.catalogue import get_catalogue

MAX_TECHNOLOGIES = 30
MAX_HIGHLIGHTS = 20
MAX_HIGHLIGHT_LENGTH = 300
MONTH_MESSAGE = "Enter a month like 2025-03."


def web_address(form, field) -> None:
    """Accept only absolute http or https addresses."""
    value = (field.data or "").strip()
    field.data = value
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError("Enter a full web address starting with http:// or https://.")
    if any(ch.isspace() for ch in value):
        raise ValidationError("A web address cannot contain spaces.")


def split_lines(text: str | None) -> list[str]:
    """Return the non-empty, trimmed lines of a text."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ProjectForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired("Give the project a title."), Length(max=200)]
    )
    kind = RadioField(
        "Kind",
        choices=[SelectChoice(kind, KIND_LABELS[kind]) for kind in KINDS],
        validators=[DataRequired("Choose what kind of project this was.")],
    )
    organisation = StringField(
        "Organisation", validators=[Optional(), Length(max=200)], description="Or client."
    )
    role = StringField("Role", validators=[Optional(), Length(max=120)])
    start = MonthField(
        "Start",
        # InputRequired, unlike DataRequired, keeps the "not a month" message visible.
        validators=[InputRequired("Enter the month the project started, like 2025-03.")],
        invalid_value_message=MONTH_MESSAGE,
        description="Month, like 2025-03.",
    )
    end = MonthField(
        "End",
        validators=[Optional()],
        invalid_value_message=MONTH_MESSAGE,
        description="Leave empty if ongoing.",
    )
    ongoing = BooleanField("Ongoing")
    summary = StringField(
        "Summary",
        validators=[Optional(), Length(max=300)],
        description="One line on what it is.",
    )
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=20000)],
        description="What you did and how. Markdown is allowed.",
    )
    highlights = TextAreaField(
        "Highlights",
        validators=[Optional(), Length(max=MAX_HIGHLIGHTS * (MAX_HIGHLIGHT_LENGTH + 2))],
        description="Outcomes you achieved, one per line.",
    )
    live_url = StringField("Live URL", validators=[Optional(), Length(max=2000), web_address])
    source_url = StringField("Source URL", validators=[Optional(), Length(max=2000), web_address])
    technologies = StringField(
        "Technologies",
        validators=[Optional(), Length(max=2000)],
        description="Separate with commas, like: Python, Flask, PostgreSQL.",
    )
    public = BooleanField("Public", description="Show this project in your shared portfolio.")
    featured = BooleanField("Featured", description="Show it first in your shared portfolio.")
    submit = SubmitField("Save project")

    def validate_end(self, field) -> None:
        """Refuse an end before the start, or an end on an ongoing project."""
        if field.data is None:
            return
        if self.ongoing.data:
            raise ValidationError("An ongoing project has no end: clear End or untick Ongoing.")
        if self.start.data and field.data < self.start.data:
            raise ValidationError("End cannot be before Start.")

    def validate_highlights(self, field) -> None:
        """Limit the number and length of highlights."""
        lines = split_lines(field.data)
        if len(lines) > MAX_HIGHLIGHTS:
            raise ValidationError(f"Keep to {MAX_HIGHLIGHTS} highlights or fewer.")
        if any(len(line) > MAX_HIGHLIGHT_LENGTH for line in lines):
            raise ValidationError(f"Keep each highlight under {MAX_HIGHLIGHT_LENGTH} characters.")

    def validate_technologies(self, field) -> None:
        """Limit the number of technologies on one project."""
        # Count what will be stored: the normaliser splits on newlines too, and merges aliases.
        if len(get_catalogue().normalise_tags(field.data or "")) > MAX_TECHNOLOGIES:
            raise ValidationError(f"Keep to {MAX_TECHNOLOGIES} technologies or fewer.")


class ConfirmForm(FlaskForm):
    """An empty form: a POST-only action protected by CSRF."""

    submit = SubmitField("Delete")
