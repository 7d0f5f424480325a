"""The owner downloads the PDF from Share & export; a visitor, only once the owner allows."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.browser.steps import register
from tests.browser.test_share_flow import _add_project
from tests.pdf_helpers import text_of


def _download_pdf(page: Page, link_name: str, path) -> PdfReader:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    download = info.value
    assert download.suggested_filename == "portfolio.pdf"
    download.save_as(path)
    return PdfReader(path)


def test_owner_and_then_a_visitor_download_the_pdf(
    page: Page, browser: Browser, live_server: str, check_a11y, tmp_path
):
    register(page, live_server, "ada@example.com", "Ada")
    _add_project(page, live_server, "Open booking API", public=True)
    _add_project(page, live_server, "Secret side project", public=False)
    page.goto(f"{live_server}/share/details")
    page.get_by_label("Name", exact=True).fill("Ada Lovelace")
    page.get_by_label("Show my name").check()
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Your details are saved.")).to_be_visible()

    # The owner: "PDF" on Share & export.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Share & export").click()
    check_a11y(page)
    text = text_of(_download_pdf(page, "PDF", tmp_path / "owner.pdf"))
    assert "Ada Lovelace" in text
    assert "Open booking API" in text
    assert "Secret side project" not in text

    page.get_by_role("button", name="Turn sharing on").click()
    public_url = page.locator("#public-url").inner_text()

    stranger = browser.new_context()
    try:
        visitor = stranger.new_page()
        requested: list[str] = []
        visitor.on("request", lambda request: requested.append(request.url))
        visitor.goto(public_url)
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
        expect(visitor.get_by_role("link", name="Download PDF")).to_have_count(0)
        assert stranger.request.get(f"{public_url}/portfolio.pdf").status == 404

        # The owner allows visitors to download it.
        page.get_by_label("Let visitors to my public page download the PDF").check()
        page.get_by_role("button", name="Save PDF settings").click()
        expect(page.locator(".flash")).to_contain_text("PDF settings saved.")
        check_a11y(page)

        visitor.reload()
        expect(visitor.get_by_role("link", name="Download PDF")).to_be_visible()
        check_a11y(visitor)
        text = text_of(_download_pdf(visitor, "Download PDF", tmp_path / "visitor.pdf"))
        assert "Ada Lovelace" in text
        assert "Open booking API" in text
        assert "Secret side project" not in text
        server = urlsplit(live_server)
        for url in requested:
            parts = urlsplit(url)
            assert (parts.hostname, parts.port) == (server.hostname, server.port), url
    finally:
        stranger.close()
