"""Migrations: they build exactly the models' schema, and carry existing rows forward."""

from __future__ import annotations

from portfolio import create_app
from portfolio.extensions import db


def test_migrations_match_the_models(app):
    """The migrated database has exactly the models' schema: no change lacks a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_session_token_migration_fills_existing_accounts(tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import text

    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"}
    )
    with app.app_context():
        upgrade(revision="0001")
        for n in range(3):
            db.session.execute(
                text(
                    "INSERT INTO user (email, display_name, password_hash, created_at, "
                    "target_profile, portfolio_changed_at) VALUES "
                    "(:email, 'x', 'x', CURRENT_TIMESTAMP, 'back-end-engineer', CURRENT_TIMESTAMP)"
                ),
                {"email": f"u{n}@example.com"},
            )
        db.session.commit()
        upgrade(revision="0003")  # 0004 moves sessions into their own table
        tokens = db.session.scalars(text("SELECT session_token FROM user")).all()
        assert len(tokens) == len(set(tokens)) == 3
        assert all(len(token) >= 32 for token in tokens)
        db.engine.dispose()


def test_every_migration_goes_down_and_up_again(tmp_path):
    """Each revision's downgrade undoes its upgrade, so a bad deploy can be rolled back."""
    from flask_migrate import downgrade, upgrade

    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}"}
    )
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()


def test_sessions_migration_keeps_everything_but_old_logins(fresh_database_url):
    """0004: tokens keep read and write and never expire, projects stay, old logins end.

    On SQLite, batch mode rebuilds the user table; with foreign keys on, the drop would
    delete every project and token, so env.py turns them off while migrating.
    """
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": fresh_database_url})
    with app.app_context():
        upgrade(revision="0003")
        db.session.execute(text(
            'INSERT INTO "user" (id, email, display_name, password_hash, created_at, '
            "target_profile, portfolio_changed_at, session_token) VALUES (1, 'a@example.com', "
            "'A', 'x', '2025-01-01', 'back-end-engineer', '2025-01-01', 'old-token')"
        ))  # fmt: skip
        db.session.execute(text(
            "INSERT INTO api_token (user_id, name, token_hash, prefix, created_at) "
            "VALUES (1, 'script', 'hash', 'pt_abc', '2025-01-01')"
        ))  # fmt: skip
        db.session.execute(text(
            "INSERT INTO project (user_id, title, kind, organisation, role, ongoing, summary, "
            "description, highlights, live_url, source_url, public, featured, created_at, "
            "updated_at) VALUES (1, 'Kept', 'paid', '', '', false, '', '', '[]', '', '', "
            "false, false, '2025-01-01', '2025-01-01')"
        ))  # fmt: skip
        db.session.commit()
        upgrade(revision="0004")
        scope, expires = db.session.execute(text("SELECT scope, expires_at FROM api_token")).one()
        assert (scope, expires) == ("write", None)
        assert db.session.scalar(text("SELECT title FROM project")) == "Kept"
        assert "session_token" not in {c["name"] for c in inspect(db.engine).get_columns("user")}
        assert db.session.scalar(text("SELECT count(*) FROM login_session")) == 0
        db.session.remove()
        downgrade(revision="0003")
        token = db.session.scalar(text('SELECT session_token FROM "user"'))
        assert token and token != "old-token"
        assert "scope" not in {c["name"] for c in inspect(db.engine).get_columns("api_token")}
        assert db.session.scalar(text("SELECT count(*) FROM project")) == 1
        db.session.remove()
        db.engine.dispose()
