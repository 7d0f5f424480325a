"""How ready a portfolio is for a role: the readiness score.

The score is out of 100::

    total = sum(weight_i * coverage_i) / sum(weights) * 100

where each requirement of the role profile has an integer weight and a coverage
between 0 and 1 worked out from the portfolio's evidence.

Evidence
    Each project gives each technology it shows an amount of evidence between 0
    and 1, the product of the factors in the one table of evidence factors
    (``evidence.EVIDENCE_FACTORS``, re-exported here)::

        evidence = kind x proof x recency x route

    kind      paid 1.0, internship 0.85, volunteer 0.7, personal 0.55
    proof     0.7, plus each proof source: a live link 0.15, a source link or
              analysed code 0.15, public history with the owner's commits 0.1, a
              confirmed reference 0.2 (+0.1 when mailed to the referee), max 1.0
    recency   1.0 if ongoing or ended within 12 months, falling to 0.5 at 5 years
    implied   named on the project 1.0; implied by a technology it names 0.8
              (Laravel is PHP: "PHP, from Laravel"), counted once, the stronger
    related   a technology the requirement does not list but whose skills
              transfer to one it does: close 0.7, similar 0.5, distant 0.25

    Several projects showing one technology give it a strength, with
    diminishing returns: ``strength = 1 - (1 - e_1) x (1 - e_2) x ...``.

Requirements by shape
    skill       coverage = the best of its technology's strength and its
                related technologies' credit x strength
    any         coverage = mean of the best ``needed`` values among: each listed
                technology's strength, and each related technology's credit x
                strength (a related technology fills one place at most, and one
                that implies a listed technology counts through that instead).
                What a listed technology implies fills no second place: an
                Express project counts once toward "two of Express or Node.js"
    practice    same as any (the technologies are practices)
    portfolio   coverage = mean over its rules of min(1, have / asked) for:
                projects of the listed kinds, different kinds among them, and
                projects with a live link (plain counts: the rule is about
                the shape of the portfolio, not the strength of any project)
    experience  coverage = mean recency of the best ``needed`` projects of the
                listed kinds (the kind is what qualifies, so its factor and the
                links do not apply)

Related technologies come from the catalogue; a requirement may override them
(``Requirement.related``: a level per technology, or "none" to drop one).

A requirement is *met* at coverage 0.7 or more (a recent paid project without
links, or two personal projects with links), and a portfolio rule only when all
of its parts are met.

Exactness
    Points are kept as exact floats and the total is their correctly rounded sum
    (``math.fsum``), so the parts always add up to the total and the total never
    depends on the order of the projects. Rounding happens only for display:
    :meth:`Readiness.display_parts` shares the tenths out so that the rounded
    parts add up to the rounded total.

Every coverage only ever grows when a project or a technology is added (a project's
evidence for a technology is the strongest of its routes, strengths only grow, and
"best N" only swaps in something stronger), so the score never drops when the
portfolio grows. Scoring is linear in the number of projects: each project is
visited once to index what it shows, then each requirement reads only its own
technologies from the index.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from portfolio.projects.record import KIND_LABELS, ProjectRecord
from portfolio.technologies.catalogue import RELATED_LEVELS, Catalogue, get_catalogue

from .evidence import (
    EVIDENCE_FACTORS,
    IMPLIED_FACTOR,
    KIND_FACTORS,
    RELATED_CREDITS,
    Evidence,
    PortfolioIndex,
    combine,
    evidence_amount,
    months_between,
    proof_factor,
    recency_factor,
    related_evidence,
)
from .profiles import Requirement, RoleProfile

__all__ = [
    "EVIDENCE_FACTORS",
    "IMPLIED_FACTOR",
    "KIND_FACTORS",
    "MET_THRESHOLD",
    "RELATED_CREDITS",
    "RULE_CHANGES",
    "Evidence",
    "Readiness",
    "RelatedTechnology",
    "RequirementScore",
    "RuleChange",
    "Scorer",
    "combine",
    "evidence_amount",
    "months_between",
    "proof_factor",
    "recency_factor",
    "related_technologies",
    "score_portfolio",
]

MET_THRESHOLD = 0.7


@dataclass(frozen=True)
class RuleChange:
    """A day the scoring rules changed, so every score may jump without any new work."""

    day: date
    what: str


#: The days the rules changed, oldest first; the history chart marks each, so the jump
#: is not read as progress. A change to the rules adds a row.
RULE_CHANGES: tuple[RuleChange, ...] = (
    RuleChange(
        date(2026, 11, 29),
        "Implied and related technologies count: Laravel shows PHP, PostgreSQL counts "
        "in part toward MySQL",
    ),
)


@dataclass(frozen=True)
class RequirementScore:
    """How well the portfolio covers one requirement, and why."""

    requirement: Requirement
    coverage: float
    points: float
    max_points: float
    evidence: tuple[Evidence, ...]
    missing: tuple[str, ...]
    met: bool
    #: Related technologies that fill places in the coverage, strongest first.
    stand_ins: tuple[str, ...] = ()


@dataclass(frozen=True)
class Readiness:
    """The score for one portfolio against one role profile."""

    total: float
    parts: tuple[RequirementScore, ...]

    @property
    def display_total(self) -> float:
        """Return the total rounded to one decimal place."""
        return _tenths(self.total) / 10

    def display_parts(self) -> tuple[float, ...]:
        """Return each part's points to one decimal, adding up to ``display_total``."""
        # Largest remainder: floor every part to tenths, then hand the tenths the
        # floors lost to the parts that lost most, so 33.33 x 3 shows as
        # 33.4 + 33.3 + 33.3 = 100.0 rather than 99.9.
        scaled = [part.points * 10 for part in self.parts]
        floors = [math.floor(value) for value in scaled]
        spare = _tenths(self.total) - sum(floors)
        order = sorted(range(len(scaled)), key=lambda i: (floors[i] - scaled[i], i))
        for index in order[: max(0, spare)]:
            floors[index] += 1
        # Float noise could leave one tenth too many; take it from the smallest
        # remainder that has a tenth to give.
        for index in reversed(order):
            if spare >= 0:
                break
            if floors[index] > 0:
                floors[index] -= 1
                spare += 1
        return tuple(value / 10 for value in floors)

    @property
    def met_count(self) -> int:
        """Return how many requirements are met."""
        return sum(1 for part in self.parts if part.met)

    def part(self, requirement_id: str) -> RequirementScore:
        """Return the score for the requirement with this id."""
        for part in self.parts:
            if part.requirement.id == requirement_id:
                return part
        raise KeyError(requirement_id)


