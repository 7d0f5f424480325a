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

#: API tokens: what each scope lets a token do, the default, and the lifetimes offered
#: (days; None: until revoked).
TOKEN_NAME_MAX = 80
TOKEN_SCOPES: dict[str, str] = {"read": "Read only", "write": "Read and write"}
DEFAULT_TOKEN_SCOPE = "read"  # noqa: S105  (a scope, not a secret)
TOKEN_LIFETIMES: dict[int | None, str] = {
    7: "7 days",
    30: "30 days",
    90: "90 days",
    365: "1 year",
    None: "No expiry",
}
DEFAULT_TOKEN_LIFETIME = 30
TOKEN_LIFETIME_MAX = 365

#: Accounts.
DISPLAY_NAME_MAX = 80

#: Passwords (ASVS level 2: at least 12 characters, at most 128, no composition rules;
#: refused when a list of common and breached passwords holds them, see passwords.py).
PASSWORD_MIN = 12
PASSWORD_MAX = 128
#: Only so much of a password is matched against the lists: the matcher's time grows
#: with length, and no list holds a password this long.
PASSWORD_CHECKED_LENGTH = 64

#: Quotas: what one account may hold.
MAX_PROJECTS = 1_000
MAX_CUSTOM_PROFILES = 50
MAX_TOKENS = 50
MAX_SESSIONS = 50
#: The largest JSON Resume an import accepts, in bytes: the preview carries the file to
#: the confirm step in a form field, which Flask limits to 500 kB, so this stays below.
IMPORT_MAX_BYTES = 400_000

#: The PDF download: its paper sizes (the stored key and the name shown), the default,
#: and how many words of each project's description it prints before pointing to the
#: public page for the rest.
PAPER_SIZES: dict[str, str] = {"a4": "A4", "letter": "US Letter"}
DEFAULT_PAPER = "a4"
PDF_DESCRIPTION_WORDS = 120

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

#: Evidence from the code itself (issues 15, 16): the commit emails one analysis reads,
#: the evidence lines kept per technology, the uploaded file's name as stored.
MAX_COMMIT_EMAILS = 10
CODE_EVIDENCE_LINES = 5
UPLOAD_NAME_MAX = 255
#: Their messages.
ANALYSIS_NEEDS_SOURCE = "Choose a repository archive or bundle, or give a repository URL."
ANALYSIS_ONE_SOURCE = "Give a file or a URL, not both."
UPLOAD_TOO_BIG = "The file is larger than {limit}: upload one of at most {limit}."
TOO_MANY_COMMIT_EMAILS = f"Give at most {MAX_COMMIT_EMAILS} commit emails."
ANALYSIS_STOPPED = "The analysis stopped; try again."
ANALYSIS_BROKE = "The analysis could not be finished; try again, or try another file."
ANALYSIS_NOT_DONE = "The analysis has not finished: confirm its findings once it has."
ANALYSIS_CONFIRMED = "These findings were already added to a project."
CHOOSE_PROJECT = "Choose the project to add the findings to."
#: What an analysis's languages were counted from (the page and the API say it).
LANGUAGES_FROM_TREE = "Vendored, generated and minified files left out."
LANGUAGES_FROM_YOUR_COMMITS = "Counted from the lines your own commits added."
LANGUAGES_NONE_YOURS = (
    "None of the commits read are by these emails, so no lines are counted as yours."
)
LANGUAGES_NO_LINES_YOURS = "Your commits added no lines of code in a known language."
#: Analyses one account may have waiting or running at once.
MAX_ANALYSES_IN_PROGRESS = 3
TOO_MANY_ANALYSES = (
    f"You have {MAX_ANALYSES_IN_PROGRESS} analyses waiting or running, the most one account "
    "may have at once. Wait for one to finish, then start another."
)
ANALYSES_TODAY_USED = (
    "You have started as many analyses as one account may for now. Try again in {wait}."
)
#: Related technologies one requirement may name to override the catalogue's.
MAX_RELATED = 40
#: "Which jobs fit me?": adverts pasted at once, each advert's text, all of it pasted,
#: and saved profiles picked.
MAX_ADVERTS = 20
ADVERT_MAX = 50_000
ADVERTS_PASTED_MAX = 200_000
MAX_RANKED_PROFILES = 40
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
RELATED_IS_LISTED = "{name!r} is listed, so it counts in full: it cannot also be related."
NOTHING_TO_RANK = "Paste at least one job advert or pick at least one saved profile."
TOO_MANY_ADVERTS = f"Paste at most {MAX_ADVERTS} adverts at once."
ADVERT_TITLE_REQUIRED = "Start each advert with its title on the first line."
ADVERTS_TOO_LONG = f"Paste at most {ADVERTS_PASTED_MAX:,} characters in all."
TOO_MANY_RANKED_PROFILES = f"Pick at most {MAX_RANKED_PROFILES} saved profiles."
NO_SUCH_PROFILE = "You have no role profile {slug!r}."
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
TOKEN_SCOPE_REQUIRED = (
    "Choose what the token may do: "
    + " or ".join(label.lower() for label in TOKEN_SCOPES.values())
    + "."
)
TOKEN_LIFETIME_RANGE = f"Choose a lifetime from 1 to {TOKEN_LIFETIME_MAX} days, or none."
EMAIL_REQUIRED = "Enter your email address."
DISPLAY_NAME_REQUIRED = "Enter the name to show on your portfolio."
PASSWORD_REQUIRED = "Choose a password."  # noqa: S105  (a message, not a secret)
NEW_PASSWORD_REQUIRED = "Choose a new password."  # noqa: S105
CURRENT_PASSWORD_REQUIRED = "Enter your current password."  # noqa: S105
CONFIRM_REQUIRED = "Repeat the password."
PASSWORD_TOO_SHORT = f"Use at least {PASSWORD_MIN} characters."
PASSWORD_TOO_LONG = f"Use at most {PASSWORD_MAX} characters."
PASSWORDS_DIFFER = "Passwords differ."
#: A password the lists hold, or close to one: "{reason}" is what the matcher found.
PASSWORD_GUESSABLE = (
    "Choose a password that is harder to guess: {reason} Common and breached passwords, "  # noqa: S105
    "and passwords made from them, are the first an attacker tries; a few unrelated words "
    "make a strong password."
)
PASSWORD_GUESSABLE_REASON = "it is made of common words, names, dates or patterns."  # noqa: S105
PASSWORD_HOLDS_ACCOUNT = "it holds your email address or your name."  # noqa: S105
PASSWORD_MUST_CHANGE = (
    "Your password no longer meets the password rule. {problem} "  # noqa: S105
    "Choose a new one to go on."
)
PASSWORD_CHANGE_FIRST = "Choose a new password to go on: until then, this page only."  # noqa: S105
TOO_MANY_PROJECTS = (
    f"You have {MAX_PROJECTS:,} projects, the most one account may hold. "
    "Delete one before adding another."
)
IMPORT_OVER_QUOTA = (
    "Importing {new:,} projects would give you {total:,}: one account may hold at most "
    f"{MAX_PROJECTS:,}. Delete some projects, or import a smaller file."
)
TOO_MANY_PROFILES = (
    f"You have {MAX_CUSTOM_PROFILES} role profiles of your own, the most one account may "
    "hold. Delete one before making another."
)
TOO_MANY_TOKENS = f"You can hold at most {MAX_TOKENS} tokens; revoke one first."
PAPER_REQUIRED = "Choose a paper size: " + " or ".join(PAPER_SIZES.values()) + "."

