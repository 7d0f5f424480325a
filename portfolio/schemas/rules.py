"""The limits and the text, month and web-address rules every way of writing data shares.

Each limit is a named constant defined here once, and each rule has one message, so the
forms, the JSON API, the JSON Resume import and the OpenAPI document (all of which read
the schemas built on these) give the same answer in the same words.

Pure Python: no Flask, no pydantic. The checks return the cleaned value or raise
``RuleError`` with the message to show next to the field.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import idna

# --- limits, in characters unless said otherwise --------------------------------------

#: Projects.
TITLE_MAX = 200
ORGANISATION_MAX = 200
ROLE_MAX = 120
SUMMARY_MAX = 300
DESCRIPTION_MAX = 20_000
HIGHLIGHT_MAX = 300
MAX_HIGHLIGHTS = 20
#: The longest technology name; the catalogue's own names and aliases are shorter.
TECHNOLOGY_MAX = 60
MAX_TECHNOLOGIES = 30
#: Every stored web address: live and source URLs, website, profile links.
URL_MAX = 2_000

#: "Your details" and its profile links.
NAME_MAX = 120
HEADLINE_MAX = 120
BIO_MAX = 5_000
LOCATION_MAX = 120
EMAIL_MAX = 254
NETWORK_MAX = 100
USERNAME_MAX = 100
MAX_LINKS = 20

#: API tokens.
TOKEN_NAME_MAX = 80

#: Role profiles and their requirements.
PROFILE_TITLE_MAX = 120
PROFILE_DESCRIPTION_MAX = 2_000
#: Generous because profiles made from adverts before the limits existed listed every
#: technology in the label (up to about 1,000 characters): those stored profiles must
#: still load. New ones count the names instead once a list would pass 200 characters.
REQUIREMENT_LABEL_MAX = 1_000
REQUIREMENT_WHY_MAX = 1_500
MAX_REQUIREMENTS = 40
#: A profile's slug and a requirement's id: lower-case letters, digits and hyphens. The
#: slug fits the custom profiles' slug column.
PROFILE_SLUG_MAX = 120
REQUIREMENT_ID_MAX = 60
ID_PATTERN = "^[a-z0-9][a-z0-9-]*$"
#: The rest of a profile, in JSON Resume's job description format.
PROFILE_SOURCE_MAX = 1_000
PROFILE_TYPE_MAX = 120
PROFILE_SALARY_MAX = 120
PROFILE_ITEM_MAX = 500  # one responsibility or qualification
MAX_PROFILE_ITEMS = 30  # responsibilities, and qualifications, each
SKILL_NAME_MAX = 120
SKILL_LEVEL_MAX = 120
SKILL_KEYWORD_MAX = 100
MAX_SKILLS = 30
MAX_SKILL_KEYWORDS = 30
HOURS_PER_WEEK_MAX = 168
#: A requirement's own words on how to close it, and its weight.
REQUIREMENT_ADVICE_MAX = 300
REQUIREMENT_WEIGHT_MAX = 1_000
#: Their messages; "{name!r}"-style fields are filled with ``str.format``.
PROFILE_TITLE_REQUIRED = "Give the role a title."
ID_CHARACTERS = "Use lower-case letters, digits and hyphens, starting with a letter or digit."
REQUIREMENTS_REQUIRED = "List at least one requirement."
TOO_MANY_REQUIREMENTS = f"Keep to {MAX_REQUIREMENTS} requirements or fewer."
TECHNOLOGIES_REQUIRED = "List at least one technology."
KINDS_REQUIRED = "List at least one kind of project."
NOT_IN_CATALOGUE = "{name!r} is not in the catalogue."
NOT_IN_CATALOGUE_DID_YOU_MEAN = "{name!r} is not in the catalogue: did you mean {suggestion!r}?"
NOT_A_PRACTICE = "{name!r} is not a practice: a practice requirement lists practices only."
LISTED_TWICE = "{value!r} is listed twice."
ID_TAKEN = "Its id {value!r} is listed twice: give each requirement its own."
NOT_BLANK = "This cannot be empty."
SKILL_NEEDS_ONE = "A skill names exactly one technology."
NEEDED_TOO_MANY = "This asks for {needed} but only {listed} are listed."
MIN_KINDS_TOO_MANY = "This asks for {needed} kinds but only {listed} are listed."
PORTFOLIO_NEEDS_A_RULE = "A portfolio requirement needs min_projects, min_kinds or min_live."
NOT_FOR_SHAPE = "Does not apply to a requirement of shape {shape!r}."
MIN_OVER_MAX = "The minimum, {min}, is more than the maximum, {max}."
CURRENCY_CODE = "Use a three-letter ISO 4217 currency code, like GBP."
AT_LEAST = "Must be at least {minimum}."
AT_MOST = "Must be at most {maximum}."

# --- messages: one per rule -----------------------------------------------------------

MONTH_MESSAGE = "Enter a month like 2025-03."
START_REQUIRED = "Enter the month the project started, like 2025-03."
END_BEFORE_START = "The end cannot be before the start."
ONGOING_WITH_END = "An ongoing project has no end: clear the end or untick Ongoing."
TITLE_REQUIRED = "Give the project a title."
KIND_REQUIRED = "Choose what kind of project this was: personal, volunteer, internship or paid."
WEB_ADDRESS = "Enter a full web address starting with http:// or https://."
WEB_ADDRESS_SPACES = "A web address cannot contain spaces."
WEB_ADDRESS_UNREADABLE = "This web address cannot be read: check its brackets, host and port."
WEB_ADDRESS_HOST = "The host name in this web address is not valid."
WEB_ADDRESS_CREDENTIALS = "Remove the user name and password from the web address."
ONE_LINE = "Keep this on one line."
TECHNOLOGY_TOO_LONG = f"Keep each technology to {TECHNOLOGY_MAX} characters or fewer."
TOO_MANY_TECHNOLOGIES = f"Keep to {MAX_TECHNOLOGIES} technologies or fewer."
HIGHLIGHT_TOO_LONG = f"Keep each highlight to {HIGHLIGHT_MAX} characters or fewer."
TOO_MANY_HIGHLIGHTS = f"Keep to {MAX_HIGHLIGHTS} highlights or fewer."
TOO_MANY_LINKS = f"Keep to {MAX_LINKS} profile links or fewer."
LINK_NEEDS_NETWORK = "Name the site, like GitHub or LinkedIn."
LINK_NEEDS_URL = "Enter the address of your profile, starting with https://."
EMAIL_ADDRESS = "Enter an email address like you@example.com."
TOKEN_NAME_REQUIRED = "Give the token a name."  # noqa: S105  (a message, not a secret)


def too_long(limit: int, length: int) -> str:
    """Return the message for text over its limit."""
    return f"Keep this to {limit} characters or fewer (it has {length})."


def control_character(char: str) -> str:
    """Return the message for a control character that cannot be stored or shown."""
    return f"Remove the control character U+{ord(char):04X}: it cannot be stored or shown."


def direction_override(char: str) -> str:
    """Return the message for a Unicode direction override or isolate."""
    return f"Remove the text-direction character U+{ord(char):04X}: it reorders the text around it."


class RuleError(ValueError):
    """A value breaks a rule; the message says how to fix it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- text -----------------------------------------------------------------------------

