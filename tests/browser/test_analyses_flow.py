"""A person imports a project from its code: upload, watch the job, untick one, create."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.analyses_helpers import LARAVEL_SHOP, running_worker, zip_of
from tests.browser.server import serving
from tests.browser.steps import register


@pytest.fixture
def live_server(tmp_path: Path, browser_database_url: str) -> Iterator[str]:
    """Serve a fresh app, with a jobs worker of its own, on a free port."""
    settings = {
        "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite"),
        "CODE_UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }
    with serving(browser_database_url, **settings) as (url, app), running_worker(app):
        yield url


def test_import_from_code_then_untick_one_and_create_the_project(
    page: Page, live_server: str, check_a11y, tmp_path: Path, artifacts
):
    archive = tmp_path / "shop.zip"
    archive.write_bytes(zip_of(LARAVEL_SHOP))
    register(page, live_server, "grace@example.com", "Grace")

    page.goto(f"{live_server}/projects/")
    page.get_by_role("link", name="Import from code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import from code")
    expect(page.get_by_label("Your commit emails")).to_have_value("grace@example.com")
    check_a11y(page)
    page.get_by_label("Repository archive or bundle").set_input_files(str(archive))
    page.get_by_role("button", name="Analyse").click()

    # The status page refreshes itself until the worker has finished.
    expect(page.get_by_role("heading", name="Technologies found")).to_be_visible(timeout=60_000)
    expect(page.get_by_text('composer.json: "laravel/framework": "5.5.*"')).to_be_visible()
    for name in ("PHP", "Laravel", "MySQL"):
        expect(page.get_by_label(name, exact=True)).to_be_checked()
    check_a11y(page)
    page.screenshot(path=str(artifacts / "analysis-findings.png"), full_page=True)

    page.get_by_label("MySQL", exact=True).uncheck()
    page.get_by_label("Title").fill("Corner shop")
    page.get_by_label("Start").fill("2024-05")
    page.get_by_role("button", name="Create a project").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Corner shop")
    for name in ("PHP", "Laravel"):
        expect(page.locator(".from-code-list summary", has_text=name).first).to_be_visible()
    expect(page.locator(".tags")).not_to_contain_text("MySQL")
    page.locator(".from-code-list summary", has_text="Laravel").click()
    expect(page.get_by_text('composer.json: "laravel/framework": "5.5.*"')).to_be_visible()
    check_a11y(page)

    # Back to the analysis later: the projects page lists one's analyses.
    page.get_by_role("link", name="Analyses of its code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Analyses of its code")
    page.goto(f"{live_server}/projects/")
    page.get_by_role("link", name="Your analyses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your analyses")
    expect(page.get_by_role("link", name="Corner shop")).to_be_visible()
    expect(page.get_by_role("cell", name="Kept")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="shop.zip").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Analysis of shop.zip")
