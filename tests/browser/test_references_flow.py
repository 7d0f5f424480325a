"""The whole round of a reference: asked for, confirmed by a referee elsewhere, shown, edited."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.browser.steps import register


def _register_and_add_project(page: Page, live_server: str) -> None:
    register(page, live_server)
    page.goto(f"{live_server}/projects/new")
    page.get_by_label("Title").fill("Booking API")
    page.get_by_label("Internship").check()
    page.get_by_label("Organisation").fill("Brightwave Digital")
    page.get_by_label("Role").fill("Back-end intern")
    page.get_by_label("Start").fill("2025-01")
    page.get_by_label("End", exact=True).fill("2025-06")
    page.get_by_label("Technologies").fill("python, flask")
    page.get_by_label("Public").check()
    page.get_by_role("button", name="Save project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Booking API")


def test_a_referee_confirms_a_project_and_the_portfolio_shows_it(
    page: Page, browser: Browser, live_server: str, check_a11y, artifacts
):
    _register_and_add_project(page, live_server)
    project_url = page.url

    # The owner asks for a reference and copies the link, shown once.
    page.get_by_role("link", name="Request a reference").click()
    check_a11y(page)
    page.get_by_label("Referee name").fill("Jane")
    page.get_by_label("Referee role").fill("My supervisor")
    page.get_by_role("button", name="Create the link").click()
    link = page.locator("#reference-link").inner_text()
    assert link.startswith(f"{live_server}/r/")

    # The owner's own session may not answer it.
    page.goto(link)
    expect(page.get_by_text("You cannot confirm your own project")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm")).to_have_count(0)

    # The referee, in a separate browser context with no account.
    referee_context = browser.new_context()
    try:
        referee = referee_context.new_page()
        response = referee.goto(link)
        assert response is not None and response.status == 200
        assert response.headers["x-robots-tag"].startswith("noindex")
        assert response.headers["referrer-policy"] == "no-referrer"
        expect(referee.get_by_role("heading", name="Booking API")).to_be_visible()
        expect(referee.get_by_text("My supervisor")).to_have_count(0)
        check_a11y(referee)
        referee.get_by_label("Your name").fill("Jane Smith")
        referee.get_by_label("Your job title").fill("Lead developer")
        referee.get_by_label("Organisation").fill("Brightwave Digital")
        referee.get_by_label("How do you know this work?").fill("I supervised the internship")
        referee.get_by_label("The dates and role").check()
        referee.get_by_label("Used Python").check()
        referee.get_by_label("Comment", exact=True).fill("Ada built the booking API end to end.")
        referee.get_by_label("Show my name publicly").check()
        referee.get_by_label("Show my comment publicly").check()
        referee.screenshot(path=str(artifacts / "reference-referee.png"), full_page=True)
        referee.get_by_role("button", name="Confirm").click()
        expect(referee.get_by_text("Your reference is recorded")).to_be_visible()
        expect(referee.locator("#withdraw-link")).to_contain_text("/r/withdraw/")
        check_a11y(referee)

        # The link accepts nothing more.
        again = referee.goto(link)
        assert again is not None and again.status == 410
        expect(referee.get_by_text("already been used")).to_be_visible()
    finally:
        referee_context.close()

    # The owner sees it on the project, shows the comment, and shares the portfolio.
    page.goto(project_url)
    references = page.locator("#references")
    expect(references).to_contain_text("Confirmed")
    expect(references).to_contain_text("Jane Smith, Lead developer, Brightwave Digital")
    page.get_by_role("button", name="Show the comment").click()
    expect(page.locator(".flash")).to_contain_text("comment now shows")
    check_a11y(page)
    page.goto(f"{live_server}/share")
    page.get_by_role("button", name="Turn sharing on").click()
    public_url = page.locator("#public-url").inner_text()

    stranger = browser.new_context()
    try:
        visitor = stranger.new_page()
        visitor.goto(public_url)
        expect(visitor.get_by_text("Confirmed by Jane Smith, Lead developer")).to_be_visible()
        expect(visitor.get_by_text("by a link the owner shared")).to_be_visible()
        expect(visitor.get_by_text("Ada built the booking API end to end.")).to_be_visible()
        check_a11y(visitor)

        # The owner edits a confirmed field: the reference is flagged everywhere.
        page.goto(project_url)
        page.get_by_role("link", name="Edit").click()
        page.get_by_label("Role").fill("Lead developer")
        page.get_by_role("button", name="Save project").click()
        expect(page.locator("#references")).to_contain_text("Edited since confirmed")
        expect(page.locator("#references")).to_contain_text(
            "Role changed from “Back-end intern” to “Lead developer”"
        )
        page.locator("#references").screenshot(path=str(artifacts / "reference-owner.png"))
        visitor.reload()
        expect(visitor.get_by_text("Edited since confirmed")).to_be_visible()
        visitor.screenshot(path=str(artifacts / "reference-public.png"), full_page=True)
    finally:
        stranger.close()
