"""Per-user data export: everything the user owns, nothing of anyone else, no secrets."""

from __future__ import annotations

import json

from sqlalchemy import select

from portfolio.extensions import db
from portfolio.models import ApiToken, CustomProfile, PortfolioSettings, ScoreSnapshot, User


def _give_everything(app, email: str, tag: str) -> None:
    """Store settings, a custom profile, a score and an API token for the user."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.add_all([
            PortfolioSettings(user_id=user.id, headline=f"{tag} headline", share_token=f"s-{tag}"),
            CustomProfile(user_id=user.id, slug=f"{tag}-role", title=f"{tag} role",
                          body={"requirements": []}),
            ScoreSnapshot(user_id=user.id, profile_slug="back-end-engineer", score=42.0),
            ApiToken(user_id=user.id, name=f"{tag} laptop", token_hash=f"hash-{tag}" * 4,
                     prefix=f"pt_{tag}"),
        ])  # fmt: skip
        db.session.commit()
        db.session.remove()


def test_export_needs_login(client):
    response = client.get("/auth/account/export.json")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_account_page_links_to_the_export(user):
    page = user.client.get("/auth/account").get_data(as_text=True)
    assert 'href="/auth/account/export.json"' in page


def test_export_holds_only_the_users_own_data(app, auth):
    auth.register(email="grace@example.com", name="Grace")
    auth.add_project(title="Grace's compiler", technologies="COBOL")
    _give_everything(app, "grace@example.com", "grace")
    auth.logout()

    auth.register()
    auth.add_project(title="Booking API", technologies="postgres, py")
    _give_everything(app, "ada@example.com", "ada")

    response = auth.client.get("/auth/account/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()

    assert data["account"]["email"] == "ada@example.com"
    assert data["account"]["display_name"] == "Ada"
    assert [p["title"] for p in data["projects"]] == ["Booking API"]
    assert data["projects"][0]["technologies"] == ["PostgreSQL", "Python"]
    assert data["portfolio_settings"]["headline"] == "ada headline"
    assert [p["slug"] for p in data["custom_profiles"]] == ["ada-role"]
    with app.app_context():
        ada_id = db.session.scalar(select(User.id).where(User.email == "ada@example.com"))
        ada_scores = db.session.scalars(
            select(ScoreSnapshot.score).where(ScoreSnapshot.user_id == ada_id)
        ).all()
        db.session.remove()
    assert 42.0 in ada_scores
    assert sorted(s["score"] for s in data["score_history"]) == sorted(ada_scores)
    assert [t["name"] for t in data["api_tokens"]] == ["ada laptop"]

    text = json.dumps(data)
    assert "grace" not in text.lower()
    for secret in ("password", "token_hash", "hash-ada", "s-ada", "share_token"):
        assert secret not in text


def test_export_of_an_empty_account(user):
    data = user.client.get("/auth/account/export.json").get_json()
    assert data["projects"] == [] and data["custom_profiles"] == []
    assert data["portfolio_settings"] is None


def test_export_lists_the_logins_and_the_tokens_scopes_without_their_secrets(user, app):
    from portfolio.models import LoginSession

    data = user.client.get("/auth/account/export.json").get_json()
    (login,) = data["login_sessions"]
    assert set(login) == {"user_agent", "created_at", "last_seen_at", "expires_at"}
    with app.app_context():
        stored = db.session.scalar(select(LoginSession.token_hash))
    assert stored not in json.dumps(data)
