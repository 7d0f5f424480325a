"""Rows stored before today's rules are kept as they are and marked "needs attention"."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from portfolio.extensions import db
from portfolio.models import PortfolioSettings, Project, User
from portfolio.schemas import rules


def _old_project(app, **fields) -> int:
    """Store a project the way an older release could have: past the schema."""
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == "ada@example.com"))
        values = {"title": "Old shop", "kind": "paid", "start": date(2024, 5, 1)} | fields
        project = Project(user_id=owner.id, technologies=[], **values)
        db.session.add(project)
        db.session.commit()
        return project.id


def test_project_without_start_is_marked_and_kept(user, client, app):
    project_id = _old_project(app, start=None, summary="Kept as it was")
    listing = client.get("/projects/").get_data(as_text=True)
    assert f"Needs attention: {rules.START_REQUIRED}" in listing
    page = client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "Needs attention" in page
    assert f"<strong>Start</strong>: {rules.START_REQUIRED}" in page
    assert "Kept as it was" in page


def test_edit_form_opens_on_the_fields_to_fix(user, client, app):
    project_id = _old_project(app, start=date(2024, 5, 1), end=date(2023, 1, 1))
    html = client.get(f"/projects/{project_id}/edit").get_data(as_text=True)
    error = re.search(r'<p class="error" id="end-error">(.*?)</p>', html)
    assert error and error.group(1) == rules.END_BEFORE_START
    assert 'id="end"' in html and 'aria-invalid="true"' in html
    # Nothing was rewritten behind the owner's back.
    with app.app_context():
        assert db.session.get(Project, project_id).end == date(2023, 1, 1)


def test_a_valid_project_is_not_marked(user, client):
    user.add_project(title="Fine")
    assert "Needs attention" not in client.get("/projects/").get_data(as_text=True)


def test_api_lists_the_reasons_and_an_empty_patch_says_what_to_fix(user, app, api):
    project_id = _old_project(app, start=None)
    body = api.get(f"/api/v1/projects/{project_id}").get_json()
    assert body["start"] is None
    assert body["needs_attention"] == [{"field": "start", "message": rules.START_REQUIRED}]
    response = api.patch(f"/api/v1/projects/{project_id}", json={})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/start"
    fixed = api.patch(f"/api/v1/projects/{project_id}", json={"start": "2024-01"})
    assert fixed.status_code == 200
    assert fixed.get_json()["needs_attention"] == []


def test_details_with_a_link_missing_its_address_open_on_that_row(user, client, app):
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == "ada@example.com"))
        db.session.add(
            PortfolioSettings(
                user_id=owner.id,
                name="Ada",
                links=[{"network": "GitHub", "url": "", "username": "ada"}],
                shown=["name", "links"],
            )
        )
        db.session.commit()
    html = client.get("/share/details").get_data(as_text=True)
    error = re.search(r'<p class="error" id="links-0-url-error">(.*?)</p>', html)
    assert error and error.group(1) == rules.LINK_NEEDS_URL
