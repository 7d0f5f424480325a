"""Login sessions: logout ends them for good, the account page lists and ends them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import func, select, update

from portfolio.extensions import db
from portfolio.models import LoginSession, User, utcnow
from portfolio.schemas import rules

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _cookies(client) -> dict[str, str]:
    """Return the cookies a client holds, by name."""
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def _with_cookies(app, cookies: dict[str, str]):
    """Return a new client holding copies of the given cookies (as a thief would)."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def _opens_dashboard(client) -> bool:
    response = client.get("/dashboard")
    return response.status_code == 200


def _remember_login(user):
    user.logout()
    response = user.post(
        "/auth/login",
        {"email": "ada@example.com", "password": "correct horse battery", "remember": "y"},
    )
    assert response.status_code == 302
    return response


def _session_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LoginSession))


def test_a_copied_session_cookie_opens_nothing_after_logout(user, app):
    copied = {"session": _cookies(user.client)["session"]}
    assert _opens_dashboard(_with_cookies(app, copied))
    user.logout()
    assert not _opens_dashboard(_with_cookies(app, copied))
    assert not _opens_dashboard(user.client)


def test_a_copied_remember_cookie_opens_nothing_after_logout(user, app):
    _remember_login(user)
    remember = _cookies(user.client)["remember_token"]
    # The remember cookie alone logs a browser in, until logout ends its session.
    assert _opens_dashboard(_with_cookies(app, {"remember_token": remember}))
    user.logout()
    assert not _opens_dashboard(_with_cookies(app, {"remember_token": remember}))
    both = {"remember_token": remember, "session": _cookies(user.client).get("session", "")}
    assert not _opens_dashboard(_with_cookies(app, both))


def test_each_login_is_a_session_row_with_its_device(auth, app, new_device):
    auth.register()
    phone = new_device()
    phone.client.environ_base["HTTP_USER_AGENT"] = IPHONE
    phone.login()
    with app.app_context():
        rows = db.session.scalars(select(LoginSession).order_by(LoginSession.id)).all()
        assert len(rows) == 2
        assert rows[1].user_agent == IPHONE
        assert rows[1].created_at <= rows[1].last_seen_at <= utcnow()
        assert all(len(row.token_hash) == 64 for row in rows)
    page = phone.client.get("/auth/account").get_data(as_text=True)
    assert "Safari on iPhone <strong>(this device)</strong>" in page
    assert page.count('aria-label="Log out ') == 2
    assert "Log out everywhere else" in page


def test_the_cookie_holds_a_secret_the_database_holds_only_the_hash_of(user, app):
    from portfolio.auth.sessions import hash_secret

    with user.client.session_transaction() as cookie_session:
        secret = cookie_session["_user_id"]
    with app.app_context():
        stored = db.session.scalar(select(LoginSession.token_hash))
        user_id = db.session.scalar(select(User.id))
    assert stored == hash_secret(secret) != secret
    assert secret != str(user_id) and len(secret) >= 40


def test_log_out_one_other_session_from_the_account_page(user, app, new_device):
    laptop = new_device()
    laptop.client.environ_base["HTTP_USER_AGENT"] = FIREFOX
    laptop.login()
    assert _opens_dashboard(laptop.client)
    with app.app_context():
        laptops = db.session.scalar(
            select(LoginSession.id).where(LoginSession.user_agent == FIREFOX)
        )
    response = user.post(f"/auth/sessions/{laptops}/end", form_path="/auth/account")
    assert response.status_code == 302
    assert "That session is logged out." in user.client.get("/auth/account").get_data(as_text=True)
    assert not _opens_dashboard(laptop.client)
    assert _opens_dashboard(user.client)


def test_log_out_this_session_from_the_account_page(user, app):
    with app.app_context():
        mine = db.session.scalar(select(LoginSession.id))
    response = user.post(f"/auth/sessions/{mine}/end", form_path="/auth/account")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/login")
    assert not _opens_dashboard(user.client)


def test_cannot_end_another_users_session(user, app, new_device):
    grace = new_device()
    grace.register(email="grace@example.com", name="Grace")
    with app.app_context():
        graces = db.session.scalar(
            select(LoginSession.id)
            .join(User, User.id == LoginSession.user_id)
            .where(User.email == "grace@example.com")
        )
    response = user.post(f"/auth/sessions/{graces}/end", form_path="/auth/account")
    assert response.status_code == 404
    assert _opens_dashboard(grace.client)


def test_ending_a_session_needs_csrf(user, app):
    with app.app_context():
        mine = db.session.scalar(select(LoginSession.id))
    assert user.client.post(f"/auth/sessions/{mine}/end").status_code == 400
    assert user.client.post("/auth/sessions/end-others").status_code == 400
    assert _opens_dashboard(user.client)


def test_log_out_everywhere_else(user, app, new_device):
    others = [new_device(), new_device()]
    for other in others:
        other.login()
    assert _session_count(app) == 3
    response = user.post("/auth/sessions/end-others", form_path="/auth/account")
    assert response.status_code == 302
    assert "Logged out 2 other sessions." in user.client.get("/auth/account").get_data(as_text=True)
    assert _session_count(app) == 1
    assert _opens_dashboard(user.client)
    assert not any(_opens_dashboard(other.client) for other in others)


