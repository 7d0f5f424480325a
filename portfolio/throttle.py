"""Login and registration throttling with sliding windows.

Rules (each a number of events in a sliding window, configurable):

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

While a rule is over its limit the request is refused with 429 and a message saying how
many minutes remain (until the oldest counted event leaves the window). A rule's value is
`(count, seconds)`; the environment overrides it as `THROTTLE_LOGIN_ACCOUNT=5/900`.

Counters live in memory by default (one process: several gunicorn workers each count
alone, so the real limit is the limit times the workers), or in Redis when
`RATELIMIT_STORAGE_URL=redis://...`, shared by every worker and node. Emails are hashed
before they become keys. If Redis is unreachable the throttle lets requests through and
logs the error: an outage of the counter store must not lock everyone out.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from flask import Flask, current_app, request

from portfolio import config

log = logging.getLogger(__name__)

#: The rules' defaults live with the rest of the configuration.
DEFAULT_RULES = config.THROTTLE_RULES


@dataclass(frozen=True)
class Rule:
    """At most `limit` events per `window` seconds for one key."""

    name: str
    limit: int
    window: int


class Store(Protocol):
    def hit(self, key: str, now: float, window: int) -> None: ...

    def events(self, key: str, now: float, window: int) -> list[float]: ...

    def clear(self, key: str) -> None: ...


class MemoryStore:
    """Event times per key in this process's memory; safe to share between threads."""

    def __init__(self) -> None:
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float, window: int) -> deque[float]:
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - window:
            events.popleft()
        return events

    def hit(self, key: str, now: float, window: int) -> None:
        """Record an event for the key."""
        with self._lock:
            self._prune(key, now, window).append(now)

    def events(self, key: str, now: float, window: int) -> list[float]:
        """Return the times of the key's events inside the window, oldest first."""
        with self._lock:
            events = self._prune(key, now, window)
            found = list(events)
            if not events:
                # Forget idle keys so memory does not grow with every address ever seen.
                del self._events[key]
            return found

    def clear(self, key: str) -> None:
        """Forget the key's events."""
        with self._lock:
            self._events.pop(key, None)


class RedisStore:
    """Event times per key in a Redis sorted set, shared by every worker and node."""

    def __init__(self, url: str, prefix: str = "portfolio:throttle:") -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    def hit(self, key: str, now: float, window: int) -> None:
        """Record an event for the key."""
        name = self.prefix + key
        pipe = self.client.pipeline(transaction=True)
        pipe.zremrangebyscore(name, "-inf", now - window)
        pipe.zadd(name, {f"{now}:{uuid.uuid4().hex}": now})
        pipe.expire(name, window + 1)
        pipe.execute()

    def events(self, key: str, now: float, window: int) -> list[float]:
        """Return the times of the key's events inside the window, oldest first."""
        name = self.prefix + key
        pipe = self.client.pipeline(transaction=True)
        pipe.zremrangebyscore(name, "-inf", now - window)
        pipe.zrange(name, 0, -1, withscores=True)
        _, members = pipe.execute()
        return [score for _, score in members]

    def clear(self, key: str) -> None:
        """Forget the key's events."""
        self.client.delete(self.prefix + key)


class Throttle:
    """Count events per rule and key, and say how long a key must wait."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    @staticmethod
    def _key(rule: Rule, subject: str) -> str:
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        return f"{rule.name}:{digest}"

    def hit(self, rule: Rule, subject: str) -> None:
        """Record one event for the subject under the rule."""
        self.store.hit(self._key(rule, subject), self.clock(), rule.window)

    def retry_after(self, rule: Rule, subject: str) -> int:
        """Return the seconds until the subject may act again under the rule (0: now)."""
        now = self.clock()
        events = self.store.events(self._key(rule, subject), now, rule.window)
        if len(events) < rule.limit:
            return 0
        # The subject may act again once enough old events have left the window.
        oldest_to_expire = events[len(events) - rule.limit]
        return max(1, math.ceil(oldest_to_expire + rule.window - now))

    def clear(self, rule: Rule, subject: str) -> None:
        """Forget the subject's events under the rule."""
        self.store.clear(self._key(rule, subject))


