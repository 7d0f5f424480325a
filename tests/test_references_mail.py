"""References sent by mail, through a real SMTP server on the loopback (aiosmtpd)."""

from __future__ import annotations

import email
import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from portfolio import mail
from portfolio.config import from_environment
from portfolio.extensions import db
from portfolio.models import ReferenceRequest
from tests.reference_helpers import add_project, answer, path_of, request_page

LINK_IN_MAIL = re.compile(r"https?://\S+/r/[\w-]+")


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """Run an SMTP server on a free loopback port; yield its inbox and port."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mailing(app, smtp):
    """Configure the app to send mail through the local server."""
    inbox, port = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                      MAIL_DEFAULT_SENDER="portfolio@example.org")  # fmt: skip
    return inbox


def _body(message: EmailMessage) -> str:
    return message.get_content()


def test_the_app_mails_the_link_and_the_link_works(app, user, new_device, mailing):
    project_id = add_project(user)
    form = user.client.get(f"/projects/{project_id}/references/new").get_data(as_text=True)
    assert "Referee&#39;s email" in form
    response = request_page(user, project_id, referee_email="jane@brightwave.co.uk")
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    assert "emailed to Jane at their address at brightwave.co.uk" in page
    assert "/r/" not in page  # the owner never sees a mailed link
    (message,) = mailing.messages
    assert message["To"] == "jane@brightwave.co.uk"
    assert message["From"] == "portfolio@example.org"
    assert "Booking API" in message["Subject"]
    link = LINK_IN_MAIL.search(_body(message)).group(0)
    referee = new_device()
    confirmed = answer(referee, path_of(link), show_name="y")
    assert confirmed.status_code == 200
    # The withdrawal link is mailed too.
    assert len(mailing.messages) == 2
    assert "/r/withdraw/" in _body(mailing.messages[1])
    assert "also emailed to you" in confirmed.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(select(ReferenceRequest))
        assert (row.sent_by, row.sent_to_domain) == ("email", "brightwave.co.uk")
    from tests.test_public_page import share

    public = user.client.get(share(user)).get_data(as_text=True)
    assert "by a link sent by email to an address at brightwave.co.uk" in public
    assert "jane@brightwave.co.uk" not in public


def test_a_mail_failure_keeps_the_request_as_a_link(app, user):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())  # nothing listens
    project_id = add_project(user)
    response = request_page(user, project_id, referee_email="jane@brightwave.co.uk")
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    assert "The email could not be sent" in page
    assert 'id="reference-link"' in page
    with app.app_context():
        row = db.session.scalar(select(ReferenceRequest))
        assert row.sent_by == "link" and row.sent_to_domain == ""


def test_a_bad_referee_address_is_refused(app, user, mailing):
    project_id = add_project(user)
    response = request_page(user, project_id, referee_email="not an address")
    assert response.status_code == 422
    assert "Enter an email address like you@example.com." in response.get_data(as_text=True)
    assert mailing.messages == []


def test_mail_settings_come_from_the_environment():
    found = from_environment({
        "MAIL_SERVER": "smtp.example.org", "MAIL_PORT": "587", "MAIL_USE_TLS": "true",
        "MAIL_USERNAME": "app", "MAIL_PASSWORD": "secret", "MAIL_DEFAULT_SENDER": "a@example.org",
    })  # fmt: skip
    settings = mail.settings_from(found)
    assert settings == mail.MailSettings(
        server="smtp.example.org", port=587, username="app", password="secret",
        use_tls=True, use_ssl=False, sender="a@example.org",
    )  # fmt: skip
    assert mail.settings_from(from_environment({})) is None


def test_send_delivers_one_plain_message(smtp):
    inbox, port = smtp
    settings = mail.MailSettings(server="127.0.0.1", port=port, sender="app@example.org")
    mail.send(settings, "jane@example.org", "Hello", "Plain text, “quoted”.")
    (message,) = inbox.messages
    assert message["Subject"] == "Hello"
    assert "Plain text, “quoted”." in _body(message)
