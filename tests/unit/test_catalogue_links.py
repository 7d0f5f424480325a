"""The catalogue's implied and related technologies: data checked when it loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portfolio.technologies.catalogue import (
    CATALOGUE_PATH,
    RELATED_LEVELS,
    Catalogue,
    Technology,
    get_catalogue,
)

CATALOGUE = get_catalogue()


@pytest.mark.parametrize(
    ("name", "implied"),
    [
        ("Laravel", ("PHP",)),
        ("Symfony", ("PHP",)),
        ("WordPress", ("PHP",)),
        ("Django", ("Python",)),
        ("Flask", ("Python",)),
        ("FastAPI", ("Python",)),
        ("Ruby on Rails", ("Ruby",)),
        ("Sinatra", ("Ruby",)),
        ("Spring", ("Java",)),
        ("Spring Boot", ("Spring", "Java")),
        ("Express", ("Node.js", "JavaScript")),
        ("NestJS", ("Node.js", "JavaScript")),
        ("Node.js", ("JavaScript",)),
        ("TypeScript", ("JavaScript",)),
        ("ASP.NET", ("C#", ".NET")),
    ],
)
def test_the_issue_s_implications_are_in_the_data(name: str, implied: tuple[str, ...]) -> None:
    assert CATALOGUE.implied(name) == implied


def test_a_relation_holds_both_ways_at_one_level() -> None:
    assert CATALOGUE.related("MySQL")["MariaDB"] == "close"
    assert CATALOGUE.related("MariaDB")["MySQL"] == "close"
    assert CATALOGUE.related("PostgreSQL")["MySQL"] == "similar"
    assert CATALOGUE.related("SQLite")["MySQL"] == "distant"
    assert CATALOGUE.related("Blorbscript") == {}
    assert CATALOGUE.implied("Blorbscript") == ()


def test_the_shipped_data_keeps_one_entry_a_line_and_known_levels() -> None:
    lines = CATALOGUE_PATH.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    entries = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    assert len(lines) == len(entries) + 2
    for entry in entries:
        assert set(entry.get("related", {}).values()) <= set(RELATED_LEVELS)


def tech(name: str, implies=(), related=()) -> Technology:
    return Technology(name, "framework", implies=implies, related=related)


@pytest.mark.parametrize(
    ("technologies", "message"),
    [
        ([tech("A", implies=("B",))], "'A' implies 'B', which is not in the catalogue"),
        ([tech("A", implies=("A",))], "'A' implies itself"),
        ([tech("A", implies=("B", "B")), tech("B")], "'A' lists an implication twice"),
        (
            [tech("A", implies=("B",)), tech("B", implies=("C",)), tech("C", implies=("A",))],
            "implications loop: A -> B -> C -> A",
        ),
        ([tech("A", related=(("B", "close"),))], "'A' is related to 'B', which is not in"),
        ([tech("A", related=(("A", "close"),))], "'A' is related to itself"),
        ([tech("A", related=(("B", "near"),)), tech("B")], "at 'near'; use one of close"),
        (
            [tech("A", related=(("B", "close"),)), tech("B", related=(("A", "close"),))],
            "'B' and 'A' are declared related twice",
        ),
    ],
)
def test_bad_links_stop_the_catalogue_loading(technologies, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Catalogue(technologies)


def test_a_file_with_bad_links_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps([{"name": "A", "category": "language", "implies": "B"}]))
    with pytest.raises(ValueError, match=r"\[0\]: implies must be a list of strings"):
        Catalogue.from_file(path)
    path.write_text(json.dumps([{"name": "A", "category": "language", "related": ["B"]}]))
    with pytest.raises(ValueError, match="related must be an object of names and levels"):
        Catalogue.from_file(path)
