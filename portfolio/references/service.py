"""References on the database side: requests, the referee's answer, the owner's choices.

Rules worth knowing:

* A request's link carries a random token (``secrets``); only its SHA-256 is stored,
  so the link is shown to the owner once and can never be shown again (they can make
  a new one). It works for ``rules.REFERENCE_LINK_DAYS`` days, once.
* When the app mails the link itself, the owner never sees it: the reference can then
  say the link went to an address at the referee's domain, which a reader can weigh.
  Mail never goes out in a web request (a mail server can take seconds or hang): the
  request is stored "sending" with no token at all, and a background job (mailing.py)
  makes the token, mails the link and only then stores its hash and expiry, so the
  secret never passes through the queue or the owner's browser. A mail server that
  refuses is tried again (huey's retries); when the last try fails the request is
  "not sent", with the reason, and the owner may make a link to copy instead (a new
  token, shown once).
* A request stuck "sending" (its worker died, or no worker runs) is reported "not
  sent" once ``SENDING_LIMIT_SECONDS`` have passed with no try under way
  (``settle_stuck_mail``: the periodic sweep, and every page that lists requests),
  rather than sent again: a second mail could carry a second, different link.
* States: sending, not sent, waiting, confirmed, declined, withdrawn (by the referee),
  revoked (by the owner, while waiting); "expired" is a waiting request past its date,
  worked out from the time, never stored.
* An answer is taken once: the UPDATE that records it only matches a waiting,
  unexpired row, so of two answers sent at once exactly one is kept.
* A confirmation snapshots what was confirmed (snapshot.py) and gives the referee a
  withdrawal link (again, only its hash is kept). When the referee's address is known,
  a job mails them a second withdrawal link that the job itself makes (its hash in
  ``withdraw_mail_hash``): the queue, a file or a Redis that other nodes share, then
  never holds a live secret, and a retried job carries nothing to leak.
* Every change that alters what the portfolio shows bumps the owner's portfolio
  version (caches, ETags) and sends ``portfolio_changed`` (the score history).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update

from portfolio import mail
from portfolio.extensions import db
from portfolio.jobs import get_jobs
from portfolio.models import PortfolioSettings, Project, ReferenceRequest, User, utcnow
from portfolio.projects.record import ProjectRecord
from portfolio.projects.services import portfolio_changed, record_of, touch_portfolio
from portfolio.references.snapshot import changes_since, confirms_in_words, snapshot
from portfolio.schemas import rules
from portfolio.schemas.reference import ReferenceAnswerIn, ReferenceRequestIn

log = logging.getLogger(__name__)

SENDING, NOT_SENT = "sending", "not_sent"
WAITING, CONFIRMED, DECLINED = "waiting", "confirmed", "declined"
EXPIRED, WITHDRAWN, REVOKED = "expired", "withdrawn", "revoked"
#: Every state a request can be in, as the owner and the API name them.
STATES: tuple[str, ...] = (
    SENDING, NOT_SENT, WAITING, CONFIRMED, DECLINED, EXPIRED, WITHDRAWN, REVOKED,
)  # fmt: skip
STATE_LABELS: dict[str, str] = {
    SENDING: "Sending…",
    NOT_SENT: "Could not be sent",
    WAITING: "Waiting for an answer",
    CONFIRMED: "Confirmed",
    DECLINED: "Declined",
    EXPIRED: "Expired",
    WITHDRAWN: "Withdrawn by the referee",
    REVOKED: "Revoked",
}
#: The longest token a link may carry; anything longer is not ours.
TOKEN_MAX = 100
#: A try at mailing a link that began this long ago has died with its worker
#: (each step of the SMTP exchange gives up after ``mail.SMTP_TIMEOUT`` seconds).
ATTEMPT_LIMIT_SECONDS = 2 * 60
#: A request still "sending" this long after it was made, with no try under way, is
#: reported not sent (its worker died or none runs). Well past every retry's delay.
SENDING_LIMIT_SECONDS = 10 * 60


class AlreadyAnswered(Exception):
    """The link was answered (or closed) before this answer arrived."""


class NotAllowed(Exception):
    """The owner asked for something this request's state does not allow."""


def new_token() -> str:
    """Return a fresh, unguessable token for a link."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Return the SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def state_of(row: ReferenceRequest, now: datetime | None = None) -> str:
    """Return the request's state; a waiting one past its date has expired."""
    now = now or utcnow()
    if row.state == WAITING and row.expires_at <= now:
        return EXPIRED
    return row.state


