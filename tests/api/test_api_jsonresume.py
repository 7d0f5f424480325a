"""JSON Resume export and import through the API."""

from __future__ import annotations

import json

from portfolio.api.openapi import _IMPORT_KB
from portfolio.exports.service import IMPORT_MAX_BYTES
from portfolio.schemas import rules
from tests.api.api_helpers import new_project

OVERRIDE = rules.direction_override("\u202e")


def test_export_holds_public_projects_unless_scope_all(api):
    new_project(api, title="Public one", public=True)
    new_project(api, title="Private one")
    public = api.get("/api/v1/exports/json-resume")
    assert public.status_code == 200 and public.mimetype == "application/json"
    titles = [p["name"] for p in public.get_json().get("projects", [])]
    assert titles == ["Public one"]
    everything = api.get("/api/v1/exports/json-resume?scope=all").get_json()
    assert {p["name"] for p in everything["projects"]} == {"Public one", "Private one"}
    assert api.get("/api/v1/exports/json-resume?scope=mine").status_code == 422


def test_export_then_import_into_another_account_then_409(api, bob_api):
    new_project(api, title="Shop", kind="paid", organisation="Acme", technologies=["py"])
    new_project(api, title="Blog", start="2024-06")
    resume = api.get("/api/v1/exports/json-resume?scope=all").get_json()
    first = bob_api.post("/api/v1/imports/json-resume", json=resume)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["created"] == 2 and first.get_json()["skipped"] == 0
    bobs = bob_api.get("/api/v1/projects").get_json()["items"]
    assert {p["title"] for p in bobs} == {"Shop", "Blog"}
    assert next(p for p in bobs if p["title"] == "Shop")["technologies"] == ["Python"]
    again = bob_api.post("/api/v1/imports/json-resume", json=resume)
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert again.get_json()["type"].endswith("#problem-conflict")
    assert bob_api.get("/api/v1/projects").get_json()["total"] == 2


def test_import_skips_what_exists_and_adds_the_rest(api):
    new_project(api, title="Blog", start="2024-06")
    resume = api.get("/api/v1/exports/json-resume?scope=all").get_json()
    resume["projects"].append({"name": "New thing", "startDate": "2023-02"})
    result = api.post("/api/v1/imports/json-resume", json=resume).get_json()
    assert result["created"] == 1 and result["skipped"] == 1


def test_invalid_resume_is_422_with_pointers(api):
    response = api.post(
        "/api/v1/imports/json-resume", json={"projects": [{"name": 5, "startDate": "soon"}]}
    )
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.get_json()["errors"]}
    assert any(p.startswith("/projects/0") for p in pointers), pointers
    assert api.get("/api/v1/projects").get_json()["total"] == 0


def test_resume_without_projects_is_422(api):
    response = api.post("/api/v1/imports/json-resume", json={"basics": {"name": "Ada"}})
    assert response.status_code == 422


def test_import_details_updates_the_owner(api):
    response = api.post(
        "/api/v1/imports/json-resume?details=true",
        json={"basics": {"name": "Ada Lovelace", "label": "Engineer"}},
    )
    assert response.status_code == 200
    assert response.get_json()["details_updated"] is True
    exported = api.get("/api/v1/exports/json-resume?scope=all").get_json()
    assert exported["basics"]["name"] == "Ada Lovelace"


def test_import_refuses_bad_bodies(api):
    url = "/api/v1/imports/json-resume"
    assert api.post(url, data="{", content_type="application/json").status_code == 400
    assert api.post(url, data="[]", content_type="application/json").status_code == 422
    assert api.post(url, data="{}", content_type="text/plain").status_code == 415
    assert api.post(url + "?details=maybe", json={}).status_code == 422
    big = json.dumps({"basics": {"summary": "x" * IMPORT_MAX_BYTES}})
    too_big = api.post(url, data=big, content_type="application/json")
    assert too_big.status_code == 413 and too_big.mimetype == "application/problem+json"


def test_documented_import_limit_matches_the_service():
    assert _IMPORT_KB * 1000 == IMPORT_MAX_BYTES


def test_refused_entries_are_listed_and_the_rest_imported(api):
    resume = {
        "projects": [
            {"name": "Backwards", "startDate": "2024-05", "endDate": "2024-01"},
            {"name": "Fine", "startDate": "2024-02", "url": "https://ß.de/"},
            {"name": "Tagged", "startDate": "2024", "keywords": ["python", "x" * 70]},
        ],
        "work": [{"name": "Ac\u202eme", "startDate": "2020"}],
    }
    response = api.post("/api/v1/imports/json-resume", json=resume)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["created"], body["skipped"], body["notes"]) == (1, 0, [])
    assert body["refused"] == [
        {
            "entry": "projects[0]",
            "title": "Backwards",
            "errors": [
                {
                    "pointer": "/projects/0/endDate",
                    "field": "end",
                    "message": rules.END_BEFORE_START,
                }
            ],
        },
        {
            "entry": "projects[2]",
            "title": "Tagged",
            "errors": [
                {
                    "pointer": "/projects/2/keywords/1",
                    "field": "technologies",
                    "message": rules.TECHNOLOGY_TOO_LONG,
                }
            ],
        },
        {
            "entry": "work[0]",
            "title": "Work at Ac\ufffdme",
            "errors": [
                {"pointer": "/work/0", "field": "title", "message": OVERRIDE},
                {"pointer": "/work/0/name", "field": "organisation", "message": OVERRIDE},
            ],
        },
    ]
    (project,) = api.get("/api/v1/projects").get_json()["items"]
    assert (project["title"], project["live_url"]) == ("Fine", "https://ß.de/")


def test_nothing_but_refused_entries_is_422_with_the_rules_messages(api):
    resume = {
        "projects": [
            {"name": "Undated"},
            {"name": "Bracket", "startDate": "2024", "url": "https://a]b.com"},
            {"name": "C1", "startDate": "2024", "highlights": ["ok", "a\x85b"]},
        ]
    }
    response = api.post("/api/v1/imports/json-resume", json=resume)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["detail"] == (
        "3 entries in the résumé cannot be imported; see errors. Nothing was imported."
    )
    assert [(e["pointer"], e["message"]) for e in problem["errors"]] == [
        ("/projects/0/startDate", rules.START_REQUIRED),
        ("/projects/1/url", rules.WEB_ADDRESS_UNREADABLE),
        ("/projects/2/highlights/1", rules.control_character("\x85")),
    ]
    assert api.get("/api/v1/projects").get_json()["total"] == 0


def test_refused_entries_with_the_rest_already_imported_is_422(api):
    new_project(api, title="Blog", start="2024-06")
    resume = api.get("/api/v1/exports/json-resume?scope=all").get_json()
    resume["projects"].append({"name": "C0", "startDate": "2024", "entity": "a\x01"})
    response = api.post("/api/v1/imports/json-resume", json=resume)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["detail"] == (
        "1 entry in the résumé cannot be imported; see errors. The other 1 is already yours. "
        "Nothing was imported."
    )
    assert problem["errors"] == [
        {
            "pointer": "/projects/1/entity",
            "field": "projects",
            "message": rules.control_character("\x01"),
        }
    ]
    assert api.get("/api/v1/projects").get_json()["total"] == 1
