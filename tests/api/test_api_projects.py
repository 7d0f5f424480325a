"""Projects through the API: CRUD, filters, pagination, validation and ownership."""

from __future__ import annotations

import pytest

from tests.api.api_helpers import new_project

FULL = {
    "title": "Shop backend",
    "kind": "paid",
    "organisation": "Acme",
    "role": "Developer",
    "start": "2024-02",
    "end": "2024-11",
    "ongoing": False,
    "summary": "Orders and payments",
    "description": "Built the **orders** service.",
    "highlights": ["Cut checkout time by 30%", "  "],
    "live_url": "https://shop.example.com",
    "source_url": "http://git.example.com/shop",
    "technologies": ["py", "postgres", "My own tool", "Python"],
    "public": True,
    "featured": True,
}


def _errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 422 and body["type"].endswith("#problem-validation")
    return {e["pointer"] or e["field"]: e["message"] for e in body["errors"]}


def test_create_with_every_field_normalises_technologies(api):
    response = api.post("/api/v1/projects", json=FULL)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/projects/{body['id']}"
    assert body["technologies"] == ["Python", "PostgreSQL", "My own tool"]
    assert body["highlights"] == ["Cut checkout time by 30%"]
    assert body["start"] == "2024-02" and body["end"] == "2024-11"
    assert body["public"] is True and body["kind"] == "paid"
    assert api.get(response.headers["Location"]).get_json() == body


def test_created_project_shows_in_the_web_app(api, client):
    project = new_project(api, title="Visible in the browser")
    page = client.get(f"/projects/{project['id']}")
    assert page.status_code == 200
    assert "Visible in the browser" in page.get_data(as_text=True)


def test_defaults_for_fields_left_out(api):
    body = new_project(api)
    assert body["end"] is None and body["ongoing"] is False
    assert body["technologies"] == [] and body["highlights"] == []
    assert body["organisation"] == "" and body["public"] is False


def test_list_filters_and_paginates(api):
    for n in range(5):
        new_project(api, title=f"P{n}", start=f"2024-0{n + 1}", technologies=["Flask"])
    new_project(api, title="Paid", kind="paid", start="2023-01", technologies=["Java"])
    page = api.get("/api/v1/projects?limit=2&offset=2").get_json()
    assert page["total"] == 6 and page["limit"] == 2 and page["offset"] == 2
    assert [p["title"] for p in page["items"]] == ["P2", "P1"]
    assert page["links"]["next"] == "/api/v1/projects?limit=2&offset=4"
    assert page["links"]["prev"] == "/api/v1/projects?limit=2&offset=0"
    assert page["links"]["last"] == "/api/v1/projects?limit=2&offset=4"
    last = api.get(page["links"]["last"]).get_json()
    assert last["links"]["next"] is None and len(last["items"]) == 2
    paid = api.get("/api/v1/projects?kind=paid").get_json()
    assert [p["title"] for p in paid["items"]] == ["Paid"] and paid["total"] == 1
    flask = api.get("/api/v1/projects?technology=flask").get_json()
    assert flask["total"] == 5
    assert "technology=Flask" in flask["links"]["self"]
    # Java must never match JavaScript, and an alias finds the canonical name.
    assert api.get("/api/v1/projects?technology=javascript").get_json()["total"] == 0
    assert api.get("/api/v1/projects?technology=java").get_json()["total"] == 1


def test_empty_list_has_links(api):
    page = api.get("/api/v1/projects").get_json()
    assert page["items"] == [] and page["total"] == 0
    assert page["links"]["next"] is None and page["links"]["prev"] is None


