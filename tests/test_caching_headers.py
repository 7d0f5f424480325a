"""What caches may keep: no private page anywhere, the public page in any shared cache."""

from __future__ import annotations

import re

import pytest

TOKEN_RE = re.compile(r'id="public-url">https?://[^/]+(/p/[\w-]+)<')


def _share(user) -> str:
    user.add_project(title="Booking API", public="y")
    user.post("/share/sharing", {"enabled": "on"}, form_path="/share")
    return TOKEN_RE.search(user.client.get("/share").get_data(as_text=True)).group(1)


def _project_path(user) -> str:
    response = user.add_project(title="Private notes")
    return response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    ["/dashboard", "/projects/", "/share", "/share/details", "/auth/account", "/auth/tokens/",
     "/readiness/", "/technologies/", "/auth/account/export.json", "/projects/new"],
)  # fmt: skip
def test_every_page_behind_the_login_is_no_store(user, path):
    response = user.client.get(path)
    assert response.status_code == 200, path
    assert response.headers["Cache-Control"] == "no-store", path


def test_a_project_page_is_no_store(user):
    response = user.client.get(_project_path(user))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_redirects_and_posts_of_a_logged_in_user_are_no_store_too(user):
    response = user.add_project(title="Booking API")
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-store"
    assert user.client.get("/").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("visitor", ["stranger", "owner"])
def test_the_public_page_sets_no_cookie_and_does_not_vary_on_one(user, app, visitor):
    path = _share(user)
    client = app.test_client() if visitor == "stranger" else user.client
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "no-store" not in response.headers["Cache-Control"]
    assert "private" not in response.headers["Cache-Control"]
    assert response.headers["ETag"]
    # A shared cache keeps it and revalidates it under its ETag.
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert "Set-Cookie" not in again.headers and "Cookie" not in again.headers.get("Vary", "")


def test_the_public_page_does_not_touch_a_visitors_login(user, app):
    path = _share(user)
    user.client.get(path)
    # The owner's session goes on untouched: still logged in, nothing rewritten.
    assert user.client.get("/dashboard").status_code == 200


def test_static_files_set_no_cookie_and_do_not_vary_on_one(user):
    response = user.client.get("/static/app.css")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    response.close()


def test_pages_for_strangers_do_not_claim_no_store(client):
    # Only what is private is kept out of caches: the login page carries a CSRF token
    # in its cookie, so it varies on it, but it is not no-store.
    response = client.get("/auth/login")
    assert "no-store" not in (response.headers.get("Cache-Control") or "")