def _tenths(value: float) -> int:
    # Round half up, as people expect of a score, not half to even.
    return math.floor(value * 10 + 0.5)


@dataclass(frozen=True)
class RelatedTechnology:
    """A technology a requirement does not list that counts in part toward it."""

    name: str
    level: str
    credit: float
    related_to: tuple[str, ...]  # the listed technologies it stands in for


@functools.lru_cache(maxsize=4096)
def related_technologies(
    requirement: Requirement, catalogue: Catalogue
) -> tuple[RelatedTechnology, ...]:
    """Return the related technologies that count toward a requirement, closest first.

    They are the catalogue's relations of each listed technology, at the closest level
    found, then the requirement's own overrides ("none" drops one). A listed technology
    is never related (it counts in full), nor is one that implies a listed technology
    (it counts through the implication, at more).
    """
    listed = requirement.technologies
    levels: dict[str, str] = {}
    towards: dict[str, list[str]] = {}
    rank = {level: order for order, level in enumerate(RELATED_LEVELS)}
    for name in listed:
        for other, level in catalogue.related(name).items():
            known = levels.get(other)
            if known is None or rank[level] < rank[known]:
                levels[other], towards[other] = level, [name]
            elif level == known:
                towards[other].append(name)
    for other, level in requirement.related:
        if level == "none":
            levels.pop(other, None)
        else:
            levels[other] = level
            towards.setdefault(other, list(listed))
    found = [
        RelatedTechnology(name, level, RELATED_CREDITS[level], tuple(towards[name]))
        for name, level in levels.items()
        if name not in listed and not set(catalogue.implied(name)) & set(listed)
    ]
    found.sort(key=lambda item: rank[item.level])  # stable: ties keep the data's order
    return tuple(found)


