"""The API's code analyses: start (202 + Location), read the state and findings, confirm.

A real huey consumer runs the jobs, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from portfolio.schemas import rules
from tests.analyses_helpers import (
    LARAVEL_SHOP,
    jobs_settings,
    running_worker,
    wait_for_status,
    zip_of,
)
from tests.api.api_helpers import Api, make_token, new_project
from tests.conftest import app_with


@pytest.fixture
def app(database_url: str, tmp_path: Path):
    """The app with its jobs queue and uploads folder in this test's own folder."""
    with app_with(database_url, tmp_path, **jobs_settings(tmp_path)) as made:
        yield made


@pytest.fixture
def worker(app):
    with running_worker(app):
        yield


def start(api: Api, data: bytes = b"", name: str = "shop.zip"):
    return api.post(
        "/api/v1/analyses",
        data={"file": (io.BytesIO(data or zip_of(LARAVEL_SHOP)), name),
              "emails": ["ada@example.com"]},
        content_type="multipart/form-data",
    )  # fmt: skip


def finished(api: Api) -> tuple[str, dict]:
    response = start(api)
    assert response.status_code == 202, response.get_json()
    location = response.headers["Location"]
    assert response.get_json()["status"] in ("queued", "running", "done")
    return location, wait_for_status(api.client, location, {"Authorization": f"Bearer {api.token}"})


def test_upload_then_read_the_findings_then_create_a_project(api, worker):
    location, body = finished(api)
    assert body["status"] == "done" and body["source"] == "archive"
    names = [t["name"] for t in body["findings"]["technologies"]]
    assert {"PHP", "Laravel", "MySQL"} <= set(names)
    laravel = next(t for t in body["findings"]["technologies"] if t["name"] == "Laravel")
    assert any(line["path"] == "composer.json" for line in laravel["evidence"])
    response = api.post(
        f"{location}/confirm",
        json={"technologies": ["PHP", "Laravel"],
              "project": {"title": "Shop", "kind": "personal", "start": "2024-05"}},
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    project = response.get_json()
    assert set(project["technologies"]) >= {"PHP", "Laravel"}
    assert "MySQL" not in project["technologies"]
    assert api.get(location).get_json()["status"] == "confirmed"
    again = api.post(f"{location}/confirm", json={"technologies": [], "project_id": project["id"]})
    assert again.status_code == 409


def test_confirm_adds_to_an_existing_project(api, worker):
    existing = new_project(api, title="Shop", technologies=["Redis"])
    location, _body = finished(api)
    response = api.post(
        f"{location}/confirm", json={"technologies": ["Laravel"], "project_id": existing["id"]}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["technologies"] == ["Redis", "Laravel"]


def test_confirm_checks_the_project_with_the_project_rules(api, worker):
    location, _body = finished(api)
    response = api.post(
        f"{location}/confirm",
        json={"technologies": ["Laravel"], "project": {"title": "", "kind": "personal"}},
    )
    assert response.status_code == 422
    pointers = {error["pointer"] for error in response.get_json()["errors"]}
    assert {"/project/title", "/project/start"} <= pointers


def test_a_url_to_this_machine_or_over_http_is_refused(api):
    for url in ("https://127.0.0.1/repo.git", "http://example.com/repo.git",
                "https://ada:pw@example.com/repo.git"):  # fmt: skip
        response = api.post("/api/v1/analyses", json={"url": url})
        assert response.status_code == 422, url
        assert response.get_json()["errors"][0]["pointer"] == "/url"


def test_neither_file_nor_url_is_refused(api):
    response = api.post("/api/v1/analyses", json={"emails": ["ada@example.com"]})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["message"] == rules.ANALYSIS_NEEDS_SOURCE


def test_a_hostile_archive_fails_with_the_reason(api, worker):
    response = start(api, b"PK\x03\x04 not really a zip", "bad.zip")
    assert response.status_code == 202
    body = wait_for_status(
        api.client, response.headers["Location"], {"Authorization": f"Bearer {api.token}"}
    )
    assert body["status"] == "failed" and body["error"]
    assert body["findings"] is None


def test_an_upload_over_the_limit_is_413_with_the_limit(api, app):
    app.config["CODE_UPLOAD_MAX_BYTES"] = 100 * 1024
    response = start(api, b"0" * (300 * 1024))
    assert response.status_code == 413
    assert response.get_json()["detail"] == rules.UPLOAD_TOO_BIG.format(limit="102,400 bytes")


def test_reading_needs_read_and_starting_needs_write(app, api, worker):
    location, _body = finished(api)
    reader = Api(app, make_token(app, "ada@example.com", name="reader", scope="read"))
    assert reader.get(location).status_code == 200
    assert start(reader).status_code == 403
    assert reader.post(f"{location}/confirm", json={"technologies": []}).status_code == 403


def test_another_users_analysis_is_404(api, bob_api, worker):
    location, _body = finished(api)
    assert bob_api.get(location).status_code == 404
    response = bob_api.post(f"{location}/confirm", json={"technologies": [], "project_id": 1})
    assert response.status_code == 404


def test_a_fourth_analysis_in_progress_is_409_with_the_message(app, api, bob_api):
    app.config["REPO_IMPORT_ALLOW_HOSTS"] = ("localhost",)
    # No worker runs: the started analyses stay queued.
    for _ in range(rules.MAX_ANALYSES_IN_PROGRESS):
        assert start(api).status_code == 202
    response = start(api)
    assert response.status_code == 409
    problem = response.get_json()
    assert problem["detail"] == rules.TOO_MANY_ANALYSES and problem["type"].endswith("quota")
    by_url = api.post("/api/v1/analyses", json={"url": "https://localhost/repo.git"})
    assert by_url.status_code == 409
    assert start(bob_api).status_code == 202  # another account has its own places


def test_past_the_daily_limit_starting_is_429_with_retry_after(app, api):
    app.config["THROTTLE_ANALYSIS_START"] = (1, 3600)
    assert start(api).status_code == 202
    response = start(api)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    assert response.get_json()["detail"] == rules.ANALYSES_TODAY_USED.format(wait="60 minutes")


def test_with_history_languages_and_authors_are_the_owners_only(api, worker, tmp_path):
    from tests.git_helpers import SAMPLE, make_bundle, sample_repo

    bundle = make_bundle(sample_repo(tmp_path / "repo"), tmp_path / "repo.bundle").read_bytes()
    headers = {"Authorization": f"Bearer {api.token}"}
    bodies = {}
    for email in ("ada@example.com", "nobody@example.com"):
        response = api.post(
            "/api/v1/analyses",
            data={"file": (io.BytesIO(bundle), "repo.bundle"), "emails": [email]},
            content_type="multipart/form-data",
        )
        assert response.status_code == 202, response.get_json()
        bodies[email] = wait_for_status(api.client, response.headers["Location"], headers)
    ada, nobody = bodies["ada@example.com"], bodies["nobody@example.com"]
    assert ada["history"]["authors_matched"] == ["Ada Lovelace"]
    assert {share["name"] for share in ada["languages"]} == {"Python", "JavaScript"}
    assert ada["languages_note"] == rules.LANGUAGES_FROM_YOUR_COMMITS
    assert ada["history"]["commits_yours"] == SAMPLE["commits_ada"]
    # None of the commits are by this email: nothing counts as theirs, not the whole tree.
    assert nobody["history"]["authors_matched"] == []
    assert nobody["languages"] == [] and nobody["findings"]["languages"]
    assert nobody["languages_note"] == rules.LANGUAGES_NONE_YOURS
