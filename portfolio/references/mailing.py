"""Mailing reference links: the background jobs' side (see ``portfolio.jobs``).

No mail goes out in a web request: the view stores a request "sending" with no token
and enqueues ``send_reference_request``; this module is what the job runs.

* A try takes the request first (``_claim_mail``): one try at a time holds it, so a
  duplicate job finds it taken and sends nothing; a try that began more than
  ``service.ATTEMPT_LIMIT_SECONDS`` ago died with its worker and may be taken over.
* The job makes the random token, mails the link, and only once the mail server has
  accepted it stores the token's hash and the expiry (30 days from now), with the
  request "waiting". The token exists in the worker's memory and the mail, nowhere else:
  not in the queue (a file or a Redis other nodes share), not in the owner's browser.
* A refusal is recorded and raised as ``mail.MailError``, so huey tries again after
  its delay; the last try marks the request "not sent", with the reason.
* The withdrawal link mailed to a referee is a token of its own, made here the same
  way (its hash in ``withdraw_mail_hash``); the one on the thank-you page stays valid.
* If the worker dies after the mail went and before the hash is stored, the mailed
  link opens nothing and the request is reported not sent later: a dead link, never a
  second live one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import or_, select, update

from portfolio import mail
from portfolio.extensions import db
from portfolio.models import Project, ReferenceRequest, User, utcnow
from portfolio.references.service import (
    ATTEMPT_LIMIT_SECONDS,
    CONFIRMED,
    NOT_SENT,
    SENDING,
    WAITING,
    email_domain,
    hash_token,
    new_token,
)
from portfolio.schemas import rules

log = logging.getLogger(__name__)


def link_at(base_url: str, endpoint: str, token: str) -> str:
    """Return the absolute link to a referee's page of the site at ``base_url``.

    A job has no web request to take the host from, so the view passes its base URL;
    a configured ``SERVER_NAME`` wins over it (the Host header is the client's to say).
    """
    config = current_app.config
    if config.get("SERVER_NAME"):
        scheme = config.get("PREFERRED_URL_SCHEME") or "http"
        base_url = f"{scheme}://{config['SERVER_NAME']}{config.get('APPLICATION_ROOT') or '/'}"
    parts = urlsplit(base_url)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http"
    )
    return adapter.build(endpoint, {"token": token}, force_external=True)


def _mail_step(request_id: int, attempt: int):
    """An UPDATE of a request still sending, by the try that holds it."""
    return (
        update(ReferenceRequest)
        .where(
            ReferenceRequest.id == request_id,
            ReferenceRequest.state == SENDING,
            ReferenceRequest.mail_attempts == attempt,
        )
        .execution_options(synchronize_session=False)
    )


def _claim_mail(request_id: int, now: datetime) -> int | None:
    """Take a sending request for one try; return the try's number, or None.

    Only one try holds a request at a time: a second job for it (the sweep's, or a
    duplicate) finds it taken and leaves it, unless the first died long ago.
    """
    died_before = now - timedelta(seconds=ATTEMPT_LIMIT_SECONDS)
    claimed = db.session.execute(
        update(ReferenceRequest)
        .where(
            ReferenceRequest.id == request_id,
            ReferenceRequest.state == SENDING,
            or_(
                ReferenceRequest.mail_started_at.is_(None),
                ReferenceRequest.mail_started_at < died_before,
            ),
        )
        .values(mail_attempts=ReferenceRequest.mail_attempts + 1, mail_started_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return None
    return db.session.scalar(
        select(ReferenceRequest.mail_attempts).where(ReferenceRequest.id == request_id)
    )


def send_request_mail(request_id: int, base_url: str, *, last_try: bool = True) -> None:
    """Mail a request's link (the background job): make the token, send, keep its hash.

    A refusal is recorded, then raised as ``mail.MailError`` so the queue tries again;
    on the last try the request is marked not sent instead.
    """
    attempt = _claim_mail(request_id, utcnow())
    if attempt is None:
        return  # deleted, sent, reported, or another try holds it
    row = db.session.get(ReferenceRequest, request_id)
    settings = mail.settings_from(current_app.config)
    if row is None or settings is None:
        _mail_failed(request_id, attempt, rules.REFERENCE_MAIL_OFF, final=True)
        return
    address = row.referee_email
    owner = db.session.get(User, row.user_id).display_name
    title = db.session.get(Project, row.project_id).title
    # No transaction stays open while the mail server takes its time.
    db.session.commit()
    token = new_token()
    link = link_at(base_url, "references.referee", token)
    try:
        mail.send(
            settings,
            address,
            f"Would you confirm {owner}'s work on “{title}”?",
            request_mail_body(owner, title, link),
        )
    except mail.MailError as error:
        _mail_failed(request_id, attempt, error.reason, final=last_try)
        if not last_try:
            raise
        return
    now = utcnow()
    sent = db.session.execute(
        _mail_step(request_id, attempt).values(
            state=WAITING,
            token_hash=hash_token(token),
            expires_at=now + timedelta(days=rules.REFERENCE_LINK_DAYS),
            sent_to_domain=email_domain(address),
            mail_started_at=None,
            mail_error="",
        )
    ).rowcount
    db.session.commit()
    if sent != 1:
        # Deleted while the mail went: its link opens nothing, as a deleted one should.
        log.warning("reference request %s changed while its mail was sent", request_id)


def _mail_failed(request_id: int, attempt: int, reason: str, *, final: bool) -> None:
    values: dict = {"mail_started_at": None, "mail_error": reason[:200]}
    if final:
        values["state"] = NOT_SENT
    db.session.execute(_mail_step(request_id, attempt).values(**values))
    db.session.commit()


def request_mail_body(owner_name: str, title: str, link: str) -> str:
    """Return the text of the mail that carries a reference link."""
    return (
        f"Hello,\n\n{owner_name} asks you to confirm their work on “{title}”.\n\n"
        f"Open this link to see the project as they describe it, and confirm what you "
        f"can or decline:\n\n{link}\n\n"
        f"The link works once, for {rules.REFERENCE_LINK_DAYS} days. No account is needed. "
        "If you do not know this work, ignore this message.\n"
    )


def withdraw_mail_body(title: str, link: str) -> str:
    """Return the text of the mail that gives the referee their withdrawal link."""
    return (
        f"Thank you for confirming the work on “{title}”.\n\n"
        "If you ever want to withdraw your reference, open this link:\n\n"
        f"{link}\n\nKeep it to yourself: anyone with it can withdraw the reference.\n"
    )


def send_withdraw_mail(request_id: int, base_url: str, *, last_try: bool = True) -> None:
    """Mail the referee a withdrawal link of its own (the background job), once.

    The job makes the token and keeps only its hash, after the mail went. A refusal is
    raised as ``mail.MailError`` so the queue tries again, until the last try.
    """
    row = db.session.get(ReferenceRequest, request_id)
    settings = mail.settings_from(current_app.config)
    if row is None or settings is None or not row.referee_email:
        return
    if row.state != CONFIRMED or row.withdraw_mail_hash is not None:
        return  # withdrawn meanwhile, or mailed already
    address = row.referee_email
    title = db.session.get(Project, row.project_id).title
    db.session.commit()  # no transaction stays open while the mail server answers
    token = new_token()
    link = link_at(base_url, "references.withdraw", token)
    try:
        mail.send(settings, address, "Your reference: how to withdraw it",
                  withdraw_mail_body(title, link))  # fmt: skip
    except mail.MailError as error:
        log.warning("withdrawal mail for reference %s: %s", request_id, error.reason)
        if not last_try:
            raise
        return
    db.session.execute(
        update(ReferenceRequest)
        .where(ReferenceRequest.id == request_id, ReferenceRequest.withdraw_mail_hash.is_(None))
        .values(withdraw_mail_hash=hash_token(token))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
