"""References sent by mail: a background job mails the link, through a real SMTP server.

The SMTP server is aiosmtpd on the loopback; the job runs in a real huey consumer (threads
of this process) taking tasks off a SQLite queue of the test's own. Every test runs on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import html
import re
import socket
import typing
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select, update

from portfolio import create_app, jobs, mail
from portfolio.api.schemas import ReferenceState
from portfolio.config import from_environment
from portfolio.extensions import db
from portfolio.models import ReferenceRequest, utcnow
from portfolio.references import mailing as job_mailing
from portfolio.references import service
from portfolio.schemas import rules
from tests.analyses_helpers import running_worker, wait_until_finished
from tests.conftest import Browserless, _test_config, app_with
from tests.reference_helpers import (
    Inbox,
    add_project,
    answer,
    free_port,
    path_of,
    request_page,
    smtp_server,
    wait_for,
)

LINK_IN_MAIL = re.compile(r"https?://\S+/r/[\w-]+")
WITHDRAW_IN_MAIL = re.compile(r"https?://\S+/r/withdraw/[\w-]+")
REFRESH = 'http-equiv="refresh"'


@pytest.fixture
def app(database_url: str, tmp_path: Path):
    """The app with its jobs queue in this test's folder; a refused mail is retried at once."""
    settings = {
        "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite"),
        "REFERENCE_MAIL_RETRY_SECONDS": 0,
    }
    with app_with(database_url, tmp_path, **settings) as made:
        yield made


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """Run an SMTP server on a free loopback port; yield its inbox and port."""
    with smtp_server() as running:
        yield running


@pytest.fixture
def mailing(app, smtp):
    """Configure the app to send mail through the local server."""
    inbox, port = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                      MAIL_DEFAULT_SENDER="portfolio@example.org")  # fmt: skip
    return inbox


def _body(message: EmailMessage) -> str:
    return message.get_content()


def _row(app) -> ReferenceRequest:
    with app.app_context():
        return db.session.scalar(select(ReferenceRequest))


def _ask_by_mail(user, project_id: int) -> str:
    """Ask for a reference mailed to Jane; return the request's page (where it redirects)."""
    response = request_page(user, project_id, referee_email="jane@brightwave.co.uk")
    assert response.status_code == 303, response.get_data(as_text=True)
    return path_of(response.headers["Location"])


def test_the_job_mails_the_link_and_the_owner_never_sees_it(app, user, new_device, mailing):
    project_id = add_project(user)
    form = user.client.get(f"/projects/{project_id}/references/new").get_data(as_text=True)
    assert "Referee&#39;s email" in form
    with running_worker(app):
        page_path = _ask_by_mail(user, project_id)
        page = wait_until_finished(user.client, page_path)
        (message,) = wait_for(lambda: mailing.messages, "the request mail")
    assert "Sent to an address at brightwave.co.uk" in page
    assert message["To"] == "jane@brightwave.co.uk"
    assert message["From"] == "portfolio@example.org"
    assert "Booking API" in message["Subject"]
    link = LINK_IN_MAIL.search(_body(message)).group(0)
    token = link.rsplit("/", 1)[1]
    row = _row(app)
    assert (row.state, row.sent_by, row.sent_to_domain) == ("waiting", "email", "brightwave.co.uk")
    assert row.token_hash == service.hash_token(token) and row.mail_attempts == 1
    assert row.expires_at - utcnow() > timedelta(days=29)
    # The owner never sees the link: not on the request's page, not on the project's.
    project_page = user.client.get(f"/projects/{project_id}").get_data(as_text=True)
    for shown in (page, project_page):
        assert token not in shown and "/r/" not in shown
    assert "Sent to an address at brightwave.co.uk" in project_page
    assert REFRESH not in project_page

    referee = new_device()
    confirmed = answer(referee, path_of(link), show_name="y")
    assert confirmed.status_code == 200
    assert "also on its way to your email" in confirmed.get_data(as_text=True)
    from tests.test_public_page import share

    public = user.client.get(share(user)).get_data(as_text=True)
    assert "by a link sent by email to an address at brightwave.co.uk" in public
    assert "jane@brightwave.co.uk" not in public


