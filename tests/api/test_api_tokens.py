"""Personal access tokens: the settings page, and how the API authenticates."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portfolio.extensions import db
from portfolio.models import ApiToken, Project, User, utcnow
from portfolio.tokens.services import hash_token
from tests.api.api_helpers import Api, make_token

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


# Scopes, expiry, and what a password change does to tokens. ---------------------------

PROJECT = {"title": "Booking API", "kind": "personal", "start": "2025-01"}


def _create_on_page(user, **fields):
    data = {"name": "CV script", **fields}
    return user.post("/auth/tokens/", data, form_path="/auth/tokens/")


def test_the_page_makes_read_only_tokens_for_thirty_days_unless_told(user, app):
    page = user.client.get("/auth/tokens/").get_data(as_text=True)
    assert re.search(r'<input checked id="scope-0" name="scope" type="radio" value="read">', page)
    assert '<option selected value="30">' in page
    response = _create_on_page(user, scope="read", expires_in_days="30")
    assert response.status_code == 200
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.scope == "read"
        assert abs(token.expires_at - token.created_at - timedelta(days=30)) < timedelta(seconds=5)
    assert "Read only" in response.get_data(as_text=True)


def test_a_token_may_read_and_write_and_never_expire_when_chosen(user, app):
    response = _create_on_page(user, scope="write", expires_in_days="never")
    secret = TOKEN_RE.search(response.get_data(as_text=True)).group(1)
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert (token.scope, token.expires_at) == ("write", None)
    assert Api(app, secret).post("/api/v1/projects", json=PROJECT).status_code == 201


def test_an_unknown_scope_or_lifetime_is_refused_with_the_rule(user):
    response = _create_on_page(user, scope="admin", expires_in_days="9999")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose what the token may do: read only or read and write." in page
    assert "Choose a lifetime from 1 to 365 days, or none." in page


def test_a_read_token_reads_but_may_not_write(user, app):
    read = Api(app, make_token(app, "ada@example.com", scope="read"))
    assert read.get("/api/v1/projects").status_code == 200
    assert read.post("/api/v1/readiness/rank", json={"profiles": ["back-end-engineer"]}
                     ).status_code == 200  # fmt: skip
    for method, path in (("POST", "/api/v1/projects"), ("PUT", "/api/v1/projects/1"),
                         ("PATCH", "/api/v1/projects/1"), ("DELETE", "/api/v1/projects/1"),
                         ("POST", "/api/v1/imports/json-resume")):  # fmt: skip
        response = read.open(method, path, json=PROJECT)
        assert response.status_code == 403, (method, path)
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["type"].endswith("#problem-insufficient-scope")
        challenge = response.headers["WWW-Authenticate"]
        assert 'error="insufficient_scope"' in challenge and 'scope="write"' in challenge
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Project)) == 0


def test_an_expired_token_gets_401(user, app):
    secret = make_token(app, "ada@example.com", expires_in_days=1)
    api = Api(app, secret)
    assert api.get("/api/v1/projects").status_code == 200
    with app.app_context():
        db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = api.get("/api/v1/projects")
    assert response.status_code == 401
    assert "expired" in response.get_json()["detail"]
    assert "You have no tokens." in user.client.get("/auth/tokens/").get_data(as_text=True)


def _change_password(user, **more):
    return user.post(
        "/auth/account",
        {"current": "correct horse battery", "password": "a new long password",
         "confirm": "a new long password", **more},
    )  # fmt: skip


def test_password_change_revokes_the_tokens_when_the_owner_says_so(user, app):
    api = Api(app, make_token(app, "ada@example.com"))
    page = user.client.get("/auth/account").get_data(as_text=True)
    assert re.search(r'<input [^>]*checked id="revoke_tokens" name="revoke_tokens"', page)
    assert _change_password(user, revoke_tokens="y").status_code == 302
    assert api.get("/api/v1/projects").status_code == 401
    assert "your API tokens are revoked" in user.client.get("/auth/account").get_data(as_text=True)


def test_password_change_keeps_the_tokens_when_the_owner_says_so(user, app):
    api = Api(app, make_token(app, "ada@example.com"))
    assert _change_password(user).status_code == 302  # the box left unticked
    assert api.get("/api/v1/projects").status_code == 200


def test_a_user_holds_at_most_fifty_tokens(user, app):
    from portfolio.schemas import rules
    from portfolio.tokens.services import TokenError, create_token

    with app.app_context():
        owner = db.session.scalar(select(User))
        for n in range(rules.MAX_TOKENS):
            create_token(owner, f"token {n}")
        with pytest.raises(TokenError, match="at most 50 tokens; revoke one first"):
            create_token(owner, "one too many")
