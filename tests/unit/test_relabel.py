"""An edited requirement's label follows its technologies when the label was made from them."""

from __future__ import annotations

import pytest

from portfolio.readiness.profiles import LABEL_LIST_MAX, relabel


@pytest.mark.parametrize(
    ("label", "old", "new", "needed", "expected"),
    [
        ("Programming languages: Ruby", ["Ruby"], ["Ruby", "Python"], 1,
         "Programming languages: Ruby or Python"),
        ("Databases: MySQL or Oracle", ["MySQL", "Oracle"], ["MySQL"], 1, "Databases: MySQL"),
        ("Platforms and tools: Docker and Git", ["Docker", "Git"], ["Docker", "Git", "AWS"], 2,
         "Platforms and tools: any 2 of Docker, Git, AWS"),
        ("Practices: any 2 of the 9 named", ["a"] * 9, ["Code review", "Debugging"], 2,
         "Practices: Code review and Debugging"),
        # The user's own words are theirs.
        ("A language we like", ["Ruby"], ["Ruby", "Python"], 1, "A language we like"),
        ("Databases: the usual", ["MySQL"], ["Oracle"], 1, "Databases: the usual"),
        # Nothing to do.
        ("Databases: MySQL", ["MySQL"], ["MySQL"], 1, "Databases: MySQL"),
        ("Databases: MySQL", ["MySQL"], [], 1, "Databases: MySQL"),
    ],
)  # fmt: skip
def test_relabel(label, old, new, needed, expected) -> None:
    assert relabel(label, old, new, needed) == expected


def test_a_long_list_is_counted_not_spelt_out() -> None:
    names = [f"Technology number {n}" for n in range(30)]
    label = relabel("Frameworks: Django", ["Django"], names)
    assert label == "Frameworks: one of the 30 named"
    assert len(relabel("Frameworks: Django", ["Django"], names[:3])) <= LABEL_LIST_MAX
