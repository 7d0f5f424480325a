"""A person with no projects sees zero and a first step, adds paid PHP + MySQL work,
and sees the score rise with the new evidence listed."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.steps import register


def _score(page: Page) -> float:
    return float(page.locator("#readiness-score .score-value").inner_text())


def test_score_rises_with_paid_php_mysql_project(
    page: Page, live_server: str, check_a11y, artifacts
):
    register(page, live_server, "sam@example.com", "Sam")

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


ADVERTS = """Junior PHP developer
We build online shops in PHP and Laravel, on MySQL.
---
Python back-end developer
You'll write Python services with Django and PostgreSQL.
---
Java engineer
Spring Boot services on Oracle."""


def _add_project(page: Page, live_server: str, title: str, technologies: str) -> None:
    page.goto(f"{live_server}/projects/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Paid work").check()
    page.get_by_label("Start").fill("2025-09")
    page.get_by_label("Ongoing").check()
    page.get_by_label("Live URL").fill("https://booking.example.com")
    page.get_by_label("Technologies").fill(technologies)
    page.get_by_role("button", name="Save project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_which_jobs_fit_ranks_pasted_adverts_with_reasons(
    page: Page, live_server: str, check_a11y, artifacts
):
    register(page, live_server, "lin@example.com", "Lin")
    _add_project(page, live_server, "Booking API", "Python, Django, PostgreSQL")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Readiness").click()
    page.get_by_role("link", name="Which jobs fit me?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Which jobs fit me?")
    check_a11y(page)

    page.get_by_role("button", name="Rank them").click()
    expect(page.locator("#adverts-error")).to_contain_text("Paste at least one job advert")
    expect(page.get_by_label("Job adverts")).to_have_attribute("aria-invalid", "true")
    check_a11y(page)

    page.get_by_label("Job adverts").fill(ADVERTS)
    page.get_by_label("Back-end engineer").check()
    page.get_by_role("button", name="Rank them").click()

    fits = page.locator("li.fit")
    expect(fits).to_have_count(4)
    expect(fits.first.locator("h3")).to_contain_text("Python back-end developer")
    expect(fits.last.locator("h3")).to_contain_text("Java engineer")
    first = fits.first
    expect(first).to_contain_text("Requirements met")
    expect(first).to_contain_text("Biggest gap")
    expect(first).to_contain_text("Next step")
    check_a11y(page)
    page.screenshot(path=str(artifacts / "which-jobs-fit.png"), full_page=True)

    fits.last.get_by_role("button", name="Save as profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Java engineer")
    expect(page.locator(".requirements")).to_contain_text("Spring Boot")
    check_a11y(page)


def test_a_custom_profile_is_edited_and_rescored_at_once(
    page: Page, live_server: str, check_a11y, artifacts
):
    register(page, live_server, "kim@example.com", "Kim")
    _add_project(page, live_server, "Booking API", "Python, PostgreSQL")
    page.goto(f"{live_server}/readiness/profiles/new")
    page.get_by_label("Job title").fill("Data role")
    page.get_by_label("Technologies").fill("Ruby, MySQL")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data role")
    before = float(page.locator(".score-card .score-value").inner_text())

    page.get_by_role("link", name="Edit profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your profile")
    check_a11y(page)
    languages = page.locator("fieldset.requirement-edit").first
    languages.get_by_label("Technologies").fill("Ruby, Blorbscript")
    languages.get_by_label("Weight").fill("heavy")
    page.get_by_role("button", name="Save changes").click()
    expect(languages.locator(".error").first).to_contain_text(
        "'Blorbscript' is not in the catalogue."
    )
    expect(languages.get_by_label("Weight")).to_have_attribute("aria-invalid", "true")
    expect(languages.locator("#requirements-0-weight-error")).to_have_text(
        "Must be a whole number, not text."
    )
    check_a11y(page)

    page.get_by_label("Job title").fill("Data engineer")
    languages.get_by_label("Technologies").fill("Ruby, python")
    languages.get_by_label("Weight").fill("30")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data engineer")
    expect(page.get_by_text("its score is up to date")).to_be_visible()
    assert float(page.locator(".score-card .score-value").inner_text()) > before
    expect(page).to_have_url(re.compile(r"/readiness/profile/data-role$"))
    check_a11y(page)
    page.screenshot(path=str(artifacts / "profile-edited.png"), full_page=True)
