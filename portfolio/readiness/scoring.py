"""How ready a portfolio is for a role: the readiness score.

The score is out of 100::

    total = sum(weight_i * coverage_i) / sum(weights) * 100

where each requirement of the role profile has an integer weight and a coverage
between 0 and 1 worked out from the portfolio's evidence.

Evidence from a project
    Each project carries an *amount* of evidence between 0 and 1::

        amount = kind x proof x recency

    kind      paid 1.0, internship 0.85, volunteer 0.7, personal 0.55
    proof     0.7, plus 0.15 for a live link and 0.15 for a source link (max 1.0)
    recency   1.0 if ongoing or ended within 12 months of ``today``, then falling
              in a straight line to 0.5 at 60 months (5 years) and staying there;
              a project with neither end nor start date counts as 5 years old

    So a recent paid project with both links is 1.0, and a recent personal
    project with both links is 0.55.

Diminishing returns
    A technology shown by several projects has a *strength*::

        strength = 1 - (1 - a_1) x (1 - a_2) x ...

    so one internship with both links gives 0.85 and a second one 0.98: more
    work helps, each project a little less, and one project fills a skill only
    if it is as strong as evidence gets.

Requirements by shape
    skill       coverage = strength of the technology
    any         coverage = mean strength of the best ``needed`` technologies
    practice    same as any (the technologies are practices)
    portfolio   coverage = mean over its rules of min(1, have / asked) for:
                projects of the listed kinds, different kinds among them, and
                projects with a live link (plain counts: the rule is about
                the shape of the portfolio, not the strength of any project)
    experience  coverage = mean recency of the best ``needed`` projects of the
                listed kinds (the kind is what qualifies, so its factor and the
                links do not apply)

A requirement is *met* at coverage 0.7 or more (a recent paid project without
links, or two personal projects with links), and a portfolio rule only when all
of its parts are met.

Exactness
    Points are kept as exact floats and the total is their correctly rounded sum
    (``math.fsum``), so the parts always add up to the total and the total never
    depends on the order of the projects. Rounding happens only for display:
    :meth:`Readiness.display_parts` shares the tenths out so that the rounded
    parts add up to the rounded total.

Every coverage only ever grows when a project or a technology is added, so the
score never drops when the portfolio grows. Scoring is linear in the number of
projects: each project is visited once to index its technologies, then each
requirement reads only its own technologies from the index.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from portfolio.projects.record import KIND_LABELS, ProjectRecord

from .profiles import Requirement, RoleProfile

KIND_FACTORS: dict[str, float] = {
    "paid": 1.0,
    "internship": 0.85,
    "volunteer": 0.7,
    "personal": 0.55,
}
# Kinds the catalogue does not know (a later addition) count as the weakest.
UNKNOWN_KIND_FACTOR = 0.55

PROOF_BASE = 0.7
LIVE_BONUS = 0.15
SOURCE_BONUS = 0.15

FULL_RECENCY_MONTHS = 12
FLOOR_RECENCY_MONTHS = 60
RECENCY_FLOOR = 0.5

MET_THRESHOLD = 0.7


@dataclass(frozen=True)
class Evidence:
    """One project's contribution to one requirement."""

    project_id: int | None
    project_title: str
    technology_or_reason: str
    amount: float


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


def months_between(earlier: date, later: date) -> int:
    """Return whole calendar months from ``earlier`` to ``later`` (0 if later is earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return max(0, months)


def recency_factor(project: ProjectRecord, today: date) -> float:
    """Return how much a project's age still counts, from 1.0 down to 0.5."""
    if project.ongoing:
        return 1.0
    last = project.end or project.start
    if last is None:
        return RECENCY_FLOOR
    age = months_between(last, today)
    if age <= FULL_RECENCY_MONTHS:
        return 1.0
    if age >= FLOOR_RECENCY_MONTHS:
        return RECENCY_FLOOR
    span = FLOOR_RECENCY_MONTHS - FULL_RECENCY_MONTHS
    return 1.0 - (1.0 - RECENCY_FLOOR) * (age - FULL_RECENCY_MONTHS) / span


def proof_factor(project: ProjectRecord) -> float:
    """Return how well a project's work can be checked, from 0.7 to 1.0."""
    proof = PROOF_BASE
    if project.live_url.strip():
        proof += LIVE_BONUS
    if project.source_url.strip():
        proof += SOURCE_BONUS
    return min(1.0, proof)


