"""Role profiles: what a role asks for, as requirements the scorer can check.

A profile is data, not code. The shipped ones live as JSON files beside this
module (``profiles/*.json``) in JSON Resume's job description format, extended
with the fields the scorer needs. They are loaded and validated once at start-up
by :func:`load_builtin_profiles`; a user's own profile, made from a pasted job
advert, comes from :func:`profile_from_technologies`.

Every requirement has a *shape* that says how it is checked:

``any``
    Any ``needed`` of ``technologies`` (e.g. "one of PHP, Ruby, Python, Java").
``skill``
    The one technology in ``technologies`` (e.g. JavaScript).
``practice``
    Any ``needed`` of ``technologies``, all of which are catalogue practices
    (Automated testing, Code review...).
``portfolio``
    The shape of the portfolio as a whole: at least ``min_projects`` projects of
    ``kinds``, covering at least ``min_kinds`` different kinds, of which at
    least ``min_live`` have a live link.
``experience``
    At least ``needed`` projects of ``kinds`` (e.g. an internship or paid work).

A technology requirement may also say ``related``: a level (``close``, ``similar``,
``distant``, or ``none``) per technology, overriding the catalogue's related
technologies for that requirement alone.

What a profile may hold is the schema in ``portfolio.schemas.profile``; this module
turns what it accepts into the plain records the scorer reads. Validation is strict
so that a typo in a data file fails loudly at start-up rather than silently scoring
everybody zero: every error names the place, e.g.
``requirements[2].technologies[0]: 'Postgress' is not in the catalogue.``
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portfolio.projects.record import KINDS
from portfolio.schemas import rules
from portfolio.schemas.base import Location, Problem, SchemaError
from portfolio.schemas.profile import SHAPES as SHAPES  # re-exported, as before
from portfolio.schemas.profile import (
    TECHNOLOGY_SHAPES,
    RequirementIn,
    RoleProfileIn,
    validate_with_catalogue,
)
from portfolio.technologies.catalogue import CatalogueLike

#: The folder holding the shipped profiles.
PROFILES_DIR = Path(__file__).with_name("profiles")


class ProfileError(ValueError):
    """A role profile is not valid; the message names the place."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Requirement:
    """One thing a role asks for, and how the scorer checks it."""

    id: str
    label: str
    why: str
    weight: int
    shape: str
    technologies: tuple[str, ...] = ()
    needed: int = 1  # technologies for any/practice, projects for experience
    kinds: tuple[str, ...] = ()
    min_projects: int = 0
    min_kinds: int = 0
    min_live: int = 0
    advice: str = ""  # the profile's own words for how to close it, if any
    #: (technology, level) overriding the catalogue's related technologies for this
    #: requirement; the level "none" drops one the catalogue relates.
    related: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Hours:
    """Typical hours per week."""

    min: int
    max: int


@dataclass(frozen=True)
class Salary:
    """A salary range in whole units of a currency."""

    currency: str
    min: int
    max: int


@dataclass(frozen=True)
class Skill:
    """A JSON Resume job skill: a name, a level and keywords."""

    name: str
    level: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleProfile:
    """A role and the requirements that make someone ready for it."""

    slug: str
    title: str
    description: str
    salary_text: str
    hours: Hours | None
    requirements: tuple[Requirement, ...]
    source: str
    builtin: bool = False
    salary: Salary | None = None
    job_type: str = ""
    responsibilities: tuple[str, ...] = ()
    qualifications: tuple[str, ...] = ()
    skills: tuple[Skill, ...] = ()

    @property
    def total_weight(self) -> int:
        """Return the sum of the requirement weights."""
        return sum(r.weight for r in self.requirements)

    def requirement(self, requirement_id: str) -> Requirement:
        """Return the requirement with this id."""
        for requirement in self.requirements:
            if requirement.id == requirement_id:
                return requirement
        raise KeyError(requirement_id)


# --- reading -----------------------------------------------------------------


def _dotted(location: Location, prefix: str = "") -> str:
    """Return a location as ``requirements[2].weight``, after ``prefix`` if any."""
    text = prefix
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _profile_error(error: SchemaError, prefix: str = "") -> ProfileError:
    lines = []
    for problem in error.problems:
        where = _dotted(problem.location, prefix)
        lines.append(f"{where}: {problem.message}" if where else problem.message)
    return ProfileError("; ".join(lines), error.problems)


def _requirement(valid: RequirementIn) -> Requirement:
    return Requirement(
        id=valid.id,
        label=valid.label,
        why=valid.why,
        weight=valid.weight,
        shape=valid.shape,
        technologies=tuple(valid.technologies),
        needed=valid.needed,
        kinds=valid.counted_kinds,
        min_projects=valid.min_projects,
        min_kinds=valid.min_kinds,
        min_live=valid.min_live,
        advice=valid.advice,
        related=tuple(valid.related.items()),
    )


