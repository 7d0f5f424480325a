"""Editing a custom profile: title, technologies, how many are needed and weights."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from portfolio.extensions import db
from portfolio.models import CustomProfile, ScoreSnapshot
from portfolio.schemas import rules

EDIT = "/readiness/profile/data-role/edit"


def score_on(page: str) -> float:
    match = re.search(r'class="score-value">([\d.]+)<', page)
    assert match, "no score on the page"
    return float(match.group(1))


def filled(html: str) -> dict[str, str]:
    """Return the form's text fields as the page fills them."""
    fields = dict(re.findall(r'name="([\w-]+)" type="text" value="([^"]*)"', html))
    fields |= dict(re.findall(r'name="([\w-]+)"[^>]*>([^<]*)</textarea>', html))
    return {name: unescape(value) for name, value in fields.items()}


@pytest.fixture
def data_role(user):
    """Ada's own profile "Data role" (Ruby; MySQL; a portfolio rule), made her target."""
    response = user.post("/readiness/profiles/new", {"title": "Data role",
                                                      "technologies": "Ruby, MySQL"})  # fmt: skip
    assert response.status_code == 302
    user.post("/readiness/target", {"profile": "data-role"}, form_path="/readiness/")
    return user


def edit(user, client, **changes):
    data = filled(client.get(EDIT).get_data(as_text=True))
    data.update(changes)
    return user.post(EDIT, data)


def error_by(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', html, re.S)
    assert match, f"no error by {field_id}"
    return unescape(match.group(1))


def test_the_form_is_filled_with_the_profile(data_role, client):
    page = client.get(EDIT)
    assert page.status_code == 200
    fields = filled(page.get_data(as_text=True))
    assert fields["title"] == "Data role"
    assert fields["requirements-0-technologies"] == "Ruby"
    assert fields["requirements-1-technologies"] == "MySQL"
    assert fields["requirements-0-weight"] == "25"
    assert "requirements-2-technologies" not in fields  # the portfolio rule lists none


def test_an_edited_profile_is_rescored_at_once_and_keeps_its_history(data_role, client, app):
    data_role.add_project(
        title="Booking API", kind="paid", start="2026-01", ongoing="y",
        live_url="https://b.example", technologies="Python, PostgreSQL",
    )  # fmt: skip
    before = score_on(client.get("/dashboard").get_data(as_text=True))  # now cached
    with app.app_context():
        history = db.session.execute(select(ScoreSnapshot.id, ScoreSnapshot.score)).all()
    assert len(history) == 2  # made the target, then the project

    response = edit(data_role, client, **{"requirements-0-technologies": "Ruby, python"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/readiness/profile/data-role")

    after = score_on(client.get("/dashboard").get_data(as_text=True))
    assert after > before  # Python now counts: not the cached score of the old profile
    assert score_on(client.get("/readiness/profile/data-role").get_data(as_text=True)) == after
    with app.app_context():
        rows = db.session.execute(
            select(ScoreSnapshot.id, ScoreSnapshot.score, ScoreSnapshot.profile_slug).order_by(
                ScoreSnapshot.id
            )
        ).all()
        stored = db.session.scalar(select(CustomProfile))
    assert [(r.id, r.score) for r in rows[:2]] == [tuple(row) for row in history]
    assert len(rows) == 3 and rows[2].score == pytest.approx(after, abs=0.05)
    assert {r.profile_slug for r in rows} == {"data-role"}
    assert stored.slug == "data-role"
    languages = stored.body["requirements"][0]
    assert languages["technologies"] == ["Ruby", "Python"]  # canonical names
    assert languages["shape"] == "any" and languages["needed"] == 1  # two names: a group
    assert languages["label"] == "Programming languages: Ruby or Python"  # follows them


def test_title_weights_and_needed_are_saved(data_role, client, app):
    response = edit(data_role, client, **{
        "title": "Data engineer", "requirements-1-weight": "40",
        "requirements-1-technologies": "MySQL, PostgreSQL, Oracle", "requirements-1-needed": "2",
    })  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(CustomProfile))
    assert (stored.slug, stored.title, stored.body["title"]) == (
        "data-role",
        "Data engineer",
        "Data engineer",
    )
    databases = stored.body["requirements"][1]
    assert databases["weight"] == 40 and databases["needed"] == 2
    assert databases["label"] == "Databases: any 2 of MySQL, PostgreSQL, Oracle"
    page = client.get("/readiness/profile/data-role").get_data(as_text=True)
    assert "<h1>Data engineer</h1>" in page


def test_a_label_the_user_wrote_is_kept(data_role, client, app):
    response = edit(data_role, client, **{
        "requirements-0-label": "A language we like", "requirements-0-technologies": "Ruby, Go",
    })  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        languages = db.session.scalar(select(CustomProfile)).body["requirements"][0]
    assert languages["label"] == "A language we like"


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"title": ""}, "title", rules.PROFILE_TITLE_REQUIRED),
        ({"requirements-0-technologies": "Ruby, Blorbscript"}, "requirements-0-technologies",
         rules.NOT_IN_CATALOGUE.format(name="Blorbscript")),
        ({"requirements-0-technologies": ""}, "requirements-0-technologies",
         rules.TECHNOLOGIES_REQUIRED),
        ({"requirements-1-weight": "heavy"}, "requirements-1-weight",
         "Must be a whole number, not text."),
        ({"requirements-1-weight": "0"}, "requirements-1-weight", rules.AT_LEAST.format(minimum=1)),
        ({"requirements-1-weight": ""}, "requirements-1-weight", "This field is required."),
        ({"requirements-1-technologies": "MySQL, Oracle", "requirements-1-needed": "3"},
         "requirements-1-needed", rules.NEEDED_TOO_MANY.format(needed=3, listed=2)),
        ({"requirements-2-label": "x" * (rules.REQUIREMENT_LABEL_MAX + 1)}, "requirements-2-label",
         rules.too_long(rules.REQUIREMENT_LABEL_MAX, rules.REQUIREMENT_LABEL_MAX + 1)),
    ],
    ids=["title", "unknown", "none", "text-weight", "zero-weight", "no-weight", "needed", "label"],
)  # fmt: skip
def test_bad_input_is_named_next_to_its_field_and_nothing_changes(
    data_role, client, app, changes, field_id, message
):
    with app.app_context():
        body = db.session.scalar(select(CustomProfile)).body
    response = edit(data_role, client, **changes)
    assert response.status_code == 422
    assert message in error_by(response.get_data(as_text=True), field_id)
    with app.app_context():
        assert db.session.scalar(select(CustomProfile)).body == body