def test_the_withdrawal_link_is_mailed_by_a_job_and_works(app, user, new_device, mailing):
    project_id = add_project(user)
    with running_worker(app):
        wait_until_finished(user.client, _ask_by_mail(user, project_id))
        (asked,) = wait_for(lambda: mailing.messages, "the request mail")
        confirmed = answer(new_device(), path_of(LINK_IN_MAIL.search(_body(asked)).group(0)))
        assert confirmed.status_code == 200
        withdrawal = wait_for(lambda: mailing.messages[1:], "the withdrawal mail")[0]
    assert withdrawal["To"] == "jane@brightwave.co.uk"
    mailed = path_of(WITHDRAW_IN_MAIL.search(_body(withdrawal)).group(0))
    # A link of its own, made by the job: not the one the thank-you page showed.
    assert mailed not in confirmed.get_data(as_text=True)
    assert _row(app).withdraw_mail_hash == service.hash_token(mailed.rsplit("/", 1)[1])
    stranger = new_device()
    assert "Withdraw my reference" in stranger.client.get(mailed).get_data(as_text=True)
    done = stranger.post(mailed)
    assert "Your reference is withdrawn" in done.get_data(as_text=True)
    assert _row(app).state == "withdrawn"


def test_the_web_request_never_waits_for_the_mail_server(app, user, mailing):
    """With no worker running, the request is stored and queued, and nothing is sent."""
    project_id = add_project(user)
    page_path = _ask_by_mail(user, project_id)
    row = _row(app)
    assert (row.state, row.token_hash, row.mail_attempts) == ("sending", None, 0)
    assert mailing.messages == []
    page = user.client.get(page_path).get_data(as_text=True)
    assert "Sending to an address at brightwave.co.uk" in page
    assert REFRESH in page and f'href="{page_path}">Refresh</a>' in page
    project_page = user.client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "Sending…" in project_page and REFRESH in project_page
    with app.app_context():
        assert jobs.get_jobs(app).huey.pending_count() == 1
    # A worker started later takes it off the queue and sends it.
    with running_worker(app):
        page = wait_until_finished(user.client, page_path)
    assert "Sent to an address at brightwave.co.uk" in page
    assert len(mailing.messages) == 1


def test_a_mail_server_that_is_down_is_retried_then_the_owner_makes_a_link(app, user, new_device):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens
    project_id = add_project(user)
    with running_worker(app):
        page_path = _ask_by_mail(user, project_id)
        page = wait_until_finished(user.client, page_path)
    row = _row(app)
    assert row.state == "not_sent" and row.token_hash is None
    assert row.mail_attempts == 3  # the first try and huey's two retries
    assert "Could not be sent" in page and "the mail server could not be reached" in page
    project_page = user.client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "Could not be sent: the mail server could not be reached" in project_page
    assert REFRESH not in project_page

    made = user.post(f"/references/{row.id}/make-link", form_path=page_path)
    assert made.status_code == 201
    link = re.search(r'<code id="reference-link">([^<]+)</code>', made.get_data(as_text=True))
    path = path_of(link.group(1))
    row = _row(app)
    assert (row.state, row.sent_by, row.sent_to_domain) == ("waiting", "link", "")
    assert row.token_hash == service.hash_token(path.rsplit("/", 1)[1])
    # Only once: a second press makes nothing.
    again = user.post(f"/references/{row.id}/make-link", form_path=f"/projects/{project_id}")
    assert again.status_code == 302 and _row(app).token_hash == row.token_hash
    assert answer(new_device(), path).status_code == 200
    from tests.test_public_page import share

    public = user.client.get(share(user)).get_data(as_text=True)
    assert "by a link the owner shared" in public


