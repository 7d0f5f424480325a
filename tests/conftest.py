"""Shared fixtures: the app on SQLite and on a throwaway PostgreSQL, clients, helpers.

Every test that asks for `app` (directly or through `client`) runs twice: once on SQLite
and once on a PostgreSQL 15 cluster that this test session starts itself. Without
`initdb`/`pg_ctl` the PostgreSQL half is skipped with the reason printed (and the command
that installs them), except under CI=true, where it fails instead. The same goes for
`redis-server` (`redis_url`) and, in tests/browser, Chromium. `make test` run as root
installs all three when they are missing (tests/system-packages.sh).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import create_engine, text

from portfolio import create_app
from portfolio.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"

# No timed assertions: hypothesis's per-example deadline fails a property on a busy
# machine, not on a wrong answer.
settings.register_profile("portfolio", deadline=None)
settings.load_profile("portfolio")
#: A fast password hash for tests only.
CHEAP_HASH = "pbkdf2:sha256:1000"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                     r'name="csrf_token" value="([^"]+)"')  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_system_package(what: str, package: str) -> None:
    """Skip (fail under CI=true) a test whose system package is not installed, saying why."""
    reason = (
        f"{what} is not installed: run `make test` as root, which installs it, or "
        f"`sudo apt-get install -y {package}`"
    )
    if IN_CI:
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


def postgres_tool(name: str) -> str | None:
    """Return the path of a PostgreSQL program: on PATH, or where Debian keeps it."""
    found = shutil.which(name)
    if found:
        return found
    # Debian's postgresql package keeps initdb and pg_ctl off PATH.
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    return str(versions[-1]) if versions else None


def _as_postgres(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root, and CI runs as root.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """Start a throwaway PostgreSQL cluster for the session and return its URL."""
    initdb, pg_ctl = postgres_tool("initdb"), postgres_tool("pg_ctl")
    if initdb is None or pg_ctl is None:
        missing_system_package("PostgreSQL (initdb, pg_ctl)", "postgresql")
    base = Path(tempfile.mkdtemp(prefix="portfolio-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data, log, port = base / "data", base / "log", _free_port()
    subprocess.run(
        _as_postgres([initdb, "-D", str(data), "-U", "postgres", "-A", "trust",
                      "--no-sync", "-E", "UTF8", "--locale=C"]),
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_postgres([pg_ctl, "-D", str(data), "-w", "-l", str(log), "-o", options, "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"]),
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """Start a throwaway redis-server on a free loopback port and return its URL."""
    server = shutil.which("redis-server")
    if server is None:
        missing_system_package("redis-server", "redis-server")
    import redis

    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(workdir), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None:
                    pytest.fail("redis-server exited at start")
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not answer within 5 s")
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    """Return the URL of a SQLite file for the session."""
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite'}"


_migrated: set[str] = set()


def _migrate(url: str, instance: Path) -> None:
    """Bring the database to the latest migration once per session (tests the migrations)."""
    if url in _migrated:
        return
    from flask_migrate import upgrade

    app = create_app(_test_config(url, instance))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    _migrated.add(url)


def _test_config(url: str, _instance: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        # scrypt costs ~0.1 s a hash; the suite registers and logs in hundreds of times.
        # One test (test_auth.py) checks that the app's own default is scrypt.
        "PASSWORD_HASH_METHOD": CHEAP_HASH,
    }


def _empty_tables(url: str) -> None:
    engine = create_engine(url)
    tables = list(reversed(db.metadata.sorted_tables))
    with engine.begin() as conn:
        if url.startswith("postgresql"):
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    """Yield each database in turn, migrated and empty."""
    url = request.getfixturevalue(f"{request.param}_url")
    _migrate(url, tmp_path_factory.getbasetemp())
    _empty_tables(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database_url(request, tmp_path) -> Iterator[str]:
    """Yield the URL of a new, empty, unmigrated database of each kind (dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        return
    server = request.getfixturevalue("postgresql_url")
    name = f"fresh_{tmp_path.name.lower().replace('-', '_')[-40:]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def app(database_url: str, tmp_path) -> Iterator[Flask]:
    """Return the app bound to an empty, migrated database."""
    with app_with(database_url, tmp_path) as made:
        yield made


@contextmanager
def app_with(database_url: str, tmp_path, **extra: Any) -> Iterator[Flask]:
    """Make the test app with these settings added (a jobs queue, mail...); dispose after.

    A test module needing more than the plain app overrides the ``app`` fixture with it.
    """
    app = create_app({**_test_config(database_url, tmp_path), **extra})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def sqlite_app(sqlite_url: str, tmp_path_factory) -> Iterator[Flask]:
    """Return the app on SQLite only, for behaviour that is the same on every database."""
    _migrate(sqlite_url, tmp_path_factory.getbasetemp())
    _empty_tables(sqlite_url)
    app = create_app(_test_config(sqlite_url, tmp_path_factory.getbasetemp()))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


def csrf_from(html: str) -> str:
    """Return the CSRF token in a rendered page."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


class Browserless:
    """Act as a person would with the test client: fetch the form, post it with its token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def token(self, path: str = "/auth/login") -> str:
        return csrf_from(self.client.get(path).get_data(as_text=True))

    def post(self, path: str, data: dict | None = None, *, form_path: str | None = None,
             **kwargs):  # fmt: skip
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.token(form_path or path))
        return self.client.post(path, data=payload, **kwargs)

    def register(self, email="ada@example.com", name="Ada", password="correct horse battery"):
        return self.post("/auth/register", {
            "email": email, "display_name": name, "password": password, "confirm": password,
        })  # fmt: skip

    def login(self, email="ada@example.com", password="correct horse battery"):
        return self.post("/auth/login", {"email": email, "password": password})

    def logout(self):
        return self.post("/auth/logout", form_path="/dashboard")

    def add_project(self, **fields):
        data = {"title": "Booking API", "kind": "personal", "start": "2025-01"}
        data.update(fields)
        return self.post("/projects/new", data)


@pytest.fixture
def new_device(app: Flask):
    """Return a function that opens another browser (a client with its own cookies)."""
    return lambda: Browserless(app.test_client())


@pytest.fixture
def auth(client: FlaskClient) -> Browserless:
    return Browserless(client)


@pytest.fixture
def user(auth: Browserless) -> Browserless:
    """A registered, logged-in user (Ada)."""
    response = auth.register()
    assert response.status_code == 302, response.get_data(as_text=True)
    return auth
