"""The API lists the token owner's references and reference requests, nobody else's."""

from __future__ import annotations

from tests.api.api_helpers import Api, make_token
from tests.reference_helpers import add_project, answer, edit_project, request_link


def test_references_and_requests_are_listed_for_their_owner(app, user, api, bob_api, new_device):
    project_id = add_project(user)
    confirmed = request_link(user, project_id)
    request_link(user, project_id, label_name="Sam", label_role="Client")
    answer(new_device(), confirmed, show_name="y", technologies=["Flask"])
    requests = api.get("/api/v1/reference-requests")
    assert requests.status_code == 200
    items = requests.get_json()["items"]
    assert [(i["label_name"], i["state"]) for i in items] == [
        ("Sam", "waiting"),
        ("Jane", "confirmed"),
    ]
    assert items[0]["project_title"] == "Booking API" and items[0]["sent_by"] == "link"
    assert items[0]["expires_at"].endswith("Z") and items[0]["decided_at"] is None
    (reference,) = api.get("/api/v1/references").get_json()["items"]
    assert reference["referee"] == {
        "name": "Jane Smith",
        "job_title": "Lead developer",
        "organisation": "Brightwave Digital",
        "relationship": "I supervised the internship",
    }
    assert reference["confirms"] == ["the dates and role", "the work described", "Flask"]
    assert reference["how"] == "link" and reference["edited_since"] is False
    assert reference["hidden"] is False and reference["comment_shown"] is False
    # Another account sees none of it.
    assert bob_api.get("/api/v1/references").get_json() == {"items": []}
    assert bob_api.get("/api/v1/reference-requests").get_json() == {"items": []}


def test_an_edited_reference_says_what_changed(app, user, api, new_device):
    project_id = add_project(user)
    answer(new_device(), request_link(user, project_id), technologies=["Flask"])
    edit_project(user, project_id, technologies="Python")
    (reference,) = api.get("/api/v1/references").get_json()["items"]
    assert reference["edited_since"] is True
    assert reference["changes"] == ["Flask removed from the technologies"]


def test_a_read_token_may_list_references(app, user):
    api = Api(app, make_token(app, "ada@example.com", scope="read"))
    assert api.get("/api/v1/references").status_code == 200
    assert api.get("/api/v1/reference-requests").status_code == 200
    assert Api(app, None).get("/api/v1/references").status_code == 401


def test_the_answers_match_their_documented_models(app, user, api, new_device):
    from jsonschema import Draft202012Validator

    project_id = add_project(user)
    answer(new_device(), request_link(user, project_id), show_comment="y")
    request_link(user, project_id)
    doc = api.client.get("/api/v1/openapi.json").get_json()
    for path, model in (
        ("/api/v1/references", "ReferenceList"),
        ("/api/v1/reference-requests", "ReferenceRequestList"),
    ):
        schema = {"$ref": f"#/components/schemas/{model}", "components": doc["components"]}
        body = api.get(path).get_json()
        assert body["items"], path
        Draft202012Validator(schema).validate(body)