def test_a_request_stuck_sending_is_reported_and_never_sent_late(app, user, mailing):
    project_id = add_project(user)
    page_path = _ask_by_mail(user, project_id)  # no worker: it stays queued
    with app.app_context():
        db.session.execute(
            update(ReferenceRequest).values(
                created_at=utcnow() - timedelta(seconds=service.SENDING_LIMIT_SECONDS + 1)
            )
        )
        db.session.commit()
    project_page = user.client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "Could not be sent: the app&#39;s mail worker did not send it in time" in project_page
    assert REFRESH not in project_page
    assert "Make a link to copy instead" in user.client.get(page_path).get_data(as_text=True)
    # The job that finally runs finds it reported, and sends nothing.
    with running_worker(app):
        queue = jobs.get_jobs(app).huey
        wait_for(lambda: queue.pending_count() == 0, "the worker took the job")
    row = _row(app)
    assert (row.state, row.mail_attempts) == ("not_sent", 0)
    assert mailing.messages == []


def test_a_try_under_way_is_not_reported_stuck(app, user):
    """A sweep leaves a request whose try began lately: its worker may still send it."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    project_id = add_project(user)
    _ask_by_mail(user, project_id)
    long_ago = utcnow() - timedelta(seconds=service.SENDING_LIMIT_SECONDS + 1)
    with app.app_context():
        db.session.execute(
            update(ReferenceRequest).values(created_at=long_ago, mail_started_at=utcnow())
        )
        db.session.commit()
        assert service.settle_stuck_mail() == 0
        died = utcnow() - timedelta(seconds=service.ATTEMPT_LIMIT_SECONDS + 1)
        db.session.execute(update(ReferenceRequest).values(mail_started_at=died))
        db.session.commit()
        assert service.settle_stuck_mail() == 1
    assert _row(app).state == "not_sent"


def test_a_refused_try_is_recorded_and_raised_for_the_queue_to_retry(app, user):
    """Not the last try: the request stays sending, says why, and huey gets the error."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    project_id = add_project(user)
    page_path = _ask_by_mail(user, project_id)
    request_id = _row(app).id
    with app.app_context(), pytest.raises(mail.MailError):
        job_mailing.send_request_mail(request_id, "http://localhost/", last_try=False)
    row = _row(app)
    assert (row.state, row.mail_attempts, row.mail_started_at) == ("sending", 1, None)
    assert "could not be reached" in row.mail_error
    page = user.client.get(page_path).get_data(as_text=True)
    assert "The last try failed (the mail server could not be reached" in page
    assert "trying again" in page and REFRESH in page