def requirement_from_dict(
    data: Any, catalogue: CatalogueLike, place: str = "requirement"
) -> Requirement:
    """Build one requirement from its JSON form, validating it strictly."""
    try:
        valid = validate_with_catalogue(RequirementIn, data, catalogue)
    except SchemaError as error:
        raise _profile_error(error, place) from None
    return _requirement(valid)


def profile_from_dict(data: Any, catalogue: CatalogueLike, *, builtin: bool = False) -> RoleProfile:
    """Build a role profile from its JSON form, validating it strictly."""
    try:
        valid = validate_with_catalogue(RoleProfileIn, data, catalogue)
    except SchemaError as error:
        raise _profile_error(error) from None
    hours, salary = valid.hours_per_week, valid.salary_range
    return RoleProfile(
        slug=valid.slug,
        title=valid.title,
        description=valid.description,
        salary_text=valid.salary,
        hours=Hours(min=hours.min, max=hours.max) if hours is not None else None,
        requirements=tuple(_requirement(r) for r in valid.requirements),
        source=valid.source,
        builtin=builtin,
        salary=Salary(salary.currency, salary.min, salary.max) if salary is not None else None,
        job_type=valid.job_type,
        responsibilities=tuple(valid.responsibilities),
        qualifications=tuple(valid.qualifications),
        skills=tuple(Skill(s.name, s.level, tuple(s.keywords)) for s in valid.skills),
    )


# --- writing -----------------------------------------------------------------


def requirement_to_dict(requirement: Requirement) -> dict[str, Any]:
    """Return the JSON form of a requirement, with only the fields its shape uses."""
    data: dict[str, Any] = {
        "id": requirement.id,
        "label": requirement.label,
        "why": requirement.why,
        "weight": requirement.weight,
        "shape": requirement.shape,
    }
    if requirement.shape in TECHNOLOGY_SHAPES:
        data["technologies"] = list(requirement.technologies)
        if requirement.shape != "skill":
            data["needed"] = requirement.needed
    elif requirement.shape == "experience":
        data["kinds"] = list(requirement.kinds)
        data["needed"] = requirement.needed
    else:
        data["kinds"] = list(requirement.kinds)
        data["min_projects"] = requirement.min_projects
        data["min_kinds"] = requirement.min_kinds
        data["min_live"] = requirement.min_live
    if requirement.advice:
        data["advice"] = requirement.advice
    if requirement.related:
        data["related"] = dict(requirement.related)
    return data


def profile_to_dict(profile: RoleProfile) -> dict[str, Any]:
    """Return the JSON form of a profile; ``profile_from_dict`` reads it back."""
    data: dict[str, Any] = {
        "slug": profile.slug,
        "title": profile.title,
        "description": profile.description,
    }
    if profile.job_type:
        data["type"] = profile.job_type
    if profile.salary_text:
        data["salary"] = profile.salary_text
    if profile.salary is not None:
        data["x-salary"] = {
            "currency": profile.salary.currency,
            "min": profile.salary.min,
            "max": profile.salary.max,
        }
    if profile.hours is not None:
        data["hours_per_week"] = {"min": profile.hours.min, "max": profile.hours.max}
    if profile.responsibilities:
        data["responsibilities"] = list(profile.responsibilities)
    if profile.qualifications:
        data["qualifications"] = list(profile.qualifications)
    if profile.skills:
        data["skills"] = [
            {"name": s.name, "level": s.level, "keywords": list(s.keywords)} for s in profile.skills
        ]
    data["source"] = profile.source
    data["requirements"] = [requirement_to_dict(r) for r in profile.requirements]
    return data


# --- loading -----------------------------------------------------------------


def load_builtin_profiles(
    catalogue: CatalogueLike, folder: Path | None = None
) -> dict[str, RoleProfile]:
    """Load and validate every shipped profile, keyed by slug."""
    folder = PROFILES_DIR if folder is None else folder
    profiles: dict[str, RoleProfile] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            profile = profile_from_dict(data, catalogue, builtin=True)
        except json.JSONDecodeError as error:
            raise ProfileError(f"{path.name}: not valid JSON: {error}") from error
        except ProfileError as error:
            raise ProfileError(f"{path.name}: {error}") from error
        if profile.slug != path.stem:
            # The file name is how reviewers find a profile; keep them in step.
            raise ProfileError(f"{path.name}: slug: {profile.slug!r} does not match the file name")
        profiles[profile.slug] = profile
    return profiles


# --- profiles from job adverts -----------------------------------------------