def test_a_shipped_or_another_user_s_profile_cannot_be_edited(auth, client):
    auth.register(email="owner@example.com")
    auth.post("/readiness/profiles/new", {"title": "Secret role", "technologies": "Python"})
    assert client.get("/readiness/profile/secret-role/edit").status_code == 200
    assert client.get("/readiness/profile/back-end-engineer/edit").status_code == 404
    auth.logout()
    auth.register(email="other@example.com")
    assert client.get("/readiness/profile/secret-role/edit").status_code == 404
    response = auth.post("/readiness/profile/secret-role/edit", {"title": "Mine now"},
                         form_path="/readiness/")  # fmt: skip
    assert response.status_code == 404


def test_editing_needs_the_form_s_token(data_role, client, app):
    response = client.post(EDIT, data={"title": "No token"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(CustomProfile.title)) == "Data role"


def test_a_title_with_markup_is_shown_as_text(data_role, client):
    assert edit(data_role, client, title="<img src=x onerror=alert(1)>").status_code == 302
    page = client.get("/readiness/profile/data-role").get_data(as_text=True)
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;img src=x" in client.get("/readiness/").get_data(as_text=True)


def test_custom_profiles_link_to_their_edit_page(data_role, client):
    assert f'href="{EDIT}"' in client.get("/readiness/").get_data(as_text=True)
    assert f'href="{EDIT}"' in client.get("/readiness/profile/data-role").get_data(as_text=True)
    page = client.get("/readiness/profile/back-end-engineer").get_data(as_text=True)
    assert "/edit" not in page