def test_a_queue_that_cannot_be_reached_leaves_the_request_not_sent(app, user, mailing):
    app.config["JOBS_REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    project_id = add_project(user)
    page = user.client.get(_ask_by_mail(user, project_id)).get_data(as_text=True)
    assert "Could not be sent" in page and "the app could not queue the email" in page
    assert _row(app).state == "not_sent" and mailing.messages == []


def test_another_users_request_page_and_make_link_are_404(app, user, new_device, mailing):
    project_id = add_project(user)
    page_path = _ask_by_mail(user, project_id)
    request_id = _row(app).id
    other = new_device()
    other.register(email="eve@example.com", name="Eve")
    assert other.client.get(page_path).status_code == 404
    assert (
        other.post(f"/references/{request_id}/make-link", form_path="/dashboard").status_code == 404
    )
    assert user.client.get("/references/999999").status_code == 404


def test_a_bad_referee_address_is_refused(app, user, mailing):
    project_id = add_project(user)
    response = request_page(user, project_id, referee_email="not an address")
    assert response.status_code == 422
    assert "Enter an email address like you@example.com." in response.get_data(as_text=True)
    assert mailing.messages == [] and _row(app) is None


def _email_error(response) -> str:
    """Return the error shown beside the "Referee's email" field ("" without one)."""
    found = re.search(
        r'<p class="error" id="referee_email-error">(.*?)</p>', response.get_data(as_text=True)
    )
    return html.unescape(found.group(1)) if found else ""


@pytest.mark.parametrize("address", ["ada@example.com", "ADA@Example.COM", "ada+ref@example.com"])
def test_the_owner_s_own_email_is_refused_beside_the_field(app, user, mailing, address):
    project_id = add_project(user)
    response = request_page(user, project_id, referee_email=address)
    assert response.status_code == 422
    assert _email_error(response) == rules.REFEREE_EMAIL_IS_YOURS
    assert mailing.messages == [] and _row(app) is None


def test_the_email_in_the_owner_s_public_details_is_refused(app, user, mailing):
    from tests.test_public_page import save_details

    assert save_details(user, email="Ada.Work@Brightwave.co.uk").status_code in (302, 303)
    project_id = add_project(user)
    response = request_page(user, project_id, referee_email="ada.work@brightwave.co.uk")
    assert response.status_code == 422
    assert _email_error(response) == rules.REFEREE_EMAIL_IS_YOURS
    assert _row(app) is None
    # Someone else at the same organisation is who a reference is for.
    assert request_page(user, project_id, referee_email="jane@brightwave.co.uk").status_code == 303


def test_without_mail_the_link_is_shown_once_with_no_job(app, user):
    project_id = add_project(user)
    response = request_page(user, project_id)
    assert response.status_code == 201
    assert 'id="reference-link"' in response.get_data(as_text=True)
    with app.app_context():
        assert jobs.get_jobs(app).huey.pending_count() == 0


def test_the_api_names_every_state_the_service_has():
    assert set(typing.get_args(ReferenceState)) == set(service.STATES)


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


def test_send_says_why_when_no_server_answers():
    settings = mail.MailSettings(server="127.0.0.1", port=free_port())
    with pytest.raises(mail.MailError, match="could not be reached"):
        mail.send(settings, "jane@example.org", "Hello", "Body")


def test_a_mailed_link_points_at_the_site_the_owner_used(sqlite_app):
    with sqlite_app.app_context():
        link = job_mailing.link_at("https://example.org/portfolio/", "references.referee", "abc")
        assert link == "https://example.org/portfolio/r/abc"
        sqlite_app.config.update(SERVER_NAME="portfolio.example.net", PREFERRED_URL_SCHEME="https")
        link = job_mailing.link_at("http://evil.example/", "references.withdraw", "abc")
        assert link == "https://portfolio.example.net/r/withdraw/abc"


def test_send_says_so_when_the_server_never_answers(monkeypatch):
    """A server that takes the connection and stays silent: given up on, with a reason."""
    monkeypatch.setattr(mail, "SMTP_TIMEOUT", 0.2)  # the real 10 s, shortened for the suite
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        settings = mail.MailSettings(server="127.0.0.1", port=silent.getsockname()[1])
        with pytest.raises(mail.MailError, match="did not answer in time"):
            mail.send(settings, "jane@example.org", "Hello", "Body")


def test_going_back_before_0008_keeps_an_unsent_request_as_revoked(fresh_database_url, tmp_path):
    """Before 0008 every request has a token: one still sending becomes revoked."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    config = _test_config(fresh_database_url, tmp_path)
    app = create_app({**config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port()})
    with app.app_context():
        upgrade()
    user = Browserless(app.test_client())
    user.register()
    project_id = add_project(user)
    _ask_by_mail(user, project_id)  # no worker: it stays sending, with no token
    request_page(user, project_id, label_name="Sam")  # with no address: a link to copy
    with app.app_context():
        downgrade(revision="0007")
        rows = db.session.execute(
            text("SELECT label_name, state, token_hash FROM reference_request ORDER BY id")
        ).all()
        db.session.remove()
        upgrade()
        assert db.session.scalar(text("SELECT count(*) FROM reference_request")) == 2
        db.session.remove()
        db.engine.dispose()
    (jane, sam) = rows
    assert jane.state == "revoked" and jane.token_hash.startswith("unsent:")
    assert sam.state == "waiting" and len(sam.token_hash) == 64