@pytest.mark.parametrize(
    "query, field",
    [
        ("kind=hobby", "kind"),
        ("kind=", "kind"),
        ("kind=Paid", "kind"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("offset=-1", "offset"),
        ("offset=99999999999999999999999", "offset"),
        ("limit=%EF%BC%91", "limit"),  # a full-width digit one
        ("technology=" + "x" * 201, "technology"),
        ("technology=%00", "technology"),
    ],
)
def test_bad_query_parameters_are_422(api, query, field):
    errors = _errors(api.get(f"/api/v1/projects?{query}"))
    assert field in errors


def test_replace_sets_every_field(api):
    project = new_project(api, **{k: v for k, v in FULL.items() if k != "end"})
    response = api.put(
        f"/api/v1/projects/{project['id']}",
        json={"title": "Renamed", "kind": "volunteer", "start": "2022-05", "ongoing": True},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == "Renamed" and body["kind"] == "volunteer"
    assert body["technologies"] == [] and body["public"] is False  # fields left out reset
    assert body["ongoing"] is True and body["end"] is None


def test_patch_changes_only_what_is_sent(api):
    project = new_project(api, **FULL)
    response = api.patch(
        f"/api/v1/projects/{project['id']}",
        json={"summary": "New summary", "technologies": ["node js"]},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["summary"] == "New summary" and body["technologies"] == ["Node.js"]
    assert body["title"] == FULL["title"] and body["end"] == "2024-11"


def test_merge_patch_null_clears_end_and_ongoing_drops_end(api):
    project = new_project(api, end="2025-06")
    url = f"/api/v1/projects/{project['id']}"
    cleared = api.patch(url, data='{"end": null}', content_type="application/merge-patch+json")
    assert cleared.status_code == 200 and cleared.get_json()["end"] is None
    api.patch(url, json={"end": "2025-06"})
    ongoing = api.patch(url, json={"ongoing": True})
    assert ongoing.get_json()["end"] is None and ongoing.get_json()["ongoing"] is True


def test_patch_keeps_whole_project_rules(api):
    project = new_project(api, start="2025-03")
    errors = _errors(api.patch(f"/api/v1/projects/{project['id']}", json={"end": "2025-01"}))
    assert errors["/end"] == "The end cannot be before the start."
    assert _errors(api.patch(f"/api/v1/projects/{project['id']}", json={"title": None}))


def test_delete(api):
    project = new_project(api)
    url = f"/api/v1/projects/{project['id']}"
    response = api.delete(url)
    assert response.status_code == 204 and response.data == b""
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404


@pytest.mark.parametrize(
    "method, body",
    [("get", None), ("put", {"title": "Mine", "kind": "paid", "start": "2025-01"}),
     ("patch", {"title": "Mine"}), ("delete", None)],
)  # fmt: skip
def test_other_users_project_is_404_and_untouched(api, bob_api, method, body):
    bobs = new_project(bob_api, title="Bob's secret project")
    kwargs = {"json": body} if body is not None else {}
    response = getattr(api, method)(f"/api/v1/projects/{bobs['id']}", **kwargs)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "Bob" not in response.get_data(as_text=True)
    assert bob_api.get(f"/api/v1/projects/{bobs['id']}").get_json()["title"] == bobs["title"]
    assert api.get("/api/v1/projects").get_json()["total"] == 0


@pytest.mark.parametrize("project_id", ["0", "2147483648", "99999999999999999999999999", "-1", "x"])
def test_impossible_ids_are_404(api, project_id):
    response = api.get(f"/api/v1/projects/{project_id}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "body, pointer",
    [
        ({"kind": "paid", "start": "2025-01"}, "/title"),
        ({"title": "   ", "kind": "paid", "start": "2025-01"}, "/title"),
        ({"title": "x" * 201, "kind": "paid", "start": "2025-01"}, "/title"),
        ({"title": "T", "kind": "hobby", "start": "2025-01"}, "/kind"),
        ({"title": "T", "kind": "paid"}, "/start"),
        ({"title": "T", "kind": "paid", "start": "2025-13"}, "/start"),
        ({"title": "T", "kind": "paid", "start": "2025-1"}, "/start"),
        ({"title": "T", "kind": "paid", "start": "0000-01"}, "/start"),
        ({"title": "T", "kind": "paid", "start": "2025-03", "end": "2025-01"}, "/end"),
        ({"title": "T", "kind": "paid", "start": "2025-01", "end": "2025-03", "ongoing": True},
         "/end"),
        ({"title": "T", "kind": "paid", "start": "2025-01", "live_url": "javascript:alert(1)"},
         "/live_url"),
        ({"title": "T", "kind": "paid", "start": "2025-01", "source_url": "ftp://x.org"},
         "/source_url"),
        ({"title": "T", "kind": "paid", "start": "2025-01", "highlights": ["h"] * 21},
         "/highlights"),
        ({"title": "T", "kind": "paid", "start": "2025-01", "highlights": ["h" * 301]},
         "/highlights/0"),
        ({"title": "T", "kind": "paid", "start": "2025-01", "technologies": ["t"] * 31},
         "/technologies"),
        ({"title": "T", "kind": "paid", "start": "2025-01",
          "technologies": [",".join(f"{c}{n}" for n in range(16)) for c in "tu"]}, "/technologies"),
        ({"title": 5, "kind": "paid", "start": "2025-01"}, "/title"),
        ({"title": "T", "kind": "paid", "start": "2025-01", "public": "yes"}, "/public"),
        ({"title": "T", "kind": "paid", "start": "2025-01", "public": 1}, "/public"),
        ({"title": "T", "kind": "paid", "start": "2025-01", "highlights": "one"}, "/highlights"),
        ({"title": "T", "kind": "paid", "start": "2025-01", "technologies": [1, None]},
         "/technologies/0"),
        ({"title": "T", "kind": "paid", "start": 202501}, "/start"),
        ({"title": None, "kind": "paid", "start": "2025-01"}, "/title"),
        ({"title": "T", "kind": "paid", "start": "2025-01", "summary": None}, "/summary"),
        ({"title": "T", "kind": "paid", "start": "2025-01", "id": 7}, "/id"),
        ({"title": "a\x00b", "kind": "paid", "start": "2025-01"}, "/title"),
        ({"title": "a\ud800b", "kind": "paid", "start": "2025-01"}, "/title"),
        ({"title": "T", "kind": "paid", "start": "2025-01", "highlights": ["\x07"]},
         "/highlights/0"),
    ],
)  # fmt: skip
def test_invalid_projects_are_422_with_pointers(api, body, pointer):
    errors = _errors(api.post("/api/v1/projects", json=body))
    assert pointer in errors, errors
    assert api.get("/api/v1/projects").get_json()["total"] == 0


def test_every_problem_is_reported_at_once(api):
    errors = _errors(api.post("/api/v1/projects", json={"kind": "x", "public": "no"}))
    assert {"/title", "/kind", "/start", "/public"} <= set(errors)


def test_unicode_round_trips(api):
    title = "Café ☕ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 — 日本語 🚀"
    body = new_project(api, title=title, technologies=["Ruby-on-Rails", "Ünïcödé tool"])
    assert api.get(f"/api/v1/projects/{body['id']}").get_json()["title"] == title
    assert body["technologies"] == ["Ruby on Rails", "Ünïcödé tool"]


@pytest.mark.parametrize(
    "data",
    [
        "{",
        "",
        "[1, 2",
        '{"title": NaN}',
        '{"title": Infinity}',
        '{"a": ' + "1" * 5000 + "}",
        "[" * 100_000 + "]" * 100_000,
        b"\xff\xfe{}",
    ],
)
def test_malformed_json_is_400(api, data):
    response = api.post("/api/v1/projects", data=data, content_type="application/json")
    assert response.status_code in (400, 413)
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("data", ["[]", "null", "3", '"text"', "true"])
def test_non_object_json_is_422(api, data):
    response = api.post("/api/v1/projects", data=data, content_type="application/json")
    assert _errors(response)


def test_big_numbers_are_422_not_500(api):
    big = "9" * 400
    response = api.post(
        "/api/v1/projects",
        data=f'{{"title": {big}, "kind": "paid", "start": "2025-01", "public": 1e999}}',
        content_type="application/json",
    )
    assert response.status_code in (400, 422)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", None]
)
def test_non_json_body_is_415(api, content_type):
    kwargs = {"data": '{"title": "T", "kind": "paid", "start": "2025-01"}'}
    if content_type:
        kwargs["content_type"] = content_type
    response = api.post("/api/v1/projects", **kwargs)
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"
    assert response.headers["Accept-Post"] == "application/json"


def test_patch_accepts_merge_patch_and_415s_others(api):
    project = new_project(api)
    url = f"/api/v1/projects/{project['id']}"
    response = api.patch(url, data='{"title": "x"}', content_type="text/plain")
    assert response.status_code == 415
    assert "application/merge-patch+json" in response.headers["Accept-Patch"]


def test_body_too_large_is_413(api):
    response = api.post(
        "/api/v1/projects",
        data='{"description": "' + "x" * 300_000 + '"}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_wrong_method_is_405_with_allow(api):
    response = api.open("PATCH", "/api/v1/projects")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_unknown_api_path_is_404_problem(api):
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["instance"] == "/api/v1/nothing-here"
