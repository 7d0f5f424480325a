"""Implied and related technologies: how a hiring reader credits a stack."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from portfolio.projects.record import ProjectRecord
from portfolio.readiness.advice import next_steps
from portfolio.readiness.evidence import IMPLIED_FACTOR, RELATED_CREDITS
from portfolio.readiness.profiles import (
    ProfileError,
    Requirement,
    RoleProfile,
    load_builtin_profiles,
    profile_from_dict,
    profile_to_dict,
)
from portfolio.readiness.scoring import related_technologies, score_portfolio
from portfolio.technologies.catalogue import Catalogue, Technology, get_catalogue

CATALOGUE = get_catalogue()
TODAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def back_end() -> RoleProfile:
    return load_builtin_profiles(CATALOGUE)["back-end-engineer"]


def project(*technologies: str, title: str = "Agency CMS", kind: str = "paid") -> ProjectRecord:
    """A recent project with a live link: amount kind x 0.85."""
    return ProjectRecord(
        title, kind, start=date(2026, 1, 1), ongoing=True, live_url="https://cms.example",
        technologies=technologies, id=3,
    )  # fmt: skip


def total(profile: RoleProfile, *technologies: str) -> float:
    return score_portfolio([project(*technologies)], profile, TODAY).total


# --- done when ------------------------------------------------------------------------


def test_laravel_alone_scores_at_least_four_fifths_of_php_and_laravel(back_end) -> None:
    laravel, both = total(back_end, "Laravel"), total(back_end, "PHP", "Laravel")
    assert laravel >= 0.8 * both
    assert laravel < both  # named is still worth more than implied
    # Before implied technologies, "Laravel" alone scored about half.
    assert laravel > 0.85 * both


def test_python_and_postgresql_score_between_python_and_python_and_mysql(back_end) -> None:
    python = total(back_end, "Python")
    postgres = total(back_end, "Python", "PostgreSQL")
    mysql = total(back_end, "Python", "MySQL")
    assert python < postgres < mysql
    # Exactly the database requirement's 20 points x 0.85 x the "similar" credit apart.
    assert postgres - python == pytest.approx(20 * 0.85 * RELATED_CREDITS["similar"])


def test_php_and_laravel_count_php_once(back_end) -> None:
    result = score_portfolio([project("PHP", "Laravel")], back_end, TODAY)
    languages = result.part("server-languages")
    (php,) = languages.evidence
    assert (php.technology, php.credit, php.amount) == ("PHP", "named", pytest.approx(0.85))
    assert languages.coverage == pytest.approx(0.85)  # not 1 - 0.15 x 0.32, twice counted


# --- implied -----------------------------------------------------------------------------


def test_implied_evidence_says_where_it_came_from(back_end) -> None:
    languages = score_portfolio([project("Laravel")], back_end, TODAY).part("server-languages")
    (php,) = languages.evidence
    assert php.technology_or_reason == "PHP, from Laravel"
    assert (php.project_title, php.via, php.credit) == ("Agency CMS", "Laravel", "implied")
    assert php.amount == pytest.approx(0.85 * IMPLIED_FACTOR)
    assert languages.coverage == pytest.approx(0.85 * IMPLIED_FACTOR)


def test_implications_chain_at_one_factor(back_end) -> None:
    # Express implies Node.js, which implies JavaScript: still 0.8, not 0.8 x 0.8.
    javascript = score_portfolio([project("Express")], back_end, TODAY).part("javascript")
    (evidence,) = javascript.evidence
    assert evidence.technology_or_reason == "JavaScript, from Express"
    assert javascript.coverage == pytest.approx(0.85 * IMPLIED_FACTOR)
    assert javascript.met is False  # 0.68: implied work alone is just short of met


def test_an_implied_technology_fills_no_second_place_in_the_same_requirement(back_end) -> None:
    # "Server and application work" needs two of a list holding Express and Node.js.
    work = score_portfolio([project("Express")], back_end, TODAY).part("server-work")
    assert [e.technology for e in work.evidence] == ["Express"]
    assert work.coverage == pytest.approx(0.85 / 2)
    # Node.js named as well is a second technology, so a second place.
    both = score_portfolio([project("Express", "Node.js")], back_end, TODAY).part("server-work")
    assert both.coverage == pytest.approx(0.85)


def test_a_stronger_named_project_and_a_weaker_implying_one_combine(back_end) -> None:
    older = replace(project("Laravel", title="Old shop"), ongoing=False, end=date(2019, 1, 1))
    result = score_portfolio([project("PHP"), older], back_end, TODAY).part("server-languages")
    named, implied = result.evidence
    assert (named.credit, implied.credit) == ("named", "implied")
    assert result.coverage == pytest.approx(1 - (1 - 0.85) * (1 - 0.85 * 0.5 * IMPLIED_FACTOR))


# --- related -------------------------------------------------------------------------------


def test_database_credit_falls_from_mariadb_to_postgresql_to_sqlite(back_end) -> None:
    def databases(name: str) -> float:
        result = score_portfolio([project("Python", name)], back_end, TODAY)
        return result.part("databases").coverage

    assert databases("MySQL") == pytest.approx(0.85)
    assert databases("MariaDB") == pytest.approx(0.85 * RELATED_CREDITS["close"])
    assert databases("PostgreSQL") == pytest.approx(0.85 * RELATED_CREDITS["similar"])
    assert databases("SQLite") == pytest.approx(0.85 * RELATED_CREDITS["distant"])
    assert databases("Redis") == 0.0  # not a relational database: nothing transfers


def test_related_credit_is_capped_however_much_is_shown(back_end) -> None:
    strong = [
        replace(project("PostgreSQL", title=f"P{n}"), source_url="https://git.example")
        for n in range(6)
    ]
    part = score_portfolio(strong, back_end, TODAY).part("databases")
    assert part.coverage == pytest.approx(RELATED_CREDITS["similar"])
    assert not part.met


def test_the_explanation_shows_related_credit_and_what_listed_would_add(back_end) -> None:
    part = score_portfolio([project("Python", "PostgreSQL")], back_end, TODAY).part("databases")
    (evidence,) = part.evidence
    assert evidence.credit == "related"
    assert evidence.technology_or_reason == "PostgreSQL, related to MySQL, Oracle or SQL Server"
    assert evidence.factor == RELATED_CREDITS["similar"]
    assert part.stand_ins == ("PostgreSQL",)
    assert "MySQL, Oracle or SQL Server would count in full: PostgreSQL counts 50%, as related" in (
        part.missing
    )
    steps = {s.requirement_id: s for s in next_steps([project("Python", "PostgreSQL")],
                                                     back_end, TODAY, CATALOGUE, 10)}  # fmt: skip
    text = steps["databases"].text
    assert text.startswith("Build a project with MySQL, Oracle or SQL Server, which counts in full")
    assert "(your PostgreSQL counts 50%, as related)" in text
    # The gain is what MySQL adds over PostgreSQL's half: 20 x (0.55 - 0.425 x ...) > 0.
    assert steps["databases"].gain > 0


def test_a_listed_technology_is_never_also_related(back_end) -> None:
    databases = back_end.requirement("databases")
    names = [item.name for item in related_technologies(databases, CATALOGUE)]
    assert "MariaDB" in names and "PostgreSQL" in names and "SQLite" in names
    assert not set(names) & set(databases.technologies)
    assert names.index("MariaDB") < names.index("PostgreSQL") < names.index("SQLite")


def test_one_that_implies_a_listed_technology_counts_through_that_instead() -> None:
    # JavaScript and TypeScript are related, but TypeScript implies JavaScript.
    skill = Requirement("js", "JavaScript", "why", 1, "skill", technologies=("JavaScript",))
    assert "TypeScript" not in [r.name for r in related_technologies(skill, CATALOGUE)]
    reverse = Requirement("ts", "TypeScript", "why", 1, "skill", technologies=("TypeScript",))
    assert [(r.name, r.level) for r in related_technologies(reverse, CATALOGUE)] == [
        ("JavaScript", "similar")
    ]


def test_a_profile_overrides_the_catalogue_for_one_requirement(back_end) -> None:
    databases = back_end.requirement("databases")
    strict = replace(databases, related=(("PostgreSQL", "close"), ("SQLite", "none")))
    profile = replace(
        back_end,
        requirements=tuple(strict if r.id == "databases" else r for r in back_end.requirements),
    )
    postgres = score_portfolio([project("PostgreSQL")], profile, TODAY).part("databases")
    sqlite = score_portfolio([project("SQLite")], profile, TODAY).part("databases")
    assert postgres.coverage == pytest.approx(0.85 * RELATED_CREDITS["close"])
    assert sqlite.coverage == 0.0
    # A technology the catalogue does not relate can be given credit too.
    redis = replace(databases, related=(("Redis", "distant"),))
    assert ("Redis", "distant", ("MySQL", "Oracle", "SQL Server")) in [
        (r.name, r.level, r.related_to) for r in related_technologies(redis, CATALOGUE)
    ]


def test_related_credit_fills_one_place_of_an_any_two_group() -> None:
    group = Requirement("ci", "Two of", "why", 1, "any", technologies=("Jenkins", "Docker"),
                        needed=2)  # fmt: skip
    profile = RoleProfile("p", "P", "d", "", None, (group,), "tests")
    # GitHub Actions is similar to Jenkins, and fills one place only.
    result = score_portfolio([project("GitHub Actions")], profile, TODAY).part("ci")
    assert result.coverage == pytest.approx(0.85 * RELATED_CREDITS["similar"] / 2)


def test_a_catalogue_of_our_own_is_used_when_given() -> None:
    own = Catalogue(
        [
            Technology("Lang", "language"),
            Technology("Frame", "framework", implies=("Lang",)),
            Technology("Other", "language", related=(("Lang", "distant"),)),
        ]
    )
    skill = Requirement("lang", "Lang", "why", 1, "skill", technologies=("Lang",))
    profile = RoleProfile("p", "P", "d", "", None, (skill,), "tests")
    framed = score_portfolio([project("Frame")], profile, TODAY, own)
    other = score_portfolio([project("Other")], profile, TODAY, own)
    assert framed.total == pytest.approx(100 * 0.85 * IMPLIED_FACTOR)
    assert other.total == pytest.approx(100 * 0.85 * RELATED_CREDITS["distant"])
    # The shipped catalogue knows neither.
    assert score_portfolio([project("Frame")], profile, TODAY).total == 0.0


# --- the profile file's override --------------------------------------------------------


def _with_related(back_end: RoleProfile, related: object, shape_change: dict | None = None):
    data = profile_to_dict(back_end)
    data["requirements"][1]["related"] = related
    data["requirements"][1].update(shape_change or {})
    return data


def test_a_profile_file_may_override_related_credit(back_end) -> None:
    data = _with_related(back_end, {"PostgreSQL": "close", "SQLite": "none"})
    profile = profile_from_dict(data, CATALOGUE)
    assert profile.requirement("databases").related == (("PostgreSQL", "close"), ("SQLite", "none"))
    assert profile_to_dict(profile)["requirements"][1]["related"] == {
        "PostgreSQL": "close",
        "SQLite": "none",
    }
    assert "related" not in profile_to_dict(back_end)["requirements"][1]


@pytest.mark.parametrize(
    ("related", "message"),
    [
        ({"Postgress": "close"}, "requirements[1].related.Postgress: 'Postgress' is not in the"),
        ({"postgres": "close"}, "did you mean 'PostgreSQL'?"),
        ({"MySQL": "close"}, "requirements[1].related.MySQL: 'MySQL' is listed, so it counts"),
        ({"SQLite": "far"}, "requirements[1].related.SQLite: Must be one of: 'close', 'similar'"),
        (["SQLite"], "requirements[1].related: "),
    ],
)
def test_bad_overrides_name_the_place(back_end, related, message) -> None:
    with pytest.raises(ProfileError, match=re.escape(message)):
        profile_from_dict(_with_related(back_end, related), CATALOGUE)


def test_only_technology_requirements_take_related(back_end) -> None:
    data = profile_to_dict(back_end)
    data["requirements"][5]["related"] = {"SQLite": "close"}  # the experience rule
    with pytest.raises(ProfileError, match=r"requirements\[5\]\.related: Does not apply"):
        profile_from_dict(data, CATALOGUE)
