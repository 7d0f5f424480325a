"""Jinja filters and globals used across templates."""

from __future__ import annotations

from datetime import date

from flask import Flask

from portfolio.projects.markup import render_markdown
from portfolio.projects.record import KIND_LABELS, KIND_PLURALS


def format_month(value: date | None) -> str:
    """Return a month as "Mar 2025", or an empty string."""
    return value.strftime("%b %Y") if value else ""


def format_period(start: date | None, end: date | None, ongoing: bool) -> str:
    """Return the span of a project, like "Mar 2024 – Jan 2025" or "Mar 2024 – now"."""
    if not start and not end:
        return "Ongoing" if ongoing else ""
    finish = "now" if ongoing else format_month(end)
    if not finish:
        return format_month(start)
    return f"{format_month(start)} – {finish}" if start else finish


#: Main navigation, in order; entries whose blueprint is not registered are left out.
NAV_ITEMS: tuple[tuple[str, str], ...] = (
    ("main.dashboard", "Dashboard"),
    ("projects.index", "Projects"),
    ("technologies.index", "Technologies"),
    ("readiness.profiles", "Readiness"),
    ("exports.index", "Share & export"),
)


def register_template_helpers(app: Flask) -> None:
    """Make the filters and globals available to every template."""

    def nav_items() -> list[tuple[str, str]]:
        return [(e, label) for e, label in NAV_ITEMS if e in app.view_functions]

    app.add_template_global(nav_items)
    app.add_template_filter(format_month, "month")
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_global(format_period)
    app.add_template_global(KIND_LABELS, "KIND_LABELS")
    app.add_template_global(KIND_PLURALS, "KIND_PLURALS")
