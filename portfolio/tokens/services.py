"""Token rules: how a token is made, stored, checked and revoked.

A token is ``pt_`` followed by 43 characters of ``secrets.token_urlsafe(32)`` (256 bits
of randomness). Only its SHA-256 hex digest is stored, with the first characters as a
``prefix`` so the owner can tell tokens apart on the settings page. A plain hash (not a
slow password hash) is right here: the secret is random and long, so nobody can guess
it from the digest, and each API request must check it quickly.

``last_used_at`` is written at most once a minute per token, so a busy script does not
turn every read into a database write.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import select

from portfolio.extensions import db
from portfolio.models import ApiToken, User, utcnow
from portfolio.schemas.base import SchemaError, validate
from portfolio.schemas.token import TokenIn

TOKEN_PREFIX = "pt_"  # noqa: S105 (a public marker, not a secret)
#: How many characters of a token are stored in the clear to tell tokens apart.
SHOWN_PREFIX_LENGTH = 10
#: The longest string accepted as a token at all (anything longer is refused unhashed).
MAX_TOKEN_LENGTH = 200
#: How often last_used_at is written for a token in constant use.
LAST_USED_RESOLUTION = timedelta(minutes=1)
#: How many live tokens one user may hold.
MAX_TOKENS_PER_USER = 50


class TokenError(ValueError):
    """A token cannot be created; the message says why."""


def hash_token(secret: str) -> str:
    """Return the hex SHA-256 digest a token is stored as."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a named token for the user; return it and the secret (shown only once)."""
    try:
        name = validate(TokenIn, {"name": " ".join(name.split())}).name
    except SchemaError as error:
        raise TokenError(error.problems[0].message) from None
    if len(active_tokens(user)) >= MAX_TOKENS_PER_USER:
        raise TokenError(f"You can hold at most {MAX_TOKENS_PER_USER} tokens; revoke one first.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_token(secret),
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        created_at=utcnow(),
    )
    db.session.add(token)
    db.session.commit()
    return token, secret


def active_tokens(user: User) -> list[ApiToken]:
    """Return the user's tokens that are not revoked, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
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


def user_for_token(secret: str) -> User | None:
    """Return the owner of a live token, recording its use, or None."""
    if not secret or len(secret) > MAX_TOKEN_LENGTH or not secret.startswith(TOKEN_PREFIX):
        return None
    digest = hash_token(secret)
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None))
    )
    # The lookup is by digest, so timing reveals nothing about the secret; the compare
    # is belt and braces against a database that matched loosely.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return db.session.get(User, token.user_id)
