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

Validation is strict so that a typo in a data file fails loudly at start-up
rather than silently scoring everybody zero: every error names the place, e.g.
``requirements[2].technologies[0]: 'Postgress' is not in the catalogue``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from portfolio.projects.record import KINDS

#: The folder holding the shipped profiles.
PROFILES_DIR = Path(__file__).with_name("profiles")

SHAPES: tuple[str, ...] = ("any", "skill", "practice", "portfolio", "experience")

# Shapes whose evidence is technologies on projects, as opposed to the portfolio
# as a whole or the kinds of its projects.
TECHNOLOGY_SHAPES: frozenset[str] = frozenset({"any", "skill", "practice"})

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ProfileError(ValueError):
    """A role profile is not valid; the message names the place."""


class TechnologyLike(Protocol):
    """What the profiles need from a catalogue technology."""

    name: str
    category: str


class CatalogueLike(Protocol):
    """What the profiles need from the technology catalogue."""

    def __contains__(self, name: object) -> bool: ...

    def lookup(self, raw: str) -> TechnologyLike | None: ...

    def category_of(self, name: str) -> str | None: ...


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

_TOP_KEYS = {
    "slug",
    "title",
    "description",
    "type",
    "salary",
    "x-salary",
    "hours_per_week",
    "responsibilities",
    "qualifications",
    "skills",
    "source",
    "requirements",
}
_REQUIREMENT_KEYS = {
    "id",
    "label",
    "why",
    "weight",
    "shape",
    "technologies",
    "needed",
    "kinds",
    "min_projects",
    "min_kinds",
    "min_live",
    "advice",
}
# Which optional requirement keys each shape accepts; anything else is an error
# so that, say, "min_live" on a skill does not silently do nothing.
_SHAPE_KEYS: dict[str, set[str]] = {
    "any": {"technologies", "needed", "advice"},
    "skill": {"technologies", "advice"},
    "practice": {"technologies", "needed", "advice"},
    "portfolio": {"kinds", "min_projects", "min_kinds", "min_live", "advice"},
    "experience": {"kinds", "needed", "advice"},
}


def _fail(place: str, message: str) -> ProfileError:
    return ProfileError(f"{place}: {message}" if place else message)


def _check_keys(data: Mapping[str, Any], allowed: set[str], place: str) -> None:
    for key in data:
        if key not in allowed:
            where = f"{place}.{key}" if place else str(key)
            raise _fail(where, "is not a known field")


def _string(data: Mapping[str, Any], key: str, place: str, *, required: bool = True) -> str:
    where = f"{place}.{key}" if place else key
    if key not in data:
        if required:
            raise _fail(where, "is required")
        return ""
    value = data[key]
    if not isinstance(value, str):
        raise _fail(where, f"must be text, not {type(value).__name__}")
    value = value.strip()
    if required and not value:
        raise _fail(where, "must not be empty")
    return value


def _integer(value: Any, where: str, *, minimum: int = 0) -> int:
    # bool is a subclass of int; true/false in JSON is never a count.
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(where, f"must be a whole number, not {value!r}")
    if value < minimum:
        raise _fail(where, f"must be at least {minimum}, not {value}")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _fail(where, "must be a list")
    items = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise _fail(f"{where}[{index}]", f"must be non-empty text, not {item!r}")
        items.append(item.strip())
    return tuple(items)


