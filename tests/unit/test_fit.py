"""Which jobs fit me? Splitting pasted adverts, and ranking with reasons (pure)."""

from __future__ import annotations

from datetime import date

from portfolio.projects.record import ProjectRecord
from portfolio.readiness.advice import next_steps
from portfolio.readiness.fit import (
    Advert,
    Fit,
    advert_profile,
    advert_technologies,
    rank,
    split_adverts,
)
from portfolio.readiness.scoring import score_portfolio
from portfolio.technologies.catalogue import get_catalogue

CATALOGUE = get_catalogue()
TODAY = date(2026, 11, 29)


def test_adverts_are_split_at_a_line_of_three_dashes() -> None:
    pasted = (
        "\n\n  Junior PHP developer  \nPHP and Laravel.\n- not a separator\n"
        "   ---   \r\n"
        "Python developer\r\nDjango --- and more\n---\n\n  \n---\nJava engineer"
    )
    assert split_adverts(pasted) == [
        Advert("Junior PHP developer", "PHP and Laravel.\n- not a separator"),
        Advert("Python developer", "Django --- and more"),
        Advert("Java engineer", ""),
    ]
    assert split_adverts("") == [] and split_adverts("---\n---") == []
    # Four dashes are text, not a separator.
    assert len(split_adverts("One\n----\nTwo")) == 1


def test_an_advert_s_title_counts_toward_its_technologies() -> None:
    advert = Advert("Senior Python developer", "You will build services.")
    assert advert_technologies(advert, CATALOGUE) == ["Python"]
    assert advert_profile(Advert("Kind team", "We value curiosity."), CATALOGUE) is None
    profile = advert_profile(Advert("Java engineer", "Spring Boot on Oracle."), CATALOGUE)
    assert profile is not None and profile.title == "Java engineer"
    assert {t for r in profile.requirements for t in r.technologies} == {
        "Java", "Spring Boot", "Oracle",
    }  # fmt: skip


def _fit(position: int, title: str, projects: list[ProjectRecord]) -> Fit:
    profile = advert_profile(Advert(title, ""), CATALOGUE)
    assert profile is not None
    readiness = score_portfolio(projects, profile, TODAY)
    steps = tuple(next_steps(projects, profile, TODAY, CATALOGUE))
    return Fit(position, title, "advert", profile, readiness, steps)


def test_ranking_is_by_score_then_requirements_met_then_order_given() -> None:
    projects = [ProjectRecord("API", "paid", ongoing=True, technologies=("Python",))]
    ruby = _fit(0, "Ruby developer", projects)
    python = _fit(1, "Python developer", projects)
    java = _fit(2, "Java developer", projects)
    assert ruby.readiness.total == java.readiness.total  # a tie...
    ranked = rank([java, python, ruby])
    # ...keeps the order given (positions), whatever order they arrive in.
    assert [fit.title for fit in ranked] == ["Python developer", "Ruby developer", "Java developer"]


def test_the_reasons_are_requirements_met_biggest_gap_and_next_step() -> None:
    projects = [ProjectRecord("API", "paid", ongoing=True, technologies=("Python",))]
    fit = _fit(0, "Python and PostgreSQL developer", projects)
    assert [part.requirement.id for part in fit.met] == ["languages"]
    gap = fit.biggest_gap
    assert gap is not None and gap.requirement.id == "databases"
    assert all(
        part.max_points - part.points <= gap.max_points - gap.points for part in fit.readiness.parts
    )
    assert fit.next_step is not None and fit.next_step == fit.steps[0]


def test_no_gap_when_everything_is_covered() -> None:
    strong = [
        ProjectRecord(f"P{n}", kind, ongoing=True, live_url="https://x.example",
                      source_url="https://x.example/src", technologies=("Python",))
        for n, kind in enumerate(("paid", "personal", "volunteer"))
    ]  # fmt: skip
    fit = _fit(0, "Python developer", strong)
    assert fit.readiness.total == 100.0
    assert fit.biggest_gap is None and fit.next_step is None
