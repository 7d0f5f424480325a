"""What a portfolio shows: the one table of evidence factors, and the portfolio indexed.

Every project gives each technology it shows an amount of *evidence* between 0 and 1,
the product of the factors in this table (``EVIDENCE_FACTORS``; ``docs/score.md``
prints the same table, and a test keeps the two in step)::

    evidence = kind x proof x recency x route

    kind      what the work was: paid 1.0, internship 0.85, volunteer 0.7,
              personal 0.55
    proof     how well it can be checked: 0.7, plus each proof source the
              project has (a live link 0.15; a source link or analysed code 0.15;
              a public repository with the owner's commits 0.1; a confirmed,
              unedited reference 0.2, and 0.1 more when the app mailed its link
              to an organisation's address, not a free-mail one), at most 1.0
    recency   1.0 if ongoing or ended within 12 months of ``today``, then
              falling in a straight line to 0.5 at 60 months (5 years) and
              staying there; a project with neither end nor start counts as
              5 years old
    implied   how the project shows the technology: named on it 1.0; implied
              by a technology it names (Laravel is PHP) 0.8
    related   a technology a requirement does not list whose skills transfer
              to one it does, by the catalogue's level: close 0.7 (MariaDB for
              MySQL), similar 0.5 (PostgreSQL for MySQL), distant 0.25 (SQLite
              for MySQL)

Kind, proof and recency make a project's *amount*; implied and related say how much
of it reaches a technology. A technology both named and implied on one project counts
once, as named: per project the strongest route wins, never the sum. And in one
requirement a technology a project names fills one place: what it implies does not
fill a second place when the requirement lists both (an Express project counts once
toward "two of Express, Django or Node.js", not twice). Sources of proof are rows
of ``PROOF_SOURCES``, and so of this table.

Several projects showing one technology give it a *strength*::

    strength = 1 - (1 - e_1) x (1 - e_2) x ...

so more work helps, each project a little less. Plain Python: no Flask.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from portfolio.projects.record import KIND_LABELS, ProjectRecord, ReferenceProof
from portfolio.schemas import rules
from portfolio.technologies.catalogue import RELATED_LEVELS, Catalogue

KIND_FACTORS: dict[str, float] = {
    "paid": 1.0,
    "internship": 0.85,
    "volunteer": 0.7,
    "personal": 0.55,
}
# Kinds the catalogue does not know (a later addition) count as the weakest.
UNKNOWN_KIND_FACTOR = 0.55


@dataclass(frozen=True)
class ProofSource:
    """One way a project's work can be checked, and what it adds to the proof factor."""

    name: str
    bonus: float
    shown_by: Callable[[ProjectRecord], bool]


PROOF_BASE = 0.7
LIVE_BONUS = 0.15
SOURCE_BONUS = 0.15
#: A public repository whose history shows the owner's own commits: a reader can open
#: it and count them, so it proves more than a source link. An uploaded archive or
#: bundle proves only that code with this stack exists (commit emails are
#: self-asserted), so it counts like a source link, not more.
HISTORY_BONUS = 0.1
#: A reference a referee confirmed and the owner has not edited since: the strongest
#: proof a project can have, more when the app mailed the link to an organisation's
#: address (not a free-mail one anyone can open) than when the owner passed it on.
REFERENCE_BONUS = 0.2
MAILED_REFERENCE_BONUS = 0.1


def _has_code(project: ProjectRecord) -> bool:
    return project.code is not None


def _has_public_history(project: ProjectRecord) -> bool:
    code = project.code
    return code is not None and code.source == "url" and bool(code.commits_yours)


def _confirmed(project: ProjectRecord) -> list[str]:
    return [reference.how for reference in project.references if not reference.edited_since]


def mailed_to_an_organisation(reference: ReferenceProof) -> bool:
    """Return whether the app mailed a reference's link to an organisation's address."""
    # Anyone can open a free-mail address, the owner included: only an organisation's
    # address says the link reached someone there.
    domain = reference.email_domain
    return reference.how == "email" and bool(domain) and not rules.is_free_mail(domain)


def _confirmed_at_an_organisation(project: ProjectRecord) -> bool:
    return any(
        mailed_to_an_organisation(reference) and not reference.edited_since
        for reference in project.references
    )


#: Each adds its bonus to PROOF_BASE, up to 1.0.
PROOF_SOURCES: tuple[ProofSource, ...] = (
    ProofSource("live link", LIVE_BONUS, lambda project: bool(project.live_url.strip())),
    ProofSource(
        "source link or code analysed",
        SOURCE_BONUS,
        lambda project: bool(project.source_url.strip()) or _has_code(project),
    ),
    ProofSource("public history with the owner's commits", HISTORY_BONUS, _has_public_history),
    ProofSource("confirmed reference", REFERENCE_BONUS, lambda project: bool(_confirmed(project))),
    ProofSource(
        "reference confirmed through a link mailed to an organisation's address",
        MAILED_REFERENCE_BONUS,
        _confirmed_at_an_organisation,
    ),
)

