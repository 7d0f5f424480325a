"""Grouping and ordering of projects for the public page."""

from __future__ import annotations

from datetime import date

import pytest

from portfolio.exports.grouping import (
    group_projects,
    group_technologies,
    public_only,
    sort_projects,
)
from portfolio.projects.record import KIND_LABELS, ProjectRecord
from portfolio.technologies.catalogue import CATEGORY_LABELS, get_catalogue


def project(title: str, **fields) -> ProjectRecord:
    fields.setdefault("kind", "personal")
    return ProjectRecord(title=title, **fields)


def titles(records) -> list[str]:
    return [r.title for r in records]


def test_public_only_keeps_order() -> None:
    records = [project("a", public=True), project("b"), project("c", public=True)]

    assert titles(public_only(records)) == ["a", "c"]
    assert public_only([]) == []


def test_group_by_kind_orders_kinds_by_weight() -> None:
    records = [
        project("hobby", kind="personal"),
        project("charity", kind="volunteer"),
        project("job", kind="paid"),
        project("intern", kind="internship"),
        project("hobby 2", kind="personal"),
    ]

    groups = group_projects(records, by="kind")

    assert [label for label, _ in groups] == [
        KIND_LABELS["paid"],
        KIND_LABELS["internship"],
        KIND_LABELS["volunteer"],
        KIND_LABELS["personal"],
    ]
    assert [titles(group) for _, group in groups] == [
        ["job"],
        ["intern"],
        ["charity"],
        ["hobby", "hobby 2"],
    ]


def test_empty_kinds_are_left_out() -> None:
    groups = group_projects([project("x", kind="volunteer")], by="kind")

    assert groups == [(KIND_LABELS["volunteer"], [project("x", kind="volunteer")])]
    assert group_projects([], by="kind") == []


def test_featured_first_then_newest() -> None:
    records = [
        project("old", start=date(2018, 1, 1), end=date(2019, 1, 1)),
        project("ongoing", start=date(2015, 1, 1), ongoing=True),
        project("featured old", start=date(2010, 1, 1), end=date(2011, 1, 1), featured=True),
        project("recent", start=date(2022, 1, 1), end=date(2023, 1, 1)),
        project("undated"),
        project("no end", start=date(2020, 6, 1)),
        project("same end, later start", start=date(2022, 6, 1), end=date(2023, 1, 1)),
    ]

    assert titles(sort_projects(records)) == [
        "featured old",
        "ongoing",
        "same end, later start",
        "recent",
        "no end",
        "old",
        "undated",
    ]
    ((_, group),) = group_projects(records, by="kind")
    assert titles(group) == titles(sort_projects(records))


def test_group_by_technology() -> None:
    records = [
        project("api", technologies=("Python", "PostgreSQL"), start=date(2020, 1, 1)),
        project("cli", technologies=("python", "Go"), start=date(2021, 1, 1)),
        project("site", technologies=("Python",), start=date(2022, 1, 1), featured=True),
        project("notes"),
    ]

    groups = group_projects(records, by="technology")

    assert [(label, titles(group)) for label, group in groups] == [
        ("Go", ["cli"]),
        ("PostgreSQL", ["api"]),
        ("Python", ["site", "api"]),
        ("python", ["cli"]),
        # Projects without technologies still appear somewhere.
        ("Other", ["notes"]),
    ]


def test_project_listing_a_technology_twice_appears_once() -> None:
    groups = group_projects([project("x", technologies=("Go", "Go"))], by="technology")

    assert groups == [("Go", [project("x", technologies=("Go", "Go"))])]


def test_unknown_grouping_is_refused() -> None:
    with pytest.raises(ValueError, match="year"):
        group_projects([], by="year")


def test_group_technologies_by_category() -> None:
    catalogue = get_catalogue()
    python = catalogue.normalise_tags(["python"])[0].name
    records = [
        project("a", technologies=(python, "Zeta Thing")),
        project("b", technologies=(python, "Alpha Thing")),
    ]

    groups = group_technologies(records, catalogue)

    assert groups[0] == (CATEGORY_LABELS[catalogue.category_of(python)], [python])
    assert groups[-1] == ("Other", ["Alpha Thing", "Zeta Thing"])