#: C0 controls bar tab, line feed and carriage return; DEL and the C1 controls; lone
#: surrogates, which no database can store. NUL is among them: PostgreSQL refuses it.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder the
#: text around them wherever it is shown. The plain marks (U+200E, U+200F) stay allowed.
_DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\n\r\u2028\u2029\x85]")

#: The same rules as JSON Schema patterns (ECMA-262), for the OpenAPI document.
TEXT_PATTERN = (
    r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*$"
)
#: One line: tab allowed, line breaks (U+000A, U+000D, U+0085, U+2028, U+2029) not.
LINE_PATTERN = (
    r"^[^\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$"
)


def check_text(value: str, *, multiline: bool = False) -> str:
    """Refuse control and direction characters (and line breaks outside multi-line text).

    Multi-line text has its line endings made "\\n", as browsers send "\\r\\n".
    """
    found = _CONTROLS.search(value)
    if found:
        raise RuleError(control_character(found.group()))
    found = _DIRECTION.search(value)
    if found:
        raise RuleError(direction_override(found.group()))
    if multiline:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if _LINE_BREAKS.search(value):
        raise RuleError(ONE_LINE)
    return value


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Return what is wrong with a text, or None."""
    try:
        check_text(value, multiline=multiline)
    except RuleError as error:
        return error.message
    return None


# --- months ---------------------------------------------------------------------------

MONTH_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)


def parse_month(value: str) -> date:
    """Return the first day of a "YYYY-MM" month."""
    if not _MONTH.fullmatch(value) or value.startswith("0000"):
        raise RuleError(MONTH_MESSAGE)
    return date(int(value[:4]), int(value[5:7]), 1)


def format_month(value: date | None) -> str | None:
    """Return a date as "YYYY-MM", or None."""
    return f"{value.year:04d}-{value.month:02d}" if value is not None else None


# --- web addresses --------------------------------------------------------------------


def check_web_address(value: str) -> str:
    """Return an absolute http(s) address, trimmed, or raise RuleError.

    The address is kept as written: an internationalised host stays as typed (it must
    be one IDNA 2008 can encode, which is how the export writes it, as the same host).
    Brackets that do not pair, a port that is not a number, a user name or password,
    spaces and control characters are all refused here, so no later parse can fail.
    """
    url = value.strip()
    if not url:
        return ""
    if any(ch.isspace() for ch in url):
        raise RuleError(WEB_ADDRESS_SPACES)
    check_text(url)
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        raise RuleError(WEB_ADDRESS_UNREADABLE) from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise RuleError(WEB_ADDRESS)
    if "@" in parts.netloc:
        raise RuleError(WEB_ADDRESS_CREDENTIALS)
    if not host.isascii() and ascii_host(host) is None:
        raise RuleError(WEB_ADDRESS_HOST)
    return url


def ascii_host(host: str) -> str | None:
    """Return a host name in its ASCII (punycode) form under IDNA 2008, or None.

    IDNA 2008 with UTS #46 mapping, not Python's IDNA 2003 codec, which turns
    ``ß.de`` into ``ss.de``: another host.
    """
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


def is_web_address(value: str) -> bool:
    """Return whether a value is a non-empty address the rules accept."""
    try:
        return bool(check_web_address(value))
    except RuleError:
        return False
