"""The Content-Security-Policy blocks nothing the app itself uses, in a real browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.steps import register


def test_pages_work_under_the_csp_with_no_violation(page: Page, live_server: str):
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    register(page, live_server, "csp@example.com", "Csp")

    page.goto(f"{live_server}/projects/new")
    page.get_by_label("Technologies").press_sequentially("postg")  # app.js fetches suggestions
    page.get_by_label("Title").fill("Under a strict policy")
    page.get_by_label("Paid work").check()
    page.get_by_label("Start").fill("2025-02")
    page.get_by_role("button", name="Save project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Under a strict policy")
    for path in ("/dashboard", "/projects/", "/auth/account", "/technologies/"):
        page.goto(f"{live_server}{path}")
    # Our stylesheet applied: the header's brand is styled by app.css, not the default.
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
    assert violations == []
