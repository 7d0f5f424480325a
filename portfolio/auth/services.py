"""Account rules, independent of forms and requests."""

from __future__ import annotations

import functools
import secrets

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from portfolio.extensions import db
from portfolio.models import User

EMAIL_TAKEN = "An account with this email already exists. Log in instead."


class AccountError(ValueError):
    """A rule about accounts was broken; `field` names the form field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


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
    user.set_password(password)
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
def _decoy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def authenticate(email: str, password: str) -> User | None:
    """Return the user if the email and password match, else None."""
    user = find_user_by_email(email)
    if user is None:
        # Hash anyway, so the answer for an unknown email takes as long as for a known
        # one and the login form cannot be used to find out who has an account.
        check_password_hash(_decoy_hash(), password)
        return None
    return user if user.check_password(password) else None


def delete_account(user: User) -> None:
    """Delete the user and, through cascading foreign keys, everything they own."""
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.commit()
