"""Steps the browser tests share: what a person does to get started."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

PASSWORD = "a long enough password"


def register(page: Page, live_server: str, email: str = "ada@example.com", name: str = "Ada"):
    """Create an account through the form, as a person does, and land on the dashboard."""
    page.goto(f"{live_server}/auth/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
