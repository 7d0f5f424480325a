"""Role profiles: the shipped files, strict validation, round trips, adverts."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from portfolio.readiness.profiles import (
    PROFILES_DIR,
    ProfileError,
    RoleProfile,
    load_builtin_profiles,
    profile_from_dict,
    profile_from_technologies,
    profile_to_dict,
    requirement_from_dict,
    slugify,
)
from portfolio.schemas import rules
from portfolio.technologies.catalogue import get_catalogue

CATALOGUE = get_catalogue()


def _raw(slug: str) -> dict[str, Any]:
    return json.loads((PROFILES_DIR / f"{slug}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def builtin() -> dict[str, RoleProfile]:
    return load_builtin_profiles(CATALOGUE)


def test_shipped_profiles_load(builtin: dict[str, RoleProfile]) -> None:
    assert set(builtin) == {"back-end-engineer", "full-stack-developer"}
    assert all(profile.builtin for profile in builtin.values())


def test_back_end_profile_follows_the_source_text(builtin: dict[str, RoleProfile]) -> None:
    profile = builtin["back-end-engineer"]
    assert profile.title == "Back-end engineer"
    assert profile.salary_text == "£40k - £91k"
    assert (profile.salary.currency, profile.salary.min, profile.salary.max) == (
        "GBP", 40000, 91000,
    )  # fmt: skip
    assert (profile.hours.min, profile.hours.max) == (37, 45)
    by_id = {r.id: r for r in profile.requirements}
    assert by_id["server-languages"].technologies == ("PHP", "Ruby", "Python", "Java")
    assert by_id["databases"].technologies == ("MySQL", "Oracle", "SQL Server")
    assert by_id["javascript"].shape == "skill"
    assert by_id["experience"].kinds == ("internship", "paid")
    assert "digital agency" in by_id["experience"].advice
    portfolio = by_id["portfolio"]
    assert (portfolio.min_projects, portfolio.min_kinds, portfolio.min_live) == (3, 2, 1)
    # Languages and databases weigh most, as the text leads with them.
    heaviest = sorted(profile.requirements, key=lambda r: -r.weight)[:2]
    assert {r.id for r in heaviest} == {"server-languages", "databases"}
    assert profile.total_weight == 100


def test_every_evidence_technology_is_in_the_catalogue(builtin: dict[str, RoleProfile]) -> None:
    for profile in builtin.values():
        for requirement in profile.requirements:
            for name in requirement.technologies:
                assert name in CATALOGUE, (profile.slug, requirement.id, name)
            if requirement.shape == "practice":
                assert all(CATALOGUE.category_of(n) == "practice" for n in requirement.technologies)


@pytest.mark.parametrize("slug", ["back-end-engineer", "full-stack-developer"])
def test_round_trip(slug: str, builtin: dict[str, RoleProfile]) -> None:
    profile = builtin[slug]
    data = profile_to_dict(profile)
    assert data == _raw(slug)
    assert profile_from_dict(json.loads(json.dumps(data)), CATALOGUE, builtin=True) == profile


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(_raw("back-end-engineer"))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["requirements"][2]["technologies"].__setitem__(0, "Postgress"),
            "requirements[2].technologies[0]: 'Postgress' is not in the catalogue",
        ),
        (
            lambda d: d["requirements"][1]["technologies"].__setitem__(0, "postgres"),
            "requirements[1].technologies[0]: 'postgres' is not in the catalogue: "
            "did you mean 'PostgreSQL'?",
        ),
        (
            lambda d: d["requirements"][0].__setitem__("weight", 0),
            "requirements[0].weight: Must be at least 1.",
        ),
        (
            lambda d: d["requirements"][0].__setitem__("weight", True),
            "requirements[0].weight: Must be a whole number, not a boolean.",
        ),
        (lambda d: d["requirements"][0].__setitem__("weight", 2.0), "requirements[0].weight"),
        (lambda d: d["requirements"][0].__setitem__("shape", "some"), "requirements[0].shape"),
        (lambda d: d["requirements"][0].__setitem__("needed", 5), "requirements[0].needed"),
        (
            lambda d: d["requirements"][0].pop("label"),
            "requirements[0].label: This field is required.",
        ),
        (
            lambda d: d["requirements"][0].__setitem__("min_live", 1),
            "requirements[0].min_live: Does not apply to a requirement of shape 'any'.",
        ),
        (
            lambda d: d["requirements"][1].__setitem__("id", "server-languages"),
            "requirements[1]: Its id 'server-languages' is listed twice",
        ),
        (
            lambda d: d["requirements"][0]["technologies"].append("PHP"),
            "requirements[0].technologies[4]: 'PHP' is listed twice.",
        ),
        (lambda d: d["requirements"][3]["technologies"].append("Python"), "is not a practice"),
        (lambda d: d["requirements"][4]["kinds"].append("hobby"), "requirements[4].kinds[4]"),
        (lambda d: d["requirements"][4].__setitem__("min_kinds", 9), "requirements[4].min_kinds"),
        (
            lambda d: d["requirements"][4].update(min_projects=0, min_kinds=0, min_live=0),
            "requirements[4]: A portfolio requirement needs min_projects, min_kinds or min_live.",
        ),
        (
            lambda d: d["requirements"][5].pop("kinds"),
            "requirements[5].kinds: List at least one kind of project.",
        ),
        (
            lambda d: d["requirements"][7]["technologies"].append("CSS"),
            "requirements[7].technologies: A skill names exactly one technology.",
        ),
        (
            lambda d: d.__setitem__("requirements", []),
            "requirements: List at least one requirement.",
        ),
        (
            lambda d: d.__setitem__("requirement", []),
            "requirement: Is not a role profile field.",
        ),
        (lambda d: d.__setitem__("slug", "Back End"), "slug:"),
        (lambda d: d.pop("title"), "title: Give the role a title."),
        (lambda d: d.__setitem__("description", "  "), "description: This cannot be empty."),
        (
            lambda d: d["hours_per_week"].__setitem__("min", 50),
            "hours_per_week: The minimum, 50, is more than the maximum, 45.",
        ),
        (lambda d: d["x-salary"].__setitem__("currency", "pounds"), "x-salary.currency"),
        (lambda d: d["skills"][0].__setitem__("keywords", "PHP"), "skills[0].keywords"),
    ],
)
def test_bad_profiles_name_the_place(change: Any, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        profile_from_dict(_broken(change), CATALOGUE)
    assert message in str(caught.value)


def test_a_profile_must_be_an_object() -> None:
    with pytest.raises(ProfileError, match=r"^Must be an object, not an array\.$"):
        profile_from_dict([], CATALOGUE)


def test_a_control_character_in_a_requirement_label_is_refused() -> None:
    data = _broken(lambda d: d["requirements"][2].__setitem__("label", "APIs\x07 and frameworks"))
    with pytest.raises(ProfileError) as caught:
        profile_from_dict(data, CATALOGUE)
    assert str(caught.value) == (
        "requirements[2].label: Remove the control character U+0007: it cannot be stored or shown."
    )
    assert caught.value.problems[0].location == ("requirements", 2, "label")


def test_a_direction_override_in_the_title_is_refused() -> None:
    data = _broken(lambda d: d.__setitem__("title", "Back-end \u202eengineer"))
    with pytest.raises(ProfileError) as caught:
        profile_from_dict(data, CATALOGUE)
    assert str(caught.value) == (
        "title: Remove the text-direction character U+202E: it reorders the text around it."
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.__setitem__("salary_text", "£1"), "salary_text: Is not a role profile field."),
        (lambda d: d.__setitem__("job_type", "Any"), "job_type: Is not a role profile field."),
        (
            lambda d: d["requirements"][3].__setitem__("notes", "x"),
            "requirements[3].notes: Is not a requirement field.",
        ),
        (lambda d: d["skills"][1].__setitem__("colour", "red"), "skills[1].colour: Is not a skill"),
        (
            lambda d: d["hours_per_week"].__setitem__("avg", 40),
            "hours_per_week.avg: Is not an hours-per-week field.",
        ),
        (lambda d: d["x-salary"].__setitem__("bonus", 1), "x-salary.bonus: Is not a"),
    ],
)
def test_unknown_keys_are_refused_where_they_are(change: Any, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        profile_from_dict(_broken(change), CATALOGUE)
    assert str(caught.value).startswith(message)


def test_every_problem_is_named() -> None:
    def change(d: dict[str, Any]) -> None:
        d["requirements"][0]["weight"] = 0
        d["requirements"][6]["technologies"][0] = "HTML5"

    with pytest.raises(ProfileError) as caught:
        profile_from_dict(_broken(change), CATALOGUE)
    assert [problem.location for problem in caught.value.problems] == [
        ("requirements", 0, "weight"), ("requirements", 6, "technologies", 0),
    ]  # fmt: skip
    assert str(caught.value).startswith("requirements[0].weight: Must be at least 1.; ")


def test_one_requirement_is_read_with_its_place() -> None:
    raw = _raw("back-end-engineer")["requirements"][7]
    assert requirement_from_dict(raw, CATALOGUE).technologies == ("JavaScript",)
    with pytest.raises(ProfileError) as caught:
        requirement_from_dict({**raw, "weight": -1}, CATALOGUE, "rules[9]")
    assert str(caught.value) == "rules[9].weight: Must be at least 1."


def test_loader_names_the_file(tmp_path: Path) -> None:
    data = _broken(lambda d: d["requirements"][0]["technologies"].__setitem__(1, "Rubyy"))
    (tmp_path / "back-end-engineer.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"^back-end-engineer\.json: requirements\[0\]"):
        load_builtin_profiles(CATALOGUE, tmp_path)


def test_loader_insists_the_slug_matches_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "other.json").write_text(json.dumps(_raw("back-end-engineer")), encoding="utf-8")
    with pytest.raises(ProfileError, match="does not match the file name"):
        load_builtin_profiles(CATALOGUE, tmp_path)


def test_profile_from_an_advert_groups_alternatives() -> None:
    profile = profile_from_technologies(
        "Junior PHP Developer (Leeds)",
        ["PHP", "Python", "MySQL", "Laravel", "Docker", "Git", "Unit testing", "Code review"],
        CATALOGUE,
        description="Agency work.",
    )
    assert profile.slug == "junior-php-developer-leeds"
    assert not profile.builtin
    by_id = {r.id: r for r in profile.requirements}
    assert by_id["languages"].shape == "any"
    assert by_id["languages"].technologies == ("PHP", "Python")
    assert by_id["languages"].needed == 1
    assert by_id["databases"].shape == "skill"
    assert by_id["frameworks"].technologies == ("Laravel",)
    assert by_id["platforms"].needed == 2
    assert by_id["practices"].shape == "practice"
    assert by_id["portfolio"].shape == "portfolio"
    assert by_id["languages"].weight > by_id["frameworks"].weight
    # What it makes is a valid profile in every respect.
    assert profile_from_dict(profile_to_dict(profile), CATALOGUE) == profile


def test_profile_from_an_advert_naming_the_whole_catalogue_is_valid() -> None:
    names = [technology.name for technology in CATALOGUE]
    profile = profile_from_technologies("D" * rules.PROFILE_TITLE_MAX, names, CATALOGUE)
    platforms = profile.requirement("platforms")
    assert len(platforms.technologies) == sum(t.category == "platform" for t in CATALOGUE)
    assert (
        platforms.label == f"Platforms and tools: any 2 of the {len(platforms.technologies)} named"
    )
    assert all(len(r.label) <= rules.REQUIREMENT_LABEL_MAX for r in profile.requirements)
    assert all(len(r.why) <= rules.REQUIREMENT_WHY_MAX for r in profile.requirements)
    assert profile_from_dict(profile_to_dict(profile), CATALOGUE) == profile


def test_profile_from_an_advert_canonicalises_and_dedupes() -> None:
    profile = profile_from_technologies("Dev", ["postgres", "PostgreSQL", "Python"], CATALOGUE)
    assert profile.requirement("databases").technologies == ("PostgreSQL",)


@pytest.mark.parametrize(
    ("title", "technologies", "message"),
    [
        ("", ["Python"], "title: Give the role a title."),
        ("Dev\x00", ["Python"], "title: Remove the control character U+0000"),
        ("Dev", [], "at least one technology"),
        ("Dev", ["Python", "Klingon"], "technologies[1]: 'Klingon' is not in the catalogue"),
    ],
)
def test_profile_from_an_advert_rejects_bad_input(
    title: str, technologies: list[str], message: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        profile_from_technologies(title, technologies, CATALOGUE)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Back-end engineer", "back-end-engineer"), ("C# / .NET Développeur", "c-net-developpeur"),
     ("!!!", "role")],
)  # fmt: skip
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug
