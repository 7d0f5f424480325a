"""The OpenAPI document matches the app, and the reference page is made from it."""

from __future__ import annotations

import re

from jsonschema import Draft202012Validator

from portfolio.api.openapi import document

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
UNDOCUMENTED = {"api.openapi_document", "api.docs"}


def _flask_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_document_lists_exactly_the_api_routes(app):
    routes = {
        (_flask_path(rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint not in UNDOCUMENTED
        for method in rule.methods & METHODS
    }
    documented = {
        (path, method.upper())
        for path, item in document()["paths"].items()
        for method in item
        if method.upper() in METHODS
    }
    assert routes == documented


def test_document_is_openapi_31_with_valid_schemas(app):
    served = app.test_client().get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.mimetype == "application/json"
    doc = served.get_json()
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for name in ("Project", "ProjectInput", "ProjectPatch", "Problem", "Technology",
                 "Profile", "Readiness"):  # fmt: skip
        Draft202012Validator.check_schema(doc["components"]["schemas"][name])
    ids = [op["operationId"] for item in doc["paths"].values()
           for key, op in item.items() if key != "parameters"]  # fmt: skip
    assert len(ids) == len(set(ids))


def test_document_needs_no_token(client):
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200


def test_reference_page_documents_every_operation(client):
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.mimetype == "text/html"
    for item in document()["paths"].values():
        for key, op in item.items():
            if key != "parameters":
                assert f'id="{op["operationId"]}"' in html
    for name in document()["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    assert "curl -X POST" in html and "Authorization: Bearer $TOKEN" in html
    # Our own page under the strict CSP: no inline scripts or styles, nothing remote.
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert "cdn" not in html.lower()
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
