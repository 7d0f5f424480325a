"""The role profile schema: a role and the requirements the scorer checks.

A profile is JSON Resume's job description (``title``, ``description``, ``type``,
``salary``, ``responsibilities``, ``qualifications``, ``skills``) extended with what
the scorer needs: a ``slug``, ``x-salary``, ``hours_per_week``, a ``source`` and the
``requirements``. The shipped files, the profiles made from job adverts and the ones
stored in the database are all read through it.

Rules, each with its message in ``rules.py``:

* every text is trimmed, within its limit, and free of control characters and
  direction overrides; one-line fields hold no line breaks;
* the slug and each requirement's id are lower-case letters, digits and hyphens, and no
  two requirements share an id;
* each requirement has a shape, and only the fields that shape uses (``min_live`` on a
  skill is refused rather than silently ignored):

  - ``any``, ``skill``, ``practice``: ``technologies``, canonical catalogue names, none
    twice; a skill names exactly one; a practice lists only catalogue practices;
    ``needed`` (default 1) is no more than are listed; ``related`` (optional) maps
    catalogue names the requirement does not list to a level of related credit
    (``close``, ``similar``, ``distant``) or ``none``, overriding the catalogue;
  - ``experience``: ``kinds`` of project and ``needed`` projects of them;
  - ``portfolio``: ``kinds`` (default all), and at least one of ``min_projects``,
    ``min_kinds`` (no more than the kinds listed) and ``min_live``;

* counts are whole numbers (never ``true``), ranges have their minimum at most their
  maximum, and a salary's currency is an ISO 4217 code.

The catalogue is given in the validation context (``{"catalogue": ...}``, anything
shaped like ``portfolio.technologies.catalogue.CatalogueLike``); without one, the app's
catalogue is used.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from portfolio.projects.record import KINDS
from portfolio.schemas import rules
from portfolio.schemas.base import Line, Schema, SchemaError, Text, problems_from, rule_error
from portfolio.technologies.catalogue import RELATED_LEVELS, CatalogueLike, get_catalogue

SHAPES: tuple[str, ...] = ("any", "skill", "practice", "portfolio", "experience")
#: Shapes whose evidence is technologies on projects, as opposed to the portfolio as a
#: whole or the kinds of its projects.
TECHNOLOGY_SHAPES: frozenset[str] = frozenset({"any", "skill", "practice"})
#: The optional requirement fields each shape takes; any other is refused.
SHAPE_FIELDS: dict[str, frozenset[str]] = {
    "any": frozenset({"technologies", "needed", "advice", "related"}),
    "skill": frozenset({"technologies", "advice", "related"}),
    "practice": frozenset({"technologies", "needed", "advice", "related"}),
    "portfolio": frozenset({"kinds", "min_projects", "min_kinds", "min_live", "advice"}),
    "experience": frozenset({"kinds", "needed", "advice"}),
}

#: The requirement fields every shape has.
_EVERY_SHAPE = frozenset({"id", "label", "why", "weight", "shape"})

Shape = Literal[SHAPES]  # type: ignore[valid-type]  (the one list of shapes, above)
#: What a profile may say of a related technology: a catalogue level, or none at all.
RELATED_OVERRIDES: tuple[str, ...] = (*RELATED_LEVELS, "none")
RelatedLevel = Literal[RELATED_OVERRIDES]  # type: ignore[valid-type]
Kind = Literal[KINDS]  # type: ignore[valid-type]  (the one list of kinds, in record.py)

_ID = re.compile(rules.ID_PATTERN)
_CURRENCY = re.compile("[A-Z]{3}")


def catalogue_of(info: ValidationInfo) -> CatalogueLike:
    """Return the catalogue the validation context names, or the app's own."""
    catalogue = (info.context or {}).get("catalogue")
    return get_catalogue() if catalogue is None else catalogue


# --- field types ----------------------------------------------------------------------


def _check_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise rule_error(rules.ID_CHARACTERS)
    return value


def Id(limit: int, **field: Any) -> Any:
    """Return a slug type: lower-case letters, digits and hyphens, at most ``limit``."""
    return Annotated[
        Line(limit, min_length=1),
        AfterValidator(_check_id),
        Field(json_schema_extra={"pattern": rules.ID_PATTERN}, **field),
    ]


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise rule_error(rules.NOT_BLANK)
    return value


def Prose(limit: int, **field: Any) -> Any:
    """Return a required multi-line text type, trimmed."""
    return Annotated[
        Text(limit), AfterValidator(_not_blank), Field(json_schema_extra={"minLength": 1}, **field)
    ]


