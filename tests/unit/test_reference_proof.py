"""References as proof: the snapshot, what changed since, how they read, the score's row."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from portfolio.projects.record import ProjectRecord, ReferenceProof
from portfolio.readiness.evidence import (
    MAILED_REFERENCE_BONUS,
    PROOF_BASE,
    PROOF_SOURCES,
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
    proof_notes,
    reference_line,
    what_confirmed,
)
from portfolio.schemas import rules
from portfolio.schemas.base import Problem, problems
from portfolio.schemas.reference import ReferenceRequestIn

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
    mailed = replace(
        plain, references=(ReferenceProof(how="email", email_domain="brightwave.co.uk"),)
    )
    assert proof_factor(plain) == PROOF_BASE
    assert proof_factor(shared) == pytest.approx(PROOF_BASE + REFERENCE_BONUS)
    assert proof_factor(mailed) == pytest.approx(
        PROOF_BASE + REFERENCE_BONUS + MAILED_REFERENCE_BONUS
    )
    assert evidence_amount(mailed, TODAY) > evidence_amount(shared, TODAY)
    assert evidence_amount(shared, TODAY) > evidence_amount(plain, TODAY)


ORGANISATION_ROW = "reference confirmed through a link mailed to an organisation's address"


def sources_of(project):
    """Return the names of the proof sources a project shows."""
    return [source.name for source in PROOF_SOURCES if source.shown_by(project)]


@pytest.mark.parametrize(
    "domain", ["gmail.com", "GMail.com", "hotmail.co.uk", "yahoo.fr", "proton.me", "gmx.de", ""]
)
def test_a_link_mailed_to_a_free_mail_address_counts_as_a_shared_one(domain):
    plain = replace(PROJECT, live_url="")
    free = replace(plain, references=(ReferenceProof(how="email", email_domain=domain),))
    shared = replace(plain, references=(ReferenceProof(how="link"),))
    assert proof_factor(free) == pytest.approx(PROOF_BASE + REFERENCE_BONUS)
    assert evidence_amount(free, TODAY) == evidence_amount(shared, TODAY)
    assert ORGANISATION_ROW not in sources_of(free)


def test_the_organisation_row_names_itself_in_the_explanation():
    plain = replace(PROJECT, live_url="")
    mailed = replace(plain, references=(ReferenceProof(how="email", email_domain="acme.io"),))
    assert ORGANISATION_ROW in sources_of(mailed)


def test_a_free_mail_reference_still_says_where_it_was_mailed():
    gmail = ReferenceProof(how="email", email_domain="gmail.com")
    assert how_confirmed(gmail) == "by a link sent by email to an address at gmail.com"


@pytest.mark.parametrize(
    ("domain", "free"),
    [
        ("gmail.com", True),
        ("googlemail.com", True),
        ("Outlook.com", True),
        ("hotmail.com", True),
        ("hotmail.co.uk", True),
        ("yahoo.co.jp", True),
        ("ymail.com", True),
        ("icloud.com", True),
        ("pm.me", True),
        ("gmx.net", True),
        ("web.de", True),
        ("yandex.ru", True),
        ("qq.com", True),
        ("163.com", True),
        ("tutanota.com", True),
        ("brightwave.co.uk", False),
        ("acme.io", False),
        ("mail.acme.io", False),
        ("live.brightwave.com", False),
        ("webde.com", False),
    ],
)
def test_is_free_mail(domain, free):
    assert rules.is_free_mail(domain) is free


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("ada@example.com", True),
        ("Ada@EXAMPLE.com", True),
        ("ada+referee@example.com", True),
        ("ada.work@brightwave.co.uk", True),
        ("jane@brightwave.co.uk", False),
        ("ada@example.org", False),
    ],
)
def test_the_owner_s_own_addresses_are_refused_as_the_referee_s(address, refused):
    data = {
        "label_name": "Jane",
        "referee_email": address,
        "owner_emails": ["ada@example.com", "Ada.Work@Brightwave.co.uk", ""],
    }
    found = problems(ReferenceRequestIn, data)
    expected = [Problem(("referee_email",), rules.REFEREE_EMAIL_IS_YOURS)] if refused else []
    assert found == expected


def test_the_readiness_note_weighs_the_address_as_the_table_does():
    def note(domain):
        project = replace(PROJECT, references=(ReferenceProof("email", email_domain=domain),))
        ((_project, said),) = proof_notes([project])
        return said

    assert note("brightwave.co.uk").endswith(
        f"organisation's address: proof +{REFERENCE_BONUS + MAILED_REFERENCE_BONUS:.1f}"
    )
    assert note("gmail.com").endswith(
        f"counts like a link you shared: proof +{REFERENCE_BONUS:.1f}"
    )


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