def _or_list(names: Sequence[str], most: int = 3) -> str:
    names = list(names)
    if len(names) > most:
        names = [*names[:most], f"{len(names) - most} more"]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} or {names[-1]}"


def percent(value: float) -> str:
    """Return a factor as the page says it: 0.5 -> "50%"."""
    return f"{round(value * 100)}%"


def _mean_of_best(values: Iterable[float], needed: int) -> float:
    # nlargest keeps this linear in the number of values, and summing in
    # descending order is a fixed order, so equal inputs give identical floats.
    best = heapq.nlargest(needed, values)
    return min(1.0, sum(best) / needed) if needed else 0.0


def _kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind).lower()


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def _score_technologies(
    requirement: Requirement, index: PortfolioIndex
) -> tuple[float, tuple[Evidence, ...], tuple[str, ...], tuple[str, ...]]:
    names = requirement.technologies
    listed = frozenset(names)
    strengths = {name: index.strength(name, listed) for name in names}
    related = related_technologies(requirement, index.catalogue)
    stand_in_values = {
        item.name: item.credit * index.strength(item.name, listed) for item in related
    }
    values = [*strengths.values(), *stand_in_values.values()]
    coverage = _mean_of_best(values, requirement.needed)
    # The related technologies that fill one of the best places, strongest first.
    best = heapq.nlargest(requirement.needed, values)
    floor = best[-1] if best else 0.0
    stand_ins = tuple(
        sorted(
            (name for name, value in stand_in_values.items() if value > 0 and value >= floor),
            key=lambda name: -stand_in_values[name],
        )
    )[: requirement.needed]
    shown = [name for name in names if strengths[name] > 0]
    missing: list[str] = []
    if len(shown) < requirement.needed:
        lacking = requirement.needed - len(shown)
        unshown = [name for name in names if strengths[name] == 0]
        if requirement.shape == "skill":
            missing.append(f"No project uses {names[0]} yet")
        elif lacking == 1:
            missing.append("One more of: " + ", ".join(unshown))
        else:
            missing.append(f"{lacking} more of: " + ", ".join(unshown))
    if stand_ins and len(shown) < requirement.needed:
        credited = {item.name: item for item in related}
        said = " and ".join(f"{name} counts {percent(credited[name].credit)}" for name in stand_ins)
        unshown = [name for name in names if strengths[name] == 0]
        missing.append(f"{_or_list(unshown)} would count in full: {said}, as related")
    if coverage < MET_THRESHOLD and shown:
        weak = sorted(shown, key=lambda name: strengths[name])[: requirement.needed]
        missing.append(
            "Stronger evidence of "
            + ", ".join(weak)
            + " (more projects, paid or recent work, live and source links)"
        )
    evidence = [item for name in names for item in index.evidence_for(name, listed)]
    for item in related:
        if stand_in_values[item.name] > 0:
            evidence.extend(
                related_evidence(
                    index.evidence_for(item.name, listed), item.credit, _or_list(item.related_to)
                )
            )
    return coverage, tuple(evidence), tuple(missing), stand_ins


def _score_portfolio_shape(
    requirement: Requirement, index: PortfolioIndex
) -> tuple[float, tuple[Evidence, ...], tuple[str, ...]]:
    chosen = index.of_kinds(requirement.kinds)
    counted, kinds_seen, live = chosen.count, chosen.kinds_seen, chosen.live
    rules = []
    missing = []
    if requirement.min_projects:
        rules.append(min(1.0, counted / requirement.min_projects))
        if counted < requirement.min_projects:
            short = requirement.min_projects - counted
            missing.append(f"{_count(short, 'more project')}")
    if requirement.min_kinds:
        rules.append(min(1.0, len(kinds_seen) / requirement.min_kinds))
        if len(kinds_seen) < requirement.min_kinds:
            short = requirement.min_kinds - len(kinds_seen)
            others = ", ".join(
                _kind_label(kind) for kind in requirement.kinds if kind not in kinds_seen
            )
            missing.append(f"Projects of {_count(short, 'more kind')} ({others})")
    if requirement.min_live:
        rules.append(min(1.0, live / requirement.min_live))
        if live < requirement.min_live:
            short = requirement.min_live - live
            missing.append(f"{_count(short, 'more project')} with a live link")
    coverage = sum(rules) / len(rules) if rules else 0.0
    return coverage, chosen.shape_evidence, tuple(missing)


