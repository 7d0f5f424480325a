"""Configuration layers, read once by the factory: defaults, instance/config.py, the
environment, then a test's own config, each overriding the one before.

The environment is read here and nowhere else, under its documented names:

* ``SECRET_KEY``; ``APP_ENV=production`` (then SECRET_KEY must come from here);
* ``DATABASE_URL`` (SQLite in instance/ without it);
* ``RATELIMIT_STORAGE_URL`` (``redis://...`` shares the throttle between nodes);
* ``THROTTLE_LOGIN_ACCOUNT`` and the other throttle rules, as ``count/seconds``;
* ``API_RATE_LIMIT`` (``count/seconds``: requests per API token);
* ``REMEMBER_COOKIE_DURATION`` (days "Keep me logged in" lasts) and ``SESSION_HOURS``
  (hours a login without it lasts);
* ``TRUSTED_PROXIES`` (or ``PROXY_FIX=1``) and ``PREFERRED_URL_SCHEME``;
* code analyses: ``CODE_UPLOAD_MAX_BYTES``, ``CODE_UNPACKED_MAX_BYTES``,
  ``CODE_MAX_FILES``, ``REPO_IMPORT_ALLOW_HOSTS`` (host names, comma-separated, that
  may be fetched although they resolve to private addresses) and
  ``REPO_IMPORT_CA_CERTS`` (a CA bundle for self-hosted Git servers' certificates);
* background jobs: ``JOBS_REDIS_URL`` (or ``REDIS_URL``: Redis holds the queue, shared
  by every node; without it the SQLite file ``JOBS_SQLITE_PATH``, by default in
  instance/, does), ``JOBS_WORKERS``,
  ``JOBS_HEARTBEAT_SECONDS``, ``JOBS_STALE_SECONDS`` and ``JOBS_TIME_LIMIT_SECONDS``;
* mail (sent only with ``MAIL_SERVER``): ``MAIL_PORT``, ``MAIL_USERNAME``,
  ``MAIL_PASSWORD``, ``MAIL_USE_TLS``, ``MAIL_USE_SSL`` (1/true/yes) and
  ``MAIL_DEFAULT_SENDER``: see portfolio/mail.py.

``PORT``, ``BIND`` and ``WEB_CONCURRENCY`` are gunicorn's (gunicorn.conf.py).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

#: Requests bigger than this are refused with 413 (JSON Resume uploads included).
MAX_CONTENT_LENGTH = 2 * 1024 * 1024

#: The throttle's rules: (events, seconds) per window; see portfolio/auth/throttle.py.
THROTTLE_RULES: dict[str, tuple[int, int]] = {
    "THROTTLE_LOGIN_ACCOUNT": (5, 15 * 60),
    "THROTTLE_LOGIN_EMAIL": (50, 15 * 60),
    "THROTTLE_LOGIN_ADDRESS": (20, 15 * 60),
    "THROTTLE_REGISTER_ADDRESS": (10, 60 * 60),
    "THROTTLE_REGISTER_ACCOUNT": (5, 60 * 60),
    # References (issue 17): links one owner may create, answers sent to one link and
    # from one address.
    "THROTTLE_REFERENCE_REQUEST": (20, 24 * 60 * 60),
    "THROTTLE_REFERENCE_ANSWER_LINK": (10, 60 * 60),
    "THROTTLE_REFERENCE_ANSWER_ADDRESS": (30, 60 * 60),
    # Code analyses (issues 15, 16): analyses one account may start a day.
    "THROTTLE_ANALYSIS_START": (50, 24 * 60 * 60),
}

#: Requests one API token may make per window: (requests, seconds).
API_RATE_LIMIT: tuple[int, int] = (300, 60)
#: How long a login lasts: with "Keep me logged in", and without.
REMEMBER_COOKIE_DURATION = timedelta(days=30)
SESSION_HOURS = 12

#: Code analyses (issues 15, 16): the largest upload, what it may unpack to, its files.
CODE_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
CODE_UNPACKED_MAX_BYTES = 200 * 1024 * 1024
CODE_MAX_FILES = 20_000
#: Background jobs: consumer threads per worker process; how often a running job says
#: it is alive, after how long without a sign its worker counts as dead, and how long
#: one analysis may run in all (seconds).
JOBS_WORKERS = 2
JOBS_HEARTBEAT_SECONDS = 5
JOBS_STALE_SECONDS = 60
JOBS_TIME_LIMIT_SECONDS = 15 * 60
_WHOLE_NUMBERS = (
    "CODE_UPLOAD_MAX_BYTES", "CODE_UNPACKED_MAX_BYTES", "CODE_MAX_FILES", "JOBS_WORKERS",
    "JOBS_HEARTBEAT_SECONDS", "JOBS_STALE_SECONDS", "JOBS_TIME_LIMIT_SECONDS",
)  # fmt: skip

#: Plain string settings taken from the environment as they are.
_STRINGS = (
    "SECRET_KEY", "APP_ENV", "RATELIMIT_STORAGE_URL", "TRUSTED_PROXIES", "PROXY_FIX",
    "SERVER_NAME", "CODE_UPLOAD_FOLDER",
)  # fmt: skip
#: Mail settings (portfolio/mail.py): plain strings, and on/off flags.
_MAIL_STRINGS = ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER")
_MAIL_FLAGS = ("MAIL_USE_TLS", "MAIL_USE_SSL")


class ConfigurationError(RuntimeError):
    """The app is configured in a way that is unsafe to run."""


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the settings the environment gives, under the app's config names."""
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for name in _STRINGS:
        if environ.get(name, "").strip():
            found[name] = environ[name].strip()
    if environ.get("DATABASE_URL", "").strip():
        found["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
    scheme = environ.get("PREFERRED_URL_SCHEME", "").strip().lower()
    if scheme:
        found["PREFERRED_URL_SCHEME"] = scheme
    for name in (*THROTTLE_RULES, "API_RATE_LIMIT"):
        if environ.get(name, "").strip():
            found[name] = parse_rule(environ[name], name)
    if environ.get("REMEMBER_COOKIE_DURATION", "").strip():
        days = parse_positive(environ["REMEMBER_COOKIE_DURATION"], "REMEMBER_COOKIE_DURATION")
        found["REMEMBER_COOKIE_DURATION"] = timedelta(days=days)
    if environ.get("SESSION_HOURS", "").strip():
        found["SESSION_HOURS"] = parse_positive(environ["SESSION_HOURS"], "SESSION_HOURS")
    for name in _MAIL_STRINGS:
        if environ.get(name, "").strip():
            found[name] = environ[name].strip()
    if environ.get("MAIL_PORT", "").strip():
        found["MAIL_PORT"] = parse_positive(environ["MAIL_PORT"], "MAIL_PORT")
    for name in _MAIL_FLAGS:
        if environ.get(name, "").strip():
            found[name] = environ[name].strip().lower() in {"1", "true", "yes", "on"}
    for name in _WHOLE_NUMBERS:
        if environ.get(name, "").strip():
            found[name] = parse_positive(environ[name], name)
    if environ.get("REPO_IMPORT_ALLOW_HOSTS", "").strip():
        hosts = environ["REPO_IMPORT_ALLOW_HOSTS"].split(",")
        found["REPO_IMPORT_ALLOW_HOSTS"] = tuple(h.strip().lower() for h in hosts if h.strip())
    if environ.get("JOBS_SQLITE_PATH", "").strip():
        found["JOBS_SQLITE_PATH"] = environ["JOBS_SQLITE_PATH"].strip()
    if environ.get("REPO_IMPORT_CA_CERTS", "").strip():
        found["REPO_IMPORT_CA_CERTS"] = environ["REPO_IMPORT_CA_CERTS"].strip()
    if environ.get("TRUSTED_HOSTS", "").strip():
        # Flask answers 400 to a Host header not in the list: links built from it
        # (mailed reference links, the PDF's page address) then name only these hosts.
        hosts = environ["TRUSTED_HOSTS"].split(",")
        found["TRUSTED_HOSTS"] = [h.strip().lower() for h in hosts if h.strip()]
    redis = environ.get("JOBS_REDIS_URL", "").strip() or environ.get("REDIS_URL", "").strip()
    if redis:
        found["JOBS_REDIS_URL"] = redis
    return found


def parse_positive(value: str, name: str) -> int:
    """Parse a whole number of at least 1 (days, hours), as in REMEMBER_COOKIE_DURATION=30."""
    try:
        number = int(value.strip())
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, like 30, not {value!r}") from None
    if number < 1:
        raise ConfigurationError(f"{name} must be at least 1, not {value!r}")
    return number


def parse_rule(value: str, name: str = "a rate limit") -> tuple[int, int]:
    """Parse "count/seconds" (as in THROTTLE_LOGIN_ACCOUNT=5/900) into a tuple."""
    count, _, seconds = value.strip().partition("/")
    try:
        rule = int(count), int(seconds)
    except ValueError:
        raise ConfigurationError(
            f"{name} must be count/seconds, like 5/900, not {value!r}"
        ) from None
    if rule[0] < 1 or rule[1] < 1:
        raise ConfigurationError(f"{name} must be positive, like 5/900, not {value!r}")
    return rule


def normalise_database_url(url: str) -> str:
    """Return a database URL SQLAlchemy can use with the psycopg 3 driver."""
    url = url.strip()
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_url(instance_path: str) -> str:
    """Return the URL of the embedded SQLite database in the instance folder."""
    return f"sqlite:///{Path(instance_path) / 'portfolio.sqlite'}"


def is_production(config: Mapping[str, Any]) -> bool:
    """Return whether APP_ENV says this is a production deployment."""
    return str(config.get("APP_ENV") or "").strip().lower() == "production"


def secret_key(config: Mapping[str, Any], instance_path: str) -> str:
    """Return the configured secret key, or (outside production) one kept in instance/."""
    if config.get("SECRET_KEY"):
        return config["SECRET_KEY"]
    if is_production(config):
        raise ConfigurationError(
            "SECRET_KEY is not set. In production (APP_ENV=production) the secret key must "
            "come from the environment and be the same on every node; the key kept in "
            "instance/secret_key is for development only. Generate one with: "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Create with owner-only permissions so other local users cannot read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def engine_options(url: str) -> dict:
    """Return SQLAlchemy engine options suited to the database in use."""
    if url.startswith("sqlite"):
        # A busy timeout makes concurrent writers wait instead of failing at once.
        return {"connect_args": {"timeout": 15}}
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}