def owner_emails(user: User) -> tuple[str, ...]:
    """Return the owner's own addresses: the account's and the public details' email."""
    shown = db.session.scalar(
        select(PortfolioSettings.email).where(PortfolioSettings.user_id == user.id)
    )
    return tuple(address for address in (user.email, shown or "") if address)


def email_domain(address: str) -> str:
    """Return the domain of an email address, lower-cased ("" without one)."""
    return address.rpartition("@")[2].strip().lower()


# --------------------------------------------------------------------------
# The owner's side


@dataclass(frozen=True)
class Requested:
    """A new request: its row, and its link (None when the app mails it)."""

    request: ReferenceRequest
    link: str | None


def request_reference(
    user: User,
    project: Project,
    data: ReferenceRequestIn,
    *,
    link_for: Callable[[str], str],
    mail_from: str | None = None,
    now: datetime | None = None,
) -> Requested:
    """Make a request for a reference on the project, and its link to copy.

    With ``mail_from`` (the base URL of the site, when the app can send mail) and the
    referee's address, no link is made here: the request is stored "sending" and the
    background job mails it (see the module's docstring). Raises ``rules.QuotaError``
    when the project holds as many requests as it may.
    """
    held = db.session.scalar(
        select(func.count(ReferenceRequest.id)).where(ReferenceRequest.project_id == project.id)
    )
    if held >= rules.MAX_REFERENCE_REQUESTS:
        raise rules.QuotaError(rules.TOO_MANY_REFERENCE_REQUESTS)
    now = now or utcnow()
    mailed = bool(mail_from and data.referee_email)
    token = None if mailed else new_token()
    row = ReferenceRequest(
        user_id=user.id,
        project_id=project.id,
        label_name=data.label_name,
        label_role=data.label_role,
        referee_email=data.referee_email if mailed else "",
        token_hash=hash_token(token) if token else None,
        created_at=now,
        # A mailed link's 30 days start when the job sends it.
        expires_at=now + timedelta(days=rules.REFERENCE_LINK_DAYS),
        state=SENDING if mailed else WAITING,
        sent_by="email" if mailed else "link",
        sent_to_domain="",
        confirmed={},
        mail_attempts=0,
        mail_error="",
    )
    db.session.add(row)
    db.session.commit()
    if token is not None:
        return Requested(row, link_for(token))
    try:
        get_jobs().send_reference_request(row.id, mail_from)
    except Exception:
        log.exception("could not enqueue the mail for reference request %s", row.id)
        row.state = NOT_SENT
        row.mail_error = rules.REFERENCE_MAIL_UNQUEUED
        db.session.commit()
    return Requested(row, None)


def settle_stuck_mail(request_ids: Sequence[int] | None = None,
                      now: datetime | None = None) -> int:  # fmt: skip
    """Report not sent the requests stuck sending; return how many changed.

    Stuck: made more than ``SENDING_LIMIT_SECONDS`` ago, and no try under way (none
    began, or the last began more than ``ATTEMPT_LIMIT_SECONDS`` ago: its worker died).
    One conditional UPDATE, so a try that claims the request first keeps it.
    """
    now = now or utcnow()
    query = (
        update(ReferenceRequest)
        .where(
            ReferenceRequest.state == SENDING,
            ReferenceRequest.created_at < now - timedelta(seconds=SENDING_LIMIT_SECONDS),
            or_(
                ReferenceRequest.mail_started_at.is_(None),
                ReferenceRequest.mail_started_at < now - timedelta(seconds=ATTEMPT_LIMIT_SECONDS),
            ),
        )
        .values(state=NOT_SENT, mail_started_at=None, mail_error=rules.REFERENCE_MAIL_STUCK)
        .execution_options(synchronize_session=False)
    )
    if request_ids is not None:
        query = query.where(ReferenceRequest.id.in_(list(request_ids)))
    changed = db.session.execute(query).rowcount
    db.session.commit()
    if changed:
        log.warning("%s reference request(s) stuck sending were reported not sent", changed)
    return changed


def _settled(rows: list[ReferenceRequest], now: datetime) -> list[ReferenceRequest]:
    """Report the rows stuck sending (see ``settle_stuck_mail``) before a page shows them."""
    limit = now - timedelta(seconds=SENDING_LIMIT_SECONDS)
    stuck = [row.id for row in rows if row.state == SENDING and row.created_at < limit]
    if stuck:
        settle_stuck_mail(stuck, now)  # its commit expires the rows: they read afresh
    return rows


