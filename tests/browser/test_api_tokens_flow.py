"""A person creates an API token in the browser, uses it with the API, then revokes it."""

from __future__ import annotations

import urllib.error
import urllib.request

from playwright.sync_api import Page, expect

from tests.browser.steps import register


def _api_status(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_create_use_and_revoke_a_token(page: Page, live_server: str, check_a11y):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text
            else None)  # fmt: skip
    register(page, live_server, "tokens@example.com", "Tok")

    page.goto(f"{live_server}/auth/account")
    page.get_by_role("link", name="Manage API tokens").click()
    check_a11y(page)
    page.get_by_label("Token name").fill("CV script")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("pt_")
    check_a11y(page)
    assert _api_status(f"{live_server}/api/v1/projects", token) == 200

    page.goto(f"{live_server}/auth/tokens/")
    expect(page.locator("#new-token")).to_have_count(0)  # shown once
    page.get_by_role("button", name="Revoke CV script").click()
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
    assert _api_status(f"{live_server}/api/v1/projects", token) == 401

    page.goto(f"{live_server}/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Portfolio tracker API")
    check_a11y(page)
    assert violations == []
