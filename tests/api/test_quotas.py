"""What one account may hold: projects, role profiles, tokens, sessions, import size."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, insert, select

from portfolio.extensions import db
from portfolio.models import CustomProfile, Project, User, utcnow
from portfolio.schemas import rules
from tests.api.api_helpers import Api, make_token
from tests.concurrency import at_once


def _fill_projects(app, count: int) -> None:
    """Store `count` projects for Ada straight in the database (as many as it takes)."""
    with app.app_context():
        owner = db.session.scalar(select(User.id).where(User.email == "ada@example.com"))
        now = utcnow()
        db.session.execute(
            insert(Project),
            [
                {"user_id": owner, "title": f"Project {n}", "kind": "personal",
                 "created_at": now, "updated_at": now, "highlights": []}
                for n in range(count)
            ],
        )  # fmt: skip
        db.session.commit()


def _project_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Project.id)))


def test_the_quotas_are_named_once(app):
    assert rules.MAX_PROJECTS == 1_000
    assert rules.MAX_CUSTOM_PROFILES == 50
    assert rules.MAX_TOKENS == 50
    assert rules.MAX_SESSIONS == 50
    assert rules.IMPORT_MAX_BYTES == 400_000


def test_the_project_form_refuses_one_project_too_many(user, app):
    _fill_projects(app, rules.MAX_PROJECTS)
    response = user.add_project(title="One too many")
    assert response.status_code == 422
    assert "You have 1,000 projects, the most one account may hold." in response.get_data(
        as_text=True
    )
    assert _project_count(app) == rules.MAX_PROJECTS


def test_the_api_refuses_one_project_too_many_with_409(user, app):
    _fill_projects(app, rules.MAX_PROJECTS - 1)
    api = Api(app, make_token(app, "ada@example.com"))
    project = {"title": "The last one", "kind": "paid", "start": "2025-01"}
    assert api.post("/api/v1/projects", json=project).status_code == 201
    response = api.post("/api/v1/projects", json=project)
    assert response.status_code == 409
    body = response.get_json()
    assert body["type"].endswith("#problem-quota")
    assert body["detail"] == rules.TOO_MANY_PROJECTS
    assert _project_count(app) == rules.MAX_PROJECTS


def test_adds_at_once_cannot_both_take_the_last_place(user, app):
    _fill_projects(app, rules.MAX_PROJECTS - 1)
    token = make_token(app, "ada@example.com")
    project = {"title": "The last one", "kind": "paid", "start": "2025-01"}
    answers = at_once(
        [lambda: Api(app, token).post("/api/v1/projects", json=project) for _ in range(4)]
    )
    assert sorted(answer.status_code for answer in answers) == [201, 409, 409, 409]
    assert _project_count(app) == rules.MAX_PROJECTS


def _resume(count: int) -> dict:
    return {
        "basics": {"name": "Ada"},
        "projects": [
            {"name": f"Imported {n}", "startDate": "2024-01", "description": "Built it."}
            for n in range(count)
        ],
    }


def test_an_import_that_would_pass_the_quota_imports_nothing(user, app):
    _fill_projects(app, rules.MAX_PROJECTS - 1)
    api = Api(app, make_token(app, "ada@example.com"))
    response = api.post("/api/v1/imports/json-resume", json=_resume(2))
    assert response.status_code == 409
    assert "Importing 2 projects would give you 1,001" in response.get_json()["detail"]
    assert _project_count(app) == rules.MAX_PROJECTS - 1


def test_the_import_page_says_the_quota_at_the_preview(user, app):
    from io import BytesIO

    _fill_projects(app, rules.MAX_PROJECTS - 1)
    data = {"file": (BytesIO(json.dumps(_resume(2)).encode()), "resume.json")}
    response = user.post("/share/import", data, form_path="/share",
                         content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 422
    assert "would give you 1,001: one account may hold at most 1,000" in response.get_data(
        as_text=True
    )


def test_a_user_holds_at_most_fifty_role_profiles(user, app):
    with app.app_context():
        owner = db.session.scalar(select(User.id))
        db.session.add_all(
            CustomProfile(user_id=owner, slug=f"role-{n}", title=f"Role {n}",
                          body={"requirements": []})
            for n in range(rules.MAX_CUSTOM_PROFILES)
        )  # fmt: skip
        db.session.commit()
    response = user.post(
        "/readiness/profiles/new",
        {"title": "One more", "technologies": "Python, PostgreSQL"},
    )
    assert response.status_code == 422
    assert "You have 50 role profiles of your own" in response.get_data(as_text=True)


@pytest.mark.parametrize("limit", [rules.IMPORT_MAX_BYTES])
def test_imports_over_the_size_limit_are_refused(user, app, limit):
    api = Api(app, make_token(app, "ada@example.com"))
    body = json.dumps({**_resume(1), "padding": "x" * limit})
    response = api.post("/api/v1/imports/json-resume", data=body,
                        headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 413
