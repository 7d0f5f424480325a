"""Login sessions: one row per login, named by a secret in the cookies, ended by logout.

Each login makes a ``LoginSession`` row and a random secret; the ``session`` cookie and,
with "Keep me logged in", the ``remember_token`` cookie carry the secret (as Flask-Login's
user id), and only its SHA-256 is stored. The user loader finds the row by that hash, so:

* logging out deletes the row: a copy of either cookie, taken before, names nothing;
* "Log out" beside a session on the account page, and "Log out everywhere else",
  delete other rows; a password change deletes them all and logs this device in anew;
  deleting the account deletes them through the foreign key;
* a session lasts ``SESSION_HOURS`` (12) from login, or ``REMEMBER_COOKIE_DURATION``
  (30 days) with "Keep me logged in", however often it is used; expired rows are
  deleted at the owner's next login, and at most ``rules.MAX_SESSIONS`` are kept (the
  least recently used goes first).

At login and logout the cookie session is emptied, so the CSRF token is renewed too.
``last_seen_at`` is written at most once a minute per session.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, select

from portfolio.extensions import db, login_manager
from portfolio.models import LoginSession, User, utcnow
from portfolio.schemas import rules
from portfolio.security import SHARED_CACHE_ENDPOINTS

#: How often last_seen_at is written for a session in constant use.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
#: The longest cookie secret looked up at all (ours are 43 characters).
MAX_SECRET_LENGTH = 64
#: Defaults of the settings (config.py reads them from the environment).
DEFAULT_SESSION_HOURS = 12
DEFAULT_REMEMBER_DAYS = 30
#: What a session logged in with a password the rule refuses may still open.
WHILE_PASSWORD_REFUSED = frozenset(
    {"auth.account", "auth.logout", "auth.end_session", "auth.end_other_sessions",
     "auth.delete", "auth.export_data", "main.healthz", "static"}
)  # fmt: skip


def hash_secret(secret: str) -> str:
    """Return the hex SHA-256 digest a session's secret is stored as."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def lifetime(remember: bool) -> timedelta:
    """Return how long a new session lasts: a working day, or the remember-me duration."""
    config = current_app.config
    if remember:
        duration = config["REMEMBER_COOKIE_DURATION"]
        return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)
    return timedelta(hours=config["SESSION_HOURS"])


def _renew_cookie_session() -> None:
    """Empty the cookie session: what it held, and the CSRF token, start again."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF keeps this request's signed token here


def start_session(user: User, *, remember: bool, needs_new_password: bool = False) -> None:
    """Log the user in on this device: a new session row, new cookies, a new CSRF token."""
    now = utcnow()
    _forget_old_sessions(user, now)
    secret = secrets.token_urlsafe(32)
    duration = lifetime(remember)
    record = LoginSession(
        user_id=user.id,
        token_hash=hash_secret(secret),
        user_agent=" ".join((request.user_agent.string or "").split())[:300],
        remember=remember,
        created_at=now,
        last_seen_at=now,
        expires_at=now + duration,
        needs_new_password=needs_new_password,
    )
    db.session.add(record)
    db.session.commit()
    user.session_secret = secret
    _renew_cookie_session()
    login_user(user, remember=remember, duration=duration if remember else None)
    g.login_session = record


def _forget_old_sessions(user: User, now: datetime) -> None:
    """Delete the user's expired sessions, and the least recently used over the quota."""
    db.session.execute(
        delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at <= now)
    )
    live = db.session.scalars(
        select(LoginSession.id)
        .where(LoginSession.user_id == user.id)
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
    ).all()
    surplus = live[rules.MAX_SESSIONS - 1 :]
    if surplus:
        db.session.execute(delete(LoginSession).where(LoginSession.id.in_(surplus)))


def load_user(secret: str) -> User | None:
    """Return the user whose live session the cookie's secret names (Flask-Login's loader)."""
    if not isinstance(secret, str) or not 0 < len(secret) <= MAX_SECRET_LENGTH:
        return None
    now = utcnow()
    row = db.session.execute(
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.token_hash == hash_secret(secret), LoginSession.expires_at > now)
    ).first()
    if row is None:
        return None
    record, user = row
    if now - record.last_seen_at >= LAST_SEEN_RESOLUTION:
        record.last_seen_at = now
        db.session.commit()
    user.session_secret = secret
    g.login_session = record
    return user


def current_session() -> LoginSession | None:
    """Return the session this request is logged in under, once the user is loaded."""
    return g.get("login_session")


def end_current_session() -> None:
    """Log out on this device: delete its session row, clear the cookies, new CSRF token."""
    record = current_session()
    if record is not None:
        db.session.execute(delete(LoginSession).where(LoginSession.id == record.id))
        db.session.commit()
        g.pop("login_session", None)
    _renew_cookie_session()
    logout_user()  # after the clear: it asks for the remember cookie to be deleted too


def live_sessions(user: User) -> list[LoginSession]:
    """Return the user's sessions that have not expired, most recently used first."""
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.expires_at > utcnow())
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


def end_session(user: User, session_id: int) -> bool:
    """End one of the user's sessions (this device's logs out); return whether it was theirs."""
    current = current_session()
    if current is not None and current.id == session_id:
        end_current_session()
        return True
    result = db.session.execute(
        delete(LoginSession).where(LoginSession.id == session_id, LoginSession.user_id == user.id)
    )
    db.session.commit()
    return bool(result.rowcount)


def end_other_sessions(user: User) -> int:
    """End every session of the user but this device's; return how many ended."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    current = current_session()
    if current is not None:
        query = query.where(LoginSession.id != current.id)
    result = db.session.execute(query)
    db.session.commit()
    return result.rowcount or 0


def end_all_sessions(user: User) -> None:
    """End every session of the user, this device's included (not committed)."""
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/")),
    ("Opera", re.compile(r"\bOPR/")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(?:HeadlessChrome|Chrome|Chromium|CriOS)/")),
    ("Safari", re.compile(r"\bSafari/")),
    ("curl", re.compile(r"^curl/")),
)
_SYSTEMS = (
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("Linux", re.compile(r"\bLinux\b|\bX11\b")),
)


def describe_device(user_agent: str) -> str:
    """Name the browser and system a User-Agent string says, like "Firefox on Linux"."""
    browser = next((name for name, found in _BROWSERS if found.search(user_agent)), None)
    system = next((name for name, found in _SYSTEMS if found.search(user_agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown device"


def register_sessions(app: Flask) -> None:
    """Set the session lifetimes and make login cookies name session rows."""
    app.config.setdefault("SESSION_HOURS", DEFAULT_SESSION_HOURS)
    app.config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=DEFAULT_REMEMBER_DAYS))
    login_manager.user_loader(load_user)

    @app.before_request
    def ask_for_a_new_password():
        """Send a session that logged in with a refused password to the account page."""
        endpoint = request.endpoint
        if (
            endpoint is None
            or request.blueprint == "api"  # tokens, not cookies
            or endpoint in WHILE_PASSWORD_REFUSED
            or endpoint in SHARED_CACHE_ENDPOINTS
            or not current_user.is_authenticated
        ):
            return None
        record = current_session()
        if record is not None and record.needs_new_password:
            return redirect(url_for("auth.account"))
        return None
