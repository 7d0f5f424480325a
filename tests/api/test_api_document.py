"""The OpenAPI document matches the app and the schemas, and the reference page is made from it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator
from sqlalchemy import select

from portfolio import create_app
from portfolio.api import openapi
from portfolio.api.openapi import DocumentError, document
from portfolio.extensions import db
from portfolio.models import Project, ProjectTechnology, User
from portfolio.projects.record import KINDS
from portfolio.schemas import rules
from portfolio.schemas.project import ProjectIn

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
UNDOCUMENTED = {"api.openapi_document", "api.docs"}

#: What clients' generated code is built on: renaming any of these breaks them.
OPERATION_IDS = {
    "listProjects", "createProject", "getProject", "replaceProject", "updateProject",
    "deleteProject", "searchTechnologies", "listMyTechnologies", "listProfiles", "getProfile",
    "getReadiness", "rankJobs", "exportJsonResume", "importJsonResume",
    "startAnalysis", "getAnalysis", "confirmAnalysis",
    "listReferences", "listReferenceRequests",
}  # fmt: skip
COMPONENTS = [
    "Problem", "FieldError", "ProjectInput", "ProjectPatch", "Project", "ProjectPage",
    "Technology", "TechnologyList", "TechnologyUsage", "Requirement", "Profile",
    "ProfileList", "Readiness", "ReadinessPart", "JsonResume", "ImportResult", "NextStep",
    "JobsToRank", "JobRanking", "AnalysisConfirm", "Analysis",
    "Reference", "ReferenceList", "ReferenceRequest", "ReferenceRequestList",
]  # fmt: skip
SHARED_RESPONSES = ["Unauthorised", "MalformedJson", "NotFound", "Conflict", "TooLarge",
                    "UnsupportedMediaType", "Invalid", "PreconditionFailed",
                    "InsufficientScope", "TooManyRequests"]  # fmt: skip


@pytest.fixture(scope="module")
def bare_app() -> Flask:
    """An app with no database: the document needs none."""
    return create_app(
        {"TESTING": True, "SECRET_KEY": "doc", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )


@pytest.fixture(scope="module")
def doc(bare_app: Flask) -> dict:
    return document(bare_app)


def _flask_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def _operations(doc: dict):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def test_document_lists_exactly_the_api_routes(bare_app, doc):
    routes = {
        (_flask_path(rule.rule), method)
        for rule in bare_app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint not in UNDOCUMENTED
        for method in rule.methods & METHODS
    }
    documented = {(path, method.upper()) for path, method, _ in _operations(doc)}
    assert routes == documented


def test_a_route_without_an_operation_stops_the_document():
    app = create_app({"TESTING": True, "SECRET_KEY": "doc", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.add_url_rule("/api/v1/secret", endpoint="api.secret", view_func=lambda: "")
    with pytest.raises(DocumentError, match=r"api\.secret"):
        document(app)


def test_an_operation_without_a_route_stops_the_document(bare_app, monkeypatch):
    real = openapi._operations
    ghost = {"operationId": "ghost", "tags": ["Projects"], "responses": {}}
    monkeypatch.setattr(openapi, "_operations", lambda: {**real(), "api.ghost": ghost})
    with pytest.raises(DocumentError, match=r"api\.ghost"):
        openapi._build(bare_app)


def test_served_document_is_valid_openapi_31(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.mimetype == "application/json"
    doc = served.get_json()
    assert doc["openapi"].startswith("3.1")
    validate(doc, cls=OpenAPIV31SpecValidator)
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_document_keeps_the_names_clients_use(doc):
    ids = [operation["operationId"] for _, _, operation in _operations(doc)]
    assert len(ids) == len(set(ids)) and set(ids) == OPERATION_IDS
    assert list(doc["components"]["schemas"]) == COMPONENTS
    assert set(doc["components"]["responses"]) == set(SHARED_RESPONSES)
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert doc["security"] == [{"bearer": []}]
    assert doc["paths"]["/api/v1/projects/{project_id}"]["parameters"][0]["name"] == "project_id"


def test_project_limits_are_the_rules(doc):
    schemas = doc["components"]["schemas"]
    body = schemas["ProjectInput"]
    props = body["properties"]
    assert body["required"] == ["title", "kind", "start"]
    assert body["additionalProperties"] is False
    assert list(props) == list(ProjectIn.model_fields)
    assert props["title"]["maxLength"] == rules.TITLE_MAX and props["title"]["minLength"] == 1
    assert props["organisation"]["maxLength"] == rules.ORGANISATION_MAX
    assert props["role"]["maxLength"] == rules.ROLE_MAX
    assert props["summary"]["maxLength"] == rules.SUMMARY_MAX
    assert props["description"]["maxLength"] == rules.DESCRIPTION_MAX
    assert props["highlights"]["maxItems"] == rules.MAX_HIGHLIGHTS
    assert props["highlights"]["items"]["maxLength"] == rules.HIGHLIGHT_MAX
    assert props["technologies"]["maxItems"] == rules.MAX_TECHNOLOGIES
    assert props["technologies"]["items"]["maxLength"] == rules.TECHNOLOGY_MAX
    assert props["live_url"]["maxLength"] == props["source_url"]["maxLength"] == rules.URL_MAX
    assert props["kind"]["enum"] == list(KINDS)
    assert props["start"]["pattern"] == props["end"]["pattern"] == rules.MONTH_PATTERN
    assert props["end"]["type"] == ["string", "null"]
    for one_line in ("title", "organisation", "role", "summary"):
        assert props[one_line]["pattern"] == rules.LINE_PATTERN
    assert props["technologies"]["items"]["pattern"] == rules.LINE_PATTERN
    assert props["description"]["pattern"] == rules.TEXT_PATTERN

    patch = schemas["ProjectPatch"]
    assert "required" not in patch and patch["additionalProperties"] is False
    assert list(patch["properties"]) == list(props)
    for name, prop in patch["properties"].items():
        assert "default" not in prop  # a field left out of a patch keeps its value
        assert prop == {k: v for k, v in props[name].items() if k != "default"}

    project = schemas["Project"]
    assert project["required"] == list(project["properties"])
    assert list(project["properties"]) == [
        "id", *ProjectIn.model_fields, "created_at", "updated_at", "version",
        "needs_attention",
    ]  # fmt: skip
    assert project["properties"]["start"]["type"] == ["string", "null"]
    assert "title" not in project["properties"]["title"]  # pydantic's own titles are gone


#: Bodies the document refuses, each also refused by the API.
REFUSED = [
    {"title": "x" * (rules.TITLE_MAX + 1)},
    {"title": "Booking\x01API"},
    {"title": "Booking\nAPI"},
    {"organisation": "\u202eAcme"},
    {"summary": "Line\u2028break"},
    {"description": "abc\u2067def"},
    {"highlights": ["x"] * (rules.MAX_HIGHLIGHTS + 1)},
    {"technologies": ["x" * (rules.TECHNOLOGY_MAX + 1)]},
    {"technologies": [f"tool {n}" for n in range(rules.MAX_TECHNOLOGIES + 1)]},
    {"live_url": "ftp://example.com"},
    {"source_url": "https://example.com/a b"},
    {"start": "2025-13"},
    {"kind": "hobby"},
    {"public": "yes"},
    {"colour": "red"},
]


@pytest.mark.parametrize("change", REFUSED, ids=lambda change: next(iter(change)))
def test_what_the_document_refuses_the_api_refuses(api, doc, change):
    body = {"title": "Booking API", "kind": "personal", "start": "2025-01", **change}
    schema = {"$ref": "#/components/schemas/ProjectInput", "components": doc["components"]}
    assert not Draft202012Validator(schema).is_valid(body)
    assert api.post("/api/v1/projects", json=body).status_code == 422


def test_a_project_stored_before_the_rules_matches_the_document(app, api, doc):
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == "ada@example.com"))
        old = Project(
            user_id=owner.id,
            title="Old\x01shop",
            kind="paid",
            start=None,
            end=date(2023, 1, 1),
            technologies=[ProjectTechnology(name="x" * 70)],
        )
        db.session.add(old)
        db.session.commit()
        project_id = old.id
    sent = api.get(f"/api/v1/projects/{project_id}").get_json()
    assert sent["start"] is None and sent["needs_attention"]
    schema = {"$ref": "#/components/schemas/Project", "components": doc["components"]}
    Draft202012Validator(schema).validate(sent)


def test_document_needs_no_token(client):
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200


def test_reference_page_documents_every_operation(client, doc):
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.mimetype == "text/html"
    for _, _, operation in _operations(doc):
        assert f'id="{operation["operationId"]}"' in html
    for name in doc["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    assert "curl -X POST" in html and "Authorization: Bearer $TOKEN" in html
    assert f"at most {rules.TITLE_MAX} characters" in html
    assert "one line, without control or text-direction characters" in html
    # Our own page under the strict CSP: no inline scripts or styles, nothing remote.
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert "cdn" not in html.lower()
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