def evidence_amount(project: ProjectRecord, today: date) -> float:
    """Return how much evidence one project gives for each technology it uses."""
    kind = KIND_FACTORS.get(project.kind, UNKNOWN_KIND_FACTOR)
    return kind * proof_factor(project) * recency_factor(project, today)


def combine(amounts: Counter[float]) -> float:
    """Return ``1 - prod(1 - a)`` over amounts given as {amount: how many}."""
    # Multiplying in a fixed order (by distinct amount) makes the result exact-
    # ly the same whatever order the projects came in, and grouping repeats
    # into one power keeps this linear without sorting every project.
    remaining = 1.0
    for amount in sorted(amounts):
        remaining *= (1.0 - amount) ** amounts[amount]
    return 1.0 - remaining


class _Index:
    """The portfolio, visited once: per technology, the projects that use it."""

    def __init__(self, projects: Sequence[ProjectRecord], today: date) -> None:
        self.projects = tuple(projects)
        self.today = today
        self.recencies = [recency_factor(p, today) for p in self.projects]
        self.amounts = [
            KIND_FACTORS.get(p.kind, UNKNOWN_KIND_FACTOR) * proof_factor(p) * recency
            for p, recency in zip(self.projects, self.recencies, strict=True)
        ]
        self.by_technology: dict[str, list[int]] = {}
        for index, project in enumerate(self.projects):
            # A technology listed twice on one project is still one project.
            for name in dict.fromkeys(project.technologies):
                self.by_technology.setdefault(name, []).append(index)
        self._strengths: dict[str, float] = {}
        self._parent: _Index | None = None
        self._evidence: dict[str, tuple[Evidence, ...]] = {}
        self._slices: dict[tuple[str, ...], _KindSlice] = {}

    def plus(self, project: ProjectRecord) -> _Index:
        """Return the index of this portfolio with one more project, without a rebuild."""
        grown = object.__new__(_Index)
        grown.projects = (*self.projects, project)
        grown.today = self.today
        recency = recency_factor(project, self.today)
        grown.recencies = [*self.recencies, recency]
        grown.amounts = [*self.amounts, evidence_amount(project, self.today)]
        grown.by_technology = dict(self.by_technology)
        grown._strengths = dict(self._strengths)
        grown._parent = self
        grown._evidence = {}
        grown._slices = {}
        position = len(self.projects)
        for name in dict.fromkeys(project.technologies):
            grown.by_technology[name] = [*grown.by_technology.get(name, ()), position]
            grown._strengths.pop(name, None)
        return grown

    def strength(self, name: str) -> float:
        if name not in self._strengths:
            users = self.by_technology.get(name, ())
            self._strengths[name] = combine(Counter(self.amounts[i] for i in users))
        return self._strengths[name]

    def evidence(self, names: Sequence[str]) -> tuple[Evidence, ...]:
        items: list[Evidence] = []
        for name in names:
            items.extend(self._evidence_for(name))
        return tuple(items)

    def _evidence_for(self, name: str) -> tuple[Evidence, ...]:
        cached = self._evidence.get(name)
        if cached is None:
            if self._parent is None:
                cached = tuple(
                    Evidence(self.projects[i].id, self.projects[i].title, name, self.amounts[i])
                    for i in self.by_technology.get(name, ())
                )
            else:
                # A grown index holds its parent's projects plus the last one.
                cached = self._parent._evidence_for(name)
                last = len(self.projects) - 1
                project = self.projects[last]
                if name in project.technologies:
                    cached = (
                        *cached,
                        Evidence(project.id, project.title, name, self.amounts[last]),
                    )
            self._evidence[name] = cached
        return cached

    def of_kinds(self, kinds: tuple[str, ...]) -> _KindSlice:
        """Return the projects of these kinds, with their evidence, built once."""
        cached = self._slices.get(kinds)
        if cached is None:
            if self._parent is None:
                cached = _KindSlice.build(self.projects, self.recencies, kinds)
            else:
                cached = self._parent.of_kinds(kinds).add(
                    self.projects[-1], self.recencies[-1], kinds
                )
            self._slices[kinds] = cached
        return cached


