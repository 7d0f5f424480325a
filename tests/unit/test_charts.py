"""SVG charts: valid XML, accessible, escaped, graceful with little data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest

from portfolio.projects.record import ProjectRecord
from portfolio.readiness.charts import coverage_chart, history_chart, rule_changes_within
from portfolio.readiness.profiles import Requirement, RoleProfile
from portfolio.readiness.scoring import RULE_CHANGES, RuleChange, score_portfolio

SVG = "{http://www.w3.org/2000/svg}"

PROFILE = RoleProfile(
    slug="evil",
    title="Evil",
    description="",
    salary_text="",
    hours=None,
    source="tests",
    requirements=(
        Requirement("xss", "<script>alert(1)</script> & co", "", 2, "skill", ("PHP",)),
        Requirement("db", "Databases", "", 1, "any", ("MySQL", "Oracle")),
    ),
)


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox")
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    return root


@pytest.mark.parametrize("count", [0, 1, 2, 30])
def test_history_chart_is_valid_for_any_number_of_points(count: int) -> None:
    points = [(datetime(2025, 1, 1 + n % 28, n % 24), (n * 7) % 101) for n in range(count)]
    root = _parse(history_chart(points))
    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == count
    assert len(root.findall(f".//{SVG}polyline")) == (1 if count > 1 else 0)
    assert root.findall(f".//{SVG}line[@class='axis']")


def test_history_chart_with_no_points_says_so() -> None:
    root = _parse(history_chart([]))
    assert "No readiness scores" in root.find(f"{SVG}desc").text
    assert any(t.text == "No scores yet" for t in root.iter(f"{SVG}text"))


def test_history_chart_with_one_point_describes_it() -> None:
    root = _parse(history_chart([(datetime(2025, 3, 4), 42.25)]))
    assert (
        root.find(f"{SVG}desc").text == "One readiness score so far: 42.2 out of 100 on 4 Mar 2025."
    )


def test_history_chart_keeps_scores_inside_the_plot() -> None:
    root = _parse(
        history_chart([(datetime(2025, 1, 1), -5), (datetime(2025, 2, 1), 150)], 600, 200)
    )
    ys = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    assert all(0 <= y <= 200 for y in ys)


def test_history_chart_escapes_its_id_prefix() -> None:
    svg = history_chart([], id_prefix='x" onload="alert(1)')
    root = _parse(svg)
    assert root.get("onload") is None
    assert root.find(f"{SVG}title").get("id") == "x--onload--alert-1--title"


def test_coverage_chart_has_a_bar_and_label_per_requirement() -> None:
    readiness = score_portfolio(
        [
            ProjectRecord(
                "Shop", "paid", start=date(2025, 1, 1), ongoing=True, technologies=("PHP",)
            )
        ],
        PROFILE,
        date(2025, 6, 1),
    )
    svg = coverage_chart(readiness)
    root = _parse(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if "bar" in r.get("class", "").split()]
    assert len(bars) == 2
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "label"]
    assert labels == ["<script>alert(1)</script> & co", "Databases"]
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "value"]
    assert values == ["70%", "0%"]
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert root.find(f".//{SVG}rect[@class='bar met']") is not None


def test_coverage_chart_with_no_requirements_is_still_valid() -> None:
    empty = score_portfolio([], PROFILE, date(2025, 6, 1))
    _parse(coverage_chart(type(empty)(total=0.0, parts=())))


CHANGE = RuleChange(date(2026, 11, 29), "Implied & related <technologies> count")


def test_history_chart_marks_the_day_the_rules_changed() -> None:
    points = [(datetime(2026, 11, 20, 9), 40.0), (datetime(2026, 12, 2, 9), 55.0)]
    svg = history_chart(points, rule_changes=[CHANGE])
    root = _parse(svg)
    (mark,) = root.findall(f"{SVG}g[@class='rule-change']")
    assert "29 Nov 2026" in mark.find(f"{SVG}title").text
    assert "<technologies>" in mark.find(f"{SVG}title").text  # escaped in the markup
    assert "&lt;technologies&gt;" in svg
    desc = root.find(f"{SVG}desc").text
    assert "The scoring rules changed on 29 Nov 2026" in desc
    assert "not from new work" in desc
    # The mark sits between the two points, on the day itself.
    x = float(mark.find(f"{SVG}line").get("x1"))
    xs = [float(c.get("cx")) for c in root.findall(f"{SVG}circle")]
    assert xs[0] < x < xs[1]


def test_a_rule_change_outside_the_history_is_not_marked() -> None:
    before = [(datetime(2026, 11, 1), 40.0), (datetime(2026, 11, 20), 45.0)]
    after = [(datetime(2026, 12, 1), 40.0), (datetime(2026, 12, 20), 45.0)]
    for points in (before, after, [], [(datetime(2026, 12, 1), 40.0)]):
        assert rule_changes_within(points, [CHANGE]) == []
        assert "rule-change" not in history_chart(points, rule_changes=[CHANGE])
    assert rule_changes_within([*before, *after], [CHANGE]) == [CHANGE]


def test_the_shipped_rule_changes_are_dated_in_order() -> None:
    days = [change.day for change in RULE_CHANGES]
    assert days == sorted(days) and days
    assert RULE_CHANGES[-1].what
