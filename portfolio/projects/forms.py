"""Project forms: the fields a person fills in; every rule is the project schema's.

The add form carries a one-time token, so sending it twice (a double click, a page sent
again) adds the project once. The edit form carries the version it was opened on and a
short digest of each field as it was then: a save over a newer version is refused, and
the digests tell which fields the other save changed and which ones this person did
(``take_newer``).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
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
        return cls(data=_form_data(record))

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


def _form_data(record: ProjectRecord) -> dict[str, Any]:
    """Return a stored project as the form's fields hold it."""
    data = record_input(record)
    data["start"] = data["start"] or ""
    data["end"] = data["end"] or ""
    data["highlights"] = "\n".join(record.highlights)
    data["technologies"] = ", ".join(record.technologies)
    return data


#: Each field's label, for messages shown away from the form.
FIELD_LABELS: dict[str, str] = {
    name: field.args[0]
    for name, field in vars(ProjectForm).items()
    if isinstance(field, UnboundField) and field.args
}

_TOKEN = re.compile(rules.IDEMPOTENCY_KEY_PATTERN)
#: How much of a long text a "changed meanwhile" message quotes.
QUOTED_MAX = 120


class NewProjectForm(ProjectForm):
    """The add form, with a one-time token: a second post of it adds nothing."""

    once = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.once.data = secrets.token_urlsafe(16)

    def once_token(self) -> str | None:
        """Return the form's one-time token (None for a post without a usable one)."""
        token = (self.once.data or "").strip()
        if len(token) > rules.IDEMPOTENCY_KEY_MAX or not _TOKEN.fullmatch(token):
            return None
        return token


def _digest(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def field_digests(record: ProjectRecord) -> str:
    """Return a short digest of each field of a project, as "name:digest" words."""
    return " ".join(f"{name}:{_digest(value)}" for name, value in record_input(record).items())


def _read_digests(text: str | None) -> dict[str, str]:
    pairs = (word.partition(":") for word in (text or "").split())
    return {name: digest for name, _, digest in pairs if name and digest}


def shown_value(name: str, value: Any) -> str:
    """Return a field's stored value as a message quotes it."""
    if value is None or value == "" or value == []:
        return rules.EMPTY_VALUE
    if isinstance(value, bool):
        return rules.TICKED if value else rules.NOT_TICKED
    if name == "kind":
        value = KIND_LABELS.get(value, value)
    elif isinstance(value, list):
        value = "; ".join(value) if name == "highlights" else ", ".join(value)
    text = " ".join(str(value).split())
    if len(text) > QUOTED_MAX:
        text = text[: QUOTED_MAX - 1].rstrip() + "…"
    return f"“{text}”"


class EditProjectForm(ProjectForm):
    """The edit form, with the version it was opened on and its fields' digests then."""

    version = HiddenField()
    base = HiddenField()

    @classmethod
    def for_project(cls, record: ProjectRecord, version: int) -> EditProjectForm:
        """Return the form filled with a stored project at its version."""
        form = cls(data=_form_data(record))
        form.version.data = str(version)
        form.base.data = field_digests(record)
        return form

    def started_from(self) -> int | None:
        """Return the version the form was opened on (None: a post that does not say)."""
        raw = (self.version.data or "").strip()
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None

    def take_newer(self, saved: ProjectRecord, version: int) -> list[str]:
        """Bring a newer saved version into the refused form; say what it changed.

        A field the other save changed takes its new value, unless this person changed
        it too: then what they typed stays, and the message says so. The form then
        starts from the newer version, so saving it again stores what it shows.
        Call after validate().
        """
        base = _read_digests(self.base.data)
        mine = record_input(self.record())
        theirs = record_input(saved)
        newer = _form_data(saved)
        notes: list[str] = []
        for name, value in theirs.items():
            their_digest, my_digest = _digest(value), _digest(mine[name])
            # Without the form's digests, count every field as typed by this person.
            start = base.get(name)
            if their_digest == (start or my_digest):
                continue
            label, shown = FIELD_LABELS[name], shown_value(name, value)
            if start is not None and my_digest == start:
                getattr(self, name).data = newer[name]
                notes.append(rules.CHANGED_MEANWHILE_TAKEN.format(field=label, value=shown))
            elif my_digest != their_digest:
                notes.append(rules.CHANGED_MEANWHILE_KEPT.format(field=label, value=shown))
        self.version.data = str(version)
        self.base.data = field_digests(saved)
        return notes


class ConfirmForm(FlaskForm):
    """An empty form: a POST-only action protected by CSRF."""

    submit = SubmitField("Delete")


class DeleteProjectForm(ConfirmForm):
    """The delete confirmation, with the version it was opened on.

    A project changed since the page opened (in another tab or on another device) is not
    deleted unseen: the page shows it again at its new version.
    """

    version = HiddenField()

    def started_from(self) -> int | None:
        """Return the version the page was opened on (None: a post that does not say)."""
        raw = (self.version.data or "").strip()
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