# --- references: a referee confirms a project through a one-time link (issue 17) -----

#: A reference link works this many days, once.
REFERENCE_LINK_DAYS = 30
#: The owner's label for a request (who they sent it to), for their eyes only.
REFERENCE_LABEL_MAX = 120
#: What the referee types.
REFEREE_NAME_MAX = 120
REFEREE_JOB_TITLE_MAX = 120
REFEREE_ORGANISATION_MAX = 200
REFEREE_RELATIONSHIP_MAX = 300
REFERENCE_COMMENT_MAX = 500
#: Requests one project may hold, answered or not (delete old ones to make room).
MAX_REFERENCE_REQUESTS = 20
REFERENCE_LABEL_REQUIRED = "Enter the referee's name, so you know who this link is for."
REFEREE_NAME_REQUIRED = "Enter your name."
REFEREE_JOB_TITLE_REQUIRED = "Enter your job title."
REFEREE_ORGANISATION_REQUIRED = "Enter the organisation you work for."
REFEREE_RELATIONSHIP_REQUIRED = "Say how you know this work, like “I supervised it”."
NOTHING_CONFIRMED = "Tick at least one thing you confirm, or press Decline."
UNKNOWN_TECHNOLOGY_CONFIRMED = "Tick only technologies this project lists."
TOO_MANY_REFERENCE_REQUESTS = (
    f"This project holds {MAX_REFERENCE_REQUESTS} reference requests, the most it may. "
    "Delete one before asking again."
)
OWN_PROJECT_REFERENCE = (
    "You cannot confirm your own project. Send this link to the person who saw the work."
)
REFERENCE_LINK_UNUSABLE = (
    "This reference link cannot be used: it may have expired (links work for "
    f"{REFERENCE_LINK_DAYS} days) or been withdrawn by the person who sent it. "
    "Ask them for a new link if you still want to give a reference."
)
REFERENCE_LINK_USED = (
    "This reference link has already been used, and accepts nothing more. "
    "Thank you for your answer."
)
REFERENCE_MAIL_FAILED = (
    "The email could not be sent ({reason}). The request is kept: make a link to copy "
    "and send it to the referee yourself."
)
#: Why a mailed request was not sent, when the mail server gave no reason of its own.
REFERENCE_MAIL_STUCK = "the app's mail worker did not send it in time"
REFERENCE_MAIL_UNQUEUED = "the app could not queue the email"
REFERENCE_MAIL_OFF = "this site no longer sends mail"
REFEREE_EMAIL_IS_YOURS = "That is your own address. Enter the email of the person who saw the work."