def _score_experience(
    requirement: Requirement, index: PortfolioIndex
) -> tuple[float, tuple[Evidence, ...], tuple[str, ...]]:
    chosen = index.of_kinds(requirement.kinds)
    recencies, evidence = chosen.recencies, chosen.experience_evidence
    coverage = _mean_of_best(recencies, requirement.needed)
    missing = []
    labels = " or ".join(_kind_label(kind) for kind in requirement.kinds)
    if len(recencies) < requirement.needed:
        short = requirement.needed - len(recencies)
        if short == 1 and not recencies:
            article = "An" if labels[:1] in "aeiou" else "A"
            missing.append(f"{article} {labels}")
        else:
            missing.append(f"{short} more: {labels}")
    elif coverage < MET_THRESHOLD:
        missing.append(f"More recent {labels}")
    return coverage, evidence, tuple(missing)


def _max_points(profile: RoleProfile) -> list[float]:
    total_weight = profile.total_weight
    shares = [100.0 * r.weight / total_weight for r in profile.requirements]
    # Each share is rounded on its own, so their sum can land a hair above 100;
    # trim the largest share by single ulps until the total is at most 100.
    if shares:
        largest = max(range(len(shares)), key=lambda i: shares[i])
        while math.fsum(shares) > 100.0:
            shares[largest] = math.nextafter(shares[largest], 0.0)
    return shares


def score_portfolio(
    projects: Sequence[ProjectRecord],
    profile: RoleProfile,
    today: date,
    catalogue: Catalogue | None = None,
) -> Readiness:
    """Score how ready a portfolio is for a role, with the evidence for each part.

    The catalogue says what technologies imply and which are related; without one,
    the shipped catalogue is used.
    """
    catalogue = get_catalogue() if catalogue is None else catalogue
    return _score_index(PortfolioIndex(projects, today, catalogue), profile)


class Scorer:
    """Score one portfolio, and that portfolio plus one planned project, cheaply.

    The next-steps advice re-scores the portfolio with dozens of hypothetical
    projects; indexing the real projects once makes each of those linear only in
    the requirements, not in a rebuilt index. Results equal ``score_portfolio``.
    """

    def __init__(
        self, projects: Sequence[ProjectRecord], today: date, catalogue: Catalogue | None = None
    ) -> None:
        catalogue = get_catalogue() if catalogue is None else catalogue
        self._index = PortfolioIndex(projects, today, catalogue)

    def score(self, profile: RoleProfile) -> Readiness:
        """Score the portfolio."""
        return _score_index(self._index, profile)

    def score_with(self, planned: ProjectRecord, profile: RoleProfile) -> Readiness:
        """Score the portfolio with one planned project added."""
        return _score_index(self._index.plus(planned), profile)


def _score_index(index: PortfolioIndex, profile: RoleProfile) -> Readiness:
    parts = []
    for requirement, max_points in zip(profile.requirements, _max_points(profile), strict=True):
        stand_ins: tuple[str, ...] = ()
        if requirement.shape == "portfolio":
            coverage, evidence, missing = _score_portfolio_shape(requirement, index)
        elif requirement.shape == "experience":
            coverage, evidence, missing = _score_experience(requirement, index)
        else:
            coverage, evidence, missing, stand_ins = _score_technologies(requirement, index)
        coverage = min(1.0, max(0.0, coverage))
        # A portfolio rule lists what it asks for, so half of it is not met.
        threshold = 1.0 if requirement.shape == "portfolio" else MET_THRESHOLD
        met = coverage >= threshold
        parts.append(
            RequirementScore(
                requirement=requirement,
                coverage=coverage,
                points=max_points * coverage,
                max_points=max_points,
                evidence=evidence,
                missing=missing,
                met=met,
                stand_ins=stand_ins,
            )
        )
    total = math.fsum(part.points for part in parts)
    return Readiness(total=total, parts=tuple(parts))
