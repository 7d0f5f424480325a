"""Security defaults: headers on every response, secure cookies, proxies, production checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portfolio import create_app
from portfolio.config import ConfigurationError
from portfolio.security import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def client(sqlite_app):
    """Headers and cookie flags are the same on every database: run on SQLite only."""
    return sqlite_app.test_client()


def _cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


@pytest.mark.parametrize("path", ["/auth/login", "/healthz", "/no/such/page", "/static/app.css"])
def test_every_response_has_security_headers(client, path):
    with client.get(path) as response:
        headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]


def test_csp_allows_only_own_scripts_and_styles(client):
    policy = client.get("/auth/login").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers


def test_hsts_and_secure_cookies_over_https(client):
    response = client.get("/auth/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = _cookies(response)
    assert cookies, "the login page sets a session cookie (CSRF token)"
    for cookie in cookies:
        assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_and_remember_cookies_are_httponly_lax(user):
    user.logout()
    response = user.post("/auth/login", {
        "email": "ada@example.com", "password": "correct horse battery", "remember": "y",
    })  # fmt: skip
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in _cookies(response)}
    assert {"session", "remember_token"} <= cookies.keys()
    for cookie in cookies.values():
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # plain HTTP in development


def test_preferred_https_scheme_makes_cookies_secure(database_url, monkeypatch):
    monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["PREFERRED_URL_SCHEME"] == "https"


def test_forwarded_proto_ignored_without_trusted_proxy(client):
    response = client.get("/auth/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("env", [{"TRUSTED_PROXIES": "1"}, {"PROXY_FIX": "1"}])
def test_forwarded_proto_counts_behind_trusted_proxy(database_url, monkeypatch, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
    response = app.test_client().get(
        "/auth/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    )
    assert "Strict-Transport-Security" in response.headers
    assert all("; Secure" in c for c in _cookies(response))


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})


def test_production_starts_with_secret_key_in_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-shared-secret")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.config["SECRET_KEY"] == "a-real-shared-secret"


def test_healthz_is_503_json_when_database_is_down(tmp_path):
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.is_json
    assert response.get_json()["status"] == "unavailable"


def test_templates_have_no_inline_scripts_or_styles():
    # JSON data blocks (JSON-LD) are never executed, so the policy does not apply to them.
    inline = re.compile(
        r"<script(?![^>]*\b(?:src=|type=\"application/(?:ld\+)?json\"))|<style|\sstyle=|\son[a-z]+=",
        re.IGNORECASE,
    )
    # A self-contained HTML file sent only as a download (opened from disk, where no
    # header applies) is the one place inline CSS belongs.
    downloads = {"exports/standalone.html"}
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if path.relative_to(ROOT / "templates").as_posix() not in downloads
        for match in inline.finditer(path.read_text())
    ]
    assert offenders == [], "inline code breaks the Content-Security-Policy"
