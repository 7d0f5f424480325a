"""A person with no projects sees zero and a first step, adds paid PHP + MySQL work,
and sees the score rise with the new evidence listed."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def _score(page: Page) -> float:
    return float(page.locator("#readiness-score .score-value").inner_text())


def test_score_rises_with_paid_php_mysql_project(
    page: Page, live_server: str, check_a11y, artifacts
):
    page.goto(f"{live_server}/auth/register")
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_label("Display name").fill("Sam")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()

    expect(page.locator("#readiness-score")).to_contain_text("0.0")
    assert _score(page) == 0.0
    first_step = page.locator(".next-steps li").first
    expect(first_step).to_contain_text(re.compile(r"\+\d+(\.\d)? points"))
    check_a11y(page)

    page.get_by_role("link", name="Add your first project").click()
    page.get_by_label("Title").fill("Clinic booking system")
    page.get_by_label("Paid work").check()
    page.get_by_label("Start").fill("2025-09")
    page.get_by_label("Ongoing").check()
    page.get_by_label("Live URL").fill("https://clinic.example.com")
    page.get_by_label("Technologies").fill("PHP, MySQL")
    page.get_by_role("button", name="Save project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinic booking system")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    assert _score(page) > 0.0
    check_a11y(page)

    page.get_by_role("link", name="See how the score is made").click()
    languages = page.locator(".requirement").filter(has_text="A server-side language")
    expect(languages.locator(".evidence")).to_contain_text("Clinic booking system: PHP")
    databases = page.locator(".requirement").filter(has_text="MySQL, Oracle or SQL Server")
    expect(databases.locator(".evidence")).to_contain_text("Clinic booking system: MySQL")
    check_a11y(page)
    page.screenshot(path=str(artifacts / "readiness-profile.png"), full_page=True)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Readiness").click()
    expect(page.locator("table.compare")).to_contain_text("Back-end engineer")
    check_a11y(page)
