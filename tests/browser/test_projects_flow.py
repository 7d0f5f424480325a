"""A person registers, adds a paid project and sees its technologies normalised."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.steps import register


def test_new_user_adds_paid_project_with_normalised_technologies(
    page: Page, live_server: str, check_a11y, artifacts
):
    page.goto(f"{live_server}/auth/register")
    check_a11y(page)
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Display name").fill("Grace")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Grace")
    check_a11y(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    expect(page.get_by_text("No projects yet: add your first.")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Add your first project").click()
    check_a11y(page)

    page.get_by_label("Title").fill("Stock service for a bakery chain")
    page.get_by_label("Paid work").check()
    page.get_by_label("Organisation").fill("Crumb & Co")
    page.get_by_label("Start").fill("2025-02")
    page.get_by_label("Ongoing").check()
    page.get_by_label("Technologies").fill("postgres, py, MS SQL, flask")
    page.get_by_role("button", name="Save project").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Stock service for a bakery chain")
    tags = page.locator(".tags .tag")
    expect(tags).to_have_text(["PostgreSQL", "Python", "SQL Server", "Flask"])
    check_a11y(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    card = page.locator(".project-card").first
    expect(card).to_contain_text("Paid work")
    for name in ("PostgreSQL", "Python", "SQL Server", "Flask"):
        expect(card.get_by_role("link", name=name, exact=True)).to_be_visible()
    check_a11y(page)
    page.screenshot(path=str(artifacts / "projects-list.png"), full_page=True)


def test_validation_error_is_shown_next_to_the_field(page: Page, live_server: str, check_a11y):
    register(page, live_server, "lin@example.com", "Lin")
    page.goto(f"{live_server}/projects/new")
    page.get_by_label("Title").fill("Half-finished")
    page.get_by_label("Start").fill("2025-05")
    page.get_by_label("End").fill("2024-01")
    page.get_by_role("button", name="Save project").click()
    expect(page.locator("#end-error")).to_have_text("The end cannot be before the start.")
    expect(page.locator("#kind-error")).to_contain_text("Choose what kind")
    expect(page.get_by_label("Title")).to_have_value("Half-finished")
    check_a11y(page)