def slugify(text: str) -> str:
    """Return a URL-safe slug for a title ("Back-end engineer" -> "back-end-engineer")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "role"


def _or_list(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _count_of(needed: int, listed: int) -> str:
    if needed == 1:
        return f"one of the {listed} named"
    if needed == listed:
        return f"all {listed} named"
    return f"any {needed} of the {listed} named"


def _some_of(needed: int, names: Sequence[str]) -> str:
    if needed == 1:
        return _or_list(names)
    if needed == len(names):
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return f"any {needed} of {', '.join(names)}"


def relabel(label: str, old: Sequence[str], new: Sequence[str], needed: int = 1) -> str:
    """Return a requirement's label listing ``new`` where it listed ``old``.

    Only a label made the way adverts make them ("Databases: MySQL or Oracle", or
    "Platforms and tools: any 2 of the 9 named") is rewritten; a label the user wrote
    is theirs and stays as it is.
    """
    prefix, _, listed = label.rpartition(": ")
    made = {_or_list(old)}
    for count in range(1, len(old) + 1):
        made |= {_some_of(count, old), _count_of(count, len(old))}
    if not prefix or listed not in made or not new or list(old) == list(new):
        return label
    relabelled = f"{prefix}: {_some_of(needed, new)}"
    if len(relabelled) > LABEL_LIST_MAX:
        relabelled = f"{prefix}: {_count_of(needed, len(new))}"
    return relabelled


# How a pasted advert's technologies become requirements, by catalogue category:
# (id, label, weight, how many of the group are needed). Languages and databases
# weigh most because they are what an advert is built around; several names in
# one category are usually alternatives ("Python or Java"), so they become an
# "any" group rather than each being required.
_ADVERT_GROUPS: tuple[tuple[str, str, str, int], ...] = (
    ("language", "languages", "Programming languages", 25),
    ("database", "databases", "Databases", 20),
    ("framework", "frameworks", "Frameworks", 15),
    ("platform", "platforms", "Platforms and tools", 10),
    ("practice", "practices", "Working practices", 10),
)
_ADVERT_PORTFOLIO = Requirement(
    id="portfolio",
    label="A portfolio of at least 3 projects, 1 of them live",
    why="Employers ask to see work you have built, not only a list of skills.",
    weight=10,
    shape="portfolio",
    kinds=KINDS,
    min_projects=3,
    min_kinds=2,
    min_live=1,
)


#: Past this many characters an advert requirement's label counts its names.
LABEL_LIST_MAX = 200


def profile_from_technologies(
    title: str,
    technologies: Iterable[str],
    catalogue: CatalogueLike,
    description: str = "",
) -> RoleProfile:
    """Make a profile from the confirmed technologies of a pasted job advert.

    What it makes is validated as any stored profile is, so it can be saved as it is.
    """
    title = title.strip()
    by_category: dict[str, list[str]] = {}
    for index, raw in enumerate(technologies):
        found = catalogue.lookup(raw)
        if found is None:
            raise ProfileError(f"technologies[{index}]: {rules.NOT_IN_CATALOGUE.format(name=raw)}")
        group = by_category.setdefault(found.category, [])
        if found.name not in group:
            group.append(found.name)
    if not by_category:
        raise ProfileError(f"technologies: {rules.TECHNOLOGIES_REQUIRED}")

    requirements: list[Requirement] = []
    known = {category for category, *_ in _ADVERT_GROUPS}
    # A category the catalogue grows later still counts, as a platform-like group.
    extra = [c for c in by_category if c not in known]
    groups = list(_ADVERT_GROUPS) + [(c, slugify(c), c.capitalize(), 10) for c in sorted(extra)]
    for category, group_id, group_label, weight in groups:
        names = by_category.get(category)
        if not names:
            continue
        if category == "practice":
            # Practices are habits, not alternatives: ask for a couple of them.
            needed = min(2, len(names))
            shape = "practice"
            label = f"{group_label}: {_some_of(needed, names)}"
        elif len(names) == 1:
            needed, shape, label = 1, "skill", f"{group_label}: {names[0]}"
        elif category == "platform":
            needed = min(2, len(names))
            shape, label = "any", f"{group_label}: {_some_of(needed, names)}"
        else:
            needed, shape, label = 1, "any", f"{group_label}: {_or_list(names)}"
        why = f"The advert for {title} names {_some_of(len(names), names)}."
        # A long list is counted rather than spelt out; the technologies list it all.
        if len(label) > LABEL_LIST_MAX:
            label = f"{group_label}: {_count_of(needed, len(names))}"
        if len(why) > rules.REQUIREMENT_WHY_MAX:
            why = f"The advert for {title} names {len(names)} {group_label.lower()}."
        requirements.append(
            Requirement(
                id=group_id,
                label=label,
                why=why,
                weight=weight,
                shape=shape,
                technologies=tuple(names),
                needed=needed,
            )
        )
    requirements.append(_ADVERT_PORTFOLIO)
    profile = RoleProfile(
        slug=slugify(title)[: rules.PROFILE_SLUG_MAX].rstrip("-") or "role",
        title=title,
        description=description.strip() or f"Made from a job advert for {title}.",
        salary_text="",
        hours=None,
        requirements=tuple(requirements),
        source="Made from a pasted job advert.",
        builtin=False,
    )
    return profile_from_dict(profile_to_dict(profile), catalogue)
