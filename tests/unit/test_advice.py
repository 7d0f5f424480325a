"""Next steps: planned projects, their gains found by re-scoring, and their text."""

from __future__ import annotations

from datetime import date

import pytest

from portfolio.projects.record import ProjectRecord
from portfolio.readiness.advice import format_gain, next_steps, what_if
from portfolio.readiness.profiles import RoleProfile, load_builtin_profiles
from portfolio.readiness.scoring import score_portfolio
from portfolio.technologies.catalogue import get_catalogue

CATALOGUE = get_catalogue()
TODAY = date(2025, 6, 15)
SHOP = ProjectRecord(
    "Shop", "paid", start=date(2024, 9, 1), ongoing=True, live_url="https://shop.example",
    technologies=("PHP", "MySQL", "Laravel"), id=1,
)  # fmt: skip


@pytest.fixture(scope="module")
def back_end() -> RoleProfile:
    return load_builtin_profiles(CATALOGUE)["back-end-engineer"]


@pytest.mark.parametrize("portfolio", [[], [SHOP]], ids=["empty", "one-paid-project"])
def test_each_gain_is_the_real_difference_after_adding_the_plan(
    portfolio: list[ProjectRecord], back_end: RoleProfile
) -> None:
    steps = next_steps(portfolio, back_end, TODAY, CATALOGUE, limit=10)
    assert steps
    before = score_portfolio(portfolio, back_end, TODAY).total
    for step in steps:
        after = score_portfolio([*portfolio, step.planned], back_end, TODAY).total
        assert step.gain == after - before
        assert step.gain > 0


def test_steps_are_ordered_by_gain_and_limited(back_end: RoleProfile) -> None:
    steps = next_steps([], back_end, TODAY, CATALOGUE, limit=10)
    gains = [step.gain for step in steps]
    assert gains == sorted(gains, reverse=True)
    assert len({step.requirement_id for step in steps}) == len(steps)
    assert next_steps([], back_end, TODAY, CATALOGUE) == steps[:5]
    assert next_steps([], back_end, TODAY, CATALOGUE, limit=0) == []


def test_texts_are_concrete(back_end: RoleProfile) -> None:
    steps = {step.requirement_id: step for step in next_steps([], back_end, TODAY, CATALOGUE, 10)}
    databases = steps["databases"]
    assert (
        databases.text
        == f"Build a project with MySQL, Oracle or SQL Server: {format_gain(databases.gain)}"
    )
    assert databases.planned.technologies == ("MySQL",)
    assert databases.planned.live_url and databases.planned.source_url
    experience = steps["experience"]
    assert experience.text.startswith(
        "An internship at a digital agency would cover the experience requirement: +"
    )
    assert experience.planned.kind == "internship"
    assert steps["problem-solving"].text.startswith("Show ")


def test_a_met_requirement_gets_no_step_and_weak_ones_get_strengthened(
    back_end: RoleProfile,
) -> None:
    steps = {
        step.requirement_id: step for step in next_steps([SHOP], back_end, TODAY, CATALOGUE, 10)
    }
    assert "experience" not in steps  # paid work covers it fully
    languages = steps["server-languages"]  # PHP is shown (0.85) but not full
    assert languages.text.startswith("Add another live project with PHP")


def test_planned_projects_are_dated_today_and_ongoing(back_end: RoleProfile) -> None:
    for step in next_steps([], back_end, TODAY, CATALOGUE, 10):
        assert step.planned.start == date(2025, 6, 1)
        assert step.planned.ongoing


def test_what_if_scores_before_and_after(back_end: RoleProfile) -> None:
    planned = ProjectRecord("Plan", "personal", ongoing=True, technologies=("JavaScript",))
    before, after = what_if([SHOP], back_end, TODAY, planned)
    assert before == score_portfolio([SHOP], back_end, TODAY)
    assert after == score_portfolio([SHOP, planned], back_end, TODAY)
    assert after.total > before.total


@pytest.mark.parametrize(
    ("gain", "text"),
    [(12.0, "+12 points"), (12.04, "+12 points"), (2.46, "+2.5 points"), (1.0, "+1 point"),
     (0.01, "+less than 0.1 points")],
)  # fmt: skip
def test_format_gain(gain: float, text: str) -> None:
    assert format_gain(gain) == text
