"""Which jobs fit me? Several adverts and saved profiles, ranked by readiness, with reasons.

Pasted adverts are separated by a line of three dashes (``---``); each advert's first
line is its title. Each advert becomes a profile the way a single pasted advert does
(its catalogue technologies, grouped into requirements), nothing is saved, and every
candidate is scored against the same portfolio. The ranking is by score, then by
requirements met, then by the order they were given, so equal candidates keep the
user's order. Each comes with its reasons: the requirements met, the biggest gap (the
requirement with the most points still missing) and the next step.

Plain Python: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from portfolio.technologies.catalogue import Catalogue
from portfolio.technologies.extract import extract_technologies

from .advice import NextStep
from .profiles import ProfileError, RoleProfile, profile_from_technologies
from .scoring import Readiness, RequirementScore

#: A line of three dashes, alone (spaces around it allowed), separates two adverts.
SEPARATOR = re.compile(r"^[ \t]*---[ \t]*$", re.MULTILINE)

#: Why an advert could not be ranked.
NO_TECHNOLOGIES = "It names no technology from the catalogue, so there is nothing to score."


@dataclass(frozen=True)
class Advert:
    """One pasted job advert: its title and its text."""

    title: str
    text: str


def split_adverts(pasted: str) -> list[Advert]:
    """Return the adverts in a pasted text, each titled by its first non-blank line."""
    adverts = []
    for chunk in SEPARATOR.split(pasted.replace("\r\n", "\n").replace("\r", "\n")):
        lines = chunk.strip("\n").split("\n")
        while lines and not lines[0].strip():
            lines.pop(0)
        if not any(line.strip() for line in lines):
            continue
        adverts.append(Advert(title=lines[0].strip(), text="\n".join(lines[1:]).strip()))
    return adverts


def advert_technologies(advert: Advert, catalogue: Catalogue) -> list[str]:
    """Return the catalogue technologies an advert names, its title included."""
    mentions = extract_technologies(f"{advert.title}\n{advert.text}", catalogue)
    return [mention.technology.name for mention in mentions]


def advert_profile(advert: Advert, catalogue: Catalogue) -> RoleProfile | None:
    """Return the profile an advert makes, or None when it names no technology."""
    names = advert_technologies(advert, catalogue)
    if not names:
        return None
    try:
        return profile_from_technologies(advert.title, names, catalogue)
    except ProfileError:
        # Every name came from the catalogue and the title passed the schema, so this
        # is not expected; an advert that cannot be scored is listed as unranked.
        return None


@dataclass(frozen=True)
class Fit:
    """One job scored against the portfolio, with the reasons for its place."""

    position: int  # where it was given: adverts first, then saved profiles
    title: str
    source: str  # "advert" or "profile"
    profile: RoleProfile
    readiness: Readiness
    steps: tuple[NextStep, ...]
    technologies: tuple[str, ...] = ()  # what an advert names, for "Save as profile"

    @property
    def met(self) -> tuple[RequirementScore, ...]:
        """Return the requirements met."""
        return tuple(part for part in self.readiness.parts if part.met)

    @property
    def biggest_gap(self) -> RequirementScore | None:
        """Return the requirement with the most points still missing (None if none)."""
        return biggest_gap(self.readiness)

    @property
    def next_step(self) -> NextStep | None:
        """Return the step that would raise this job's score most."""
        return self.steps[0] if self.steps else None


@dataclass(frozen=True)
class Unranked:
    """An advert that could not be scored, and why."""

    position: int
    title: str
    reason: str


def biggest_gap(readiness: Readiness) -> RequirementScore | None:
    """Return the requirement with the most points missing; ties go to the first listed."""
    best: RequirementScore | None = None
    for part in readiness.parts:
        missing = part.max_points - part.points
        if missing > 1e-9 and (best is None or missing > best.max_points - best.points):
            best = part
    return best


def rank(fits: Iterable[Fit]) -> list[Fit]:
    """Return the jobs best first: by score, then requirements met, then as given."""
    return sorted(fits, key=lambda fit: (-fit.readiness.total, -len(fit.met), fit.position))
