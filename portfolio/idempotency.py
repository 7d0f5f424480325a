"""Writes sent twice are done once: the API's Idempotency-Key and the forms' one-time tokens.

A client that cannot tell whether a write went through (a dropped connection, a node
that died mid-request, a double click) sends it again with the same key. The rules:

* The first request with a key *claims* it: a row in ``idempotency_key`` added in the
  request's own transaction, before it writes anything, so the claim is committed with
  the write or rolled back with it. A second request with the key waits on the row's
  unique index (PostgreSQL) or the write lock (SQLite) until the first commits.
* Once the first request has answered, ``remember`` stores its answer (status, the
  headers that matter, body) on the row: in the same commit as the write when the
  answer is known by then (the add form's), else just after it (the API's). A repeat
  gets that answer back from ``claim``.
* A key that comes with a different request (another method, path, query or body) is
  refused: ``KeyReused``. Form tokens carry no fingerprint: any second use is a repeat.
* A repeat that arrives while the first request still runs waits up to
  ``WAIT_SECONDS`` for its answer, then gives up: ``KeyInFlight``. A claim without an
  answer after ``UNFINISHED_AFTER`` belongs to a request that stopped between its
  commit and its answer (its process died): ``KeyUnfinished``. Its write may have been
  made, so it is never redone.
* Keys are scoped (one API token's, one user's forms) and kept
  ``rules.IDEMPOTENCY_KEY_HOURS``. Older ones are deleted as new ones are claimed; a key
  may then be used again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from portfolio.extensions import db
from portfolio.models import IdempotencyKey, utcnow
from portfolio.schemas import rules

#: How long a repeat waits for the first request's answer, and how often it looks.
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.05
#: Longer than any request may run (gunicorn's timeout is 30 s): a claim still without
#: an answer after this belongs to a request that will never answer.
UNFINISHED_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class Answer:
    """The first answer to a keyed request, as it is replayed."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class KeyReused(Exception):
    """The key was used for a different request."""


class KeyInFlight(Exception):
    """The first request with the key is still running."""


class KeyUnfinished(Exception):
    """The first request with the key stopped before it could answer."""


def api_scope(token_id: int) -> str:
    """Return the scope of one API token's keys."""
    return f"token:{token_id}"


def form_scope(user_id: int) -> str:
    """Return the scope of one user's form tokens."""
    return f"form:{user_id}"


def kept_since() -> datetime:
    """Return the oldest time a kept key may have been claimed at."""
    return utcnow() - timedelta(hours=rules.IDEMPOTENCY_KEY_HOURS)


def claim(user_id: int, scope: str, key: str, fingerprint: str = "") -> Answer | None:
    """Claim the key for this request, or return the answer its first request gave.

    Call it before the request writes anything: on a lost race it rolls the session
    back. The claim is only flushed; the request's own commit commits it.
    """
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        cutoff = kept_since()
        found = db.session.execute(
            select(
                IdempotencyKey.fingerprint,
                IdempotencyKey.status,
                IdempotencyKey.headers,
                IdempotencyKey.body,
                IdempotencyKey.created_at,
            ).where(
                IdempotencyKey.scope == scope,
                IdempotencyKey.key == key,
                IdempotencyKey.created_at >= cutoff,
            )
        ).first()
        if found is not None:
            if found.fingerprint != fingerprint:
                raise KeyReused(key)
            if found.status is not None:
                return Answer(found.status, dict(found.headers or {}), bytes(found.body or b""))
            if utcnow() - found.created_at > UNFINISHED_AFTER:
                raise KeyUnfinished(key)
            if time.monotonic() > deadline:
                raise KeyInFlight(key)
            time.sleep(POLL_SECONDS)
            continue
        # Expired keys go first, so this one may be claimed again once it is old.
        db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
        db.session.add(
            IdempotencyKey(
                user_id=user_id,
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                status=None,
                headers={},
                body=b"",
                created_at=utcnow(),
            )
        )
        try:
            db.session.flush()
        except IntegrityError:
            # Another request claimed it first (and has committed): wait for its answer.
            db.session.rollback()
            continue
        return None


def remember(
    user_id: int,
    scope: str,
    key: str,
    answer: Answer,
    fingerprint: str = "",
    *,
    commit: bool = True,
) -> None:
    """Store the answer to a claimed key, and commit (unless told not to).

    Without ``commit`` the answer joins the request's transaction: a caller that knows
    its answer before it commits its write stores both at once. If the request rolled
    its claim back (it failed without writing), the key is claimed again with its
    answer; a repeat that claimed it meanwhile keeps its own.
    """
    values = {"status": answer.status, "headers": dict(answer.headers), "body": answer.body}
    stored = db.session.execute(
        update(IdempotencyKey)
        .where(
            IdempotencyKey.scope == scope,
            IdempotencyKey.key == key,
            IdempotencyKey.status.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not stored.rowcount:
        db.session.add(
            IdempotencyKey(
                user_id=user_id,
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                created_at=utcnow(),
                **values,
            )
        )
    if not commit:
        return
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
