"""Login and registration throttling with moving windows, on the `limits` library.

Rules (each a number of events in a moving window, configurable):

- `THROTTLE_LOGIN_ACCOUNT` (5 per 15 minutes): failed logins for one email address from
  one client address. A successful login clears it, so the owner who mistypes a few times
  is not locked out; and since it counts per address, a stranger failing on purpose
  locks out only themselves, not the owner logging in from elsewhere.
- `THROTTLE_LOGIN_EMAIL` (50 per 15 minutes): failed logins for one email address from
  anywhere: the guard against guessing one password from many addresses. It is loose, so
  only an attack from several addresses at once can hold the owner back, and only while
  it keeps going.
- `THROTTLE_LOGIN_ADDRESS` (20 per 15 minutes): failed logins from one client address,
  whatever the email: this is what stops one machine trying many accounts.
- `THROTTLE_REGISTER_ADDRESS` (10 per hour): registration attempts from one address.
- `THROTTLE_REGISTER_ACCOUNT` (5 per hour): registration attempts for one email address.
- `THROTTLE_ANALYSIS_START` (50 per day): code analyses one account starts
  (portfolio/analyses/service.py).

Only failures count (and registration attempts): a login that succeeds counts nothing.
While a rule is over its limit the request is refused with 429 and a message saying how
many minutes remain (until the oldest counted event leaves the window). A rule's value is
`(count, seconds)`; the environment overrides it as `THROTTLE_LOGIN_ACCOUNT=5/900`
(read in config.py).

The counters live in a `limits` storage, made once per app from `RATELIMIT_STORAGE_URL`:
in memory by default (one process: several gunicorn workers each count alone, so the real
limit is the limit times the workers), or in Redis (`redis://...`), shared by every
worker and node. The API's per-token rate limit (api/ratelimit.py) counts in the same
storage. Emails are hashed before they become keys. If Redis is unreachable the throttle
lets requests through and logs the error: an outage of the counter store must not lock
everyone out.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app, request
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from portfolio import config

log = logging.getLogger(__name__)
T = TypeVar("T")

#: The rules' defaults live with the rest of the configuration.
DEFAULT_RULES = config.THROTTLE_RULES
#: Keys in a shared Redis start with this, so other apps' keys are left alone.
KEY_PREFIX = "portfolio"
#: A Redis that does not answer within this many seconds counts as down.
REDIS_TIMEOUT = 2


@dataclass(frozen=True)
class Rule:
    """At most `limit` events per `window` seconds for one key."""

    name: str
    limit: int
    window: int

    def item(self, namespace: str = "throttle") -> RateLimitItem:
        """Return the rule as a `limits` rate limit: `limit` per `window` seconds."""
        return RateLimitItemPerSecond(self.limit, self.window, namespace=namespace)


def make_storage(url: str | None) -> Storage:
    """Return the counters' storage for RATELIMIT_STORAGE_URL: memory, or Redis."""
    if not url or url.startswith("memory"):
        return storage_from_string("memory://")
    if url.startswith(("redis://", "rediss://", "redis+unix://")):
        return storage_from_string(
            url,
            key_prefix=KEY_PREFIX,
            socket_timeout=REDIS_TIMEOUT,
            socket_connect_timeout=REDIS_TIMEOUT,
        )
    raise ValueError(f"Unsupported RATELIMIT_STORAGE_URL scheme: {url.split(':', 1)[0]}")


class Throttle:
    """Count events per rule and subject in moving windows; say how long a subject waits."""

    def __init__(self, storage: Storage, clock: Callable[[], float] = time.time) -> None:
        self.storage = storage
        self.limiter = MovingWindowRateLimiter(storage)
        self.clock = clock

    @staticmethod
    def _subject(subject: str) -> str:
        # Hashed: an email address never becomes a key in the store.
        return hashlib.sha256(subject.encode()).hexdigest()[:32]

    def hit(self, rule: Rule, subject: str) -> None:
        """Record one event for the subject under the rule."""
        self.limiter.hit(rule.item(), rule.name, self._subject(subject))

    def events(self, rule: Rule, subject: str) -> int:
        """Return how many of the subject's events the rule's window holds now."""
        stats = self.limiter.get_window_stats(rule.item(), rule.name, self._subject(subject))
        return rule.limit - stats.remaining

    def retry_after(self, rule: Rule, subject: str) -> int:
        """Return the seconds until the subject may act again under the rule (0: now)."""
        stats = self.limiter.get_window_stats(rule.item(), rule.name, self._subject(subject))
        if stats.remaining > 0:
            return 0
        # The subject may act again once the oldest counted event leaves the window.
        wait = stats.reset_time - self.clock()
        return max(1, math.ceil(wait)) if wait > 0 else 0

    def clear(self, rule: Rule, subject: str) -> None:
        """Forget the subject's events under the rule."""
        self.limiter.clear(rule.item(), rule.name, self._subject(subject))


