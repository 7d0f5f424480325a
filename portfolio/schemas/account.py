"""The schemas of an account: a new one, and a new password for an existing one.

Passwords are taken as typed (never trimmed: a space is a character like any other)
and must pass the password rule (``passwords.py``): at least 12 characters, and in no
list of common or breached passwords, the account's own email and name included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from pydantic import Field, model_validator

from portfolio.schemas import rules
from portfolio.schemas.base import Line, Problem, Schema, is_email_address, rule_error
from portfolio.schemas.passwords import password_problem

#: A password as typed: required, never trimmed; the password rule checks the rest.
Password = Annotated[str, Field(min_length=1)]


def _password_problems(data: Mapping[str, Any], account: tuple[str, ...]) -> list[Problem]:
    """Return the new password's problems and the repeat's, on raw input."""
    password, confirm = data.get("password"), data.get("confirm")
    if not isinstance(password, str) or not password:
        return []
    found = []
    problem = password_problem(password, account)
    if problem:
        found.append(Problem(("password",), problem))
    if isinstance(confirm, str) and confirm and confirm != password:
        found.append(Problem(("confirm",), rules.PASSWORDS_DIFFER))
    return found


class NewPasswordIn(Schema):
    """A new password, typed twice; ``account`` is what the account is known by."""

    required_messages: ClassVar = {
        "password": rules.NEW_PASSWORD_REQUIRED,
        "confirm": rules.CONFIRM_REQUIRED,
    }
    noun: ClassVar = "a password field"

    password: Password
    confirm: Password
    account: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _rule(self) -> NewPasswordIn:
        for problem in _password_problems(self.model_dump(), self.account):
            raise rule_error(problem.message, problem.field)
        return self

    @classmethod
    def cross_field_problems(cls, data: Mapping[str, Any]) -> list[Problem]:
        """Return the password rule on raw input, beside the other fields' problems."""
        account = data.get("account") or ()
        return _password_problems(data, tuple(a for a in account if isinstance(a, str)))


class NewAccountIn(Schema):
    """An account to create: email, the name its portfolio shows, a password twice."""

    required_messages: ClassVar = {
        "email": rules.EMAIL_REQUIRED,
        "display_name": rules.DISPLAY_NAME_REQUIRED,
        "password": rules.PASSWORD_REQUIRED,
        "confirm": rules.CONFIRM_REQUIRED,
    }
    noun: ClassVar = "an account field"

    email: Line(rules.EMAIL_MAX, min_length=1)
    display_name: Line(rules.DISPLAY_NAME_MAX, min_length=1)
    password: Password
    confirm: Password

    @model_validator(mode="after")
    def _rules(self) -> NewAccountIn:
        if not is_email_address(self.email):
            raise rule_error(rules.EMAIL_ADDRESS, "email")
        for problem in _password_problems(self.model_dump(), self._account()):
            raise rule_error(problem.message, problem.field)
        return self

    def _account(self) -> tuple[str, ...]:
        return (self.email, self.display_name)

    @classmethod
    def cross_field_problems(cls, data: Mapping[str, Any]) -> list[Problem]:
        """Return the email and password rules on raw input, beside other problems."""
        found = []
        email = data.get("email")
        if isinstance(email, str) and email.strip() and not is_email_address(email.strip()):
            found.append(Problem(("email",), rules.EMAIL_ADDRESS))
        account = tuple(
            value.strip() for value in (email, data.get("display_name")) if isinstance(value, str)
        )
        return found + _password_problems(data, account)
