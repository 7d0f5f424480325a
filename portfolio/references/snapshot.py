"""What a referee confirmed, kept as a snapshot, and what the owner changed since.

A confirmation records the project's values as the referee saw them and which of them
they confirmed. Three groups can be ticked, and the project's identity always counts:

* always: the title, the kind and the organisation (the work the referee vouched for);
* "the dates and role": the role, the start, the end and whether it is ongoing;
* "the work described": the summary and the highlights;
* each technology ticked, by name.

``changes_since`` compares the snapshot with the project now: any confirmed value that
differs is a change, in words ("Role changed from “Intern” to “Lead”", "Flask removed").
A technology added since, or a change to a value not confirmed (the description, the
links, an unticked group), is not. Plain Python: no Flask.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from portfolio.projects.record import KIND_LABELS, ProjectRecord
from portfolio.schemas.rules import format_month

#: Always confirmed: what identifies the work.
IDENTITY: tuple[str, ...] = ("title", "kind", "organisation")
DATES_AND_ROLE: tuple[str, ...] = ("role", "start", "end", "ongoing")
WORK: tuple[str, ...] = ("summary", "highlights")

FIELD_NAMES: dict[str, str] = {
    "title": "Title",
    "kind": "Kind",
    "organisation": "Organisation",
    "role": "Role",
    "start": "Start",
    "end": "End",
    "ongoing": "Ongoing",
    "summary": "Summary",
    "highlights": "Highlights",
}
#: How long a quoted value may be in a change message.
QUOTED_MAX = 60


def project_values(record: ProjectRecord) -> dict[str, Any]:
    """Return the project's values a referee sees, as JSON-ready data."""
    return {
        "title": record.title,
        "kind": record.kind,
        "organisation": record.organisation,
        "role": record.role,
        "start": format_month(record.start),
        "end": format_month(record.end),
        "ongoing": record.ongoing,
        "summary": record.summary,
        "highlights": list(record.highlights),
        "technologies": list(record.technologies),
    }


def snapshot(
    record: ProjectRecord, *, dates_and_role: bool, work: bool, technologies: Sequence[str]
) -> dict[str, Any]:
    """Return what a confirmation records: the values seen and which were confirmed."""
    return {
        "project": project_values(record),
        "dates_and_role": bool(dates_and_role),
        "work": bool(work),
        "technologies": [name for name in record.technologies if name in set(technologies)],
    }


def confirmed_fields(confirmed: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the project fields a snapshot confirms (technologies aside)."""
    fields = list(IDENTITY)
    if confirmed.get("dates_and_role"):
        fields += DATES_AND_ROLE
    if confirmed.get("work"):
        fields += WORK
    return tuple(fields)


def confirms_in_words(confirmed: Mapping[str, Any]) -> tuple[str, ...]:
    """Return what a snapshot confirms, as a reader reads it."""
    words = []
    if confirmed.get("dates_and_role"):
        words.append("the dates and role")
    if confirmed.get("work"):
        words.append("the work described")
    words += [str(name) for name in confirmed.get("technologies") or ()]
    return tuple(words)


def changes_since(confirmed: Mapping[str, Any], record: ProjectRecord) -> tuple[str, ...]:
    """Return each confirmed value the project no longer has, in words (empty: unchanged)."""
    seen = confirmed.get("project") or {}
    now = project_values(record)
    changes = []
    for name in confirmed_fields(confirmed):
        before, after = seen.get(name), now[name]
        if _same(before, after):
            continue
        label = FIELD_NAMES[name]
        changes.append(f"{label} changed from {_shown(name, before)} to {_shown(name, after)}")
    present = set(record.technologies)
    for name in confirmed.get("technologies") or ():
        if name not in present:
            changes.append(f"{name} removed from the technologies")
    return tuple(changes)


def _same(before: Any, after: Any) -> bool:
    if isinstance(after, list):
        return list(before or []) == after
    if isinstance(after, bool):
        return bool(before) == after
    return (before or "") == (after or "")


def _shown(name: str, value: Any) -> str:
    if value in (None, "", []):
        return "empty"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "kind":
        value = KIND_LABELS.get(value, value)
    elif name in ("start", "end"):
        value = _month_words(value)
    elif isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    text = " ".join(str(value).split())
    if len(text) > QUOTED_MAX:
        text = text[: QUOTED_MAX - 1].rstrip() + "…"
    return f"“{text}”"


def _month_words(value: str) -> str:
    try:
        return date(int(value[:4]), int(value[5:7]), 1).strftime("%B %Y")
    except (ValueError, TypeError):
        return str(value)
