"""Code analysis forms: what to analyse, then which findings to keep and where.

Every rule is a schema's: ``AnalysisIn`` for starting, ``AnalysisConfirmIn`` and the
project schema for confirming (the service validates the project it makes or changes
with ``ProjectIn``, and its problems come back here beside the fields).
"""

from __future__ import annotations

import re
from typing import Any

from flask_wtf.file import FileField
from wtforms import (
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from portfolio.projects.record import KIND_LABELS, KINDS
from portfolio.schemas import rules
from portfolio.schemas.analysis import AnalysisConfirmIn, AnalysisIn
from portfolio.schemas.base import Location
from portfolio.schemas.forms import SchemaForm

_EMAIL_SPLIT = re.compile(r"[\s,;]+")


def split_emails(text: str | None) -> list[str]:
    """Return the addresses in a text, one per line (commas and spaces work too)."""
    return [part for part in _EMAIL_SPLIT.split(text or "") if part]


class AnalysisForm(SchemaForm):
    """Upload an archive or bundle, or give a URL; and the emails you commit as."""

    schema = AnalysisIn

    file = FileField(
        "Repository archive or bundle",
        description="A .zip or .tar.gz of the repository's files, or a git bundle "
        "(git bundle create repo.bundle --all) to count your commits too.",
        render_kw={"accept": ".zip,.tar.gz,.tgz,.tar,.bundle"},
    )
    url = StringField(
        "Repository URL",
        description="Or a public https Git address, like https://github.com/you/project.git.",
        render_kw={"maxlength": rules.URL_MAX, "inputmode": "url"},
    )
    emails = TextAreaField(
        "Your commit emails",
        description="One per line. With a bundle or a URL, the commits these wrote count as yours.",
        render_kw={"rows": 3},
    )
    submit = SubmitField("Analyse")

    def uploaded(self):
        """Return the uploaded file (a FileStorage), or None."""
        data = self.file.data
        return data if data is not None and getattr(data, "filename", "") else None

    def schema_input(self) -> dict[str, Any]:
        """Return what was given in the schema's shape."""
        upload = self.uploaded()
        return {
            "filename": (upload.filename or "")[: rules.UPLOAD_NAME_MAX] if upload else "",
            "url": self.url.data or "",
            "emails": split_emails(self.emails.data),
        }

    def field_for(self, location: Location):
        """Problems with one email belong to the emails box; "file" to the file field."""
        return super().field_for(location[:1])


class ChecklistField(SelectMultipleField):
    """Checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        """Names the analysis did not find are ignored by the service, not refused."""


class ConfirmAnalysisForm(SchemaForm):
    """Untick what is wrong; create a project or add the rest to one."""

    schema = AnalysisConfirmIn

    technologies = ChecklistField("Technologies found", choices=[])
    title = StringField("Title", render_kw={"maxlength": rules.TITLE_MAX})
    kind = RadioField(
        "Kind",
        choices=[SelectChoice(kind, KIND_LABELS[kind]) for kind in KINDS],
        default="personal",
        validate_choice=False,
    )
    start = StringField("Start", description="Month, like 2025-03.")
    end = StringField("End", description="Leave empty if ongoing.")
    create = SubmitField("Create a project")
    project_id = SelectField("Project", choices=[], validate_choice=False)
    add = SubmitField("Add to the project")

    def schema_input(self) -> dict[str, Any]:
        """Return the choice in the schema's shape."""
        data: dict[str, Any] = {"technologies": list(self.technologies.data or [])}
        if self.add.data:
            raw = (self.project_id.data or "").strip()
            data["project_id"] = int(raw) if raw.isascii() and raw.isdigit() and raw else None
            if data["project_id"] is None:
                data["project_id"] = 0  # refused below with CHOOSE_PROJECT
        else:
            project: dict[str, Any] = {"title": self.title.data or "", "kind": self.kind.data}
            if (self.start.data or "").strip():
                project["start"] = self.start.data.strip()
            if (self.end.data or "").strip():
                project["end"] = self.end.data.strip()
            data["project"] = project
        return data

    def validate(self, extra_validators=None) -> bool:
        """Check CSRF and the schema; a missing project says which to choose."""
        valid = super().validate(extra_validators)
        if self.add.data and self.validated is not None and not self.validated.project_id:
            self.project_id.errors = [rules.CHOOSE_PROJECT]
            return False
        if self.project_id.errors:
            self.project_id.errors = [rules.CHOOSE_PROJECT]
        return valid

    def field_for(self, location: Location):
        """Project problems go beside the new project's fields; the rest to the list."""
        if location and location[0] == "project":
            location = location[1:]
        return super().field_for(location[:1])
