"""Properties the readiness score must keep for any portfolio (hypothesis)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.projects.record import KINDS, ProjectRecord
from portfolio.readiness.profiles import RoleProfile, load_builtin_profiles
from portfolio.readiness.scoring import Scorer, score_portfolio
from portfolio.technologies.catalogue import get_catalogue

PROFILES: list[RoleProfile] = list(load_builtin_profiles(get_catalogue()).values())

# A small pool that hits every requirement of the shipped profiles, plus a name
# the catalogue does not know.
POOL = (
    "PHP", "Python", "Java", "MySQL", "Oracle", "PostgreSQL", "JavaScript", "HTML", "CSS",
    "React", "Django", "Laravel", "REST APIs", "GraphQL", "Unit testing", "Debugging",
    "Code review", "Git", "Node.js", "Cobol",
)  # fmt: skip

TODAY = date(2025, 6, 15)
# First days of months from January 2012 to December 2026 (beyond "today").
months = st.integers(0, 15 * 12 - 1).map(lambda n: date(2012 + n // 12, n % 12 + 1, 1))
links = st.sampled_from(["", "https://example.com/x"])


@st.composite
def projects(draw: st.DrawFn) -> ProjectRecord:
    start = draw(st.none() | months)
    ongoing = draw(st.booleans())
    end = None if ongoing else draw(st.none() | months)
    return ProjectRecord(
        title=draw(st.sampled_from(["Shop", "Blog", "<API & co>"])),
        kind=draw(st.sampled_from(KINDS)),
        start=start,
        end=end,
        ongoing=ongoing,
        live_url=draw(links),
        source_url=draw(links),
        technologies=tuple(draw(st.lists(st.sampled_from(POOL), max_size=6))),
        id=draw(st.none() | st.integers(1, 10_000)),
    )


portfolios = st.lists(projects(), max_size=8)
profiles = st.sampled_from(PROFILES)


@given(portfolios, profiles)
def test_score_is_between_0_and_100(items: list[ProjectRecord], profile: RoleProfile) -> None:
    result = score_portfolio(items, profile, TODAY)
    assert 0.0 <= result.total <= 100.0
    for part in result.parts:
        assert 0.0 <= part.coverage <= 1.0
        assert 0.0 <= part.points <= part.max_points


@given(portfolios, profiles)
def test_same_data_gives_the_same_score_in_any_order(
    items: list[ProjectRecord], profile: RoleProfile
) -> None:
    first = score_portfolio(items, profile, TODAY)
    assert score_portfolio(list(items), profile, TODAY) == first
    assert score_portfolio(items[::-1], profile, TODAY).total == first.total


@given(portfolios, projects(), profiles)
def test_adding_a_project_never_lowers_the_score(
    items: list[ProjectRecord], extra: ProjectRecord, profile: RoleProfile
) -> None:
    before = score_portfolio(items, profile, TODAY)
    after = score_portfolio([*items, extra], profile, TODAY)
    assert after.total >= before.total
    for old, new in zip(before.parts, after.parts, strict=True):
        assert new.coverage >= old.coverage


@given(st.lists(projects(), min_size=1, max_size=8), st.data(), profiles)
def test_adding_a_technology_to_a_project_never_lowers_the_score(
    items: list[ProjectRecord], data: st.DataObject, profile: RoleProfile
) -> None:
    index = data.draw(st.integers(0, len(items) - 1))
    name = data.draw(st.sampled_from(POOL))
    grown = list(items)
    grown[index] = replace(items[index], technologies=(*items[index].technologies, name))
    before = score_portfolio(items, profile, TODAY)
    after = score_portfolio(grown, profile, TODAY)
    assert after.total >= before.total
    for old, new in zip(before.parts, after.parts, strict=True):
        assert new.coverage >= old.coverage


@given(portfolios, profiles)
def test_parts_add_up_to_the_total(items: list[ProjectRecord], profile: RoleProfile) -> None:
    result = score_portfolio(items, profile, TODAY)
    assert result.total == math.fsum(part.points for part in result.parts)
    shown = result.display_parts()
    assert sum(round(value * 10) for value in shown) == round(result.display_total * 10)
    for value, part in zip(shown, result.parts, strict=True):
        assert abs(value - part.points) < 0.1 + 1e-9


@settings(max_examples=20)
@given(profiles)
def test_no_projects_scores_zero_with_no_evidence(profile: RoleProfile) -> None:
    result = score_portfolio([], profile, TODAY)
    assert result.total == 0.0
    assert all(not part.evidence and part.points == 0.0 and not part.met for part in result.parts)


@given(portfolios, profiles)
def test_every_part_is_fully_covered_when_all_is_shown(
    items: list[ProjectRecord], profile: RoleProfile
) -> None:
    # Strong recent paid work with every technology, plus live projects of
    # every kind, can reach (but never pass) 100.
    everything = tuple(t for r in profile.requirements for t in r.technologies)
    strong = [
        ProjectRecord(
            f"{kind} {n}", kind, ongoing=True, live_url="https://x.example",
            source_url="https://x.example/src", technologies=everything,
        )
        for kind in KINDS
        for n in range(4)
    ]  # fmt: skip
    result = score_portfolio([*items, *strong], profile, TODAY)
    assert 99.0 < result.total <= 100.0


@given(portfolios, st.lists(st.integers(1, 1000), min_size=8, max_size=8))
def test_any_weights_keep_the_score_within_bounds_and_summed(
    items: list[ProjectRecord], weights: list[int]
) -> None:
    base = PROFILES[0]
    profile = replace(
        base,
        requirements=tuple(
            replace(r, weight=w) for r, w in zip(base.requirements, weights, strict=False)
        ),
    )
    result = score_portfolio(items, profile, TODAY)
    assert 0.0 <= result.total <= 100.0
    assert result.total == math.fsum(part.points for part in result.parts)
    assert math.fsum(part.max_points for part in result.parts) <= 100.0


@given(portfolios, projects(), profiles)
def test_scorer_with_a_planned_project_equals_scoring_from_scratch(
    items: list[ProjectRecord], planned: ProjectRecord, profile: RoleProfile
) -> None:
    scorer = Scorer(items, TODAY)
    assert scorer.score(profile) == score_portfolio(items, profile, TODAY)
    assert scorer.score_with(planned, profile) == score_portfolio([*items, planned], profile, TODAY)
    # The base index is not changed by scoring with a planned project.
    assert scorer.score(profile) == score_portfolio(items, profile, TODAY)
