"""Backups: `flask backup` and `flask restore` for SQLite; PostgreSQL uses pg_dump.

SQLite is copied with its online backup API (`sqlite3.Connection.backup`), which takes a
consistent snapshot while the app keeps serving, WAL included; copying the file with `cp`
could catch it half-written. A backup is written under a temporary name and renamed, so
a file named `portfolio-<UTC time>.sqlite` is always complete.

Restore copies a backup back over the live database with the same API, after checking
that the file is an intact SQLite database holding this app's schema. Stop the app
servers first: requests during a restore may see either version.

Only the owner may read or write the database and its copies (0600; the backups folder
0700): the factory creates the database file so before SQLite first opens it, and
tightens one made before. SQLite gives its -wal and -shm files the database's own mode.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy.engine import make_url

from portfolio.extensions import db

#: Read and write for the owner only: the database holds every account's data.
PRIVATE_FILE = 0o600
PRIVATE_DIRECTORY = 0o700


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why."""


def sqlite_path(url: str) -> Path | None:
    """Return the file of a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def create_private(path: Path) -> None:
    """Create an empty file only its owner may read and write, or make an existing one so."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        os.chmod(path, PRIVATE_FILE)


def protect_sqlite_files(url: str) -> None:
    """Make the SQLite database of a URL, and its -wal and -shm files, owner-only (0600)."""
    database = sqlite_path(url)
    if database is None or not database.parent.is_dir():
        return  # in memory, or nowhere to be made: SQLite will say so itself
    create_private(database)
    for suffix in ("-wal", "-shm"):
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            os.chmod(companion, PRIVATE_FILE)


def backup_sqlite(database: Path, directory: Path, now: datetime | None = None) -> Path:
    """Write a consistent copy of the SQLite database into directory and return its path."""
    if not database.exists():
        raise BackupError(f"There is no database file at {database}.")
    directory.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = directory / f"portfolio-{stamp}.sqlite"
    counter = 1
    while target.exists():
        counter += 1
        target = directory / f"portfolio-{stamp}-{counter}.sqlite"
    partial = target.with_suffix(".sqlite.partial")
    _copy(sqlite3.connect(database), partial)
    os.replace(partial, target)
    return target


def _copy(source: sqlite3.Connection, destination: Path) -> None:
    """Copy a database page by page with SQLite's online backup, then close both ends."""
    create_private(destination)
    dest = sqlite3.connect(destination)
    try:
        with dest:
            source.backup(dest)
    finally:
        dest.close()
        source.close()


def check_backup(path: Path) -> None:
    """Raise BackupError unless path is an intact SQLite database of this app."""
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (status,) = conn.execute("PRAGMA quick_check").fetchone()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database: {error}") from error
    if status != "ok":
        raise BackupError(f"{path} is damaged: {status}")
    if not {"alembic_version", "user", "project"} <= tables:
        raise BackupError(f"{path} is not a backup of this app (its tables are missing).")


def restore_sqlite(backup: Path, database: Path) -> None:
    """Replace the SQLite database's contents with the backup's."""
    check_backup(backup)
    database.parent.mkdir(parents=True, exist_ok=True)
    _copy(sqlite3.connect(f"file:{backup}?mode=ro", uri=True), database)


def _postgres_advice(url: str) -> str:
    safe = make_url(url).set(drivername="postgresql").render_as_string(hide_password=True)
    return (
        "This database is PostgreSQL: use its own tools, which copy it consistently "
        "while the app runs.\n"
        f"  Back up:  pg_dump --format=custom --file=portfolio-$(date -u +%Y%m%dT%H%M%SZ).dump "
        f'"{safe}"\n'
        f'  Restore:  pg_restore --clean --if-exists --no-owner --dbname "{safe}" FILE.dump\n'
        "Put the real password in ~/.pgpass or PGPASSWORD, not on the command line."
    )


def register_backup_commands(app: Flask) -> None:
    """Add `flask backup` and `flask restore`."""

    @app.cli.command("backup")
    @click.option(
        "--dir",
        "directory",
        type=click.Path(file_okay=False, path_type=Path),
        help="Where to write the backup [default: instance/backups].",
    )
    def backup_command(directory: Path | None) -> None:
        """Back up the SQLite database to a timestamped file."""
        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        database = sqlite_path(url)
        if database is None:
            click.echo(_postgres_advice(url), err=True)
            raise click.exceptions.Exit(2)
        directory = directory or Path(
            current_app.config.get("BACKUP_DIR") or Path(current_app.instance_path) / "backups"
        )
        try:
            target = backup_sqlite(database, directory)
        except (BackupError, sqlite3.Error) as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Backed up to {target}")

    @app.cli.command("restore")
    @click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Overwrite the database without asking.")
    def restore_command(backup: Path, yes: bool) -> None:
        """Replace the SQLite database with a backup (stop the app servers first)."""
        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        database = sqlite_path(url)
        if database is None:
            click.echo(_postgres_advice(url), err=True)
            raise click.exceptions.Exit(2)
        try:
            check_backup(backup)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        if not yes and not click.confirm(
            f"Replace everything in {database} with {backup}? This cannot be undone",
            default=False,
        ):
            raise click.ClickException("Nothing restored.")
        # Close pooled connections so none keeps reading the old pages.
        db.engine.dispose()
        try:
            restore_sqlite(backup, database)
        except (BackupError, sqlite3.Error) as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Restored {database} from {backup}")
