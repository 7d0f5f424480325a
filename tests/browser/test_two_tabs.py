"""Two tabs edit one project: the later save is refused with what changed, nothing typed is lost.

Each tab is its own browser context (its own cookies), logged in as the same person.
Runs against a live server on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, text

from portfolio.schemas import rules
from tests.browser.steps import register


@pytest.fixture(params=["sqlite", "postgresql"])
def postgres_or_sqlite_url(request, tmp_path) -> str:
    """This test runs on both databases: a fresh SQLite file, then a fresh PostgreSQL one."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'browser.sqlite'}"
    server = request.getfixturevalue("postgresql_url")
    name = f"browser_{secrets.token_hex(4)}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"


def _log_in(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Email").fill("tabs@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_the_later_of_two_tabs_is_told_what_changed_and_keeps_its_words(
    browser: Browser, live_server: str, check_a11y, artifacts
):
    tab_a = browser.new_context().new_page()
    register(tab_a, live_server, "tabs@example.com", "Tabs")
    tab_a.goto(f"{live_server}/projects/new")
    tab_a.get_by_label("Title").fill("Booking API")
    tab_a.get_by_label("Personal project").check()
    tab_a.get_by_label("Start").fill("2025-01")
    tab_a.get_by_label("Technologies").fill("Python")
    tab_a.get_by_role("button", name="Save project").click()
    expect(tab_a.get_by_role("heading", level=1)).to_have_text("Booking API")
    edit_url = tab_a.url + "/edit"

    tab_b = browser.new_context().new_page()
    _log_in(tab_b, live_server)
    tab_a.goto(edit_url)
    tab_b.goto(edit_url)

    tab_a.get_by_label("Title").fill("Booking API v2")
    tab_a.get_by_label("Technologies").fill("Python, Redis")
    tab_a.get_by_role("button", name="Save project").click()
    expect(tab_a.get_by_role("heading", level=1)).to_have_text("Booking API v2")

    tab_b.get_by_label("Summary").fill("Typed in the second tab")
    tab_b.get_by_role("button", name="Save project").click()
    conflict = tab_b.get_by_role("alert")
    expect(conflict).to_contain_text(rules.EDITED_ELSEWHERE)
    expect(conflict).to_contain_text("Title")
    expect(conflict).to_contain_text("Booking API v2")
    expect(conflict).to_contain_text("Technologies")
    expect(tab_b.get_by_label("Summary")).to_have_value("Typed in the second tab")
    expect(tab_b.get_by_label("Title")).to_have_value("Booking API v2")
    expect(tab_b.get_by_label("Technologies")).to_have_value("Python, Redis")
    check_a11y(tab_b)
    tab_b.screenshot(path=str(artifacts / "edit-conflict.png"), full_page=True)

    tab_b.get_by_role("button", name="Save project").click()
    expect(tab_b.get_by_role("heading", level=1)).to_have_text("Booking API v2")
    expect(tab_b.get_by_text("Typed in the second tab")).to_be_visible()
    expect(tab_b.locator(".tags .tag")).to_have_text(["Python", "Redis"])
