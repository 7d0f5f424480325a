"""Properties the readiness score must keep for any portfolio (hypothesis).

Against the shipped profiles and catalogue, with technologies that imply and relate to
what they list, and against made-up catalogues and profiles, so implied and related
credit are proven for any data, not only ours.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.projects.record import KINDS, CodeProof, ProjectRecord, ReferenceProof
from portfolio.readiness.evidence import IMPLIED_FACTOR, RELATED_CREDITS
from portfolio.readiness.profiles import Requirement, RoleProfile, load_builtin_profiles
from portfolio.readiness.scoring import Scorer, score_portfolio
from portfolio.technologies.catalogue import RELATED_LEVELS, Catalogue, Technology, get_catalogue

PROFILES: list[RoleProfile] = list(load_builtin_profiles(get_catalogue()).values())

# A small pool that hits every requirement of the shipped profiles, plus a name
# the catalogue does not know, and names that imply (Laravel, Express, pytest...) or
# relate to (MariaDB, SQLite, Kotlin, GitHub Actions...) the ones the profiles list.
POOL = (
    "PHP", "Python", "Java", "MySQL", "Oracle", "PostgreSQL", "JavaScript", "HTML", "CSS",
    "React", "Django", "Laravel", "REST APIs", "GraphQL", "Unit testing", "Debugging",
    "Code review", "Git", "Node.js", "Cobol", "Express", "TypeScript", "Spring Boot",
    "MariaDB", "SQLite", "Kotlin", "pytest", "GitHub Actions", "Next.js", "Symfony",
)  # fmt: skip

TODAY = date(2025, 6, 15)
# First days of months from January 2012 to December 2026 (beyond "today").
months = st.integers(0, 15 * 12 - 1).map(lambda n: date(2012 + n // 12, n % 12 + 1, 1))
links = st.sampled_from(["", "https://example.com/x"])
# Proof beyond the owner's own words: analysed code (issues 15, 16) and references a
# referee confirmed, through a mailed link or one the owner shared, edited since or not.
code_proofs = st.builds(
    CodeProof,
    source=st.sampled_from(["archive", "bundle", "url"]),
    commits_yours=st.none() | st.integers(0, 50),
)
reference_proofs = st.builds(
    ReferenceProof,
    how=st.sampled_from(["email", "link"]),
    edited_since=st.booleans(),
    email_domain=st.sampled_from(["", "gmail.com", "brightwave.co.uk"]),
)
references = st.lists(reference_proofs, max_size=3).map(tuple)


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
        code=draw(st.none() | code_proofs),
        references=draw(references),
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


# --- made-up catalogues and profiles ------------------------------------------------

NAMES = tuple(f"T{n}" for n in range(8))


@st.composite
def catalogues(draw: st.DrawFn) -> Catalogue:
    """A catalogue whose names imply only later names (so never in a loop), some related."""
    implies = {
        name: tuple(draw(st.lists(st.sampled_from(NAMES[index + 1 :]), unique=True, max_size=2)))
        if index + 1 < len(NAMES)
        else ()
        for index, name in enumerate(NAMES)
    }
    pair = st.tuples(st.integers(0, 7), st.integers(0, 7), st.sampled_from(RELATED_LEVELS))
    pairs = draw(
        st.lists(pair.filter(lambda t: t[0] < t[1]), unique_by=lambda t: t[:2], max_size=8)
    )
    related: dict[str, list[tuple[str, str]]] = {}
    for first, second, level in pairs:
        related.setdefault(NAMES[first], []).append((NAMES[second], level))
    return Catalogue(
        Technology(name, "framework", implies=implies[name], related=related.get(name, ()))
        for name in NAMES
    )


@st.composite
def made_up_profiles(draw: st.DrawFn) -> RoleProfile:
    requirements = []
    for index in range(draw(st.integers(1, 4))):
        listed = tuple(draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True)))
        others = [name for name in NAMES if name not in listed]
        overrides = draw(
            st.lists(
                st.tuples(st.sampled_from(others), st.sampled_from((*RELATED_LEVELS, "none"))),
                unique_by=lambda t: t[0],
                max_size=3,
            )
            if others
            else st.just([])
        )
        requirements.append(
            Requirement(
                id=f"r{index}", label=f"R{index}", why="made up", weight=draw(st.integers(1, 9)),
                shape="any", technologies=listed, needed=draw(st.integers(1, len(listed))),
                related=tuple(overrides),
            )
        )  # fmt: skip
    return RoleProfile("made-up", "Made up", "d", "", None, tuple(requirements), "tests")


made_up_projects = st.builds(
    ProjectRecord,
    title=st.just("P"),
    kind=st.sampled_from(KINDS),
    start=st.none() | months,
    ongoing=st.booleans(),
    live_url=links,
    source_url=links,
    technologies=st.lists(st.sampled_from(NAMES), max_size=4).map(tuple),
    code=st.none() | code_proofs,
    references=references,
)


@given(catalogues(), made_up_profiles(), st.lists(made_up_projects, max_size=6), made_up_projects)
def test_with_any_links_a_project_never_lowers_the_score(
    catalogue: Catalogue, profile: RoleProfile, items: list[ProjectRecord], extra: ProjectRecord
) -> None:
    before = score_portfolio(items, profile, TODAY, catalogue)
    after = score_portfolio([*items, extra], profile, TODAY, catalogue)
    assert after.total >= before.total
    for old, new in zip(before.parts, after.parts, strict=True):
        assert new.coverage >= old.coverage


@given(catalogues(), made_up_profiles(), st.lists(made_up_projects, min_size=1, max_size=6),
       st.data())  # fmt: skip
def test_with_any_links_a_technology_never_lowers_the_score(
    catalogue: Catalogue, profile: RoleProfile, items: list[ProjectRecord], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(items) - 1))
    name = data.draw(st.sampled_from(NAMES))
    grown = list(items)
    grown[index] = replace(items[index], technologies=(*items[index].technologies, name))
    before = score_portfolio(items, profile, TODAY, catalogue)
    after = score_portfolio(grown, profile, TODAY, catalogue)
    for old, new in zip(before.parts, after.parts, strict=True):
        assert new.coverage >= old.coverage
    assert after.total >= before.total


@given(catalogues(), made_up_profiles(), st.lists(made_up_projects, max_size=6), made_up_projects)
def test_with_any_links_the_score_is_bounded_summed_deterministic_and_incremental(
    catalogue: Catalogue, profile: RoleProfile, items: list[ProjectRecord], extra: ProjectRecord
) -> None:
    result = score_portfolio(items, profile, TODAY, catalogue)
    assert 0.0 <= result.total <= 100.0
    assert result.total == math.fsum(part.points for part in result.parts)
    for part in result.parts:
        assert 0.0 <= part.coverage <= 1.0
        assert 0.0 <= part.points <= part.max_points
    assert score_portfolio(items[::-1], profile, TODAY, catalogue).total == result.total
    assert score_portfolio(items, profile, TODAY, catalogue) == result
    scorer = Scorer(items, TODAY, catalogue)
    assert scorer.score(profile) == result
    grown = score_portfolio([*items, extra], profile, TODAY, catalogue)
    assert scorer.score_with(extra, profile) == grown


@given(catalogues(), made_up_profiles(), st.lists(made_up_projects, max_size=6))
def test_implied_and_related_credit_never_pass_their_factors(
    catalogue: Catalogue, profile: RoleProfile, items: list[ProjectRecord]
) -> None:
    # Per project, implied evidence is 0.8 of named evidence; related credit is at most
    # the closest level's, however many projects show the related technology.
    result = score_portfolio(items, profile, TODAY, catalogue)
    shown = {
        shown
        for project in items
        for name in project.technologies
        for shown in (name, *catalogue.implied(name))
    }
    for part in result.parts:
        if not set(part.requirement.technologies) & shown:
            assert part.coverage <= max(RELATED_CREDITS.values())
        for evidence in part.evidence:
            assert evidence.credit in ("named", "implied", "related")
            assert 0.0 < evidence.amount <= 1.0
            if evidence.credit == "implied":
                assert evidence.factor == IMPLIED_FACTOR
            if evidence.credit == "related":
                assert evidence.factor <= max(RELATED_CREDITS.values())


@given(portfolios, st.data(), reference_proofs, profiles)
def test_a_confirmed_reference_never_lowers_the_score_and_an_edited_one_adds_nothing(
    items: list[ProjectRecord], data: st.DataObject, proof: ReferenceProof, profile: RoleProfile
) -> None:
    if not items:
        return
    index = data.draw(st.integers(0, len(items) - 1))
    grown = list(items)
    grown[index] = replace(items[index], references=(*items[index].references, proof))
    before = score_portfolio(items, profile, TODAY)
    after = score_portfolio(grown, profile, TODAY)
    assert after.total >= before.total
    if proof.edited_since:
        assert after.total == before.total
