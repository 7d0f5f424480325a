"""How a reference reads wherever it shows: who confirmed it, how, and what was confirmed.

"Confirmed by Jane Smith, Lead developer, Brightwave Digital, November 2026" when the
referee allowed their name to be shown, otherwise "Confirmed by a Lead developer at
Brightwave Digital, November 2026"; then how, so a reader can weigh it: "by a link sent
by email to an address at brightwave.co.uk" or "by a link the owner shared". The
referee's address itself never shows, only its domain. Plain text: every output
escapes it in its own way. Plain Python: no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from portfolio.projects.record import ProjectRecord, ReferenceProof

EDITED = "edited since confirmed"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _month(day: date | None) -> str:
    return day.strftime("%B %Y") if day else ""


def confirmed_by(reference: ReferenceProof) -> str:
    """Return "Confirmed by ..." naming the referee only if they allowed it."""
    if reference.name:
        who = ", ".join(
            part for part in (reference.name, reference.job_title, reference.organisation) if part
        )
    else:
        title = reference.job_title or "referee"
        who = f"{_article(title)} {title}"
        if reference.organisation:
            who += f" at {reference.organisation}"
    when = _month(reference.confirmed_on)
    return f"Confirmed by {who}, {when}" if when else f"Confirmed by {who}"


def how_confirmed(reference: ReferenceProof) -> str:
    """Return how the referee got the link: mailed by the app, or passed on by the owner."""
    if reference.how == "email" and reference.email_domain:
        return f"by a link sent by email to an address at {reference.email_domain}"
    if reference.how == "email":
        return "by a link sent by email"
    return "by a link the owner shared"


def what_confirmed(reference: ReferenceProof) -> str:
    """Return "Confirms the dates and role, the work described and Python", or ""."""
    items = list(reference.confirms)
    if not items:
        return ""
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return f"Confirms {listed}"


def relationship_note(reference: ReferenceProof) -> str:
    """Return "How they know the work: “...”", or "" when the referee did not say."""
    if not reference.relationship:
        return ""
    return f"How they know the work: “{reference.relationship}”"


def edited_note(reference: ReferenceProof) -> str:
    """Return "Edited since confirmed: ..." naming the changes, or "" when unedited."""
    if not reference.edited_since:
        return ""
    if not reference.changes:
        return EDITED[:1].upper() + EDITED[1:]
    return f"Edited since confirmed: {'; '.join(reference.changes)}"


def reference_line(reference: ReferenceProof) -> str:
    """Return the one sentence an export prints: who, when, how (and the edit, if any)."""
    line = f"{confirmed_by(reference)}, {how_confirmed(reference)}."
    for extra in (relationship_note(reference), what_confirmed(reference)):
        if extra:
            line += f" {extra}."
    note = edited_note(reference)
    if note:
        line += f" {note}."
    return line


def proof_notes(projects: Iterable[ProjectRecord]) -> list[tuple[ProjectRecord, str]]:
    """Return, for each project with references, what they add to its proof, in words.

    The amounts are the table's (readiness/evidence.py): a confirmed, unedited reference
    adds its bonus once however many there are, and a link mailed to an organisation's
    address adds more (a free-mail one does not); a reference edited since adds nothing
    until a new one is given.
    """
    from portfolio.readiness.evidence import (
        MAILED_REFERENCE_BONUS,
        REFERENCE_BONUS,
        mailed_to_an_organisation,
    )

    notes = []
    for project in projects:
        if not project.references:
            continue
        counted = [r for r in project.references if not r.edited_since]
        if any(mailed_to_an_organisation(r) for r in counted):
            bonus = REFERENCE_BONUS + MAILED_REFERENCE_BONUS
            note = (
                "a confirmed reference, by a link mailed to the referee at an organisation's "
                f"address: proof +{bonus:.1f}"
            )
        elif any(r.how == "email" for r in counted):
            note = (
                "a confirmed reference, by a link mailed to a free-mail address, which "
                f"counts like a link you shared: proof +{REFERENCE_BONUS:.1f}"
            )
        elif counted:
            note = f"a confirmed reference, by a link you shared: proof +{REFERENCE_BONUS:.1f}"
        else:
            note = (
                "its reference was edited since confirmed, so it adds nothing until a new "
                "one is given"
            )
        notes.append((project, note))
    return notes
