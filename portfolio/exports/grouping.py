"""Ordering and grouping of projects for the public page and the exports.

Plain Python: no Flask, no SQLAlchemy, so the page, the README export and the
JSON Resume skills section all group projects the same way.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from portfolio.projects.record import KIND_LABELS, KINDS, ProjectRecord

if TYPE_CHECKING:
    from portfolio.technologies.catalogue import CatalogueLike

#: Group orders for ``group_projects``: the weightiest evidence first.
KIND_ORDER: tuple[str, ...] = tuple(reversed(KINDS))

#: Heading for projects that list no technology, and for uncatalogued skills.
OTHER_LABEL = "Other"

GROUP_BY: tuple[str, ...] = ("kind", "technology")


def public_only(projects: Iterable[ProjectRecord]) -> list[ProjectRecord]:
    """Return the projects the owner marked public, in their original order."""
    return [project for project in projects if project.public]


def sort_projects(projects: Iterable[ProjectRecord]) -> list[ProjectRecord]:
    """Return projects featured first, then newest first."""
    return sorted(projects, key=_display_key)


def group_projects(
    projects: Iterable[ProjectRecord], by: str
) -> list[tuple[str, list[ProjectRecord]]]:
    """Group projects under headings by "kind" or by "technology"."""
    if by == "kind":
        return _group_by_kind(projects)
    if by == "technology":
        return _group_by_technology(projects)
    raise ValueError(f"cannot group projects by {by!r}; use one of {GROUP_BY}")


def group_technologies(
    projects: Iterable[ProjectRecord], catalogue: CatalogueLike
) -> list[tuple[str, list[str]]]:
    """Group the technologies used across projects by catalogue category."""
    usage: Counter[str] = Counter()
    for project in projects:
        # A project listing a technology twice still counts as one use.
        usage.update(dict.fromkeys(project.technologies, 1))
    by_category: dict[str | None, list[str]] = {}
    for name in usage:
        by_category.setdefault(catalogue.category_of(name), []).append(name)
    order = list(_catalogue_categories(catalogue))
    # Categories the catalogue returns but does not list still get a place,
    # after the known ones, rather than vanishing from the output.
    order += sorted(c for c in by_category if c is not None and c not in order)
    labels = _category_labels(catalogue)
    groups: list[tuple[str, list[str]]] = []
    for category in [*order, None]:
        names = by_category.get(category)
        if not names:
            continue
        # Most-used first says most about the owner; the name breaks ties so the
        # output is stable between runs.
        names.sort(key=lambda n: (-usage[n], n.casefold(), n))
        label = OTHER_LABEL if category is None else labels.get(category, category)
        groups.append((label, names))
    return groups


def _group_by_kind(
    projects: Iterable[ProjectRecord],
) -> list[tuple[str, list[ProjectRecord]]]:
    by_kind: dict[str, list[ProjectRecord]] = {}
    for project in projects:
        by_kind.setdefault(project.kind, []).append(project)
    # Kinds outside KINDS should not happen, but showing them last beats dropping.
    order = [*KIND_ORDER, *sorted(k for k in by_kind if k not in KIND_ORDER)]
    return [
        (KIND_LABELS.get(kind, kind), sort_projects(by_kind[kind]))
        for kind in order
        if kind in by_kind
    ]


def _group_by_technology(
    projects: Iterable[ProjectRecord],
) -> list[tuple[str, list[ProjectRecord]]]:
    by_tech: dict[str, list[ProjectRecord]] = {}
    untagged: list[ProjectRecord] = []
    for project in projects:
        if not project.technologies:
            untagged.append(project)
        for name in dict.fromkeys(project.technologies):
            by_tech.setdefault(name, []).append(project)
    groups = [
        (name, sort_projects(by_tech[name]))
        for name in sorted(by_tech, key=lambda n: (n.casefold(), n))
    ]
    # Without this group a project with no technologies would vanish from a
    # page grouped by technology.
    if untagged:
        groups.append((OTHER_LABEL, sort_projects(untagged)))
    return groups


def _display_key(project: ProjectRecord) -> tuple[bool, int, int, str]:
    if project.ongoing:
        finished = date.max.toordinal()
    elif project.end is not None:
        finished = project.end.toordinal()
    else:
        # No end date and not ongoing: the start is the best guess of when.
        finished = _ordinal(project.start)
    # Negated ordinals sort newest first while `not featured` puts featured first.
    return (
        not project.featured,
        -finished,
        -_ordinal(project.start),
        project.title.casefold(),
    )


def _ordinal(day: date | None) -> int:
    return day.toordinal() if day is not None else 0


def _catalogue_categories(catalogue: Any) -> Sequence[str]:
    return _catalogue_constant(catalogue, "CATEGORIES", ())


def _category_labels(catalogue: Any) -> dict[str, str]:
    return dict(_catalogue_constant(catalogue, "CATEGORY_LABELS", {}))


def _catalogue_constant(catalogue: Any, name: str, default: Any) -> Any:
    # The catalogue may expose its constants on the object or only in the module
    # that defines it. Reading that module from sys.modules (it is loaded, since
    # the object exists) avoids importing portfolio.technologies, whose package
    # pulls in Flask.
    value = getattr(catalogue, name, None)
    if value is None:
        module = sys.modules.get(type(catalogue).__module__)
        value = getattr(module, name, None)
    return default if value is None else value
