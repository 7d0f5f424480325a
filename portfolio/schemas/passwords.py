"""The password rule: long enough, and in no list of common or breached passwords.

ASVS level 2 asks for at least 12 characters, no composition rules ("one digit, one
capital"), and a check against passwords known to be in use. The check is zxcvbn's
(the Python port of Dropbox's estimator, MIT-licensed, installed from PyPI): its lists
hold the 30,000 most used passwords of a 10-million-password breach corpus, English
words from Wikipedia and film subtitles, names and surnames, and it sees through the
ways people dress them up (``p@ssw0rd``, ``password1234``, ``qwertyuiop``,
``aaaaaaaaaaaa``, dates, repeats, keyboard walks). A password is refused when zxcvbn
puts it under 10^8 guesses (its score 3), the point below which a stolen password hash
falls to an offline attack in hours. The account's own email and name count as words
of the list, so ``ada@example.com1`` is refused for Ada.

Pure Python, no Flask: forms, services and tests call ``password_problem``.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

from portfolio.schemas import rules

#: zxcvbn's score from which a password is accepted: 3, "safely unguessable" (10^8 guesses).
MIN_SCORE = 3


def password_problem(password: str, account: Iterable[str] = ()) -> str | None:
    """Return why a password breaks the rule (length, or a list holds it), or None.

    ``account`` holds what the account is known by (email, display name), which a
    password must not be built from.
    """
    if len(password) < rules.PASSWORD_MIN:
        return rules.PASSWORD_TOO_SHORT
    if len(password) > rules.PASSWORD_MAX:
        return rules.PASSWORD_TOO_LONG
    words = _account_words(account)
    result = zxcvbn(password[: rules.PASSWORD_CHECKED_LENGTH], user_inputs=words)
    if result["score"] >= MIN_SCORE:
        return None
    return rules.PASSWORD_GUESSABLE.format(reason=_reason(result))


def _account_words(account: Iterable[str]) -> list[str]:
    words: list[str] = []
    for value in account:
        value = (value or "").strip().lower()
        if not value:
            continue
        words.append(value)
        # The parts of an email or a name count too: "ada" of "ada.lovelace@example.com".
        local = value.partition("@")[0]
        words += [part for part in _split(local) if len(part) >= 3]
    return words


def _split(text: str) -> list[str]:
    for separator in "._-+ ":
        text = text.replace(separator, " ")
    return [text.replace(" ", ""), *text.split()]


def _reason(result: dict) -> str:
    if any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        return rules.PASSWORD_HOLDS_ACCOUNT
    warning = (result.get("feedback") or {}).get("warning") or ""
    if not warning:
        return rules.PASSWORD_GUESSABLE_REASON
    return warning[0].lower() + warning[1:]
