"""References as proof: the snapshot, what changed since, how they read, the score's row."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from portfolio.projects.record import ProjectRecord, ReferenceProof
from portfolio.readiness.evidence import (
    MAILED_REFERENCE_BONUS,
    PROOF_BASE,
    REFERENCE_BONUS,
    evidence_amount,
    proof_factor,
)
from portfolio.references.carried import NOTE_HEADING, carried_note, with_note
from portfolio.references.snapshot import changes_since, confirms_in_words, snapshot
from portfolio.references.wording import (
    confirmed_by,
    edited_note,
    how_confirmed,
    reference_line,
    what_confirmed,
)
from portfolio.schemas import rules

PROJECT = ProjectRecord(
    title="Booking API",
    kind="internship",
    organisation="Brightwave Digital",
    role="Back-end intern",
    start=date(2025, 1, 1),
    end=date(2025, 6, 1),
    summary="A booking service.",
    description="Long words.",
    highlights=("Cut response times by half",),
    live_url="https://example.com",
    technologies=("Python", "Flask"),
)
TODAY = date(2025, 9, 1)


def _snap(**ticks):
    ticks = {"dates_and_role": False, "work": False, "technologies": (), **ticks}
    return snapshot(PROJECT, **ticks)


# --- what changed since ---------------------------------------------------------------


def test_an_unchanged_project_has_no_changes():
    assert changes_since(_snap(dates_and_role=True, work=True, technologies=["Flask"]),
                         PROJECT) == ()  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value", "ticks", "expected"),
    [
        ("title", "Other", {}, "Title changed from “Booking API” to “Other”"),
        ("kind", "paid", {}, "Kind changed from “Internship” to “Paid work”"),
        ("role", "Lead", {"dates_and_role": True}, "Role changed from “Back-end intern” to “Lead”"),
        ("end", date(2025, 9, 1), {"dates_and_role": True},
         "End changed from “June 2025” to “September 2025”"),
        ("summary", "", {"work": True}, "Summary changed from “A booking service.” to empty"),
        ("highlights", (), {"work": True},
         "Highlights changed from “Cut response times by half” to empty"),
    ],
)  # fmt: skip
def test_a_confirmed_field_that_changed_is_named(field, value, ticks, expected):
    assert changes_since(_snap(**ticks), replace(PROJECT, **{field: value})) == (expected,)


@pytest.mark.parametrize(
    ("field", "value", "ticks"),
    [
        ("role", "Lead", {"work": True}),  # dates and role not confirmed
        ("summary", "New", {"dates_and_role": True}),  # the work not confirmed
        ("description", "Other words.", {"dates_and_role": True, "work": True}),
        ("live_url", "", {"dates_and_role": True, "work": True}),
        ("technologies", ("Python", "Flask", "Redis"), {"technologies": ["Python"]}),
        ("technologies", ("Python",), {"technologies": ["Python"]}),  # Flask not confirmed
    ],
)
def test_a_change_to_what_was_not_confirmed_is_not_a_change(field, value, ticks):
    assert changes_since(_snap(**ticks), replace(PROJECT, **{field: value})) == ()


def test_a_confirmed_technology_removed_is_a_change():
    confirmed = _snap(technologies=["Flask", "Python"])
    assert confirmed["technologies"] == ["Python", "Flask"]  # the project's order
    assert changes_since(confirmed, replace(PROJECT, technologies=("Python",))) == (
        "Flask removed from the technologies",
    )


def test_a_tick_of_a_technology_the_project_does_not_list_is_dropped():
    assert _snap(technologies=["Django"])["technologies"] == []


def test_confirms_in_words():
    assert confirms_in_words(_snap(dates_and_role=True, technologies=["Flask"])) == (
        "the dates and role",
        "Flask",
    )


# --- how it reads ---------------------------------------------------------------------

NAMED = ReferenceProof(how="email", confirmed_on=date(2026, 11, 3), name="Jane Smith",
                       job_title="Lead developer", organisation="Brightwave Digital",
                       email_domain="brightwave.co.uk")  # fmt: skip


def test_a_named_reference_reads_as_the_issue_says():
    assert confirmed_by(NAMED) == (
        "Confirmed by Jane Smith, Lead developer, Brightwave Digital, November 2026"
    )
    assert how_confirmed(NAMED) == "by a link sent by email to an address at brightwave.co.uk"


def test_an_unnamed_reference_names_the_role_only():
    unnamed = replace(NAMED, name="", how="link", job_title="Engineering manager")
    assert confirmed_by(unnamed) == (
        "Confirmed by an Engineering manager at Brightwave Digital, November 2026"
    )
    assert how_confirmed(unnamed) == "by a link the owner shared"


def test_what_was_confirmed_and_the_edit_read_in_one_line():
    proof = replace(
        NAMED,
        confirms=("the dates and role", "Python", "Flask"),
        edited_since=True,
        changes=("Flask removed from the technologies",),
    )
    assert what_confirmed(proof) == "Confirms the dates and role, Python and Flask"
    assert edited_note(proof) == "Edited since confirmed: Flask removed from the technologies"
    assert reference_line(proof).endswith(
        "Confirms the dates and role, Python and Flask. "
        "Edited since confirmed: Flask removed from the technologies."
    )
    assert edited_note(NAMED) == ""


# --- the score's row ------------------------------------------------------------------


def test_a_confirmed_reference_raises_the_evidence_as_the_table_says():
    plain = replace(PROJECT, live_url="")
    shared = replace(plain, references=(ReferenceProof(how="link"),))
    mailed = replace(plain, references=(ReferenceProof(how="email"),))
    assert proof_factor(plain) == PROOF_BASE
    assert proof_factor(shared) == pytest.approx(PROOF_BASE + REFERENCE_BONUS)
    assert proof_factor(mailed) == pytest.approx(
        PROOF_BASE + REFERENCE_BONUS + MAILED_REFERENCE_BONUS
    )
    assert evidence_amount(mailed, TODAY) > evidence_amount(shared, TODAY)
    assert evidence_amount(shared, TODAY) > evidence_amount(plain, TODAY)


def test_an_edited_reference_adds_nothing():
    plain = replace(PROJECT, live_url="")
    edited = replace(plain, references=(ReferenceProof(how="email", edited_since=True),))
    assert proof_factor(edited) == PROOF_BASE
    assert evidence_amount(edited, TODAY) == evidence_amount(plain, TODAY)


def test_two_references_count_as_one_source():
    plain = replace(PROJECT, live_url="")
    two = replace(plain, references=(ReferenceProof(how="link"), ReferenceProof(how="link")))
    assert proof_factor(two) == pytest.approx(PROOF_BASE + REFERENCE_BONUS)


# --- an import carries a note, never proof --------------------------------------------


def test_an_imported_reference_becomes_an_escaped_note():
    note = carried_note([
        {"name": "<b>Jane</b>", "jobTitle": "Lead", "organisation": "Brightwave",
         "how": "email", "emailDomain": "brightwave.co.uk", "confirmedOn": "2026-11-03"},
        {"name": "Bad \u202e text", "jobTitle": "", "organisation": ""},
        "not an object",
    ])  # fmt: skip
    assert note.startswith(NOTE_HEADING)
    assert note.count("\n- ") == 1
    assert "&lt;b&gt;Jane&lt;/b&gt;" in note and "<b>" not in note
    assert "an address at brightwave.co.uk" in note


def test_a_note_that_would_overflow_the_description_is_left_out():
    assert with_note("", "note") == "note"
    assert with_note("Words.\n", "note") == "Words.\n\nnote"
    assert with_note("x" * rules.DESCRIPTION_MAX, "note") is None
    assert carried_note(None) == "" and carried_note([]) == ""
