"""Configuration layers: defaults here, then instance/config.py, then the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: Requests bigger than this are refused with 413 (JSON Resume uploads included).
MAX_CONTENT_LENGTH = 2 * 1024 * 1024


def database_url(instance_path: str) -> str:
    """Return the database URL: DATABASE_URL, or SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{Path(instance_path) / 'portfolio.sqlite'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_or_create_secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, or a random one kept in instance/."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
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
