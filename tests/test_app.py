"""App-wide behaviour: factory, configuration, error pages, the demo command."""

from __future__ import annotations

from sqlalchemy import func, select

from portfolio import create_app
from portfolio.config import from_environment, secret_key, sqlite_url
from portfolio.extensions import db
from portfolio.models import Project, User


def test_secret_key_is_random_and_kept_in_instance(tmp_path):
    first = secret_key({}, str(tmp_path))
    assert len(first) == 64
    assert secret_key({}, str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    other = tmp_path / "other"
    assert secret_key({}, str(other)) != first


def test_database_url_defaults_to_sqlite_in_instance(tmp_path):
    assert "SQLALCHEMY_DATABASE_URI" not in from_environment({})
    assert sqlite_url(str(tmp_path)) == f"sqlite:///{tmp_path / 'portfolio.sqlite'}"
    given = from_environment({"DATABASE_URL": "postgres://u@h/db"})
    assert given["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_a_tests_config_wins_over_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("THROTTLE_LOGIN_ACCOUNT", "2/60")
    monkeypatch.setenv("TRUSTED_PROXIES", "3")
    monkeypatch.setenv("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                      "THROTTLE_LOGIN_ACCOUNT": (7, 60), "TRUSTED_PROXIES": 0})  # fmt: skip
    assert app.config["THROTTLE_LOGIN_ACCOUNT"] == (7, 60)
    assert app.config["TRUSTED_PROXIES"] == 0
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url
    # Without the test's say, the environment's values are used.
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    assert app.config["THROTTLE_LOGIN_ACCOUNT"] == (2, 60)


def test_testing_config_is_applied(app):
    assert app.testing
    assert not create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).testing


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_unknown_page_is_custom_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "There is nothing here" in page and '<html lang="en">' in page


def test_500_rolls_back_and_shows_custom_page(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        db.session.add(User(email="half@example.com", display_name="x", password_hash="x"))
        db.session.flush()
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Nothing you had already saved is lost" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_demo_command_loads_full_portfolio(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "ready with" in result.output
    # Running it again refreshes instead of duplicating.
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        kinds = db.session.scalars(select(Project.kind)).all()
        assert len(kinds) >= 10
        assert set(kinds) == {"personal", "volunteer", "internship", "paid"}
        assert db.session.scalar(select(func.count(User.id))) == 1


def test_the_hosts_links_are_built_for_come_from_the_environment(tmp_path):
    given = from_environment(
        {"TRUSTED_HOSTS": " Portfolio.example.com, www.portfolio.example.com ,",
         "SERVER_NAME": "portfolio.example.com"}
    )  # fmt: skip
    assert given["TRUSTED_HOSTS"] == ["portfolio.example.com", "www.portfolio.example.com"]
    assert given["SERVER_NAME"] == "portfolio.example.com"
    app = create_app(
        {**given, "SECRET_KEY": "x",
         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'hosts.sqlite'}"}
    )  # fmt: skip
    client = app.test_client()
    refused = client.get("/projects", headers={"Host": "attacker.example"})
    assert refused.status_code == 400
    assert "attacker.example" not in refused.get_data(as_text=True)
    assert client.get("/healthz", headers={"Host": "portfolio.example.com"}).status_code == 200
