"""What to build next: the projects that would raise the readiness score most.

For every requirement that is not fully covered, this module plans the one
hypothetical project that would do most for it: a personal project, live and
with its source published, using the technologies of the requirement that
gain most; a live project of a kind the portfolio lacks; or an internship (or
whatever the profile's own advice names) for experience. It never estimates a
gain: it adds the planned project to the portfolio, scores it again, and
reports the difference, so the numbers on the page are the numbers the user
would see after adding the project.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from portfolio.projects.record import KIND_LABELS, ProjectRecord
from portfolio.technologies.catalogue import CatalogueLike

from .evidence import IMPLIED, NAMED
from .profiles import TECHNOLOGY_SHAPES, Requirement, RoleProfile
from .scoring import (
    Readiness,
    RequirementScore,
    Scorer,
    percent,
    related_technologies,
    score_portfolio,
)

# Placeholders that make a planned project count as published; they are never
# saved, and a form pre-filled from a plan should leave the links to the user.
PLANNED_LIVE_URL = "https://example.com/live"
PLANNED_SOURCE_URL = "https://example.com/source"

# Kinds a person can start on their own, so the portfolio advice does not tell
# someone to "get paid work" merely to fill a gap in the portfolio's shape.
_SELF_STARTED_KINDS = ("personal", "volunteer")

# Above this many options a group's text names the planned ones and the category.
_MAX_LISTED = 4


@dataclass(frozen=True)
class NextStep:
    """One project to build next, and the points it would add."""

    requirement_id: str
    text: str
    gain: float
    planned: ProjectRecord


def what_if(
    projects: Sequence[ProjectRecord],
    profile: RoleProfile,
    today: date,
    planned: ProjectRecord,
) -> tuple[Readiness, Readiness]:
    """Score the portfolio before and after adding a planned project."""
    before = score_portfolio(projects, profile, today)
    after = score_portfolio([*projects, planned], profile, today)
    return before, after


def _planned(today: date, kind: str, technologies: Sequence[str], title: str) -> ProjectRecord:
    published = kind in _SELF_STARTED_KINDS
    return ProjectRecord(
        title=title,
        kind=kind,
        start=today.replace(day=1),
        ongoing=True,
        live_url=PLANNED_LIVE_URL if published else "",
        source_url=PLANNED_SOURCE_URL if published else "",
        technologies=tuple(technologies),
    )


def _and_list(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _or_list(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} or {names[-1]}"


def format_gain(gain: float) -> str:
    """Return a gain as the page shows it: "+12 points", "+2.5 points"."""
    tenths = round(gain * 10)
    if tenths < 1:
        return "+less than 0.1 points"
    value = f"{tenths // 10}" if tenths % 10 == 0 else f"{tenths / 10:.1f}"
    return f"+{value} point" + ("" if tenths == 10 else "s")


def _plan_technologies(
    scorer: Scorer,
    profile: RoleProfile,
    today: date,
    part: RequirementScore,
    total: float,
    catalogue: CatalogueLike,
) -> tuple[ProjectRecord, float] | None:
    requirement = part.requirement
    # Greedy: add the technology that raises the score most, up to the number
    # the requirement needs; ties go to the profile's order, which lists the
    # most common technology first. One project is built on one framework: a
    # second technology comes from another category while the group offers one
    # (Django and REST APIs, not Django and Express).
    chosen: list[str] = []
    best: tuple[ProjectRecord, float] | None = None
    for _ in range(requirement.needed):
        round_best: tuple[ProjectRecord, float] | None = None
        taken = {catalogue.category_of(name) for name in chosen}
        left = [name for name in requirement.technologies if name not in chosen]
        fresh = [name for name in left if catalogue.category_of(name) not in taken]
        for name in fresh or left:
            names = [*chosen, name]
            planned = _planned(today, "personal", names, f"A project with {_and_list(names)}")
            gain = scorer.score_with(planned, profile).total - total
            if round_best is None or gain > round_best[1]:
                round_best = (planned, gain)
        if round_best is None or (best is not None and round_best[1] <= best[1]):
            break
        best = round_best
        chosen = list(round_best[0].technologies)
    return best


def _category_noun(requirement: Requirement, catalogue: CatalogueLike) -> str:
    # "another framework" reads well only when the whole group is one category.
    categories = {catalogue.category_of(name) for name in requirement.technologies}
    if len(categories) == 1 and None not in categories:
        return f"another {categories.pop()}"
    return ""


def _technology_text(
    part: RequirementScore, planned: ProjectRecord, catalogue: CatalogueLike
) -> str:
    requirement = part.requirement
    verb = "Show" if requirement.shape == "practice" else "Build a project with"
    tail = " in a project" if requirement.shape == "practice" else ""
    names = list(planned.technologies)
    # Named or implied, a listed technology is shown; related ones stand in for it.
    shown = {e.technology_or_reason for e in part.evidence if not e.credit}
    shown |= {e.technology for e in part.evidence if e.credit in (NAMED, IMPLIED)}
    if all(name in shown for name in names):
        # The technologies are already shown; what is lacking is strength.
        return (
            f"Add another live project with {_and_list(names)}, with its source code, "
            f"to strengthen “{requirement.label}”"
        )
    if len(names) > 1:
        return f"{verb} {_and_list(names)}{tail}{_over_related(part, catalogue)}"
    if len(requirement.technologies) <= _MAX_LISTED:
        # Lead with the planned one, then the alternatives in the profile's order.
        options = [*names, *(n for n in requirement.technologies if n not in names)]
        return f"{verb} {_or_list(options)}{tail}{_over_related(part, catalogue)}"
    others = [n for n in requirement.technologies if n not in names]
    noun = _category_noun(requirement, catalogue)
    if noun:
        return f"{verb} {names[0]} or {noun}{tail}{_over_related(part, catalogue)}"
    return f"{verb} {names[0]}{tail} (or {_or_list(others[:3])}){_over_related(part, catalogue)}"


def _over_related(part: RequirementScore, catalogue: CatalogueLike) -> str:
    """Return what a listed technology adds over the related ones standing in for it."""
    if not part.stand_ins:
        return ""
    credits = {item.name: item.credit for item in related_technologies(part.requirement, catalogue)}
    said = _and_list([f"{name} counts {percent(credits[name])}" for name in part.stand_ins])
    return f", which counts in full (your {said}, as related)"


def _plan_portfolio(
    scorer: Scorer,
    profile: RoleProfile,
    today: date,
    part: RequirementScore,
    total: float,
) -> tuple[ProjectRecord, float, str] | None:
    requirement = part.requirement
    kinds = [k for k in requirement.kinds if k in _SELF_STARTED_KINDS] or list(requirement.kinds)
    best: tuple[ProjectRecord, float, str] | None = None
    for kind in kinds:
        label = KIND_LABELS.get(kind, kind).lower()
        planned = _planned(today, kind, (), f"A {label}")
        gain = scorer.score_with(planned, profile).total - total
        if best is None or gain > best[1]:
            article = "an" if label[:1] in "aeiou" else "a"
            best = (planned, gain, f"Publish {article} {label} with a live link")
    return best


def _plan_experience(
    scorer: Scorer,
    profile: RoleProfile,
    today: date,
    part: RequirementScore,
    total: float,
) -> tuple[ProjectRecord, float, str]:
    requirement = part.requirement
    kind = "internship" if "internship" in requirement.kinds else requirement.kinds[0]
    label = KIND_LABELS.get(kind, kind)
    planned = _planned(today, kind, (), requirement.advice or label)
    gain = scorer.score_with(planned, profile).total - total
    if requirement.advice:
        what = requirement.advice[:1].upper() + requirement.advice[1:]
    else:
        options = [KIND_LABELS.get(k, k).lower() for k in requirement.kinds]
        what = _or_list(options)
        what = ("An " if what[:1] in "aeiou" else "A ") + what
    return planned, gain, f"{what} would cover the experience requirement"


def next_steps(
    projects: Sequence[ProjectRecord],
    profile: RoleProfile,
    today: date,
    catalogue: CatalogueLike,
    limit: int = 5,
) -> list[NextStep]:
    """Return the projects that would raise the score most, biggest gain first."""
    scorer = Scorer(projects, today)
    before = scorer.score(profile)
    steps: list[tuple[float, int, NextStep]] = []
    for order, part in enumerate(before.parts):
        if part.coverage >= 1.0:
            continue
        requirement = part.requirement
        if requirement.shape in TECHNOLOGY_SHAPES:
            plan = _plan_technologies(scorer, profile, today, part, before.total, catalogue)
            if plan is None:
                continue
            planned, gain = plan
            text = _technology_text(part, planned, catalogue)
        elif requirement.shape == "portfolio":
            found = _plan_portfolio(scorer, profile, today, part, before.total)
            if found is None:
                continue
            planned, gain, text = found
        else:
            planned, gain, text = _plan_experience(scorer, profile, today, part, before.total)
        if gain <= 0:
            continue
        step = NextStep(requirement.id, f"{text}: {format_gain(gain)}", gain, planned)
        steps.append((-gain, order, step))
    steps.sort(key=lambda item: (item[0], item[1]))
    return [step for _, _, step in steps[: max(0, limit)]]
