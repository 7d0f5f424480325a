"""A confirmed reference met in an imported file: carried as a plain note, never as proof.

A reference is confirmed only by a referee answering a link this app sent; a file can
say anything. So an import (JSON Resume, or the app's own export of another account)
never recreates one: the project's ``x-references`` become a short Markdown note at
the end of its description, marked as not confirmed here, and nothing in the score or
the "Confirmed by" lines comes from it. Text that breaks the text rules (controls,
direction overrides) is left out of the note. Plain Python: no Flask.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from portfolio.projects.record import ReferenceProof
from portfolio.references.wording import reference_line
from portfolio.schemas import rules

NOTE_HEADING = "References given elsewhere (not confirmed in this portfolio):"
#: At most this many references are carried into one note.
MAX_CARRIED = 10


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str) or rules.text_problem(value) is not None:
        return ""
    return " ".join(value.split())[:limit]


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def proof_from_extension(item: Any) -> ReferenceProof | None:
    """Read one ``x-references`` entry as the words it would show (not as proof)."""
    if not isinstance(item, dict):
        return None
    proof = ReferenceProof(
        how="email" if item.get("how") == "email" else "link",
        confirmed_on=_day(item.get("confirmedOn")),
        name=_text(item.get("name"), rules.REFEREE_NAME_MAX),
        job_title=_text(item.get("jobTitle"), rules.REFEREE_JOB_TITLE_MAX),
        organisation=_text(item.get("organisation"), rules.REFEREE_ORGANISATION_MAX),
        relationship=_text(item.get("relationship"), rules.REFEREE_RELATIONSHIP_MAX),
        email_domain=_text(item.get("emailDomain"), 253),
    )
    if not (proof.name or proof.job_title or proof.organisation):
        return None
    return proof


def carried_note(extension: Any) -> str:
    """Return the Markdown note an import adds for a project's references ("" if none)."""
    from portfolio.exports.markdown import escape_markdown

    if not isinstance(extension, list):
        return ""
    proofs = [p for p in map(proof_from_extension, extension[:MAX_CARRIED]) if p is not None]
    if not proofs:
        return ""
    lines = [f"- {escape_markdown(reference_line(proof))}" for proof in proofs]
    return "\n".join([NOTE_HEADING, "", *lines])


def with_note(description: str, note: str) -> str | None:
    """Return the description with the note after it, or None if it would be too long."""
    if not note:
        return description
    joined = f"{description.rstrip()}\n\n{note}" if description.strip() else note
    return joined if len(joined) <= rules.DESCRIPTION_MAX else None
