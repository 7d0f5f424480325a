"""Account rules, independent of forms and requests."""

from __future__ import annotations

import functools
import secrets

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from portfolio.auth.sessions import end_all_sessions
from portfolio.extensions import db
from portfolio.models import User
from portfolio.schemas.passwords import password_problem
from portfolio.tokens.services import revoke_all_tokens

EMAIL_TAKEN = "An account with this email already exists. Log in instead."
WRONG_CURRENT_PASSWORD = "That is not your current password."  # noqa: S105


class AccountError(ValueError):
    """A rule about accounts was broken; `field` names the form field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def password_hash_method() -> str:
    """Return how passwords are hashed: scrypt, or a cheap method the tests configure."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


def normalise_email(email: str) -> str:
    """Return the email trimmed and lower-cased, as it is stored."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the user with this email, ignoring case."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(email: str, display_name: str, password: str) -> User:
    """Create an account; refuse an email that is already registered."""
    if find_user_by_email(email) is not None:
        raise AccountError("email", EMAIL_TAKEN)
    user = User(email=normalise_email(email), display_name=display_name.strip())
    user.set_password(password, method=password_hash_method())
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as error:
        # Two registrations for one email at once: both passed the check above, and the
        # unique index let only the first commit.
        db.session.rollback()
        raise AccountError("email", EMAIL_TAKEN) from error
    return user


@functools.cache
def _decoy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def authenticate(email: str, password: str) -> User | None:
    """Return the user if the email and password match, else None."""
    user = find_user_by_email(email)
    if user is None:
        # Hash anyway, so the answer for an unknown email takes as long as for a known
        # one and the login form cannot be used to find out who has an account.
        check_password_hash(_decoy_hash(password_hash_method()), password)
        return None
    return user if user.check_password(password) else None


def password_rule_problem(user: User, password: str) -> str | None:
    """Return why the password rule refuses a password of this user's, or None."""
    return password_problem(password, (user.email, user.display_name))


def change_password(user: User, current: str, new: str, *, revoke_tokens: bool) -> None:
    """Set a new password once the current one is given; every session ends.

    The caller logs the device that asked in again, under a new session. With
    ``revoke_tokens`` the user's API tokens are revoked too.
    """
    if not user.check_password(current):
        raise AccountError("current", WRONG_CURRENT_PASSWORD)
    user.set_password(new, method=password_hash_method())
    end_all_sessions(user)
    if revoke_tokens:
        revoke_all_tokens(user)
    db.session.commit()


def delete_account(user: User) -> None:
    """Delete the user and, through cascading foreign keys, everything they own.

    Their login sessions go with them, so every device is logged out.
    """
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.commit()
