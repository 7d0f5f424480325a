"""Personal access tokens: the settings page, and how the API authenticates."""

from __future__ import annotations

import re

from api_helpers import Api, make_token
from sqlalchemy import select

from portfolio.extensions import db
from portfolio.models import ApiToken
from portfolio.tokens.services import hash_token

TOKEN_RE = re.compile(r'<code id="new-token">(pt_[A-Za-z0-9_-]+)</code>')


def test_account_page_links_to_tokens(user, client):
    page = client.get("/auth/account").get_data(as_text=True)
    assert 'href="/auth/tokens/"' in page


def test_tokens_page_needs_login(client):
    response = client.get("/auth/tokens/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_created_token_is_shown_once_and_stored_hashed(user, client, app):
    response = user.post("/auth/tokens/", {"name": "CV script"}, form_path="/auth/tokens/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = TOKEN_RE.search(response.get_data(as_text=True)).group(1)
    assert len(secret) >= 40
    with app.app_context():
        stored = db.session.scalar(select(ApiToken))
        assert stored.name == "CV script"
        assert stored.token_hash == hash_token(secret)
        assert secret not in (stored.token_hash, stored.prefix)
        assert secret.startswith(stored.prefix)
    again = client.get("/auth/tokens/").get_data(as_text=True)
    assert secret not in again
    assert "CV script" in again
    assert Api(app, secret).get("/api/v1/projects").status_code == 200


def test_token_form_needs_csrf(user, client, app):
    response = client.post("/auth/tokens/", data={"name": "No CSRF"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_token_needs_a_name(user):
    response = user.post("/auth/tokens/", {"name": "   "}, form_path="/auth/tokens/")
    assert response.status_code == 422
    assert "Give the token a name." in response.get_data(as_text=True)


def test_revoked_token_gets_401(user, app, client):
    secret = make_token(app, "ada@example.com")
    api = Api(app, secret)
    assert api.get("/api/v1/projects").status_code == 200
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    response = user.post(f"/auth/tokens/{token_id}/revoke", form_path="/auth/tokens/")
    assert response.status_code == 302
    refused = api.get("/api/v1/projects")
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    assert "You have no tokens." in client.get("/auth/tokens/").get_data(as_text=True)


def test_revoke_needs_csrf(user, app, client):
    make_token(app, "ada@example.com")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    assert client.post(f"/auth/tokens/{token_id}/revoke").status_code == 400


def test_cannot_revoke_another_users_token(user, app, bob_api):
    with app.app_context():
        bobs = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()[-1]
        bobs_id = bobs.id
    response = user.post(f"/auth/tokens/{bobs_id}/revoke", form_path="/auth/tokens/")
    assert response.status_code == 404
    assert bob_api.get("/api/v1/projects").status_code == 200


def test_last_used_is_recorded(api, app):
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is None
    api.get("/api/v1/projects")
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_no_token_gets_401_with_challenge(app):
    response = Api(app, None).get("/api/v1/projects")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    body = response.get_json()
    assert body["status"] == 401 and body["instance"] == "/api/v1/projects"


def test_logged_in_browser_cookie_is_not_enough(user, client):
    # The `user` fixture's client holds Ada's session cookie.
    assert client.get("/dashboard").status_code == 200
    response = client.get("/api/v1/projects")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_cookie_cannot_write_either(user, client):
    response = client.post("/api/v1/projects", json={"title": "x", "kind": "paid",
                                                      "start": "2025-01"})  # fmt: skip
    assert response.status_code == 401


def test_unknown_or_malformed_tokens_get_401(api, app, token):
    for header in (
        "Bearer pt_not-a-real-token",
        f"Basic {token}",
        "Bearer",
        f"Bearer {token}x",
        "Bearer " + "pt_" + "a" * 5000,
        "Bearer \u00e9t\u00e9",
    ):
        response = Api(app, None).get("/api/v1/projects", headers={"Authorization": header})
        assert response.status_code == 401, header
    # The scheme is case-insensitive (RFC 7235).
    ok = Api(app, None).get("/api/v1/projects", headers={"Authorization": f"bearer {token}"})
    assert ok.status_code == 200