def make_link_instead(user: User, row: ReferenceRequest, *, link_for: Callable[[str], str],
                      now: datetime | None = None) -> Requested:  # fmt: skip
    """Turn a request whose mail could not be sent into a link the owner copies."""
    if row.state != NOT_SENT:
        raise NotAllowed(row.id)
    now = now or utcnow()
    token = new_token()
    changed = db.session.execute(
        update(ReferenceRequest)
        .where(ReferenceRequest.id == row.id, ReferenceRequest.state == NOT_SENT)
        .values(
            state=WAITING,
            token_hash=hash_token(token),
            expires_at=now + timedelta(days=rules.REFERENCE_LINK_DAYS),
            sent_by="link",
            sent_to_domain="",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        raise NotAllowed(row.id)
    db.session.commit()
    db.session.refresh(row)
    return Requested(row, link_for(token))


def requests_for_project(user: User, project_id: int) -> list[ReferenceRequest]:
    """Return the user's requests on one project, newest first (stuck ones reported)."""
    rows = list(
        db.session.scalars(
            select(ReferenceRequest)
            .where(ReferenceRequest.user_id == user.id, ReferenceRequest.project_id == project_id)
            .order_by(ReferenceRequest.created_at.desc(), ReferenceRequest.id.desc())
        )
    )
    return _settled(rows, utcnow())


def requests_of(user: User) -> list[tuple[ReferenceRequest, str]]:
    """Return all the user's requests with their project's title, newest first."""
    rows = db.session.execute(
        select(ReferenceRequest, Project.title)
        .join(Project, Project.id == ReferenceRequest.project_id)
        .where(ReferenceRequest.user_id == user.id)
        .order_by(ReferenceRequest.created_at.desc(), ReferenceRequest.id.desc())
    ).all()
    _settled([row for row, _title in rows], utcnow())
    return [(row, title) for row, title in rows]


def get_own_request(user: User, request_id: int) -> ReferenceRequest | None:
    """Return the user's request with this id, or None (other users' ids included)."""
    row = db.session.scalar(
        select(ReferenceRequest).where(
            ReferenceRequest.id == request_id, ReferenceRequest.user_id == user.id
        )
    )
    return _settled([row], utcnow())[0] if row is not None else None


def _changed(user: User) -> None:
    touch_portfolio(user)
    db.session.commit()
    portfolio_changed.send(user)


def revoke(user: User, row: ReferenceRequest) -> None:
    """Close a waiting request: its link then opens nothing."""
    if state_of(row) != WAITING:
        raise NotAllowed(row.id)
    result = db.session.execute(
        update(ReferenceRequest)
        .where(ReferenceRequest.id == row.id, ReferenceRequest.state == WAITING)
        .values(state=REVOKED, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise NotAllowed(row.id)  # answered meanwhile
    db.session.commit()


def set_hidden(user: User, row: ReferenceRequest, hidden: bool) -> None:
    """Hide a confirmed reference from every public output, or show it again."""
    if row.state != CONFIRMED:
        raise NotAllowed(row.id)
    row.hidden = hidden
    _changed(user)


def set_comment_shown(user: User, row: ReferenceRequest, shown: bool) -> None:
    """Show the referee's comment publicly (only when they allowed it), or stop."""
    if row.state != CONFIRMED or (shown and not row.show_comment):
        raise NotAllowed(row.id)
    row.owner_shows_comment = shown
    _changed(user)


def delete(user: User, row: ReferenceRequest) -> None:
    """Delete a request and whatever answer it holds."""
    shown = row.state == CONFIRMED
    db.session.delete(row)
    if shown:
        _changed(user)
    else:
        db.session.commit()


# --------------------------------------------------------------------------
# The referee's side


def find_by_token(token: str) -> ReferenceRequest | None:
    """Return the request a link's token opens, or None."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return db.session.scalar(
        select(ReferenceRequest).where(ReferenceRequest.token_hash == hash_token(token))
    )


def find_by_withdraw_token(token: str) -> ReferenceRequest | None:
    """Return the reference a withdrawal link names, or None."""
    if not token or len(token) > TOKEN_MAX:
        return None
    hashed = hash_token(token)
    return db.session.scalar(
        select(ReferenceRequest).where(
            or_(
                ReferenceRequest.withdraw_hash == hashed,
                ReferenceRequest.withdraw_mail_hash == hashed,
            )
        )
    )


@dataclass(frozen=True)
class ForReferee:
    """What the referee's page shows: the project as written, and nothing else of the owner's."""

    request: ReferenceRequest
    project: ProjectRecord
    version: int


def for_referee(row: ReferenceRequest) -> ForReferee:
    """Return the project as the owner wrote it now, for the referee's page."""
    project = db.session.get(Project, row.project_id)
    return ForReferee(row, record_of(project), project.version)


def _take_answer(row: ReferenceRequest, values: dict, now: datetime) -> None:
    """Record an answer if the link is still open, or raise AlreadyAnswered."""
    result = db.session.execute(
        update(ReferenceRequest)
        .where(
            ReferenceRequest.id == row.id,
            ReferenceRequest.state == WAITING,
            ReferenceRequest.expires_at > now,
        )
        .values(decided_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise AlreadyAnswered(row.id)


def confirm(
    row: ReferenceRequest, answer: ReferenceAnswerIn, project: ProjectRecord,
    *, now: datetime | None = None,
) -> str:  # fmt: skip
    """Record the referee's confirmation of the project as shown; return the withdrawal token."""
    now = now or utcnow()
    withdraw = new_token()
    _take_answer(
        row,
        {
            "state": CONFIRMED,
            "referee_name": answer.name,
            "referee_job_title": answer.job_title,
            "referee_organisation": answer.organisation,
            "referee_relationship": answer.relationship,
            "confirmed": snapshot(
                project,
                dates_and_role=answer.dates_and_role,
                work=answer.work,
                technologies=answer.technologies,
            ),
            "comment": answer.comment,
            "show_name": answer.show_name,
            "show_comment": answer.show_comment,
            "withdraw_hash": hash_token(withdraw),
        },
        now,
    )
    _changed(db.session.get(User, row.user_id))
    return withdraw


def decline(row: ReferenceRequest, *, now: datetime | None = None) -> None:
    """Record that the referee declined; the link accepts nothing more."""
    _take_answer(row, {"state": DECLINED}, now or utcnow())
    db.session.commit()


def withdraw(row: ReferenceRequest) -> bool:
    """Withdraw a confirmed reference (the referee's choice); False if it was not confirmed."""
    result = db.session.execute(
        update(ReferenceRequest)
        .where(ReferenceRequest.id == row.id, ReferenceRequest.state == CONFIRMED)
        .values(state=WITHDRAWN)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return False
    _changed(db.session.get(User, row.user_id))
    return True


def queue_withdraw_mail(row: ReferenceRequest, base_url: str) -> bool:
    """Have a job mail the referee a withdrawal link, when the app has their address.

    Returns whether a mail is on its way.
    """
    if mail.settings_from(current_app.config) is None or not row.referee_email:
        return False
    try:
        get_jobs().send_withdraw_link(row.id, base_url)
    except Exception:
        log.exception("could not enqueue the withdrawal mail for reference %s", row.id)
        return False
    return True


# --------------------------------------------------------------------------
# What the owner's page shows


@dataclass(frozen=True)
class RequestView:
    """A request as the owner's list shows it."""

    request: ReferenceRequest
    state: str
    changes: tuple[str, ...] = ()
    confirms: tuple[str, ...] = ()  # what the referee confirmed, in words

    @property
    def label(self) -> str:
        """Return the state in words."""
        return STATE_LABELS[self.state]

    @property
    def delivery(self) -> str:
        """Return how the link went (or is going) to the referee, in words."""
        return delivery_of(self.request)


def delivery_of(row: ReferenceRequest) -> str:
    """Return how a request's link went to the referee, in words ("" for a copied link)."""
    if row.state == SENDING:
        sending = f"Sending to an address at {email_domain(row.referee_email)}…"
        if row.mail_error:  # a try failed; huey tries again after a pause
            return f"{sending} The last try failed ({row.mail_error}); trying again."
        return sending
    if row.state == NOT_SENT:
        return f"Could not be sent: {row.mail_error}"
    if row.sent_by == "email":
        return f"Sent to an address at {row.sent_to_domain}"
    return ""


def views_for(rows: Sequence[ReferenceRequest], project: ProjectRecord) -> list[RequestView]:
    """Return the owner's requests on one project with their states and changes."""
    now = utcnow()
    return [
        RequestView(
            row,
            state_of(row, now),
            changes_since(row.confirmed or {}, project) if row.state == CONFIRMED else (),
            confirms_in_words(row.confirmed or {}),
        )
        for row in rows
    ]
