"""A person fills in their details, turns sharing on, and a stranger opens the page."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, expect

from tests.browser.steps import register


def _add_project(page: Page, live_server: str, title: str, *, public: bool) -> None:
    page.goto(f"{live_server}/projects/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Personal project").check()
    page.get_by_label("Start").fill("2025-02")
    page.get_by_label("Technologies").fill("python, flask")
    if public:
        page.get_by_label("Public").check()
    page.get_by_role("button", name="Save project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_owner_shares_and_a_stranger_sees_only_public_projects(
    page: Page, browser: Browser, live_server: str, check_a11y, artifacts
):
    register(page, live_server, "ada@example.com", "Ada")

    _add_project(page, live_server, "Open booking API", public=True)
    _add_project(page, live_server, "Secret side project", public=False)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Share & export").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share & export")
    check_a11y(page)

    page.get_by_role("link", name="Your details").first.click()
    check_a11y(page)
    page.get_by_label("Name", exact=True).fill("Ada Lovelace")
    page.get_by_label("Show my name").check()
    page.get_by_label("Headline", exact=True).fill("Junior back-end engineer")
    page.get_by_label("Show my headline").check()
    page.get_by_label("Website", exact=True).fill("javascript:alert(1)")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator("#website-error")).to_contain_text("http:// or https://")
    check_a11y(page)
    page.get_by_label("Website", exact=True).fill("https://ada.example")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Your details are saved.")).to_be_visible()

    page.goto(f"{live_server}/share")
    page.get_by_role("button", name="Turn sharing on").click()
    expect(page.locator(".flash")).to_contain_text("Your public page is on.")
    check_a11y(page)
    public_url = page.locator("#public-url").inner_text()
    assert public_url.startswith(f"{live_server}/p/")

    # A stranger: a fresh context with no cookies, recording every request made.
    stranger = browser.new_context()
    try:
        visitor = stranger.new_page()
        requested: list[str] = []
        visitor.on("request", lambda request: requested.append(request.url))
        response = visitor.goto(public_url)
        assert response is not None and response.status == 200
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
        expect(visitor.get_by_text("Junior back-end engineer")).to_be_visible()
        expect(visitor.get_by_role("heading", name="Open booking API")).to_be_visible()
        expect(visitor.get_by_text("Secret side project")).to_have_count(0)
        expect(visitor.get_by_role("link", name="Log in")).to_have_count(0)
        check_a11y(visitor)
        visitor.wait_for_load_state("networkidle")
        visitor.screenshot(path=str(artifacts / "public-portfolio.png"), full_page=True)
        server = urlsplit(live_server)
        assert requested, "the page made no requests at all"
        for url in requested:
            parts = urlsplit(url)
            assert (parts.hostname, parts.port) == (server.hostname, server.port), url
    finally:
        stranger.close()

    # Turning sharing off closes the page to the stranger too.
    page.get_by_role("button", name="Turn sharing off").click()
    stranger = browser.new_context()
    try:
        response = stranger.new_page().goto(public_url)
        assert response is not None and response.status == 404
    finally:
        stranger.close()
