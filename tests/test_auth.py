"""Accounts: register, log in and out, change password, delete, and the login wall."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from portfolio.extensions import db
from portfolio.models import Project, ProjectTechnology, User


def test_register_logs_in_and_lands_on_dashboard(auth, client):
    response = auth.register()
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Hello, Ada" in page
    assert "No projects yet: add your first" in page


def test_password_is_stored_hashed(app, auth):
    auth.register(password="correct horse battery")
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.password_hash != "correct horse battery"
        assert user.check_password("correct horse battery")


def test_the_app_hashes_passwords_with_scrypt_unless_told_otherwise(database_url, tmp_path):
    from portfolio import create_app
    from portfolio.auth.services import register_user

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        user = register_user("grace@example.com", "Grace", "a long enough password")
        assert user.password_hash.startswith("scrypt:")
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "", "Enter your email address."),
        ("email", "not-an-email", "Enter an email address like you@example.com."),
        ("display_name", "", "Enter the name to show on your portfolio."),
        ("password", "short", "Use at least 12 characters."),
        ("confirm", "something else entirely", "Passwords differ."),
    ],
)
def test_register_validation_messages(auth, field, value, message):
    data = {
        "email": "ada@example.com",
        "display_name": "Ada",
        "password": "correct horse battery",
        "confirm": "correct horse battery",
    }
    data[field] = value
    response = auth.post("/auth/register", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_duplicate_email_refused_ignoring_case(auth, app):
    auth.register(email="Ada@Example.com")
    auth.logout()
    response = auth.register(email="ada@EXAMPLE.com ")
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1


def test_simultaneous_registration_for_one_email_is_refused_not_500(auth, app, monkeypatch):
    from portfolio.auth import services

    def rival_registers_first(email):
        # The other request commits between this one's check and its commit.
        with db.engine.begin() as conn:
            conn.execute(insert(User).values(
                email="ada@example.com", display_name="Rival", password_hash="x"
            ))  # fmt: skip

    monkeypatch.setattr(services, "find_user_by_email", rival_registers_first)
    response = auth.register()
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    monkeypatch.undo()
    assert auth.register(email="grace@example.com").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(User.display_name).order_by(User.id)).all() == [
            "Rival",
            "Ada",
        ]


def test_login_with_any_email_case(auth):
    auth.register(email="ada@example.com")
    auth.logout()
    response = auth.login(email="ADA@example.com")
    assert response.status_code == 302


def test_wrong_password_is_refused(auth):
    auth.register()
    auth.logout()
    response = auth.login(password="wrong password!!")
    assert response.status_code == 422
    assert "Email or password is wrong." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/projects/", "/projects/"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_next_redirect_refuses_other_hosts(auth, client, next_url, expected):
    auth.register()
    auth.logout()
    token = auth.token()
    response = client.post(
        "/auth/login",
        query_string={"next": next_url},
        data={"email": "ada@example.com", "password": "correct horse battery",
              "csrf_token": token},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.headers["Location"] == expected


@pytest.mark.parametrize(
    "path", ["/dashboard", "/projects/", "/projects/new", "/technologies/", "/auth/account"]
)
def test_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_logout_is_post_only(user, client):
    assert client.get("/auth/logout").status_code == 405
    assert user.logout().status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_change_password(user, client):
    response = user.post(
        "/auth/account",
        {"current": "correct horse battery", "password": "a new long password",
         "confirm": "a new long password"},
    )  # fmt: skip
    assert response.status_code == 302
    user.logout()
    assert user.login(password="correct horse battery").status_code == 422
    assert user.login(password="a new long password").status_code == 302


def test_change_password_needs_current_password(user):
    response = user.post(
        "/auth/account",
        {"current": "not my password", "password": "a new long password",
         "confirm": "a new long password"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)


def test_delete_account_needs_confirmation(user, app):
    response = user.post("/auth/delete", {"password": "correct horse battery"})
    assert response.status_code == 422
    assert "Tick the box to confirm." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1


def test_delete_account_removes_every_row(user, app, client):
    user.add_project(technologies="Python, postgres")
    user.add_project(title="Second", technologies="PHP")
    response = user.post("/auth/delete", {"password": "correct horse battery", "confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        for model in (User, Project, ProjectTechnology):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0
    assert client.get("/dashboard").status_code == 302


def test_post_without_csrf_token_is_400(client):
    response = client.post(
        "/auth/register",
        data={"email": "a@example.com", "display_name": "A", "password": "x" * 12,
              "confirm": "x" * 12},
    )  # fmt: skip
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)


def test_too_large_request_is_413(client):
    response = client.post("/auth/login", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


def test_deleted_accounts_other_session_does_not_open_a_new_account(auth, new_device):
    auth.register(email="first@example.com", name="First")
    other = new_device()
    other.login(email="first@example.com")
    other_device = other.client
    assert "Hello, First" in other_device.get("/dashboard").get_data(as_text=True)

    auth.post("/auth/delete", {"password": "correct horse battery", "confirm": "y"})
    # On SQLite the next account may be given the deleted one's id.
    auth.register(email="second@example.com", name="Second")

    response = other_device.get("/dashboard")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_password_change_logs_out_other_sessions(user, client, new_device):
    other = new_device()
    other.login()
    other_device = other.client
    assert other_device.get("/dashboard").status_code == 200
    response = user.post(
        "/auth/account",
        {"current": "correct horse battery", "password": "a new long password",
         "confirm": "a new long password"},
    )  # fmt: skip
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this session goes on
    assert other_device.get("/dashboard").status_code == 302


def test_unknown_email_costs_a_password_hash_too(auth, monkeypatch):
    """Logging in as nobody hashes the password like a real login (no timing oracle)."""
    import portfolio.auth.services as services

    auth.register()
    auth.logout()
    checked: list[str] = []
    real = services.check_password_hash

    def spy(stored: str, password: str) -> bool:
        checked.append(password)
        return real(stored, password)

    monkeypatch.setattr(services, "check_password_hash", spy)
    response = auth.login(email="nobody@example.com", password="some password 123")
    assert response.status_code == 422
    assert checked == ["some password 123"]


# The password rule, through the pages. ----------------------------------------------


@pytest.mark.parametrize("weak", ["password1234", "aaaaaaaaaaaa", "111111111111"])
def test_registration_refuses_a_common_password_and_says_why(auth, app, weak):
    response = auth.register(password=weak)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose a password that is harder to guess" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_change_password_refuses_a_common_password(user):
    response = user.post(
        "/auth/account",
        {"current": "correct horse battery", "password": "password1234",
         "confirm": "password1234"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "this is a very common password." in response.get_data(as_text=True)
    user.logout()
    assert user.login().status_code == 302  # the old password still works


def _weak_password_account(app) -> None:
    """Store an account whose password the new rule refuses, as one made before it."""
    from portfolio.auth.services import password_hash_method

    with app.app_context():
        user = User(email="old@example.com", display_name="Old")
        user.set_password("password12", method=password_hash_method())
        db.session.add(user)
        db.session.commit()


def test_an_old_account_with_a_weak_password_must_change_it_at_login(auth, app):
    _weak_password_account(app)
    response = auth.login(email="old@example.com", password="password12")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/account")
    page = auth.client.get("/auth/account").get_data(as_text=True)
    assert "Your password no longer meets the password rule. Use at least 12 characters." in page
    assert "Choose a new password to go on" in page
    # Nothing else opens until it is changed...
    for path in ("/dashboard", "/projects/", "/share/details", "/auth/tokens/"):
        response = auth.client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/auth/account"), path
    assert auth.client.get("/auth/account/export.json").status_code == 200
    # ...and then everything does.
    response = auth.post(
        "/auth/account",
        {"current": "password12", "password": "a long enough password",
         "confirm": "a long enough password"},
    )  # fmt: skip
    assert response.status_code == 302
    assert auth.client.get("/dashboard").status_code == 200
    assert "Choose a new password to go on" not in auth.client.get("/auth/account").get_data(
        as_text=True
    )


def test_an_account_with_a_strong_password_goes_straight_in(auth):
    auth.register()
    auth.logout()
    response = auth.login()
    assert response.headers["Location"].endswith("/dashboard")
