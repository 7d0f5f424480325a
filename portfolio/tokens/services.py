"""Token rules: how a token is made, stored, checked and revoked.

A token is ``pt_`` followed by 43 characters of ``secrets.token_urlsafe(32)`` (256 bits
of randomness). Only its SHA-256 hex digest is stored, with the first characters as a
``prefix`` so the owner can tell tokens apart on the settings page. A plain hash (not a
slow password hash) is right here: the secret is random and long, so nobody can guess
it from the digest, and each API request must check it quickly.

``last_used_at`` is written at most once a minute per token, so a busy script does not
turn every read into a database write.

A token has a scope (``rules.TOKEN_SCOPES``): ``read`` opens the operations that change
nothing, ``write`` all of them. It may expire (``expires_at``): from then on it is
refused like a revoked one. A user holds at most ``rules.MAX_TOKENS`` live tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from portfolio.extensions import db
from portfolio.models import ApiToken, User, utcnow
from portfolio.schemas import rules
from portfolio.schemas.base import SchemaError, validate
from portfolio.schemas.token import TokenIn

TOKEN_PREFIX = "pt_"  # noqa: S105 (a public marker, not a secret)
#: How many characters of a token are stored in the clear to tell tokens apart.
SHOWN_PREFIX_LENGTH = 10
#: The longest string accepted as a token at all (anything longer is refused unhashed).
MAX_TOKEN_LENGTH = 200
#: How often last_used_at is written for a token in constant use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token cannot be created; the message says why."""


def hash_token(secret: str) -> str:
    """Return the hex SHA-256 digest a token is stored as."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(
    user: User,
    name: str,
    scope: str = rules.DEFAULT_TOKEN_SCOPE,
    expires_in_days: int | None = rules.DEFAULT_TOKEN_LIFETIME,
) -> tuple[ApiToken, str]:
    """Create a named token for the user; return it and the secret (shown only once)."""
    try:
        wanted = validate(
            TokenIn,
            {"name": " ".join(name.split()), "scope": scope, "expires_in_days": expires_in_days},
        )
    except SchemaError as error:
        raise TokenError(error.problems[0].message) from None
    if len(active_tokens(user)) >= rules.MAX_TOKENS:
        raise TokenError(rules.TOO_MANY_TOKENS)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=wanted.name,
        token_hash=hash_token(secret),
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        scope=wanted.scope,
        created_at=now,
        expires_at=None
        if wanted.expires_in_days is None
        else now + timedelta(days=wanted.expires_in_days),
    )
    db.session.add(token)
    db.session.commit()
    return token, secret


def _live(now: datetime) -> tuple:
    """Return the conditions of a live token: not revoked, and not expired at `now`."""
    not_expired = or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now)
    return ApiToken.revoked_at.is_(None), not_expired


def active_tokens(user: User) -> list[ApiToken]:
    """Return the user's tokens that are neither revoked nor expired, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, *_live(utcnow()))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_all_tokens(user: User) -> None:
    """Revoke every live token of the user (not committed: the caller's change commits)."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_token(user: User, token_id: int) -> bool:
    """Revoke one of the user's tokens; return whether it was theirs and live."""
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.id == token_id, ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)
        )
    )
    if token is None:
        return False
    token.revoked_at = utcnow()
    db.session.commit()
    return True


def token_for_secret(secret: str) -> tuple[ApiToken, User] | None:
    """Return a live token (neither revoked nor expired) and its owner, recording its use."""
    if not secret or len(secret) > MAX_TOKEN_LENGTH or not secret.startswith(TOKEN_PREFIX):
        return None
    digest = hash_token(secret)
    now = utcnow()
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == digest, *_live(now))
    ).first()
    # The lookup is by digest, so timing reveals nothing about the secret; the compare
    # is belt and braces against a database that matched loosely.
    if row is None or not hmac.compare_digest(row[0].token_hash, digest):
        return None
    token, user = row
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token, user


def user_for_token(secret: str) -> User | None:
    """Return the owner of a live token, recording its use, or None."""
    found = token_for_secret(secret)
    return None if found is None else found[1]
