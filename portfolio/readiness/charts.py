"""Readiness charts as inline SVG strings, with no JavaScript.

Charts scale with their container through ``viewBox``; colours come from CSS
classes (``axis``, ``grid``, ``line``, ``point``, ``bar``, ``bar-track``...) with
``fill``/``stroke`` attributes only as a fallback. Each chart is an image with a
``<title>`` and a ``<desc>`` that says in words what it shows, so a screen reader
gets the same facts as the eye. Every piece of text goes through
``html.escape``, because labels come from user-made profiles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time
from html import escape

from .scoring import RULE_CHANGES, Readiness, RuleChange

_FONT = 'font-family="system-ui, sans-serif"'


def _number(value: float) -> str:
    # Two decimals are finer than a pixel and keep the markup short.
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _when(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _score(value: float) -> str:
    return f"{value:.1f}"


def _open(width: int, height: int, id_prefix: str, title: str, desc: str, css: str) -> str:
    # An id can hold no spaces, and aria-labelledby splits on them.
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix) or "chart"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc">'
        f'<title id="{prefix}-title">{escape(title)}</title>'
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>'
    )


def rule_changes_within(
    points: Sequence[tuple[datetime, float]], changes: Sequence[RuleChange] = RULE_CHANGES
) -> list[RuleChange]:
    """Return the rule changes between the first and the last recorded score.

    Only those can show as a jump in the history: a change before the first score or
    after the last one has nothing on either side of it to compare.
    """
    if not points:
        return []
    first = min(moment for moment, _ in points)
    last = max(moment for moment, _ in points)
    return [change for change in changes if first < datetime.combine(change.day, time()) <= last]


def history_chart(
    points: Sequence[tuple[datetime, float]],
    width: int = 600,
    height: int = 200,
    *,
    id_prefix: str = "history-chart",
    rule_changes: Sequence[RuleChange] = RULE_CHANGES,
) -> str:
    """Render the readiness score over time as an SVG line chart.

    Each day the scoring rules changed within the history is marked with a dashed line
    and said in the description, so a jump on that day is not read as progress.
    """
    ordered = sorted(points, key=lambda point: point[0])
    marked = rule_changes_within(ordered, rule_changes)
    left, right, top, bottom = 40, 16, 12, 28
    plot_w = max(1, width - left - right)
    plot_h = max(1, height - top - bottom)

    if not ordered:
        desc = "No readiness scores have been recorded yet."
    elif len(ordered) == 1:
        moment, value = ordered[0]
        desc = f"One readiness score so far: {_score(value)} out of 100 on {_when(moment)}."
    else:
        (first_at, first), (last_at, last) = ordered[0], ordered[-1]
        best = max(value for _, value in ordered)
        desc = (
            f"{len(ordered)} readiness scores from {_when(first_at)} to {_when(last_at)}: "
            f"{_score(first)} at first, {_score(last)} at last, best {_score(best)}, "
            "out of 100."
        )
    for change in marked:
        desc += (
            f" The scoring rules changed on {_day(change.day)} ({change.what}), so a jump "
            "then comes from the new rules, not from new work."
        )
    parts = [_open(width, height, id_prefix, "Readiness score over time", desc, "chart history")]

    def y_of(value: float) -> float:
        clamped = min(100.0, max(0.0, value))
        return top + plot_h * (1 - clamped / 100)

    # Grid lines and labels at every quarter of the 0..100 scale.
    for tick in (0, 25, 50, 75, 100):
        y = _number(y_of(tick))
        parts.append(
            f'<line class="grid" x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" '
            'stroke="#dddddd" stroke-width="1"/>'
        )
        parts.append(
            f'<text class="tick" x="{left - 6}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle" font-size="11" fill="#555555" {_FONT}>{tick}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" '
        'stroke="#333333" stroke-width="1"/>'
    )
    parts.append(
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
        f'y2="{top + plot_h}" stroke="#333333" stroke-width="1"/>'
    )
    label_y = _number(top + plot_h + 18)

    if not ordered:
        parts.append(
            f'<text class="empty" x="{_number(left + plot_w / 2)}" '
            f'y="{_number(top + plot_h / 2)}" text-anchor="middle" font-size="13" '
            f'fill="#555555" {_FONT}>No scores yet</text>'
        )
        parts.append("</svg>")
        return "".join(parts)

    start = ordered[0][0]
    span = (ordered[-1][0] - start).total_seconds()

    def x_of(moment: datetime) -> float:
        # One point, or all at the same moment, sits in the middle.
        if span <= 0:
            return left + plot_w / 2
        return left + plot_w * (moment - start).total_seconds() / span

    for change in marked:
        x = _number(x_of(datetime.combine(change.day, time())))
        parts.append(
            f'<g class="rule-change"><title>Scoring rules changed on {escape(_day(change.day))}: '
            f"{escape(change.what)}</title>"
            f'<line x1="{x}" y1="{top}" x2="{x}" y2="{top + plot_h}" stroke="#8a6d00" '
            'stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text x="{x}" y="{top + 10}" dx="4" font-size="11" fill="#6b5500" {_FONT}>'
            "Rules changed</text></g>"
        )
    coords = [(x_of(moment), y_of(value)) for moment, value in ordered]
    if len(coords) > 1:
        path = " ".join(f"{_number(x)},{_number(y)}" for x, y in coords)
        parts.append(
            f'<polyline class="line" points="{path}" fill="none" '
            'stroke="#1f6feb" stroke-width="2"/>'
        )
    for (moment, value), (x, y) in zip(ordered, coords, strict=True):
        parts.append(
            f'<circle class="point" cx="{_number(x)}" cy="{_number(y)}" r="3" '
            f'fill="#1f6feb"><title>{escape(_when(moment))}: '
            f"{escape(_score(value))}</title></circle>"
        )

    # Date labels at both ends, or one in the middle for a single moment.
    ends = [(ordered[0][0], "start"), (ordered[-1][0], "end")] if span > 0 else []
    if not ends:
        ends = [(ordered[0][0], "middle")]
    for moment, anchor in ends:
        parts.append(
            f'<text class="tick" x="{_number(x_of(moment))}" y="{label_y}" '
            f'text-anchor="{anchor}" font-size="11" fill="#555555" {_FONT}>'
            f"{escape(_when(moment))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def coverage_chart(
    readiness: Readiness, width: int = 600, *, id_prefix: str = "coverage-chart"
) -> str:
    """Render each requirement's coverage as a labelled horizontal bar chart."""
    row_h, pad, value_w = 40, 8, 56
    bar_w = max(1, width - 2 * pad - value_w)
    height = pad * 2 + row_h * max(1, len(readiness.parts))
    met = readiness.met_count
    desc_rows = "; ".join(
        f"{part.requirement.label}: {round(part.coverage * 100)}%" + (" (met)" if part.met else "")
        for part in readiness.parts
    )
    desc = (
        f"Coverage of {len(readiness.parts)} requirements, {met} met. {desc_rows}."
        if readiness.parts
        else "This role has no requirements to cover."
    )
    title = "Coverage of each requirement"
    parts = [_open(width, height, id_prefix, title, desc, "chart coverage")]
    for row, part in enumerate(readiness.parts):
        y = pad + row * row_h
        percent = round(part.coverage * 100)
        filled = bar_w * min(1.0, max(0.0, part.coverage))
        css = "bar met" if part.met else "bar"
        fill = "#2e7d32" if part.met else "#1f6feb"
        parts.append(f'<g class="row"><title>{escape(part.requirement.label)}</title>')
        parts.append(
            f'<text class="label" x="{pad}" y="{y + 14}" font-size="13" fill="#222222" '
            f"{_FONT}>{escape(part.requirement.label)}</text>"
        )
        parts.append(
            f'<rect class="bar-track" x="{pad}" y="{y + 20}" width="{bar_w}" height="12" '
            'rx="2" fill="#e6e6e6"/>'
        )
        parts.append(
            f'<rect class="{css}" x="{pad}" y="{y + 20}" width="{_number(filled)}" '
            f'height="12" rx="2" fill="{fill}"/>'
        )
        parts.append(
            f'<text class="value" x="{width - pad}" y="{y + 30}" text-anchor="end" '
            f'font-size="12" fill="#222222" {_FONT}>{percent}%</text>'
        )
        parts.append("</g>")
    if not readiness.parts:
        parts.append(
            f'<text class="empty" x="{pad}" y="{pad + 20}" font-size="13" fill="#555555" '
            f"{_FONT}>No requirements</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