def register_throttle(app: Flask) -> None:
    """Set the throttle's defaults and create its storage for the app."""
    app.config.setdefault("THROTTLE_ENABLED", True)
    for name, default in DEFAULT_RULES.items():
        app.config.setdefault(name, default)
    storage = make_storage(app.config.get("RATELIMIT_STORAGE_URL"))
    app.extensions["limits_storage"] = storage
    app.extensions["throttle"] = Throttle(storage)


def _throttle() -> Throttle | None:
    if not current_app.config.get("THROTTLE_ENABLED", True):
        return None
    return current_app.extensions["throttle"]


def configured_rule(name: str) -> Rule:
    """Return the rule a ``THROTTLE_*`` setting names: (count, seconds) from the config."""
    limit, window = current_app.config[name]
    return Rule(name, int(limit), int(window))


def client_address() -> str:
    """Return the client's address (behind a trusted proxy, ProxyFix has put it here)."""
    return request.remote_addr or "unknown"


def _email(email: str) -> str:
    return email.strip().lower()


def _account_here(email: str) -> str:
    # The strict per-account rule counts one email from one address.
    return f"{_email(email)}\x1f{client_address()}"


def _login_subjects(email: str) -> list[tuple[Rule, str]]:
    return [
        (configured_rule("THROTTLE_LOGIN_ACCOUNT"), _account_here(email)),
        (configured_rule("THROTTLE_LOGIN_EMAIL"), _email(email)),
        (configured_rule("THROTTLE_LOGIN_ADDRESS"), client_address()),
    ]


def _registration_subjects(email: str) -> list[tuple[Rule, str]]:
    return [
        (configured_rule("THROTTLE_REGISTER_ADDRESS"), client_address()),
        (configured_rule("THROTTLE_REGISTER_ACCOUNT"), _email(email)),
    ]


def _longest_wait(throttle: Throttle, subjects: list[tuple[Rule, str]]) -> int:
    return max(throttle.retry_after(rule, subject) for rule, subject in subjects)


def _hit_all(throttle: Throttle, subjects: list[tuple[Rule, str]]) -> None:
    for rule, subject in subjects:
        throttle.hit(rule, subject)


def guarded(action: Callable[[], T]) -> T | None:
    """Run a call to the counter store; if the store fails, log it and return None."""
    try:
        return action()
    except Exception:  # the counter store is down: let people in, but say so in the log
        log.exception("Throttle store failed; request allowed without throttling")
        return None


def attempt(subjects: list[tuple[Rule, str]]) -> int:
    """Count an attempt against each (rule, subject) unless one is over its limit.

    Return the seconds to wait when one is (nothing is counted then), else 0. With the
    throttle off, or its store down (logged), the attempt is let through.
    """
    throttle = _throttle()
    if throttle is None:
        return 0

    def run() -> int:
        wait = _longest_wait(throttle, subjects)
        if not wait:
            _hit_all(throttle, subjects)
        return wait

    return guarded(run) or 0


def login_retry_after(email: str) -> int:
    """Return seconds until a login for this email from this client is allowed (0: now)."""
    throttle = _throttle()
    if throttle is None:
        return 0
    subjects = _login_subjects(email)
    return guarded(lambda: _longest_wait(throttle, subjects)) or 0


def record_login_failure(email: str) -> None:
    """Count a failed login against the email here, the email anywhere and the address."""
    throttle = _throttle()
    if throttle is not None:
        subjects = _login_subjects(email)
        guarded(lambda: _hit_all(throttle, subjects))


def record_login_success(email: str) -> None:
    """Clear the email's failed logins from this address: the owner has proved who they are."""
    throttle = _throttle()
    if throttle is not None:
        rule, subject = configured_rule("THROTTLE_LOGIN_ACCOUNT"), _account_here(email)
        guarded(lambda: throttle.clear(rule, subject))


def registration_retry_after(email: str) -> int:
    """Return seconds until this client may try to register this email again (0: now)."""
    throttle = _throttle()
    if throttle is None:
        return 0
    subjects = _registration_subjects(email)
    return guarded(lambda: _longest_wait(throttle, subjects)) or 0


def record_registration_attempt(email: str) -> None:
    """Count a registration attempt from the client address and for the email."""
    throttle = _throttle()
    if throttle is not None:
        subjects = _registration_subjects(email)
        guarded(lambda: _hit_all(throttle, subjects))


def too_many_message(seconds: int) -> str:
    """Return the message shown while a client is throttled."""
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many attempts. Try again in {minutes} {unit}."
