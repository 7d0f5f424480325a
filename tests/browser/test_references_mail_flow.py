"""A reference link mailed by the background job: the owner watches it go, never sees it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.analyses_helpers import running_worker
from tests.browser.server import serving
from tests.browser.steps import register
from tests.reference_helpers import Inbox, free_port, smtp_server, wait_for

LINK_IN_MAIL = re.compile(r"https?://\S+/r/[\w-]+")


@dataclass
class Site:
    url: str
    app: Flask
    inbox: Inbox


@pytest.fixture
def site(tmp_path: Path, browser_database_url: str) -> Iterator[Site]:
    """Serve a fresh app that mails through a local SMTP server, with a jobs worker."""
    with smtp_server() as (inbox, port):
        settings = {
            "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite"),
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "REFERENCE_MAIL_RETRY_SECONDS": 0,
        }
        with serving(browser_database_url, **settings) as (url, app), running_worker(app):
            yield Site(url, app, inbox)


def _ask(page: Page, project_url: str, name: str) -> None:
    page.goto(project_url)
    page.get_by_role("link", name="Request a reference").click()
    page.get_by_label("Referee name").fill(name)
    page.get_by_label("Referee's email").fill("jane@brightwave.co.uk")
    page.get_by_role("button", name="Create the link").click()


def test_the_link_is_mailed_in_the_background_or_made_to_copy_when_mail_fails(
    page: Page, browser: Browser, site: Site, check_a11y, artifacts
):
    register(page, site.url)
    page.goto(f"{site.url}/projects/new")
    page.get_by_label("Title").fill("Booking API")
    page.get_by_label("Internship").check()
    page.get_by_label("Start").fill("2025-01")
    page.get_by_role("button", name="Save project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Booking API")
    project_url = page.url

    # The request's page reloads itself until the job has mailed the link.
    _ask(page, project_url, "Jane")
    expect(page.get_by_text("Sent to an address at brightwave.co.uk")).to_be_visible(timeout=60_000)
    check_a11y(page)
    assert "/r/" not in page.content()
    (message,) = wait_for(lambda: site.inbox.messages, "the request mail")
    link = LINK_IN_MAIL.search(message.get_content()).group(0)
    referee_context = browser.new_context()
    try:
        referee = referee_context.new_page()
        referee.goto(link)
        expect(referee.get_by_role("heading", name="Booking API")).to_be_visible()
    finally:
        referee_context.close()

    # With the mail server gone, the job gives up and the owner makes a link instead.
    site.app.config["MAIL_PORT"] = free_port()
    _ask(page, project_url, "Sam")
    expect(page.get_by_text("The email could not be sent")).to_be_visible(timeout=60_000)
    check_a11y(page)
    page.screenshot(path=str(artifacts / "reference-not-sent.png"), full_page=True)
    page.get_by_role("button", name="Make a link to copy instead").click()
    expect(page.locator("#reference-link")).to_contain_text(f"{site.url}/r/")
    page.goto(project_url)
    references = page.locator("#references")
    expect(references).to_contain_text("Sent to an address at brightwave.co.uk")
    expect(references).to_contain_text("Waiting for an answer")
    check_a11y(page)
