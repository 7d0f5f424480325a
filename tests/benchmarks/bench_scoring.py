"""Time the readiness score for 100, 1,000 and 10,000 projects (run it directly).

    .venv/bin/python tests/benchmarks/bench_scoring.py

Scoring should be linear in the number of projects, so the time per project
should stay roughly flat as the portfolio grows; the last column shows it
relative to 100 projects. The name bench_*.py keeps pytest from collecting it.
"""

from __future__ import annotations

import random
import sys
import timeit
from datetime import date
from pathlib import Path

# Run from anywhere: make the repository importable without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from portfolio.projects.record import KINDS, ProjectRecord
from portfolio.readiness.profiles import load_builtin_profiles
from portfolio.readiness.scoring import score_portfolio
from portfolio.technologies.catalogue import get_catalogue

SIZES = (100, 1_000, 10_000)
REPEATS = 7
TODAY = date(2025, 6, 15)
POOL = (
    "PHP", "Ruby", "Python", "Java", "JavaScript", "TypeScript", "MySQL", "Oracle",
    "SQL Server", "PostgreSQL", "Redis", "Django", "Flask", "Laravel", "Spring Boot",
    "Express", "React", "HTML", "CSS", "Docker", "Git", "REST APIs", "GraphQL",
    "Unit testing", "Debugging", "Code review", "Continuous integration",
)  # fmt: skip


def generate(count: int, seed: int = 1) -> list[ProjectRecord]:
    """Return ``count`` varied projects, the same ones for the same seed."""
    rng = random.Random(seed)
    projects = []
    for n in range(count):
        year = rng.randint(2012, 2025)
        ongoing = rng.random() < 0.2
        projects.append(
            ProjectRecord(
                title=f"Project {n}",
                kind=rng.choice(KINDS),
                start=date(year, rng.randint(1, 12), 1),
                end=None if ongoing else date(min(2025, year + 1), rng.randint(1, 5), 1),
                ongoing=ongoing,
                live_url="https://example.com" if rng.random() < 0.5 else "",
                source_url="https://example.com/src" if rng.random() < 0.5 else "",
                technologies=tuple(rng.sample(POOL, rng.randint(1, 6))),
                id=n,
            )
        )
    return projects


def main() -> None:
    """Print the best-of time per portfolio size and the per-project ratio."""
    profile = load_builtin_profiles(get_catalogue())["back-end-engineer"]
    print(f"Back-end engineer profile, {len(profile.requirements)} requirements, "
          f"best of {REPEATS} runs")  # fmt: skip
    print(f"{'projects':>9} {'best (ms)':>10} {'per project (µs)':>17} {'ratio vs 100':>13}")
    baseline = None
    for size in SIZES:
        projects = generate(size)
        number = max(1, 2_000 // size)  # loop small sizes so timer noise stays small
        best = (
            min(
                timeit.repeat(
                    lambda projects=projects: score_portfolio(projects, profile, TODAY),
                    number=number,
                    repeat=REPEATS,
                )
            )
            / number
        )
        per_project = best / size
        baseline = baseline or per_project
        print(
            f"{size:>9,} {best * 1000:>10.2f} {per_project * 1e6:>17.2f} "
            f"{per_project / baseline:>13.2f}"
        )


if __name__ == "__main__":
    main()
