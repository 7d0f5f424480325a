"""The project schema: what a project may hold, for the form, the API and the import.

Rules, each with its message in ``rules.py``:

* a title (one line, up to 200 characters) and one of the four kinds;
* a start month (``YYYY-MM``); an end month, if any, not before the start, and none on
  ongoing work;
* one-line organisation, role and summary; a Markdown description; up to 20 highlights
  of 300 characters each (blank ones dropped);
* live and source URLs: empty, or absolute http(s) addresses that parse;
* up to 30 technologies of at most 60 characters, counted after the catalogue has split
  and merged them ("postgres, PostgreSQL" is one), and stored under their catalogue names;
* no control characters anywhere, and no direction overrides.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from portfolio.projects.record import KINDS, ProjectRecord
from portfolio.schemas import rules
from portfolio.schemas.base import Line, Problem, Schema, Text, WebAddress, rule_error
from portfolio.technologies.catalogue import get_catalogue

Kind = Literal[KINDS]  # type: ignore[valid-type]  (the one list of kinds, in record.py)


def _month(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return rules.parse_month(value)
        except rules.RuleError as error:
            raise rule_error(error.message) from None
    if isinstance(value, date):
        return value.replace(day=1)
    return value


Month = Annotated[
    date,
    BeforeValidator(_month),
    WithJsonSchema(
        {"type": "string", "pattern": rules.MONTH_PATTERN, "examples": ["2025-03"]},
        mode="validation",
    ),
]


def _drop_blank(items: list[str]) -> list[str]:
    return [item for item in items if item]


def date_rules(start: date | None, end: date | None, ongoing: bool) -> list[tuple[str, str]]:
    """Return (field, message) when the end is on ongoing work or before the start."""
    if end is None:
        return []
    if ongoing:
        return [("end", rules.ONGOING_WITH_END)]
    if start is not None and end < start:
        return [("end", rules.END_BEFORE_START)]
    return []


class ProjectIn(Schema):
    """A whole project as it may be saved: for create, replace, the form and the import."""

    required_messages: ClassVar = {
        "title": rules.TITLE_REQUIRED,
        "kind": rules.KIND_REQUIRED,
        "start": rules.START_REQUIRED,
    }
    too_many_messages: ClassVar = {
        "highlights": rules.TOO_MANY_HIGHLIGHTS,
        "technologies": rules.TOO_MANY_TECHNOLOGIES,
    }
    item_too_long_messages: ClassVar = {
        "highlights": rules.HIGHLIGHT_TOO_LONG,
        "technologies": rules.TECHNOLOGY_TOO_LONG,
    }
    noun: ClassVar = "a project field"

    title: Line(rules.TITLE_MAX, min_length=1, description="What the project is called.",
                examples=["Booking API"])  # fmt: skip
    kind: Kind = Field(description="What kind of work.")
    organisation: Line(rules.ORGANISATION_MAX, description="Organisation or client; empty "
                       "for your own.") = ""  # fmt: skip
    role: Line(rules.ROLE_MAX, description="Your role.") = ""
    start: Month = Field(description="Month the project started.")
    end: Month | None = Field(
        None, description="Month it ended; null while ongoing. Not before start."
    )
    ongoing: bool = Field(False, description="Still going; then end must be null.")
    summary: Line(rules.SUMMARY_MAX, description="One line on what it is.") = ""
    description: Text(rules.DESCRIPTION_MAX, description="What you did and how, in Markdown.") = ""
    highlights: Annotated[
        list[Line(rules.HIGHLIGHT_MAX)],
        Field(max_length=rules.MAX_HIGHLIGHTS, description="Outcomes you achieved, one per item."),
        AfterValidator(_drop_blank),
    ] = []
    live_url: WebAddress(description="Live site: an http(s) address, or empty.",
                         examples=["https://example.com"]) = ""  # fmt: skip
    source_url: WebAddress(description="Source code: an http(s) address, or empty.") = ""
    technologies: Annotated[
        list[Line(rules.TECHNOLOGY_MAX)],
        Field(
            max_length=rules.MAX_TECHNOLOGIES,
            description="Technology names; catalogue aliases become canonical names "
            "(postgres becomes PostgreSQL), others are kept as your own tags.",
            examples=[["python", "flask", "postgres"]],
        ),
    ] = []
    public: bool = Field(False, description="Shown on your shared portfolio.")
    featured: bool = Field(False, description="Shown first on your shared portfolio.")

    @field_validator("technologies", mode="after")
    @classmethod
    def _catalogue_names(cls, value: list[str]) -> list[str]:
        """Store canonical names: split on commas, aliases merged, counted as stored."""
        names = [tag.name for tag in get_catalogue().normalise_tags(value)]
        if len(names) > rules.MAX_TECHNOLOGIES:
            raise rule_error(rules.TOO_MANY_TECHNOLOGIES)
        return names

    @model_validator(mode="after")
    def _dates(self) -> ProjectIn:
        for field, message in date_rules(self.start, self.end, self.ongoing):
            raise rule_error(message, field)
        return self

    @classmethod
    def cross_field_problems(cls, data: Mapping[str, Any]) -> list[Problem]:
        """Return the date rules on raw input whose months can be read."""
        try:
            start = rules.parse_month(data["start"]) if isinstance(data.get("start"), str) else None
            end = rules.parse_month(data["end"]) if isinstance(data.get("end"), str) else None
        except rules.RuleError:
            return []
        ongoing = data.get("ongoing") is True
        return [Problem((f,), m) for f, m in date_rules(start, end, ongoing)]

    def to_record(self, *, id: int | None = None) -> ProjectRecord:
        """Return the validated project as the plain record the services save."""
        data = self.model_dump()
        data["highlights"] = tuple(data["highlights"])
        data["technologies"] = tuple(data["technologies"])
        return ProjectRecord(id=id, **data)


#: The fields a client sends (everything but the server's own).
INPUT_FIELDS: tuple[str, ...] = tuple(ProjectIn.model_fields)


def record_input(record: ProjectRecord) -> dict[str, Any]:
    """Return a stored project as the input that would save it unchanged."""
    return {
        "title": record.title,
        "kind": record.kind,
        "organisation": record.organisation,
        "role": record.role,
        "start": rules.format_month(record.start),
        "end": rules.format_month(record.end),
        "ongoing": record.ongoing,
        "summary": record.summary,
        "description": record.description,
        "highlights": list(record.highlights),
        "live_url": record.live_url,
        "source_url": record.source_url,
        "technologies": list(record.technologies),
        "public": record.public,
        "featured": record.featured,
    }


def record_problems(record: ProjectRecord) -> list[Problem]:
    """Return the rules a stored project breaks: it needs its owner's attention."""
    from portfolio.schemas.base import problems

    data = record_input(record)
    if data["start"] is None:
        del data["start"]
    return problems(ProjectIn, data)


def project_document(
    record: ProjectRecord, *, created_at: datetime | None, updated_at: datetime | None
) -> dict[str, Any]:
    """Return a stored project as the API and the account export send it."""
    return {
        "id": record.id,
        **record_input(record),
        "created_at": _timestamp(created_at),
        "updated_at": _timestamp(updated_at),
        "needs_attention": [
            {"field": p.field, "message": p.message} for p in record_problems(record)
        ],
    }


def _timestamp(value: datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat() + "Z" if value else None