def Count(minimum: int, maximum: int | None = None, **field: Any) -> Any:
    """Return a whole-number type between ``minimum`` and ``maximum`` (if any)."""

    def check(value: int) -> int:
        if value < minimum:
            raise rule_error(rules.AT_LEAST.format(minimum=minimum))
        if maximum is not None and value > maximum:
            raise rule_error(rules.AT_MOST.format(maximum=maximum))
        return value

    bounds = {"minimum": minimum} | ({} if maximum is None else {"maximum": maximum})
    return Annotated[int, AfterValidator(check), Field(json_schema_extra=bounds, **field)]


def _in_catalogue(name: str, info: ValidationInfo) -> str:
    catalogue = catalogue_of(info)
    if name not in catalogue:
        found = catalogue.lookup(name)
        if found is None:
            raise rule_error(rules.NOT_IN_CATALOGUE.format(name=name))
        raise rule_error(
            rules.NOT_IN_CATALOGUE_DID_YOU_MEAN.format(name=name, suggestion=found.name)
        )
    return name


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item in seen:
            raise rule_error(rules.LISTED_TWICE.format(value=item), index)
        seen.add(item)
    return items


#: A technology a requirement counts: its canonical catalogue name.
TechnologyName = Annotated[Line(rules.TECHNOLOGY_MAX, min_length=1), AfterValidator(_in_catalogue)]


def _currency(value: str) -> str:
    if not _CURRENCY.fullmatch(value):
        raise rule_error(rules.CURRENCY_CODE)
    return value


Currency = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_currency),
    Field(json_schema_extra={"pattern": "^[A-Z]{3}$"}, examples=["GBP"]),
]


# --- schemas --------------------------------------------------------------------------