#: Free-mail providers: anyone can open an address there, so a link mailed to one
#: proves no more than a link the owner shared (the mailed-link bonus needs an
#: organisation's address). Exact domains, and brands under any country's domain.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "live.com", "msn.com", "ymail.com",
        "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com",
        "protonmail.ch", "pm.me", "web.de", "mail.com", "zoho.com", "zohomail.com",
        "fastmail.com", "fastmail.fm", "hey.com", "qq.com", "163.com", "126.com",
        "tutanota.com", "tutanota.de", "tuta.io", "tuta.com", "posteo.de", "mailbox.org",
        "mail.ru", "inbox.ru", "bk.ru", "list.ru", "rambler.ru", "naver.com", "sina.com",
        "rediffmail.com", "hushmail.com", "gmx.com", "t-online.de", "freenet.de",
        "laposte.net", "orange.fr", "free.fr", "libero.it", "seznam.cz", "wp.pl", "o2.pl",
        "btinternet.com", "comcast.net", "att.net", "verizon.net", "email.com", "usa.com",
    }
)  # fmt: skip
#: Providers with a domain per country (hotmail.co.uk, yahoo.fr, gmx.de, yandex.ru).
FREE_MAIL_BRANDS = frozenset({"hotmail", "yahoo", "gmx", "yandex", "outlook", "live", "aol"})


def is_free_mail(domain: str) -> bool:
    """Return whether an email domain is a free-mail provider's, not an organisation's."""
    labels = domain.strip().strip(".").lower().split(".")
    if any(".".join(labels[start:]) in FREE_MAIL_DOMAINS for start in range(len(labels))):
        return True
    if labels[0] not in FREE_MAIL_BRANDS:
        return False
    # brand.tld or brand.co.tld (yahoo.fr, hotmail.co.uk), not live.brightwave.com
    return len(labels) == 2 or (len(labels) == 3 and labels[1] in _SECOND_LEVELS)


_SECOND_LEVELS = frozenset({"co", "com", "net", "org", "ne", "or"})


# --- writes that race or repeat: stale edits, double posts, Idempotency-Key -----------

#: An API Idempotency-Key: 1 to this many visible ASCII characters (what a header
#: carries unchanged); a key and its first answer are kept this many hours. A form's
#: one-time token is kept as long.
IDEMPOTENCY_KEY_MAX = 255
IDEMPOTENCY_KEY_PATTERN = "^[!-~]+$"
IDEMPOTENCY_KEY_HOURS = 24
#: The edit form, saved over a newer version: what changed, and what the form now holds.
EDITED_ELSEWHERE = (
    "This project was saved somewhere else (another tab or device) after you opened it, "
    "so your changes are not saved yet."
)
CHANGED_MEANWHILE_TAKEN = "{field} is now {value}: the form shows it, as you had not changed it."
CHANGED_MEANWHILE_KEPT = "{field} is now {value}: the form keeps what you typed."
SAVE_AGAIN = "Check the form, then save it again."
EMPTY_VALUE = "empty"
TICKED = "ticked"
NOT_TICKED = "not ticked"
#: A project form sent twice (a double click, a resent page): one project, once.
FORM_ALREADY_SENT = "This form was already sent: the project was added once, here it is."
FORM_STILL_SAVING = "This form was already sent and is still being saved: look again in a moment."
#: The API's answers to a stale If-Match, a race lost without one, and key trouble.
PRECONDITION_FAILED = (
    "The project has changed since you read it (its ETag is now {etag}): read it again, "
    "then send your change."
)
CHANGED_WHILE_SAVING = (
    "The project changed while your change was being saved, so nothing was saved: read it "
    "again, then send your change."
)
IDEMPOTENCY_KEY_FORMAT = (
    f"Send an Idempotency-Key of 1 to {IDEMPOTENCY_KEY_MAX} visible ASCII characters, "
    "without spaces."
)
IDEMPOTENCY_KEY_REUSED = (
    f"This Idempotency-Key was used in the last {IDEMPOTENCY_KEY_HOURS} hours for a "
    "different request: send a new key with a new request."
)
IDEMPOTENCY_KEY_IN_FLIGHT = (
    "The first request with this Idempotency-Key is still being answered: repeat it in a "
    "moment for its answer."
)
IDEMPOTENCY_KEY_UNFINISHED = (
    "The first request with this Idempotency-Key stopped before it could answer: check "
    "whether its change was made before sending it again with a new key."
)


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


class QuotaError(ValueError):
    """An account already holds as much of something as it may; the message says so."""

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
