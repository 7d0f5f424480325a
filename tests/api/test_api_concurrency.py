"""No lost updates and no duplicate writes through the API: ETag, If-Match, Idempotency-Key.

Concurrent requests are threads, each with its own client. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portfolio.extensions import db
from portfolio.models import IdempotencyKey, Project
from portfolio.schemas import rules
from tests.api.api_helpers import Api, make_token, new_project
from tests.concurrency import RESUME, at_once

IMPORT = "/api/v1/imports/json-resume"


def _project_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Project.id))) or 0


# --- ETag and If-Match --------------------------------------------------------------


def test_every_project_answer_carries_its_etag(api):
    created = api.post("/api/v1/projects", json={"title": "A", "kind": "paid", "start": "2025-01"})
    assert created.status_code == 201 and created.headers["ETag"].startswith('"')
    assert created.get_json()["version"] == 1
    url = created.headers["Location"]
    read = api.get(url)
    assert read.headers["ETag"] == created.headers["ETag"]
    patched = api.patch(url, json={"summary": "More"})
    assert patched.get_json()["version"] == 2
    assert patched.headers["ETag"] != read.headers["ETag"]
    assert api.get(url).headers["ETag"] == patched.headers["ETag"]


def test_a_change_of_technologies_alone_changes_the_version(api, app):
    project = new_project(api, technologies=["Python"])
    url = f"/api/v1/projects/{project['id']}"
    with app.app_context():
        before = db.session.get(Project, project["id"]).updated_at
    changed = api.patch(url, json={"technologies": ["Python", "Redis"]})
    assert changed.get_json()["version"] == 2
    with app.app_context():
        assert db.session.get(Project, project["id"]).updated_at > before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_stale_if_match_is_412_and_changes_nothing(api, method):
    project = new_project(api, title="Booking API")
    url = f"/api/v1/projects/{project['id']}"
    stale = api.get(url).headers["ETag"]
    current = api.patch(url, json={"summary": "Changed elsewhere"}).headers["ETag"]
    body = {"title": "Mine", "kind": "personal", "start": "2025-01"}
    kwargs = {} if method == "delete" else {"json": body}
    refused = getattr(api, method)(url, headers={"If-Match": stale}, **kwargs)
    assert refused.status_code == 412
    assert refused.mimetype == "application/problem+json"
    assert refused.headers["ETag"] == current
    assert rules.PRECONDITION_FAILED.split("{")[0] in refused.get_json()["detail"]
    stored = api.get(url).get_json()
    assert stored["title"] == "Booking API" and stored["summary"] == "Changed elsewhere"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_current_if_match_or_a_star_is_honoured(api, method):
    for if_match in ("current", "*"):
        project = new_project(api)
        url = f"/api/v1/projects/{project['id']}"
        tag = api.get(url).headers["ETag"] if if_match == "current" else "*"
        body = {"title": "Mine", "kind": "personal", "start": "2025-01"}
        kwargs = {} if method == "delete" else {"json": body}
        answer = getattr(api, method)(url, headers={"If-Match": tag}, **kwargs)
        assert answer.status_code == (204 if method == "delete" else 200)


def test_two_saves_from_one_version_at_once_let_exactly_one_through(api, app, token):
    project = new_project(api)
    url = f"/api/v1/projects/{project['id']}"
    tag = api.get(url).headers["ETag"]
    clients = [Api(app, token) for _ in range(2)]
    answers = at_once([
        lambda c=c, n=n: c.patch(url, json={"summary": f"Writer {n}"}, headers={"If-Match": tag})
        for n, c in enumerate(clients)
    ])  # fmt: skip
    assert sorted(a.status_code for a in answers) == [200, 412]
    winner = next(a for a in answers if a.status_code == 200).get_json()["summary"]
    stored = api.get(url).get_json()
    assert stored["summary"] == winner and stored["version"] == 2


# --- Idempotency-Key ----------------------------------------------------------------


def _create(client: Api, key: str, **fields):
    body = {"title": "Booking API", "kind": "personal", "start": "2025-01", **fields}
    return client.post("/api/v1/projects", json=body, headers={"Idempotency-Key": key})


def test_a_repeated_post_returns_the_first_answer(api, app):
    first = _create(api, "create-booking-api")
    again = _create(api, "create-booking-api")
    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    for header in ("Location", "ETag", "Content-Type"):
        assert again.headers[header] == first.headers[header]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _project_count(app) == 1


def test_a_key_reused_with_another_body_is_422(api, app):
    _create(api, "my-key")
    reused = _create(api, "my-key", title="Something else")
    assert reused.status_code == 422
    assert reused.get_json()["detail"] == rules.IDEMPOTENCY_KEY_REUSED
    assert _project_count(app) == 1


def test_keys_belong_to_their_token(api, app):
    other = Api(app, make_token(app, "ada@example.com", "another script"))
    assert _create(api, "same-key").status_code == 201
    assert _create(other, "same-key").status_code == 201
    assert _create(api, "same-key").headers["Idempotent-Replayed"] == "true"
    assert _project_count(app) == 2


def test_a_key_is_kept_24_hours(api, app):
    _create(api, "old-key")
    with app.app_context():
        db.session.execute(
            update(IdempotencyKey).values(
                created_at=IdempotencyKey.created_at
                - timedelta(hours=rules.IDEMPOTENCY_KEY_HOURS, minutes=1)
            )
        )
        db.session.commit()
    assert _create(api, "old-key").headers.get("Idempotent-Replayed") is None
    assert _project_count(app) == 2


@pytest.mark.parametrize("key", ["", "x" * (rules.IDEMPOTENCY_KEY_MAX + 1), "caf\u00e9"])
def test_a_malformed_key_is_422(api, app, key):
    answer = api.post(
        "/api/v1/projects",
        json={"title": "A", "kind": "paid", "start": "2025-01"},
        headers={"Idempotency-Key": key},
    )
    assert answer.status_code == 422
    assert _project_count(app) == 0


def test_the_same_post_sent_at_once_creates_one_project(api, app, token):
    clients = [Api(app, token) for _ in range(4)]
    answers = at_once([lambda c=c: _create(c, "sent-four-times") for c in clients])
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.headers["Location"] for a in answers}) == 1
    assert _project_count(app) == 1


def test_an_answered_error_is_replayed_too(api, app):
    first = _create(api, "bad-one", start="soon")
    again = _create(api, "bad-one", start="soon")
    assert first.status_code == again.status_code == 422
    assert again.get_data() == first.get_data()
    assert again.headers["Idempotent-Replayed"] == "true"


def test_a_repeated_import_returns_the_first_answer_not_409(api, app):
    raw = json.dumps(RESUME)
    headers = {"Idempotency-Key": "import-1"}
    first = api.post(IMPORT, data=raw, content_type="application/json", headers=headers)
    again = api.post(IMPORT, data=raw, content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json() and first.get_json()["created"] == 40
    assert _project_count(app) == 40


# --- concurrent imports -------------------------------------------------------------


def test_concurrent_identical_imports_store_the_projects_once(app, user):
    raw = json.dumps(RESUME)
    clients = [Api(app, make_token(app, "ada@example.com", f"script {n}")) for n in range(4)]
    answers = at_once(
        [lambda c=c: c.post(IMPORT, data=raw, content_type="application/json") for c in clients]
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 409, 409, 409], [a.get_json() for a in answers]
    assert next(a for a in answers if a.status_code == 200).get_json()["created"] == 40
    with app.app_context():
        titles = db.session.scalars(select(Project.title)).all()
    assert len(titles) == 40 and titles.count("Project 0") == 2


# --- the document -------------------------------------------------------------------


def test_the_document_describes_etags_preconditions_and_idempotency(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    item = doc["paths"]["/api/v1/projects/{project_id}"]
    assert "ETag" in item["get"]["responses"]["200"]["headers"]
    for method in ("put", "patch", "delete"):
        names = [p["name"] for p in item[method].get("parameters", [])]
        assert "If-Match" in names, method
        assert "412" in item[method]["responses"], method
    for path in ("/api/v1/projects", IMPORT):
        post = doc["paths"][path]["post"]
        key = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
        assert key["in"] == "header" and key["schema"]["maxLength"] == rules.IDEMPOTENCY_KEY_MAX
        assert "24 hours" in key["description"] and "422" in key["description"]
