"""Code proof in the readiness score: it counts as the table of evidence factors says.

An uploaded archive or bundle proves that code with this stack exists, so it counts like
a source link (and not on top of one); a public repository whose history shows the
owner's commits adds the history row. Records carry the proof from one extra query.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from portfolio.extensions import db
from portfolio.models import Project, ProjectCodeEvidence, User
from portfolio.projects.record import CodeProof, ProjectRecord
from portfolio.projects.services import user_records
from portfolio.readiness.evidence import (
    HISTORY_BONUS,
    PROOF_BASE,
    SOURCE_BONUS,
    evidence_amount,
    proof_factor,
)

TODAY = date(2026, 11, 1)


def project(**fields) -> ProjectRecord:
    base = {"title": "Shop", "kind": "personal", "start": date(2026, 1, 1), "ongoing": True,
            "technologies": ("Laravel",)}  # fmt: skip
    return ProjectRecord(**{**base, **fields})


@pytest.mark.parametrize(
    ("code", "source_url", "expected"),
    [
        (None, "", PROOF_BASE),
        (CodeProof("archive", "shop.zip", ("Laravel",)), "", PROOF_BASE + SOURCE_BONUS),
        (CodeProof("bundle", "shop.bundle", commits_yours=5, commits_total=9), "",
         PROOF_BASE + SOURCE_BONUS),
        # An archive adds nothing to a source link: it proves the same thing.
        (CodeProof("archive", "shop.zip"), "https://example.com/shop", PROOF_BASE + SOURCE_BONUS),
        (CodeProof("url", "https://example.com/shop.git", commits_yours=5, commits_total=9), "",
         PROOF_BASE + SOURCE_BONUS + HISTORY_BONUS),
        # A public repository where none of the commits are the owner's is a source link.
        (CodeProof("url", "https://example.com/shop.git", commits_yours=0, commits_total=9), "",
         PROOF_BASE + SOURCE_BONUS),
    ],
)  # fmt: skip
def test_code_proof_counts_as_the_table_says(code, source_url, expected):
    record = project(code=code, source_url=source_url)
    assert proof_factor(record) == pytest.approx(expected)
    assert evidence_amount(record, TODAY) == pytest.approx(0.55 * expected)


def test_records_carry_the_code_proof_from_one_query(user, app):
    user.add_project(title="Shop", technologies="PHP, Laravel")
    user.add_project(title="Other")
    with app.app_context():
        owner = db.session.scalars(select(User)).one()
        shop = db.session.scalars(select(Project).where(Project.title == "Shop")).one()
        for tag in shop.technologies:
            tag.from_code = tag.name == "Laravel"
        db.session.add(
            ProjectCodeEvidence(project_id=shop.id, source="url", label="https://example.com/s.git",
                                commits_yours=3, commits_total=4)
        )  # fmt: skip
        db.session.commit()
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            records = {r.title: r for r in user_records(owner)}
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    code_queries = [s for s in statements if "project_code_evidence" in s]
    assert len(code_queries) == 1
    assert records["Other"].code is None
    proof = records["Shop"].code
    assert proof.technologies == ("Laravel",)
    assert (proof.source, proof.commits_yours, proof.commits_total) == ("url", 3, 4)
    assert proof_factor(records["Shop"]) == pytest.approx(PROOF_BASE + SOURCE_BONUS + HISTORY_BONUS)


def test_the_readiness_page_explains_that_analysed_code_adds_proof(user):
    page = user.client.get("/readiness/profile/back-end-engineer").get_data(as_text=True)
    assert "or the project’s code analysed" in page
    assert "a public repository whose history shows your own commits adds more" in page
