"""Schemathesis fuzzes every operation of the served OpenAPI document, in-process.

For each operation it generates valid and invalid requests from the document and checks
that the app never answers 5xx, answers only with documented status codes, content
types, headers and body schemas, refuses requests without the token (401), answers
unsupported methods with 405 and Allow, and refuses the invalid requests (4xx): what the
document refuses, the API refuses.

That last check (`negative_data_rejection`) is on for every operation, with one
allowance, in `refuses_invalid_data` below: the API trims spaces around one-line text and
web addresses before checking them (ProjectInput says so), which a JSON Schema cannot
express, so a body the document refuses only for such spaces is not invalid data here.
Schemathesis 4.32's own guards already skip the cases its issues #3730 and #4332 were
about (invalid query parts that are never sent). Runs on SQLite and PostgreSQL, with a
few of Ada's projects in place so ids can hit real ones.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from portfolio import create_app
from portfolio.schemas import rules
from tests.api.api_helpers import new_project

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
    unsupported_method,
]


# The document does not depend on the database, so it is loaded once, from an app with
# no database at all; each test then sends its requests to the `app` fixture (SQLite,
# then PostgreSQL). (schemathesis.pytest.from_fixture would load it per test, but it
# breaks on pytest 9: it sets Function._nodeid, which pytest no longer has.)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    create_app({"TESTING": True, "SECRET_KEY": "fuzz", "SQLALCHEMY_DATABASE_URI": "sqlite://"}),
)


#: White space the API trims from the ends of one-line text and web addresses: what
#: Python's strip() removes and the text rules allow (line breaks are refused instead).
TRIMMED = "".join(
    ch for ch in map(chr, range(0x3001)) if ch.isspace() and rules.text_problem(ch) is None
)
#: Patterns of the text the API keeps as sent: Markdown, and months.
KEPT_AS_SENT = (None, rules.TEXT_PATTERN, rules.MONTH_PATTERN)


def _trim(value: Any, prop: dict[str, Any]) -> Any:
    """Return a body member as the API reads it before checking it."""
    if isinstance(value, list):
        return [_trim(item, prop.get("items", {})) for item in value]
    if isinstance(value, str) and prop.get("pattern") not in KEPT_AS_SENT:
        return value.strip(TRIMMED)
    return value


def _valid_once_trimmed(case) -> bool:
    """Whether only the body is invalid, and only for white space the API trims."""
    negative = {loc.value for loc, part in case.meta.components.items() if part.mode.is_negative}
    if negative != {"body"} or not isinstance(case.body, dict) or case.media_type is None:
        return False
    body = case.operation.get_body_for_media_type(case.media_type)
    if body is None:
        return False
    props = body.resolved_schema.get("properties", {})
    trimmed = {name: _trim(value, props.get(name, {})) for name, value in case.body.items()}
    return trimmed != case.body and body.get_validator().is_valid(trimmed)


@schemathesis.check
def refuses_invalid_data(ctx, response, case):
    """negative_data_rejection, bar bodies invalid only for white space the API trims."""
    if case.meta is not None and _valid_once_trimmed(case):
        return None
    return negative_data_rejection(ctx, response, case)


CHECKS.append(refuses_invalid_data)


@pytest.fixture
def seeded(api) -> None:
    """Put a few of Ada's projects in the database, so generated ids can hit them."""
    new_project(api, title="Seed one", technologies=["Python", "Flask"])
    new_project(api, title="Seed two", kind="paid", start="2023-04", end="2024-01")


@schema.parametrize()
@settings(
    # Bounded so the suite stays fast; API_FUZZ_EXAMPLES=500 digs deeper by hand.
    max_examples=int(os.environ.get("API_FUZZ_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)  # fmt: skip
def test_api_matches_its_document(case, app, token, seeded):
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