def make_store(url: str | None) -> Store:
    """Return the store for RATELIMIT_STORAGE_URL: Redis for redis:// URLs, else memory."""
    if not url or url.startswith("memory"):
        return MemoryStore()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(url)
    raise ValueError(f"Unsupported RATELIMIT_STORAGE_URL scheme: {url.split(':', 1)[0]}")


def register_throttle(app: Flask) -> None:
    """Set the throttle's defaults and create its store for the app."""
    app.config.setdefault("THROTTLE_ENABLED", True)
    for name, default in DEFAULT_RULES.items():
        app.config.setdefault(name, default)
    app.extensions["throttle"] = Throttle(make_store(app.config.get("RATELIMIT_STORAGE_URL")))


def _throttle() -> Throttle | None:
    if not current_app.config.get("THROTTLE_ENABLED", True):
        return None
    return current_app.extensions["throttle"]


def _rule(name: str) -> Rule:
    limit, window = current_app.config[name]
    return Rule(name, int(limit), int(window))


def _client_address() -> str:
    # Behind a trusted proxy, ProxyFix has already put the client's address here.
    return request.remote_addr or "unknown"


def _email(email: str) -> str:
    return email.strip().lower()


def _account_here(email: str) -> str:
    # The strict per-account rule counts one email from one address.
    return f"{_email(email)}\x1f{_client_address()}"


def _login_subjects(email: str) -> list[tuple[Rule, str]]:
    return [
        (_rule("THROTTLE_LOGIN_ACCOUNT"), _account_here(email)),
        (_rule("THROTTLE_LOGIN_EMAIL"), _email(email)),
        (_rule("THROTTLE_LOGIN_ADDRESS"), _client_address()),
    ]


def _registration_subjects(email: str) -> list[tuple[Rule, str]]:
    return [
        (_rule("THROTTLE_REGISTER_ADDRESS"), _client_address()),
        (_rule("THROTTLE_REGISTER_ACCOUNT"), _email(email)),
    ]


def _longest_wait(throttle: Throttle, subjects: list[tuple[Rule, str]]) -> int:
    return max(throttle.retry_after(rule, subject) for rule, subject in subjects)


def _hit_all(throttle: Throttle, subjects: list[tuple[Rule, str]]) -> None:
    for rule, subject in subjects:
        throttle.hit(rule, subject)


def _guarded(action: Callable[[], int | None]) -> int | None:
    try:
        return action()
    except Exception:  # the counter store is down: let people in, but say so in the log
        log.exception("Throttle store failed; request allowed without throttling")
        return None


def login_retry_after(email: str) -> int:
    """Return seconds until a login for this email from this client is allowed (0: now)."""
    throttle = _throttle()
    if throttle is None:
        return 0
    subjects = _login_subjects(email)
    return _guarded(lambda: _longest_wait(throttle, subjects)) or 0


def record_login_failure(email: str) -> None:
    """Count a failed login against the email here, the email anywhere and the address."""
    throttle = _throttle()
    if throttle is not None:
        subjects = _login_subjects(email)
        _guarded(lambda: _hit_all(throttle, subjects))


def record_login_success(email: str) -> None:
    """Clear the email's failed logins from this address: the owner has proved who they are."""
    throttle = _throttle()
    if throttle is not None:
        rule, subject = _rule("THROTTLE_LOGIN_ACCOUNT"), _account_here(email)
        _guarded(lambda: throttle.clear(rule, subject))


def registration_retry_after(email: str) -> int:
    """Return seconds until this client may try to register this email again (0: now)."""
    throttle = _throttle()
    if throttle is None:
        return 0
    subjects = _registration_subjects(email)
    return _guarded(lambda: _longest_wait(throttle, subjects)) or 0


def record_registration_attempt(email: str) -> None:
    """Count a registration attempt from the client address and for the email."""
    throttle = _throttle()
    if throttle is not None:
        subjects = _registration_subjects(email)
        _guarded(lambda: _hit_all(throttle, subjects))


def too_many_message(seconds: int) -> str:
    """Return the message shown while a client is throttled."""
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many attempts. Try again in {minutes} {unit}."
