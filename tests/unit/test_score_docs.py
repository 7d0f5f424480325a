"""docs/score.md says what the code does: the one table of evidence factors, and its examples."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from portfolio.projects.record import ProjectRecord
from portfolio.readiness.evidence import EVIDENCE_FACTORS, RELATED_CREDITS
from portfolio.readiness.profiles import load_builtin_profiles
from portfolio.readiness.scoring import score_portfolio
from portfolio.technologies.catalogue import get_catalogue

DOC = (Path(__file__).resolve().parents[2] / "docs" / "score.md").read_text(encoding="utf-8")
BACK_END = load_builtin_profiles(get_catalogue())["back-end-engineer"]


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def test_the_table_of_evidence_factors_is_the_code_s() -> None:
    rows = [
        f"| {factor.name} | {factor.weighs} | "
        + ", ".join(f"{label} {_number(value)}" for label, value in factor.values)
        + " |"
        for factor in EVIDENCE_FACTORS
    ]
    table = "| Factor | Weighs | Values |\n|---|---|---|\n" + "\n".join(rows) + "\n"
    assert table in DOC
    assert [factor.name for factor in EVIDENCE_FACTORS] == [
        "kind", "proof", "recency", "implied", "related",
    ]  # fmt: skip


def test_the_related_levels_table_gives_the_code_s_credits() -> None:
    for level, credit in RELATED_CREDITS.items():
        assert f"| {level} | {_number(credit)} |" in DOC


@pytest.mark.parametrize(
    ("technologies", "total"),
    [
        (("Laravel", "MySQL"), "53.4"),
        (("PHP", "Laravel", "MySQL"), "57.5"),
        (("Laravel",), "36.4"),
        (("PHP", "Laravel"), "40.5"),
        (("Python",), "34.5"),
        (("Python", "SQLite"), "38.8"),
        (("Python", "PostgreSQL"), "43.0"),
        (("Python", "MariaDB"), "46.4"),
        (("Python", "MySQL"), "51.5"),
        (("PHP", "MySQL"), "51.5"),
    ],
)
def test_the_worked_examples_are_what_the_scorer_gives(technologies, total) -> None:
    project = ProjectRecord("Agency CMS", "paid", start=date(2026, 1, 1), ongoing=True,
                            live_url="https://cms.example", technologies=technologies)  # fmt: skip
    assert f"{score_portfolio([project], BACK_END, date(2026, 11, 29)).display_total:.1f}" == total
    assert total in DOC
