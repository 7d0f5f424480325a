"""Portfolio: a portfolio tracker for aspiring back-end engineers."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portfolio import config
from portfolio.auth.throttle import register_throttle
from portfolio.backup import protect_sqlite_files
from portfolio.extensions import csrf, db, login_manager, migrate
from portfolio.security import register_security

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    os.makedirs(app.instance_path, exist_ok=True)

    app.config.from_mapping(
        MAX_CONTENT_LENGTH=config.MAX_CONTENT_LENGTH,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        PROJECTS_PER_PAGE=50,
        PASSWORD_HASH_METHOD="scrypt",  # noqa: S106  (a method name, not a password)
        SESSION_HOURS=config.SESSION_HOURS,
        REMEMBER_COOKIE_DURATION=config.REMEMBER_COOKIE_DURATION,
        API_RATE_LIMIT=config.API_RATE_LIMIT,
        CODE_UPLOAD_MAX_BYTES=config.CODE_UPLOAD_MAX_BYTES,
        CODE_UNPACKED_MAX_BYTES=config.CODE_UNPACKED_MAX_BYTES,
        CODE_MAX_FILES=config.CODE_MAX_FILES,
        REPO_IMPORT_ALLOW_HOSTS=(),
        JOBS_WORKERS=config.JOBS_WORKERS,
        JOBS_HEARTBEAT_SECONDS=config.JOBS_HEARTBEAT_SECONDS,
        JOBS_STALE_SECONDS=config.JOBS_STALE_SECONDS,
        JOBS_TIME_LIMIT_SECONDS=config.JOBS_TIME_LIMIT_SECONDS,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    # The environment is read here, once; a test's own config always wins over it.
    app.config.from_mapping(config.from_environment())
    if test_config is not None:
        app.config.from_mapping(test_config)

    app.config["SECRET_KEY"] = config.secret_key(app.config, app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = config.sqlite_url(app.instance_path)
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    protect_sqlite_files(app.config["SQLALCHEMY_DATABASE_URI"])
    register_security(app)
    from portfolio.auth.sessions import register_sessions

    register_sessions(app)
    register_throttle(app)

    from portfolio import (
        jobs,
        models,  # noqa: F401  (registers the tables)
    )
    from portfolio.analyses.views import bp as analyses_bp
    from portfolio.api.views import bp as api_bp
    from portfolio.auth.views import bp as auth_bp
    from portfolio.caching import init_caches
    from portfolio.cli import register_cli
    from portfolio.errors import register_error_handlers
    from portfolio.exports.views import bp as exports_bp
    from portfolio.main import bp as main_bp
    from portfolio.projects.views import bp as projects_bp
    from portfolio.readiness.service import init_app as init_readiness
    from portfolio.readiness.views import bp as readiness_bp
    from portfolio.references.views import bp as references_bp
    from portfolio.technologies.views import bp as technologies_bp
    from portfolio.templating import register_template_helpers
    from portfolio.tokens.views import bp as tokens_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(projects_bp)
    app.register_blueprint(technologies_bp)
    app.register_blueprint(readiness_bp)
    app.register_blueprint(tokens_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(references_bp)
    app.register_blueprint(analyses_bp)
    jobs.init_app(app)
    init_readiness(app)
    init_caches(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_cli(app)
    return app


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    """Turn on foreign keys, WAL and a busy timeout for every SQLite connection."""
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
