"""Helpers for the reference tests: ask for a link as the owner, answer it as a referee."""

from __future__ import annotations

import email
import html
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import default
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller

from tests.conftest import Browserless
from tests.page_forms import form_values

LINK_RE = re.compile(r'<code id="reference-link">([^<]+)</code>')
WITHDRAW_RE = re.compile(r'<code id="withdraw-link">([^<]+)</code>')
PROJECT_RE = re.compile(r"/projects/(\d+)$")

ANSWER = {
    "name": "Jane Smith",
    "job_title": "Lead developer",
    "organisation": "Brightwave Digital",
    "relationship": "I supervised the internship",
    "dates_and_role": "y",
    "work": "y",
    "comment": "Ada built the booking API end to end.",
}


def add_project(user: Browserless, **fields) -> int:
    """Add a public project and return its id."""
    data = {
        "title": "Booking API",
        "kind": "internship",
        "start": "2025-01",
        "end": "2025-06",
        "organisation": "Brightwave Digital",
        "role": "Back-end intern",
        "summary": "A booking service for a dentist.",
        "highlights": "Cut response times by half",
        "technologies": "Python, Flask",
        "public": "y",
    }
    data.update(fields)
    response = user.add_project(**data)
    assert response.status_code == 302, response.get_data(as_text=True)
    match = PROJECT_RE.search(response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def request_page(user: Browserless, project_id: int, **fields):
    """Post the request form; return the response."""
    data = {"label_name": "Jane", "label_role": "My supervisor"}
    data.update(fields)
    return user.post(f"/projects/{project_id}/references/new", data)


def request_link(user: Browserless, project_id: int, **fields) -> str:
    """Ask for a reference and return the link's path, as the page shows it once."""
    response = request_page(user, project_id, **fields)
    assert response.status_code == 201, response.get_data(as_text=True)
    match = LINK_RE.search(response.get_data(as_text=True))
    assert match, "no link on the page"
    return path_of(html.unescape(match.group(1)))


def path_of(url: str) -> str:
    """Return the path of an absolute link."""
    return urlsplit(url).path


def answer(referee: Browserless, path: str, *, decline: bool = False, **fields):
    """Open the link as a referee, fill the form as a browser would, and send it."""
    page = referee.client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    data = form_values(page.get_data(as_text=True))
    if decline:
        data["decline"] = "Decline"
    else:
        data.update(ANSWER)
        data["confirm"] = "Confirm"
    for name, value in fields.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return referee.client.post(path, data=data)


def withdraw_path(response) -> str:
    """Return the withdrawal link's path from the thank-you page."""
    match = WITHDRAW_RE.search(response.get_data(as_text=True))
    assert match, "no withdrawal link on the page"
    return path_of(html.unescape(match.group(1)))


def edit_project(user, project_id: int, **fields):
    """Save the project's edit form with some fields changed, as a browser would."""
    page = user.client.get(f"/projects/{project_id}/edit").get_data(as_text=True)
    data = form_values(page, having="title")
    data.update(fields)
    return user.client.post(f"/projects/{project_id}/edit", data=data)


def wait_for(check, what: str, *, bound: float = 60.0):
    """Poll ``check`` until it returns something true, and return that.

    ``bound`` only keeps a broken worker from hanging the suite: no test asserts time.
    """
    deadline = time.monotonic() + bound
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)
    return found


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"


def free_port() -> int:
    """Return a loopback port nothing listens on (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """Run a real SMTP server on a free loopback port; yield its inbox and port."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
