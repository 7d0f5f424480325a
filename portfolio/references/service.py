"""References on the database side: requests, the referee's answer, the owner's choices.

Rules worth knowing:

* A request's link carries a random token (``secrets``); only its SHA-256 is stored,
  so the link is shown to the owner once and can never be shown again (they can make
  a new one). It works for ``rules.REFERENCE_LINK_DAYS`` days, once.
* When the app mails the link itself, the owner never sees it: the reference can then
  say the link went to an address at the referee's domain, which a reader can weigh.
  If the mail cannot be sent, the request is kept as a link the owner shares.
* States: waiting, confirmed, declined, withdrawn (by the referee), revoked (by the
  owner, while waiting); "expired" is a waiting request past its date, worked out from
  the time, never stored.
* An answer is taken once: the UPDATE that records it only matches a waiting,
  unexpired row, so of two answers sent at once exactly one is kept.
* A confirmation snapshots what was confirmed (snapshot.py) and gives the referee a
  withdrawal link (again, only its hash is kept).
* Every change that alters what the portfolio shows bumps the owner's portfolio
  version (caches, ETags) and sends ``portfolio_changed`` (the score history).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from portfolio import mail
from portfolio.extensions import db
from portfolio.models import Project, ReferenceRequest, User, utcnow
from portfolio.projects.record import ProjectRecord
from portfolio.projects.services import portfolio_changed, record_of, touch_portfolio
from portfolio.references.snapshot import changes_since, confirms_in_words, snapshot
from portfolio.schemas import rules
from portfolio.schemas.reference import ReferenceAnswerIn, ReferenceRequestIn

WAITING, CONFIRMED, DECLINED = "waiting", "confirmed", "declined"
EXPIRED, WITHDRAWN, REVOKED = "expired", "withdrawn", "revoked"
#: Every state a request can be in, as the owner and the API name them.
STATES: tuple[str, ...] = (WAITING, CONFIRMED, DECLINED, EXPIRED, WITHDRAWN, REVOKED)
STATE_LABELS: dict[str, str] = {
    WAITING: "Waiting for an answer",
    CONFIRMED: "Confirmed",
    DECLINED: "Declined",
    EXPIRED: "Expired",
    WITHDRAWN: "Withdrawn by the referee",
    REVOKED: "Revoked",
}
#: The longest token a link may carry; anything longer is not ours.
TOKEN_MAX = 100


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


def email_domain(address: str) -> str:
    """Return the domain of an email address, lower-cased ("" without one)."""
    return address.rpartition("@")[2].strip().lower()


# --------------------------------------------------------------------------
# The owner's side


@dataclass(frozen=True)
class Requested:
    """A new request: its row, its link (None when mailed), and any mail failure."""

    request: ReferenceRequest
    link: str | None
    mailed_to: str = ""  # the domain the link was mailed to
    mail_error: str = ""


def request_reference(
    user: User,
    project: Project,
    data: ReferenceRequestIn,
    *,
    link_for: Callable[[str], str],
    mail_settings: mail.MailSettings | None = None,
    now: datetime | None = None,
) -> Requested:
    """Make a request for a reference on the project; mail its link when asked to.

    Raises ``rules.QuotaError`` when the project holds as many requests as it may.
    """
    held = db.session.scalar(
        select(func.count(ReferenceRequest.id)).where(ReferenceRequest.project_id == project.id)
    )
    if held >= rules.MAX_REFERENCE_REQUESTS:
        raise rules.QuotaError(rules.TOO_MANY_REFERENCE_REQUESTS)
    now = now or utcnow()
    token = new_token()
    address = data.referee_email if mail_settings is not None else ""
    row = ReferenceRequest(
        user_id=user.id,
        project_id=project.id,
        label_name=data.label_name,
        label_role=data.label_role,
        referee_email=address,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=rules.REFERENCE_LINK_DAYS),
        state=WAITING,
        sent_by="link",
        sent_to_domain="",
        confirmed={},
    )
    db.session.add(row)
    db.session.commit()
    link = link_for(token)
    if not address or mail_settings is None:
        return Requested(row, link)
    try:
        mail.send(
            mail_settings,
            address,
            f"Would you confirm {user.display_name}'s work on “{project.title}”?",
            request_mail_body(user.display_name, project.title, link),
        )
    except mail.MailError as error:
        return Requested(row, link, mail_error=error.reason)
    row.sent_by = "email"
    row.sent_to_domain = email_domain(address)
    db.session.commit()
    return Requested(row, None, mailed_to=row.sent_to_domain)


def request_mail_body(owner_name: str, title: str, link: str) -> str:
    """Return the text of the mail that carries a reference link."""
    return (
        f"Hello,\n\n{owner_name} asks you to confirm their work on “{title}”.\n\n"
        f"Open this link to see the project as they describe it, and confirm what you "
        f"can or decline:\n\n{link}\n\n"
        f"The link works once, for {rules.REFERENCE_LINK_DAYS} days. No account is needed. "
        "If you do not know this work, ignore this message.\n"
    )


def requests_for_project(user: User, project_id: int) -> list[ReferenceRequest]:
    """Return the user's requests on one project, newest first."""
    return list(
        db.session.scalars(
            select(ReferenceRequest)
            .where(ReferenceRequest.user_id == user.id, ReferenceRequest.project_id == project_id)
            .order_by(ReferenceRequest.created_at.desc(), ReferenceRequest.id.desc())
        )
    )


def requests_of(user: User) -> list[tuple[ReferenceRequest, str]]:
    """Return all the user's requests with their project's title, newest first."""
    rows = db.session.execute(
        select(ReferenceRequest, Project.title)
        .join(Project, Project.id == ReferenceRequest.project_id)
        .where(ReferenceRequest.user_id == user.id)
        .order_by(ReferenceRequest.created_at.desc(), ReferenceRequest.id.desc())
    ).all()
    return [(row, title) for row, title in rows]


def get_own_request(user: User, request_id: int) -> ReferenceRequest | None:
    """Return the user's request with this id, or None (other users' ids included)."""
    return db.session.scalar(
        select(ReferenceRequest).where(
            ReferenceRequest.id == request_id, ReferenceRequest.user_id == user.id
        )
    )


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
    return db.session.scalar(
        select(ReferenceRequest).where(ReferenceRequest.withdraw_hash == hash_token(token))
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


def withdraw_mail_body(title: str, link: str) -> str:
    """Return the text of the mail that gives the referee their withdrawal link."""
    return (
        f"Thank you for confirming the work on “{title}”.\n\n"
        "If you ever want to withdraw your reference, open this link:\n\n"
        f"{link}\n\nKeep it to yourself: anyone with it can withdraw the reference.\n"
    )


def mail_withdraw_link(row: ReferenceRequest, title: str, link: str,
                       settings: mail.MailSettings | None) -> bool:  # fmt: skip
    """Mail the withdrawal link to the referee's address, when there is one; say if it went."""
    if settings is None or not row.referee_email:
        return False
    try:
        mail.send(settings, row.referee_email, "Your reference: how to withdraw it",
                  withdraw_mail_body(title, link))  # fmt: skip
    except mail.MailError:
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
