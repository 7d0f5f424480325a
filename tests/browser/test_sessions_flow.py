"""A person logs in, copies their cookies, logs out: the copies open nothing any more.

Run on SQLite and on PostgreSQL: the session rows that logout deletes live in each.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

PASSWORD = "a long enough password"


@pytest.fixture
def browser_database_url(fresh_database_url):
    """Serve this module's pages from a fresh database of each kind."""
    return fresh_database_url


def _opens_dashboard(browser: Browser, live_server: str, cookies) -> bool:
    """Open the dashboard in a new browser holding only the given cookies."""
    context = browser.new_context()
    try:
        context.add_cookies(cookies)
        page = context.new_page()
        page.goto(f"{live_server}/dashboard")
        return urlsplit(page.url).path == "/dashboard"
    finally:
        context.close()


def test_copied_cookies_open_nothing_after_logout(
    page: Page, browser: Browser, live_server: str, check_a11y, artifacts
):
    page.goto(f"{live_server}/auth/register")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Display name").fill("Ada")
    # A common password is refused, and the page says why.
    page.get_by_label("Password", exact=True).fill("password1234")
    page.get_by_label("Repeat password").fill("password1234")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#password-error")).to_contain_text("this is a very common password")
    check_a11y(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))

    # Log in again with "Keep me logged in", so there is a remember cookie to copy too.
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/auth/login$"))
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Keep me logged in").check()
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))

    cookies = page.context.cookies()
    names = {cookie["name"] for cookie in cookies}
    assert {"session", "remember_token"} <= names
    remember_only = [cookie for cookie in cookies if cookie["name"] == "remember_token"]
    session_only = [cookie for cookie in cookies if cookie["name"] == "session"]
    # Before logout, each copy opens the account: the test can fail.
    assert _opens_dashboard(browser, live_server, cookies)
    assert _opens_dashboard(browser, live_server, remember_only)
    assert _opens_dashboard(browser, live_server, session_only)

    page.goto(f"{live_server}/auth/account")
    sessions = page.get_by_role("table")
    expect(sessions.get_by_text("(this device)")).to_be_visible()
    # The copies opened the same session (they hold its secret): no other device shows.
    expect(page.get_by_role("button", name="Log out everywhere else")).to_have_count(0)
    check_a11y(page)
    page.screenshot(path=str(artifacts / "account-sessions.png"), full_page=True)

    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/auth/login$"))
    expect(page.get_by_text("You are logged out.")).to_be_visible()

    assert not _opens_dashboard(browser, live_server, cookies)
    assert not _opens_dashboard(browser, live_server, remember_only)
    assert not _opens_dashboard(browser, live_server, session_only)


def test_log_out_another_device_from_the_account_page(
    page: Page, browser: Browser, live_server: str, check_a11y
):
    page.goto(f"{live_server}/auth/register")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Display name").fill("Ada")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))

    laptop = browser.new_context()
    other = laptop.new_page()
    other.goto(f"{live_server}/auth/login")
    other.get_by_label("Email").fill("ada@example.com")
    other.get_by_label("Password", exact=True).fill(PASSWORD)
    other.get_by_role("button", name="Log in").click()
    expect(other).to_have_url(re.compile(r"/dashboard$"))

    page.goto(f"{live_server}/auth/account")
    expect(page.get_by_role("button", name=re.compile(r"^Log out .* logged in"))).to_have_count(2)
    page.get_by_role("button", name="Log out everywhere else").click()
    expect(page.get_by_text("Logged out 1 other session.")).to_be_visible()
    check_a11y(page)

    other.goto(f"{live_server}/dashboard")
    expect(other).to_have_url(re.compile(r"/auth/login"))
    laptop.close()
