"""The password rule: 12 characters at least, and in no list of common or breached ones."""

from __future__ import annotations

import pytest

from portfolio.schemas import rules
from portfolio.schemas.account import NewAccountIn, NewPasswordIn
from portfolio.schemas.base import problems
from portfolio.schemas.passwords import password_problem

ADA = ("ada@example.com", "Ada Lovelace")


@pytest.mark.parametrize(
    "password",
    # The examples, then the same ideas at 12 characters and more.
    ["1111111111", "password12", "aaaaaaaaaa", "password1234", "111111111111",
     "aaaaaaaaaaaa", "qwertyuiop12", "passwordpassword", "iloveyou1234", "P@ssw0rd1234",
     "abcdefghijkl", "123456789012", "football2024", "jennifer1990", "1q2w3e4r5t6y"],
)  # fmt: skip
def test_common_and_breached_passwords_are_refused(password):
    assert password_problem(password, ADA) is not None


def test_short_passwords_are_refused_for_their_length():
    assert password_problem("x7#Lq9!vR2", ADA) == rules.PASSWORD_TOO_SHORT
    assert rules.PASSWORD_TOO_SHORT == "Use at least 12 characters."


def test_passwords_over_128_characters_are_refused():
    assert password_problem("correct horse battery " * 6, ADA) == rules.PASSWORD_TOO_LONG
    assert password_problem(("correct horse battery " * 6)[:128], ADA) is None


def test_the_message_says_why():
    message = password_problem("password1234", ADA)
    assert message.startswith("Choose a password that is harder to guess: this is a very common")
    assert "Common and breached passwords, and passwords made from them" in message
    repeated = password_problem("aaaaaaaaaaaa", ADA)
    assert 'repeats like "aaa" are easy to guess.' in repeated


def test_a_password_built_from_the_accounts_own_email_or_name_is_refused():
    assert password_problem("ada@example.com1", ADA) == rules.PASSWORD_GUESSABLE.format(
        reason=rules.PASSWORD_HOLDS_ACCOUNT
    )
    assert password_problem("Ada Lovelace 1815", ADA) is not None
    # Strong for anyone else.
    assert password_problem("ada@example.com1", ("grace@example.com", "Grace")) is None


@pytest.mark.parametrize(
    "password",
    ["correct horse battery", "a long enough password", "another horse battery",
     "a new long password", "walk the demo portfolio", "x7#Lq9!vR2&pWz"],
)  # fmt: skip
def test_strong_passwords_pass(password):
    assert password_problem(password, ADA) is None


def test_spaces_count_and_are_kept():
    spaced = "  correct horse battery  "
    assert NewPasswordIn(password=spaced, confirm=spaced).password == spaced


def test_the_account_schema_reports_every_problem_at_once():
    found = problems(
        NewAccountIn,
        {"email": "not-an-email", "display_name": "", "password": "password1234",
         "confirm": "something else"},
    )  # fmt: skip
    by_field = {p.field: p.message for p in found}
    assert by_field["email"] == rules.EMAIL_ADDRESS
    assert by_field["display_name"] == rules.DISPLAY_NAME_REQUIRED
    assert by_field["password"].startswith("Choose a password that is harder to guess")
    assert by_field["confirm"] == rules.PASSWORDS_DIFFER


def test_a_new_password_must_not_hold_the_account():
    found = problems(
        NewPasswordIn,
        {"password": "ada@example.com!", "confirm": "ada@example.com!", "account": ADA},
    )
    assert [p.field for p in found] == ["password"]
