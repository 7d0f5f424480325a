"""Hand-computed readiness scores against a tiny profile, and the Back-end profile."""

from __future__ import annotations

import math
from datetime import date

import pytest

from portfolio.projects.record import ProjectRecord
from portfolio.readiness.profiles import Requirement, RoleProfile, load_builtin_profiles
from portfolio.readiness.scoring import (
    Evidence,
    Readiness,
    RequirementScore,
    evidence_amount,
    recency_factor,
    score_portfolio,
)
from portfolio.technologies.catalogue import get_catalogue

TODAY = date(2025, 6, 15)

# Weights 3 + 1 + 1 = 5, so the maximum points are 60, 20 and 20.
TINY = RoleProfile(
    slug="tiny",
    title="Tiny role",
    description="A profile small enough to score by hand.",
    salary_text="",
    hours=None,
    source="tests",
    requirements=(
        Requirement(
            id="lang",
            label="Python or PHP",
            why="test",
            weight=3,
            shape="any",
            technologies=("Python", "PHP"),
        ),
        Requirement(
            id="db", label="MySQL", why="test", weight=1, shape="skill", technologies=("MySQL",)
        ),
        Requirement(
            id="portfolio",
            label="Two projects, one live",
            why="test",
            weight=1,
            shape="portfolio",
            kinds=("personal", "volunteer", "internship", "paid"),
            min_projects=2,
            min_live=1,
        ),
    ),
)


@pytest.fixture(scope="module")
def back_end() -> RoleProfile:
    return load_builtin_profiles(get_catalogue())["back-end-engineer"]


def test_one_live_personal_python_project() -> None:
    project = ProjectRecord(
        "Blog", "personal", start=date(2025, 1, 1), ongoing=True, live_url="https://b.example",
        technologies=("Python",), id=1,
    )  # fmt: skip
    result = score_portfolio([project], TINY, TODAY)
    # amount = personal 0.55 x proof (0.7 + 0.15 live) 0.85 x recency 1.0 = 0.4675
    # lang: 60 x 0.4675 = 28.05; db: 0; portfolio: (1/2 projects + 1/1 live) / 2 = 0.75 -> 15
    # total = 28.05 + 0 + 15 = 43.05
    assert result.part("lang").coverage == pytest.approx(0.4675)
    assert result.part("lang").points == pytest.approx(28.05)
    assert result.part("db").points == 0
    assert result.part("portfolio").coverage == pytest.approx(0.75)
    assert result.total == pytest.approx(43.05)
    assert result.display_total == 43.1
    assert not result.part("lang").met  # 0.4675 < 0.7


def test_old_paid_work_and_an_undated_volunteer_project() -> None:
    paid = ProjectRecord(
        "Shop", "paid", start=date(2022, 1, 1), end=date(2023, 6, 1),
        live_url="https://shop.example", source_url="https://git.example/shop",
        technologies=("PHP", "MySQL"), id=1,
    )  # fmt: skip
    volunteer = ProjectRecord("Club site", "volunteer", technologies=("Python",), id=2)
    result = score_portfolio([paid, volunteer], TINY, TODAY)
    # paid: 24 months old -> recency 1 - 0.5 x (24 - 12) / 48 = 0.875; kind 1.0, proof 1.0
    #   amount = 0.875
    # volunteer: no dates -> recency floor 0.5; 0.7 x 0.7 x 0.5 = 0.245
    # lang: best of PHP 0.875 and Python 0.245 -> 0.875 -> 52.5
    # db: MySQL 0.875 -> 17.5
    # portfolio: 2/2 projects, 1/1 live -> 1.0 -> 20
    # total = 52.5 + 17.5 + 20 = 90.0
    assert evidence_amount(paid, TODAY) == pytest.approx(0.875)
    assert evidence_amount(volunteer, TODAY) == pytest.approx(0.245)
    assert result.part("lang").points == pytest.approx(52.5)
    assert result.part("db").points == pytest.approx(17.5)
    assert result.part("portfolio").met
    assert result.total == pytest.approx(90.0)


