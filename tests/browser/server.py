"""A live server for the browser tests: the app, migrated, in a thread on a free port."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from portfolio import create_app
from portfolio.extensions import db


@contextmanager
def serving(database_url: str, **settings: Any) -> Iterator[tuple[str, Flask]]:
    """Serve a fresh, migrated app on a free loopback port; yield its base URL and the app.

    ``settings`` are added to the app's configuration (a jobs queue, mail, ...).
    """
    from flask_migrate import upgrade

    app = create_app(
        {
            "SECRET_KEY": "browser-test-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            **settings,
        }
    )
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()
