"""The front door: what a stranger at / sees, and where a logged-in user lands."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.test_public_page import tags_of


@pytest.fixture
def client(sqlite_app):
    """The front door is the same on every database: these run on SQLite only."""
    return sqlite_app.test_client()


def test_a_stranger_sees_what_the_product_does_and_the_way_in(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for words in ("personal projects", "volunteer projects", "internships", "paid work",
                  "back-end engineer", "a server-side language: php, ruby, python or java",
                  "share it with employers", "pdf"):  # fmt: skip
        assert words in html.lower(), words
    links = {attrs.get("href"): attrs for tag, attrs in tags_of(html) if tag == "a"}
    assert "/auth/register" in links and "/auth/login" in links
    assert ">Create an account</a>" in html and ">Log in</a>" in html


def test_the_dashboard_picture_is_served_from_the_apps_own_files(client):
    html = client.get("/").get_data(as_text=True)
    (image,) = [attrs for tag, attrs in tags_of(html) if tag == "img"]
    assert image["src"] == "/static/img/dashboard.png"
    assert image["alt"].startswith("A dashboard")
    with client.get(image["src"]) as picture:
        assert picture.status_code == 200
        assert picture.content_type == "image/png"
        assert picture.data.startswith(b"\x89PNG")


def test_the_front_door_fetches_nothing_from_elsewhere_and_keeps_the_csp(client):
    response = client.get("/")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    for tag, attrs in tags_of(response.get_data(as_text=True)):
        assert "style" not in attrs
        for name in ("src", "href"):
            if attrs.get(name) and tag != "a":
                assert not urlsplit(attrs[name]).netloc, (tag, attrs)
        if tag == "script":
            assert urlsplit(attrs["src"] or "").path.startswith("/static/")


def test_a_logged_in_user_lands_on_their_dashboard(user):
    response = user.client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