@dataclass(frozen=True)
class _KindSlice:
    """The projects of some kinds: what portfolio and experience rules read."""

    count: int = 0
    live: int = 0
    kinds_seen: frozenset[str] = frozenset()
    recencies: tuple[float, ...] = ()
    shape_evidence: tuple[Evidence, ...] = ()
    experience_evidence: tuple[Evidence, ...] = ()

    @classmethod
    def build(
        cls,
        projects: Sequence[ProjectRecord],
        recencies: Sequence[float],
        kinds: tuple[str, ...],
    ) -> _KindSlice:
        chosen = [(p, r) for p, r in zip(projects, recencies, strict=True) if p.kind in kinds]
        pairs = [_kind_evidence(p, r) for p, r in chosen]
        return cls(
            count=len(chosen),
            live=sum(1 for p, _ in chosen if p.live_url.strip()),
            kinds_seen=frozenset(p.kind for p, _ in chosen),
            recencies=tuple(r for _, r in chosen),
            shape_evidence=tuple(shape for shape, _ in pairs),
            experience_evidence=tuple(experience for _, experience in pairs),
        )

    def add(self, project: ProjectRecord, recency: float, kinds: tuple[str, ...]) -> _KindSlice:
        if project.kind not in kinds:
            return self
        shape, experience = _kind_evidence(project, recency)
        return _KindSlice(
            count=self.count + 1,
            live=self.live + bool(project.live_url.strip()),
            kinds_seen=self.kinds_seen | {project.kind},
            recencies=(*self.recencies, recency),
            shape_evidence=(*self.shape_evidence, shape),
            experience_evidence=(*self.experience_evidence, experience),
        )


def _kind_evidence(project: ProjectRecord, recency: float) -> tuple[Evidence, Evidence]:
    """Return a project's evidence for a portfolio rule and for an experience rule."""
    label = KIND_LABELS.get(project.kind, project.kind)
    live = " with a live link" if project.live_url.strip() else ""
    return (
        Evidence(project.id, project.title, label + live, 1.0),
        Evidence(project.id, project.title, label, recency),
    )


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
    requirement: Requirement, index: _Index
) -> tuple[float, tuple[Evidence, ...], tuple[str, ...]]:
    names = requirement.technologies
    strengths = {name: index.strength(name) for name in names}
    coverage = _mean_of_best(strengths.values(), requirement.needed)
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
    if coverage < MET_THRESHOLD and shown:
        weak = sorted(shown, key=lambda name: strengths[name])[: requirement.needed]
        missing.append(
            "Stronger evidence of "
            + ", ".join(weak)
            + " (more projects, paid or recent work, live and source links)"
        )
    return coverage, index.evidence(names), tuple(missing)


def _score_portfolio_shape(
    requirement: Requirement, index: _Index
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
    requirement: Requirement, index: _Index
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
    projects: Sequence[ProjectRecord], profile: RoleProfile, today: date
) -> Readiness:
    """Score how ready a portfolio is for a role, with the evidence for each part."""
    return _score_index(_Index(projects, today), profile)


class Scorer:
    """Score one portfolio, and that portfolio plus one planned project, cheaply.

    The next-steps advice re-scores the portfolio with dozens of hypothetical
    projects; indexing the real projects once makes each of those linear only in
    the requirements, not in a rebuilt index. Results equal ``score_portfolio``.
    """

    def __init__(self, projects: Sequence[ProjectRecord], today: date) -> None:
        self._index = _Index(projects, today)

    def score(self, profile: RoleProfile) -> Readiness:
        """Score the portfolio."""
        return _score_index(self._index, profile)

    def score_with(self, planned: ProjectRecord, profile: RoleProfile) -> Readiness:
        """Score the portfolio with one planned project added."""
        return _score_index(self._index.plus(planned), profile)


def _score_index(index: _Index, profile: RoleProfile) -> Readiness:
    parts = []
    for requirement, max_points in zip(profile.requirements, _max_points(profile), strict=True):
        if requirement.shape == "portfolio":
            coverage, evidence, missing = _score_portfolio_shape(requirement, index)
        elif requirement.shape == "experience":
            coverage, evidence, missing = _score_experience(requirement, index)
        else:
            coverage, evidence, missing = _score_technologies(requirement, index)
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
            )
        )
    total = math.fsum(part.points for part in parts)
    return Readiness(total=total, parts=tuple(parts))