def test_two_personal_projects_with_one_skill_have_diminishing_returns() -> None:
    fresh = ProjectRecord(
        "API", "personal", start=date(2025, 3, 1), ongoing=True,
        live_url="https://api.example", source_url="https://git.example/api",
        technologies=("Python",),
    )  # fmt: skip
    older = ProjectRecord(
        "Script", "personal", start=date(2021, 1, 1), end=date(2021, 6, 1),
        source_url="https://git.example/script", technologies=("Python",),
    )  # fmt: skip
    result = score_portfolio([fresh, older], TINY, TODAY)
    # fresh: 0.55 x 1.0 x 1.0 = 0.55
    # older: 48 months -> recency 1 - 0.5 x 36/48 = 0.625; 0.55 x 0.85 x 0.625 = 0.2921875
    # strength = 1 - (1 - 0.55)(1 - 0.2921875) = 1 - 0.45 x 0.7078125 = 0.681484375
    # lang: 60 x 0.681484375 = 40.8890625; db 0; portfolio 2/2 and 1/1 -> 20
    # total = 60.8890625
    assert result.part("lang").coverage == pytest.approx(0.681484375)
    assert result.total == pytest.approx(60.8890625)
    assert not result.part("lang").met  # just under 0.7: one more project would do it
    assert result.part("lang").coverage < 0.55 + 0.2921875  # less than the plain sum


def test_recency_is_full_for_a_year_then_falls_to_a_floor() -> None:
    def ended(year: int, month: int) -> ProjectRecord:
        return ProjectRecord("x", "personal", start=date(2010, 1, 1), end=date(year, month, 1))

    assert recency_factor(ended(2024, 6), TODAY) == 1.0  # 12 months
    assert recency_factor(ended(2023, 6), TODAY) == pytest.approx(0.875)  # 24 months
    assert recency_factor(ended(2020, 6), TODAY) == 0.5  # 60 months
    assert recency_factor(ended(2001, 1), TODAY) == 0.5
    assert (
        recency_factor(ProjectRecord("x", "paid", start=date(2001, 1, 1), ongoing=True), TODAY)
        == 1.0
    )


def test_the_back_end_profile_with_no_projects_scores_zero(back_end: RoleProfile) -> None:
    result = score_portfolio([], back_end, TODAY)
    assert result.total == 0
    assert result.display_total == 0
    assert all(part.evidence == () and part.points == 0 for part in result.parts)
    assert all(part.missing for part in result.parts)
    assert sum(part.max_points for part in result.parts) == pytest.approx(100)


def test_paid_php_and_mysql_with_a_live_link_is_evidence_for_both(back_end: RoleProfile) -> None:
    shop = ProjectRecord(
        "Shop", "paid", organisation="Agency", start=date(2024, 9, 1), ongoing=True,
        live_url="https://shop.example", technologies=("PHP", "MySQL"), id=7,
    )  # fmt: skip
    result = score_portfolio([shop], back_end, TODAY)
    # amount = paid 1.0 x proof 0.85 x recency 1.0 = 0.85
    assert result.part("server-languages").evidence == (
        Evidence(7, "Shop", "PHP", 0.85, technology="PHP", credit="named"),
    )
    assert result.part("databases").evidence == (
        Evidence(7, "Shop", "MySQL", 0.85, technology="MySQL", credit="named"),
    )
    assert result.part("server-languages").met
    assert result.part("experience").coverage == 1.0
    assert result.part("experience").evidence == (Evidence(7, "Shop", "Paid work", 1.0),)
    # languages 24 x 0.85 = 20.4; databases 20 x 0.85 = 17; experience 8;
    # portfolio (1/3 projects + 1/2 kinds + 1/1 live) / 3 x 10 = 6.111...
    assert result.total == pytest.approx(20.4 + 17 + 8 + 10 * (1 / 3 + 1 / 2 + 1) / 3)
    assert result.part("javascript").missing == ("No project uses JavaScript yet",)
    assert "2 more projects" in result.part("portfolio").missing


def test_parts_add_up_to_the_total_and_display_parts_to_the_display_total() -> None:
    thirds = Readiness(
        total=100.0,
        parts=tuple(
            RequirementScore(TINY.requirements[0], 1.0, 100 / 3, 100 / 3, (), (), True)
            for _ in range(3)
        ),
    )
    shown = thirds.display_parts()
    assert sorted(shown) == [33.3, 33.3, 33.4]
    assert round(sum(shown), 1) == thirds.display_total == 100.0

    result = score_portfolio(
        [ProjectRecord("a", "volunteer", technologies=("PHP",), live_url="x")], TINY, TODAY
    )
    assert result.total == math.fsum(part.points for part in result.parts)


def test_a_technology_listed_twice_on_one_project_counts_once() -> None:
    once = ProjectRecord("a", "paid", technologies=("PHP",))
    twice = ProjectRecord("a", "paid", technologies=("PHP", "PHP"))
    assert score_portfolio([once], TINY, TODAY) == score_portfolio([twice], TINY, TODAY)


def test_unknown_technologies_are_ignored() -> None:
    project = ProjectRecord("a", "paid", technologies=("Cobol",))
    assert score_portfolio([project], TINY, TODAY).part("lang").coverage == 0