def _unique(items: Sequence[str], where: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item in seen:
            raise _fail(f"{where}[{index}]", f"{item!r} is listed twice")
        seen.add(item)


def _technologies(
    value: Any, where: str, catalogue: CatalogueLike, *, practice: bool
) -> tuple[str, ...]:
    names = _strings(value, where)
    if not names:
        raise _fail(where, "must list at least one technology")
    for index, name in enumerate(names):
        if name not in catalogue:
            found = catalogue.lookup(name)
            hint = f" (did you mean {found.name!r}?)" if found is not None else ""
            raise _fail(f"{where}[{index}]", f"{name!r} is not in the catalogue{hint}")
        if practice and catalogue.category_of(name) != "practice":
            raise _fail(f"{where}[{index}]", f"{name!r} is not a practice")
    _unique(names, where)
    return names


def _kinds(value: Any, where: str) -> tuple[str, ...]:
    kinds = _strings(value, where)
    if not kinds:
        raise _fail(where, "must list at least one kind")
    for index, kind in enumerate(kinds):
        if kind not in KINDS:
            raise _fail(
                f"{where}[{index}]",
                f"{kind!r} is not a kind of project ({', '.join(KINDS)})",
            )
    _unique(kinds, where)
    return kinds


def requirement_from_dict(
    data: Any, catalogue: CatalogueLike, place: str = "requirement"
) -> Requirement:
    """Build one requirement from its JSON form, validating it strictly."""
    if not isinstance(data, Mapping):
        raise _fail(place, "must be an object")
    _check_keys(data, _REQUIREMENT_KEYS, place)
    requirement_id = _string(data, "id", place)
    if not _ID_RE.match(requirement_id):
        raise _fail(
            f"{place}.id",
            f"{requirement_id!r} must be lower-case letters, digits and hyphens",
        )
    label = _string(data, "label", place)
    why = _string(data, "why", place)
    if "weight" not in data:
        raise _fail(f"{place}.weight", "is required")
    weight = _integer(data["weight"], f"{place}.weight", minimum=1)
    shape = _string(data, "shape", place)
    if shape not in SHAPES:
        raise _fail(f"{place}.shape", f"{shape!r} is not one of {', '.join(SHAPES)}")
    for key in data:
        if key not in {"id", "label", "why", "weight", "shape"} | _SHAPE_KEYS[shape]:
            raise _fail(f"{place}.{key}", f"does not apply to a {shape!r} requirement")
    advice = _string(data, "advice", place, required=False)
    common = {"id": requirement_id, "label": label, "why": why, "weight": weight,
              "shape": shape, "advice": advice}  # fmt: skip

    if shape in TECHNOLOGY_SHAPES:
        if "technologies" not in data:
            raise _fail(f"{place}.technologies", "is required")
        technologies = _technologies(
            data["technologies"],
            f"{place}.technologies",
            catalogue,
            practice=shape == "practice",
        )
        if shape == "skill" and len(technologies) != 1:
            raise _fail(f"{place}.technologies", "a skill names exactly one technology")
        needed = _integer(data.get("needed", 1), f"{place}.needed", minimum=1)
        if needed > len(technologies):
            raise _fail(
                f"{place}.needed",
                f"asks for {needed} but only {len(technologies)} are listed",
            )
        return Requirement(
            **common,
            technologies=technologies,
            needed=needed,
        )

    if shape == "experience":
        if "kinds" not in data:
            raise _fail(f"{place}.kinds", "is required")
        kinds = _kinds(data["kinds"], f"{place}.kinds")
        needed = _integer(data.get("needed", 1), f"{place}.needed", minimum=1)
        return Requirement(
            **common,
            needed=needed,
            kinds=kinds,
        )

    # portfolio
    kinds = _kinds(data["kinds"], f"{place}.kinds") if "kinds" in data else KINDS
    min_projects = _integer(data.get("min_projects", 0), f"{place}.min_projects", minimum=0)
    min_kinds = _integer(data.get("min_kinds", 0), f"{place}.min_kinds", minimum=0)
    min_live = _integer(data.get("min_live", 0), f"{place}.min_live", minimum=0)
    if min_kinds > len(kinds):
        raise _fail(
            f"{place}.min_kinds",
            f"asks for {min_kinds} kinds but only {len(kinds)} are listed",
        )
    if not (min_projects or min_kinds or min_live):
        raise _fail(place, "a portfolio rule needs min_projects, min_kinds or min_live")
    return Requirement(
        **common,
        kinds=kinds,
        min_projects=min_projects,
        min_kinds=min_kinds,
        min_live=min_live,
    )


def _range(value: Any, where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(where, "must be an object")
    _check_keys(value, set(keys), where)
    for key in ("min", "max"):
        if key not in value:
            raise _fail(f"{where}.{key}", "is required")
        _integer(value[key], f"{where}.{key}", minimum=0)
    if value["min"] > value["max"]:
        raise _fail(where, f"min {value['min']} is more than max {value['max']}")
    return dict(value)


def _skills(value: Any, where: str) -> tuple[Skill, ...]:
    if not isinstance(value, list):
        raise _fail(where, "must be a list")
    skills = []
    for index, item in enumerate(value):
        place = f"{where}[{index}]"
        if not isinstance(item, Mapping):
            raise _fail(place, "must be an object")
        _check_keys(item, {"name", "level", "keywords"}, place)
        skills.append(
            Skill(
                name=_string(item, "name", place),
                level=_string(item, "level", place, required=False),
                keywords=_strings(item.get("keywords", []), f"{place}.keywords"),
            )
        )
    return tuple(skills)


def profile_from_dict(data: Any, catalogue: CatalogueLike, *, builtin: bool = False) -> RoleProfile:
    """Build a role profile from its JSON form, validating it strictly."""
    if not isinstance(data, Mapping):
        raise ProfileError("a profile must be a JSON object")
    _check_keys(data, _TOP_KEYS, "")
    slug = _string(data, "slug", "")
    if not _ID_RE.match(slug):
        raise _fail("slug", f"{slug!r} must be lower-case letters, digits and hyphens")
    title = _string(data, "title", "")
    description = _string(data, "description", "")
    source = _string(data, "source", "")

    hours = None
    if data.get("hours_per_week") is not None:
        raw = _range(data["hours_per_week"], "hours_per_week", ("min", "max"))
        hours = Hours(min=raw["min"], max=raw["max"])
    salary = None
    if data.get("x-salary") is not None:
        raw = _range(data["x-salary"], "x-salary", ("currency", "min", "max"))
        currency = _string(raw, "currency", "x-salary")
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise _fail("x-salary.currency", f"{currency!r} is not an ISO 4217 code")
        salary = Salary(currency=currency, min=raw["min"], max=raw["max"])

    if "requirements" not in data:
        raise _fail("requirements", "is required")
    raw_requirements = data["requirements"]
    if not isinstance(raw_requirements, list) or not raw_requirements:
        raise _fail("requirements", "must be a non-empty list")
    requirements = tuple(
        requirement_from_dict(item, catalogue, f"requirements[{index}]")
        for index, item in enumerate(raw_requirements)
    )
    _unique([r.id for r in requirements], "requirements.id")

    return RoleProfile(
        slug=slug,
        title=title,
        description=description,
        salary_text=_string(data, "salary", "", required=False),
        hours=hours,
        requirements=requirements,
        source=source,
        builtin=builtin,
        salary=salary,
        job_type=_string(data, "type", "", required=False),
        responsibilities=_strings(data.get("responsibilities", []), "responsibilities"),
        qualifications=_strings(data.get("qualifications", []), "qualifications"),
        skills=_skills(data.get("skills", []), "skills"),
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


def _some_of(needed: int, names: Sequence[str]) -> str:
    if needed == 1:
        return _or_list(names)
    if needed == len(names):
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return f"any {needed} of {', '.join(names)}"


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


def profile_from_technologies(
    title: str,
    technologies: Iterable[str],
    catalogue: CatalogueLike,
    description: str = "",
) -> RoleProfile:
    """Make a profile from the confirmed technologies of a pasted job advert."""
    title = title.strip()
    if not title:
        raise ProfileError("title: must not be empty")
    by_category: dict[str, list[str]] = {}
    for index, raw in enumerate(technologies):
        found = catalogue.lookup(raw)
        if found is None:
            raise ProfileError(f"technologies[{index}]: {raw!r} is not in the catalogue")
        group = by_category.setdefault(found.category, [])
        if found.name not in group:
            group.append(found.name)
    if not by_category:
        raise ProfileError("technologies: choose at least one technology")

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
        requirements.append(
            Requirement(
                id=group_id,
                label=label,
                why=f"The advert for {title} names {_some_of(len(names), names)}.",
                weight=weight,
                shape=shape,
                technologies=tuple(names),
                needed=needed,
            )
        )
    requirements.append(_ADVERT_PORTFOLIO)
    return RoleProfile(
        slug=slugify(title),
        title=title,
        description=description.strip() or f"Made from a job advert for {title}.",
        salary_text="",
        hours=None,
        requirements=tuple(requirements),
        source="Made from a pasted job advert.",
        builtin=False,
    )
