"""`flask backup` and `flask restore`: SQLite online backups; PostgreSQL points to pg_dump."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import delete, select

from portfolio.backup import BackupError, check_backup
from portfolio.extensions import db
from portfolio.models import Project


def _titles(app) -> list[str]:
    with app.app_context():
        titles = db.session.scalars(select(Project.title).order_by(Project.title)).all()
        db.session.remove()
        return titles


# Backups of SQLite run on SQLite only; on PostgreSQL the commands point to pg_dump.
on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
on_postgresql = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@on_sqlite
def test_backup_then_restore_brings_a_deleted_project_back(app, user, runner, tmp_path):
    user.add_project(title="Booking API")
    backups = tmp_path / "backups"
    result = runner.invoke(args=["backup", "--dir", str(backups)])
    assert result.exit_code == 0, result.output
    (backup,) = backups.glob("portfolio-*.sqlite")
    assert str(backup) in result.output

    with app.app_context():
        db.session.execute(delete(Project))
        db.session.commit()
        db.session.remove()
    assert _titles(app) == []

    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert _titles(app) == ["Booking API"]


@on_sqlite
def test_two_backups_in_one_second_do_not_overwrite(app, runner, tmp_path):
    for _ in range(2):
        assert runner.invoke(args=["backup", "--dir", str(tmp_path)]).exit_code == 0
    assert len(list(tmp_path.glob("portfolio-*.sqlite"))) == 2
    assert not list(tmp_path.glob("*.partial"))


@on_sqlite
def test_restore_asks_and_does_nothing_without_yes(app, user, runner, tmp_path):
    assert runner.invoke(args=["backup", "--dir", str(tmp_path)]).exit_code == 0
    (backup,) = tmp_path.glob("portfolio-*.sqlite")
    user.add_project(title="Added after the backup")
    result = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert result.exit_code != 0
    assert "Replace everything" in result.output and "Nothing restored" in result.output
    assert _titles(app) == ["Added after the backup"]


@on_sqlite
def test_restore_refuses_a_file_that_is_not_a_backup(app, runner, tmp_path):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("not a database at all" * 100)
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    assert "not a SQLite database" in result.output

    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(BackupError, match="not a backup of this app"):
        check_backup(other)


@on_postgresql
def test_postgres_points_to_pg_dump(runner, tmp_path):
    for args in (["backup", "--dir", str(tmp_path)], ["restore", str(tmp_path / "x"), "--yes"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 2
        assert "pg_dump --format=custom" in result.output
        assert "pg_restore" in result.output
    assert not list(tmp_path.iterdir())