class RequirementIn(Schema):
    """One thing a role asks for, and how the scorer checks it."""

    required_messages: ClassVar = {
        "technologies": rules.TECHNOLOGIES_REQUIRED,
        "kinds": rules.KINDS_REQUIRED,
    }
    noun: ClassVar = "a requirement field"

    id: Id(rules.REQUIREMENT_ID_MAX, description="Unique within the profile.")
    label: Line(rules.REQUIREMENT_LABEL_MAX, min_length=1, description="What is asked for.")
    why: Prose(rules.REQUIREMENT_WHY_MAX, description="Why the role asks for it.")
    weight: Count(1, rules.REQUIREMENT_WEIGHT_MAX, description="Its share of the score.")
    shape: Shape = Field(description="How it is checked.")
    # After shape: the practice check reads it.
    technologies: Annotated[
        list[TechnologyName],
        Field(min_length=1, description="Catalogue names (any, skill, practice)."),
        AfterValidator(_unique),
    ] = []
    needed: Count(1, description="Technologies (any, practice) or projects (experience).") = 1
    kinds: Annotated[
        list[Kind],
        Field(min_length=1, description="Kinds of project (portfolio, experience)."),
        AfterValidator(_unique),
    ] = []
    min_projects: Count(0, description="Projects of the kinds (portfolio).") = 0
    min_kinds: Count(0, description="Different kinds among them (portfolio).") = 0
    min_live: Count(0, description="Of them with a live link (portfolio).") = 0
    advice: Line(rules.REQUIREMENT_ADVICE_MAX, description="How to close it, if said.") = ""
    related: Annotated[
        dict[Line(rules.TECHNOLOGY_MAX, min_length=1), RelatedLevel],
        Field(
            max_length=rules.MAX_RELATED,
            description="Related credit for technologies it does not list, by level "
            "(close, similar, distant), or none to drop the catalogue's (any, skill, "
            "practice).",
        ),
    ] = {}

    @field_validator("technologies", mode="after")
    @classmethod
    def _practices(cls, names: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("shape") == "practice":
            catalogue = catalogue_of(info)
            for index, name in enumerate(names):
                if catalogue.category_of(name) != "practice":
                    raise rule_error(rules.NOT_A_PRACTICE.format(name=name), index)
        return names

    @field_validator("related", mode="after")
    @classmethod
    def _related_names(cls, related: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        # Checked here rather than by the key's type, so a problem's place is the name.
        listed = info.data.get("technologies") or ()
        for name in related:
            try:
                _in_catalogue(name, info)
            except PydanticCustomError as error:
                raise rule_error(error.context["message"], name) from None
            if name in listed:
                raise rule_error(rules.RELATED_IS_LISTED.format(name=name), name)
        return related

    @model_validator(mode="after")
    def _fits_its_shape(self) -> RequirementIn:
        given = self.model_fields_set
        allowed = _EVERY_SHAPE | SHAPE_FIELDS[self.shape]
        for name in type(self).model_fields:  # in order, so the first one is named
            if name in given and name not in allowed:
                raise rule_error(rules.NOT_FOR_SHAPE.format(shape=self.shape), name)
        if self.shape in TECHNOLOGY_SHAPES:
            if "technologies" not in given:
                raise rule_error(rules.TECHNOLOGIES_REQUIRED, "technologies")
            if self.shape == "skill" and len(self.technologies) != 1:
                raise rule_error(rules.SKILL_NEEDS_ONE, "technologies")
            if self.needed > len(self.technologies):
                message = rules.NEEDED_TOO_MANY.format(
                    needed=self.needed, listed=len(self.technologies)
                )
                raise rule_error(message, "needed")

        elif self.shape == "experience":
            if "kinds" not in given:
                raise rule_error(rules.KINDS_REQUIRED, "kinds")
        else:
            kinds = self.counted_kinds
            if self.min_kinds > len(kinds):
                message = rules.MIN_KINDS_TOO_MANY.format(needed=self.min_kinds, listed=len(kinds))
                raise rule_error(message, "min_kinds")
            if not (self.min_projects or self.min_kinds or self.min_live):
                raise rule_error(rules.PORTFOLIO_NEEDS_A_RULE)
        return self

    @property
    def counted_kinds(self) -> tuple[str, ...]:
        """Return the kinds of project it counts: a portfolio rule without any counts all."""
        if self.kinds:
            return tuple(self.kinds)
        return KINDS if self.shape == "portfolio" else ()


class HoursIn(Schema):
    """Typical hours per week."""

    noun: ClassVar = "an hours-per-week field"

    min: Count(0, rules.HOURS_PER_WEEK_MAX)
    max: Count(0, rules.HOURS_PER_WEEK_MAX)

    @model_validator(mode="after")
    def _in_order(self) -> HoursIn:
        if self.min > self.max:
            raise rule_error(rules.MIN_OVER_MAX.format(min=self.min, max=self.max))
        return self


class SalaryIn(Schema):
    """A salary range in whole units of a currency."""

    noun: ClassVar = "a salary field"

    currency: Currency
    min: Count(0)
    max: Count(0)

    @model_validator(mode="after")
    def _in_order(self) -> SalaryIn:
        if self.min > self.max:
            raise rule_error(rules.MIN_OVER_MAX.format(min=self.min, max=self.max))
        return self


class SkillIn(Schema):
    """A JSON Resume job skill: a name, a level and keywords."""

    noun: ClassVar = "a skill field"

    name: Line(rules.SKILL_NAME_MAX, min_length=1)
    level: Line(rules.SKILL_LEVEL_MAX) = ""
    keywords: Annotated[
        list[Line(rules.SKILL_KEYWORD_MAX, min_length=1)],
        Field(max_length=rules.MAX_SKILL_KEYWORDS),
    ] = []


def _ids_unique(requirements: list[RequirementIn]) -> list[RequirementIn]:
    seen: set[str] = set()
    for index, requirement in enumerate(requirements):
        if requirement.id in seen:
            raise rule_error(rules.ID_TAKEN.format(value=requirement.id), index)
        seen.add(requirement.id)
    return requirements


ProfileItems = Annotated[
    list[Line(rules.PROFILE_ITEM_MAX, min_length=1)], Field(max_length=rules.MAX_PROFILE_ITEMS)
]


class RoleProfileIn(Schema):
    """A whole role profile, as a shipped file or a stored custom profile holds it."""

    required_messages: ClassVar = {
        "title": rules.PROFILE_TITLE_REQUIRED,
        "requirements": rules.REQUIREMENTS_REQUIRED,
    }
    too_many_messages: ClassVar = {"requirements": rules.TOO_MANY_REQUIREMENTS}
    noun: ClassVar = "a role profile field"

    slug: Id(rules.PROFILE_SLUG_MAX, description="Names the profile in addresses.")
    title: Line(rules.PROFILE_TITLE_MAX, min_length=1, description="The role.")
    description: Prose(rules.PROFILE_DESCRIPTION_MAX, description="What the role does.")
    job_type: Line(rules.PROFILE_TYPE_MAX, alias="type", description="Full- or part-time.") = ""
    salary: Line(rules.PROFILE_SALARY_MAX, description="The salary as the source says.") = ""
    salary_range: SalaryIn | None = Field(None, alias="x-salary")
    hours_per_week: HoursIn | None = None
    responsibilities: ProfileItems = []
    qualifications: ProfileItems = []
    skills: Annotated[list[SkillIn], Field(max_length=rules.MAX_SKILLS)] = []
    source: Line(rules.PROFILE_SOURCE_MAX, min_length=1, description="Where it comes from.")
    requirements: Annotated[
        list[RequirementIn],
        Field(min_length=1, max_length=rules.MAX_REQUIREMENTS),
        AfterValidator(_ids_unique),
    ]


S = TypeVar("S", bound=Schema)


def validate_with_catalogue(schema: type[S], data: Any, catalogue: CatalogueLike | None) -> S:
    """Return the data validated by the schema against a catalogue, or raise SchemaError."""
    try:
        return schema.model_validate(data, context={"catalogue": catalogue})
    except ValidationError as error:
        raise SchemaError(problems_from(schema, error)) from None
