"""The SQLite database, its -wal and -shm files and its backups: only their owner reads them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import text

from portfolio import create_app
from portfolio.backup import backup_sqlite
from portfolio.extensions import db


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _app(database: Path):
    return create_app({"TESTING": True, "SECRET_KEY": "x",
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})  # fmt: skip


def test_a_new_database_and_its_wal_and_shm_files_are_0600(tmp_path):
    old = os.umask(0o022)  # the usual umask, which would make them 0644
    try:
        database = tmp_path / "portfolio.sqlite"
        app = _app(database)
        with app.app_context():
            db.session.execute(text("CREATE TABLE t (x INTEGER)"))
            db.session.execute(text("INSERT INTO t VALUES (1)"))
            db.session.commit()
            wal, shm = Path(f"{database}-wal"), Path(f"{database}-shm")
            assert wal.exists() and shm.exists()
            assert [_mode(p) for p in (database, wal, shm)] == [0o600] * 3
            db.engine.dispose()
    finally:
        os.umask(old)


def test_a_database_made_before_is_made_private_at_start(tmp_path):
    database = tmp_path / "portfolio.sqlite"
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        path.touch()
        path.chmod(0o644)
    app = _app(database)
    assert [_mode(p) for p in tmp_path.iterdir()] == [0o600] * 3
    with app.app_context():
        db.engine.dispose()


def test_backups_are_0600_in_a_0700_folder(tmp_path):
    old = os.umask(0o022)
    try:
        database = tmp_path / "portfolio.sqlite"
        app = _app(database)
        with app.app_context():
            db.session.execute(text("CREATE TABLE t (x INTEGER)"))
            db.session.commit()
            db.engine.dispose()
        backup = backup_sqlite(database, tmp_path / "backups")
        assert _mode(backup) == 0o600
        assert _mode(backup.parent) == 0o700
    finally:
        os.umask(old)