FULL_RECENCY_MONTHS = 12
FLOOR_RECENCY_MONTHS = 60
RECENCY_FLOOR = 0.5

#: A technology a project does not name but one it names implies (Laravel: PHP). Most
#: of what a reader credits: the work is in that technology, but part of it is the
#: framework's conventions rather than the language or platform underneath.
IMPLIED_FACTOR = 0.8
#: A related technology's credit toward a requirement, by the catalogue's level.
RELATED_CREDITS: dict[str, float] = {"close": 0.7, "similar": 0.5, "distant": 0.25}
if tuple(RELATED_CREDITS) != RELATED_LEVELS:  # pragma: no cover - a data error at import
    raise ValueError("RELATED_CREDITS must give a credit for each of RELATED_LEVELS, in order")

#: How a project shows a technology, strongest first.
NAMED, IMPLIED, RELATED = "named", "implied", "related"


@dataclass(frozen=True)
class Factor:
    """One row of the table of evidence factors."""

    name: str
    weighs: str
    values: tuple[tuple[str, float], ...]


#: The one table of evidence factors, in the order they multiply.
EVIDENCE_FACTORS: tuple[Factor, ...] = (
    Factor("kind", "What kind of work the project was", tuple(KIND_FACTORS.items())),
    Factor(
        "proof",
        "How well the work can be checked: the base plus each source, at most 1.0",
        (("base", PROOF_BASE), *((source.name, source.bonus) for source in PROOF_SOURCES)),
    ),
    Factor(
        "recency",
        f"How recent: full to {FULL_RECENCY_MONTHS} months after it ended, then falling "
        f"in a straight line to the floor at {FLOOR_RECENCY_MONTHS} months",
        (("ongoing or recent", 1.0), ("old or undated", RECENCY_FLOOR)),
    ),
    Factor(
        "implied",
        "How the project shows a technology: named, or implied by one it names",
        ((NAMED, 1.0), (IMPLIED, IMPLIED_FACTOR)),
    ),
    Factor(
        "related",
        "A technology the requirement does not list, whose skills transfer to one it does",
        tuple(RELATED_CREDITS.items()),
    ),
)


class Evidence(NamedTuple):
    """One project's contribution to one requirement, and how it came.

    ``technology_or_reason`` says it in words: "PHP", "PHP, from Laravel",
    "PostgreSQL, related to MySQL", or a reason such as "Paid work". (A named tuple,
    not a frozen dataclass: a large portfolio makes tens of thousands of these, and a
    tuple is several times quicker to build.)
    """

    project_id: int | None
    project_title: str
    technology_or_reason: str
    amount: float
    technology: str = ""  # the technology shown ("" for portfolio and experience reasons)
    credit: str = ""  # named, implied or related ("" for reasons)
    via: str = ""  # the technology the project names that implies it
    related_to: str = ""  # what a related technology stands in for ("MySQL or Oracle")
    factor: float = 1.0  # the route's factor: 0.8 implied, a related credit, 1.0 named


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
    for source in PROOF_SOURCES:
        if source.shown_by(project):
            proof += source.bonus
    return min(1.0, proof)


def evidence_amount(project: ProjectRecord, today: date) -> float:
    """Return how much evidence one project gives for each technology it names."""
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