def test_password_change_ends_every_other_session_and_renews_this_one(user, app, new_device):
    other = new_device()
    other.login()
    before = {"session": _cookies(user.client)["session"]}
    response = user.post(
        "/auth/account",
        {"current": "correct horse battery", "password": "a new long password",
         "confirm": "a new long password"},
    )  # fmt: skip
    assert response.status_code == 302
    assert _opens_dashboard(user.client)  # this device goes on...
    assert not _opens_dashboard(_with_cookies(app, before))  # ...under a new secret
    assert not _opens_dashboard(other.client)
    assert _session_count(app) == 1


def test_password_change_keeps_keep_me_logged_in(user, app):
    _remember_login(user)
    user.post(
        "/auth/account",
        {"current": "correct horse battery", "password": "a new long password",
         "confirm": "a new long password"},
    )  # fmt: skip
    with app.app_context():
        assert db.session.scalar(select(LoginSession.remember)) is True
    assert _opens_dashboard(_with_cookies(app, {"remember_token": _cookies(user.client)[
        "remember_token"]}))  # fmt: skip


def test_deleting_the_account_ends_every_session(user, app, new_device):
    other = new_device()
    other.login()
    user.post("/auth/delete", {"password": "correct horse battery", "confirm": "y"})
    assert _session_count(app) == 0
    assert not _opens_dashboard(other.client)


def test_csrf_token_is_renewed_at_login_and_at_logout(auth, client):
    auth.register()
    auth.logout()
    before_login = auth.token("/auth/login")
    auth.login()
    response = client.post("/projects/new", data={
        "csrf_token": before_login, "title": "Booking API", "kind": "personal", "start": "2025-01",
    })  # fmt: skip
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)

    logged_in = auth.token("/projects/new")
    assert logged_in != before_login
    auth.logout()
    # The token of the logged-in session no longer works once logged out.
    response = client.post("/auth/login", data={
        "csrf_token": logged_in, "email": "ada@example.com", "password": "correct horse battery",
    })  # fmt: skip
    assert response.status_code == 400


def test_remember_me_lasts_thirty_days_by_default(user, app):
    response = _remember_login(user)
    cookie = next(
        SimpleCookie(value)
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith("remember_token=")
    )["remember_token"]
    expires = parsedate_to_datetime(cookie["expires"])
    assert abs(expires - datetime.now(UTC) - timedelta(days=30)) < timedelta(minutes=1)
    with app.app_context():
        row = db.session.scalar(select(LoginSession).where(LoginSession.remember.is_(True)))
        assert row.expires_at - row.created_at == timedelta(days=30)


def test_a_login_without_remember_me_lasts_a_working_day(user, app):
    with app.app_context():
        row = db.session.scalar(select(LoginSession))
        assert row.remember is False
        assert row.expires_at - row.created_at == timedelta(hours=12)


def test_remember_me_duration_comes_from_the_environment(monkeypatch, database_url):
    from portfolio import create_app

    monkeypatch.setenv("REMEMBER_COOKIE_DURATION", "7")
    monkeypatch.setenv("SESSION_HOURS", "2")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=7)
    assert app.config["SESSION_HOURS"] == 2
    with app.app_context():
        db.engine.dispose()


def test_an_expired_session_opens_nothing(user, app):
    with app.app_context():
        db.session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert not _opens_dashboard(user.client)


def test_expired_sessions_are_deleted_and_the_oldest_go_past_the_quota(user, app, new_device):
    with app.app_context():
        owner = db.session.scalar(select(User))
        now = utcnow()
        db.session.add_all(
            LoginSession(user_id=owner.id, token_hash=f"{n:064d}", created_at=now,
                         last_seen_at=now - timedelta(minutes=n), expires_at=now + timedelta(1))
            for n in range(1, rules.MAX_SESSIONS + 5)
        )  # fmt: skip
        db.session.add(
            LoginSession(user_id=owner.id, token_hash="e" * 64, created_at=now, last_seen_at=now,
                         expires_at=now - timedelta(1))
        )  # fmt: skip
        db.session.commit()
    new_device().login()
    with app.app_context():
        hashes = set(db.session.scalars(select(LoginSession.token_hash)))
    assert len(hashes) == rules.MAX_SESSIONS
    assert "e" * 64 not in hashes
    assert f"{1:064d}" in hashes and f"{rules.MAX_SESSIONS + 4:064d}" not in hashes


def test_last_seen_is_written_at_most_once_a_minute(user, app):
    with app.app_context():
        db.session.execute(
            update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=5))
        )
        db.session.commit()
    user.client.get("/dashboard")
    with app.app_context():
        seen = db.session.scalar(select(LoginSession.last_seen_at))
    assert utcnow() - seen < timedelta(minutes=1)


@pytest.mark.parametrize("secret", ["", "x" * 65, "not-a-session"])
def test_unknown_secrets_load_no_one(app, secret):
    from portfolio.auth.sessions import load_user

    with app.test_request_context():
        assert load_user(secret) is None
