"""Project forms: the fields a person fills in; every rule is the project schema's."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.fields.core import UnboundField

from portfolio.projects.record import KIND_LABELS, KINDS, ProjectRecord
from portfolio.schemas import rules
from portfolio.schemas.base import Location
from portfolio.schemas.forms import SchemaForm
from portfolio.schemas.project import ProjectIn, record_input
from portfolio.technologies.catalogue import split_tags


def split_lines(text: str | None) -> list[str]:
    """Return the non-empty, trimmed lines of a text."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _distinct(names: list[str]) -> list[str]:
    """Return each name once, ignoring case (the catalogue merges aliases later)."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _limit(length: int) -> dict[str, Any]:
    return {"maxlength": length}


class ProjectForm(SchemaForm):
    schema = ProjectIn

    title = StringField("Title", render_kw={"required": True, **_limit(rules.TITLE_MAX)})
    kind = RadioField(
        "Kind",
        choices=[SelectChoice(kind, KIND_LABELS[kind]) for kind in KINDS],
        # The schema says what is wrong with a missing or unknown kind, in its words.
        validate_choice=False,
    )
    organisation = StringField(
        "Organisation", render_kw=_limit(rules.ORGANISATION_MAX), description="Or client."
    )
    role = StringField("Role", render_kw=_limit(rules.ROLE_MAX))
    # Months travel as the "YYYY-MM" text a month input sends; the schema reads them.
    start = StringField("Start", description="Month, like 2025-03.")
    end = StringField("End", description="Leave empty if ongoing.")
    ongoing = BooleanField("Ongoing")
    summary = StringField(
        "Summary", render_kw=_limit(rules.SUMMARY_MAX), description="One line on what it is."
    )
    description = TextAreaField(
        "Description",
        render_kw=_limit(rules.DESCRIPTION_MAX),
        description="What you did and how. Markdown is allowed.",
    )
    highlights = TextAreaField("Highlights", description="Outcomes you achieved, one per line.")
    live_url = StringField("Live URL", render_kw=_limit(rules.URL_MAX))
    source_url = StringField("Source URL", render_kw=_limit(rules.URL_MAX))
    technologies = StringField(
        "Technologies", description="Separate with commas, like: Python, Flask, PostgreSQL."
    )
    public = BooleanField("Public", description="Show this project in your shared portfolio.")
    featured = BooleanField("Featured", description="Show it first in your shared portfolio.")
    submit = SubmitField("Save project")

    @classmethod
    def for_record(cls, record: ProjectRecord) -> ProjectForm:
        """Return the form filled with a stored project, as it would save it unchanged."""
        data = record_input(record)
        data["start"] = data["start"] or ""
        data["end"] = data["end"] or ""
        data["highlights"] = "\n".join(record.highlights)
        data["technologies"] = ", ".join(record.technologies)
        return cls(data=data)

    def schema_input(self) -> dict[str, Any]:
        """Return what was typed in the project schema's shape."""
        data: dict[str, Any] = {
            "title": self.title.data or "",
            "organisation": self.organisation.data or "",
            "role": self.role.data or "",
            "end": (self.end.data or "").strip() or None,
            "ongoing": bool(self.ongoing.data),
            "summary": self.summary.data or "",
            "description": self.description.data or "",
            "highlights": split_lines(self.highlights.data),
            "live_url": self.live_url.data or "",
            "source_url": self.source_url.data or "",
            "technologies": _distinct(split_tags(self.technologies.data or "")),
            "public": bool(self.public.data),
            "featured": bool(self.featured.data),
        }
        # Left out, not empty, so the schema says "required" in its words.
        if self.kind.data:
            data["kind"] = self.kind.data
        if (self.start.data or "").strip():
            data["start"] = self.start.data.strip()
        return data

    def field_for(self, location: Location):
        """Every problem with one highlight or technology belongs to its text box."""
        return super().field_for(location[:1])

    def record(self, *, id: int | None = None) -> ProjectRecord:
        """Return the validated project (call after validate())."""
        return self.validated.to_record(id=id)


#: Each field's label, for messages shown away from the form.
FIELD_LABELS: dict[str, str] = {
    name: field.args[0]
    for name, field in vars(ProjectForm).items()
    if isinstance(field, UnboundField) and field.args
}


class ConfirmForm(FlaskForm):
    """An empty form: a POST-only action protected by CSRF."""

    submit = SubmitField("Delete")