def shows(project: ProjectRecord, catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    """Return what a project shows: {technology: () if named, else what implies it}.

    A technology named and implied is named: it counts once, the stronger way. One
    implied by several names lists them in the project's order.
    """
    shown: dict[str, tuple[str, ...]] = dict.fromkeys(project.technologies, ())
    for name in project.technologies:
        for other in catalogue.implied(name):
            vias = shown.get(other)
            if vias is None:
                shown[other] = (name,)
            elif vias and name not in vias:
                shown[other] = (*vias, name)
    return shown


def route(vias: tuple[str, ...], listed: frozenset[str]) -> str | None:
    """Return how a project shows a technology toward a requirement listing ``listed``.

    "" when named; the technology implying it when implied; None when it counts for
    nothing here, because what a listed technology implies fills no other place of
    the same requirement (the listed one counts in its own place).
    """
    if not vias:
        return ""
    for via in vias:
        if via not in listed:
            return via
    return None


class PortfolioIndex:
    """The portfolio, visited once: per technology, the projects that show it and how."""

    def __init__(self, projects: Sequence[ProjectRecord], today: date, catalogue: Catalogue):
        self.projects = tuple(projects)
        self.today = today
        self.catalogue = catalogue
        self.recencies = [recency_factor(p, today) for p in self.projects]
        self.amounts = [
            KIND_FACTORS.get(p.kind, UNKNOWN_KIND_FACTOR) * proof_factor(p) * recency
            for p, recency in zip(self.projects, self.recencies, strict=True)
        ]
        #: technology -> [(project position, what implies it there, () if named)]
        self.by_technology: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for index, project in enumerate(self.projects):
            for name, vias in shows(project, catalogue).items():
                self.by_technology.setdefault(name, []).append((index, vias))
        self._strengths: dict[tuple[str, frozenset[str]], float] = {}
        self._parent: PortfolioIndex | None = None
        self._evidence: dict[tuple[str, frozenset[str]], tuple[Evidence, ...]] = {}
        self._slices: dict[tuple[str, ...], KindSlice] = {}

    def plus(self, project: ProjectRecord) -> PortfolioIndex:
        """Return the index of this portfolio with one more project, without a rebuild."""
        grown = object.__new__(PortfolioIndex)
        grown.projects = (*self.projects, project)
        grown.today = self.today
        grown.catalogue = self.catalogue
        recency = recency_factor(project, self.today)
        grown.recencies = [*self.recencies, recency]
        grown.amounts = [*self.amounts, evidence_amount(project, self.today)]
        grown.by_technology = dict(self.by_technology)
        position = len(self.projects)
        shown = shows(project, self.catalogue)
        for name, vias in shown.items():
            grown.by_technology[name] = [*grown.by_technology.get(name, ()), (position, vias)]
        grown._strengths = {k: v for k, v in self._strengths.items() if k[0] not in shown}
        grown._parent = self
        grown._evidence = {}
        grown._slices = {}
        return grown

    def _routes(self, name: str, listed: frozenset[str]) -> list[tuple[int, str]]:
        found = []
        for index, vias in self.by_technology.get(name, ()):
            via = route(vias, listed)
            if via is not None:
                found.append((index, via))
        return found

    def strength(self, name: str, listed: frozenset[str] = frozenset()) -> float:
        """Return how strongly the portfolio shows a technology toward a requirement."""
        key = (name, listed)
        found = self._strengths.get(key)
        if found is None:
            amounts = self.amounts
            found = self._strengths[key] = combine(
                Counter(
                    amounts[i] * IMPLIED_FACTOR if via else amounts[i]
                    for i, via in self._routes(name, listed)
                )
            )
        return found

    def evidence_for(self, name: str, listed: frozenset[str] = frozenset()) -> tuple[Evidence, ...]:
        """Return each project's evidence for a technology, in the portfolio's order."""
        key = (name, listed)
        cached = self._evidence.get(key)
        if cached is None:
            if self._parent is None:
                cached = tuple(self._one(i, name, via) for i, via in self._routes(name, listed))
            else:
                # A grown index holds its parent's projects plus the last one.
                cached = self._parent.evidence_for(name, listed)
                last = len(self.projects) - 1
                entries = self.by_technology.get(name)
                shown = entries is not None and entries[-1][0] == last
                via = route(entries[-1][1], listed) if shown else None
                if via is not None:
                    cached = (*cached, self._one(last, name, via))
            self._evidence[key] = cached
        return cached

    def _one(self, index: int, name: str, via: str) -> Evidence:
        project = self.projects[index]
        if not via:
            return Evidence(project.id, project.title, name, self.amounts[index], name, NAMED)
        return Evidence(
            project.id,
            project.title,
            f"{name}, from {via}",
            self.amounts[index] * IMPLIED_FACTOR,
            name,
            IMPLIED,
            via,
            "",
            IMPLIED_FACTOR,
        )

    def of_kinds(self, kinds: tuple[str, ...]) -> KindSlice:
        """Return the projects of these kinds, with their evidence, built once."""
        cached = self._slices.get(kinds)
        if cached is None:
            if self._parent is None:
                cached = KindSlice.build(self.projects, self.recencies, kinds)
            else:
                cached = self._parent.of_kinds(kinds).add(
                    self.projects[-1], self.recencies[-1], kinds
                )
            self._slices[kinds] = cached
        return cached


@dataclass(frozen=True)
class KindSlice:
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
    ) -> KindSlice:
        """Return the slice of the projects of these kinds."""
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

    def add(self, project: ProjectRecord, recency: float, kinds: tuple[str, ...]) -> KindSlice:
        """Return the slice with one more project, if it is of these kinds."""
        if project.kind not in kinds:
            return self
        shape, experience = _kind_evidence(project, recency)
        return KindSlice(
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


def related_evidence(
    evidence: Iterable[Evidence], credit: float, related_to: str
) -> tuple[Evidence, ...]:
    """Return a related technology's evidence as it counts toward what it stands in for."""
    return tuple(
        Evidence(
            item.project_id,
            item.project_title,
            f"{item.technology_or_reason}, related to {related_to}",
            item.amount * credit,
            technology=item.technology,
            credit=RELATED,
            via=item.via,
            related_to=related_to,
            factor=item.factor * credit,
        )
        for item in evidence
    )
