"""A stranger opens the app: what it does, a real dashboard, and the way in."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect


def test_a_stranger_sees_what_the_product_does(page: Page, live_server: str, check_a11y, artifacts):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    response = page.goto(f"{live_server}/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Know how ready you are for a back-end job"
    )
    for heading in (
        "Log every project, of all four kinds",
        "A readiness score that explains itself",
        "Share it with employers",
    ):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    requirement = page.get_by_role("cell", name="A server-side language: PHP, Ruby, Python or Java")
    expect(requirement).to_be_visible()
    picture = page.get_by_role("img", name=re.compile(r"^A dashboard: readiness for Back-end"))
    expect(picture).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 1100
    check_a11y(page)
    page.screenshot(path=str(artifacts / "front-door.png"), full_page=True)
    server = urlsplit(live_server)
    for url in requested:
        parts = urlsplit(url)
        assert (parts.hostname, parts.port) == (server.hostname, server.port), url
    assert violations == []

    main = page.get_by_role("main")
    main.get_by_role("link", name="Create an account").first.click()
    expect(page).to_have_url(re.compile(r"/auth/register$"))
    page.go_back()
    main.get_by_role("link", name="Log in").first.click()
    expect(page).to_have_url(re.compile(r"/auth/login$"))
