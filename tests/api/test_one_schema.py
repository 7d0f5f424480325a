"""One schema per entity: the form and the API give the same answer, in the same words.

Each case is sent through the project form and through the JSON API; both must refuse
it (or keep it) with the same message on the same field. Projects the API stores must
save again unchanged through their edit form and with an empty PATCH.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from portfolio.exports.jsonresume import parse_json_resume
from portfolio.extensions import db
from portfolio.models import Project
from portfolio.schemas import rules
from portfolio.technologies.catalogue import get_catalogue
from tests.api.api_helpers import new_project

BASE = {"title": "Booking API", "kind": "personal", "start": "2025-01"}

#: (what is sent, the field at fault, the one message both paths give)
REFUSED = [
    pytest.param({"start": "2025-03", "end": "2025-01"}, "end", rules.END_BEFORE_START,
                 id="end-before-start"),
    pytest.param({"start": None}, "start", rules.START_REQUIRED, id="no-start"),
    pytest.param({"technologies": ["x" * 70]}, "technologies", rules.TECHNOLOGY_TOO_LONG,
                 id="70-character-technology"),
    pytest.param({"live_url": "http://[::1"}, "live_url", rules.WEB_ADDRESS_UNREADABLE,
                 id="unbalanced-bracket-ipv6"),
    pytest.param({"source_url": "https://a]b.com"}, "source_url",
                 rules.WEB_ADDRESS_UNREADABLE, id="closing-bracket-in-host"),
    pytest.param({"live_url": "http://]"}, "live_url", rules.WEB_ADDRESS_UNREADABLE,
                 id="only-a-bracket"),
    pytest.param({"title": "Booking\x01API"}, "title", rules.control_character("\x01"),
                 id="c0-control"),
    pytest.param({"summary": "colour \x1b[31mred"}, "summary", rules.control_character("\x1b"),
                 id="c0-escape"),
    pytest.param({"role": "Lead\x85dev"}, "role", rules.control_character("\x85"),
                 id="c1-control"),
    pytest.param({"description": "abc\u202edef"}, "description",
                 rules.direction_override("\u202e"), id="direction-override"),
    pytest.param({"organisation": "\u2067Acme"}, "organisation",
                 rules.direction_override("\u2067"), id="direction-isolate"),
    pytest.param({"live_url": "https://user:secret@example.com/"}, "live_url",
                 rules.WEB_ADDRESS_CREDENTIALS, id="credentials-in-url"),
]  # fmt: skip


def _form_fields(body: dict) -> dict:
    fields = {**BASE, **body}
    if fields.get("start") is None:
        fields["start"] = ""
    if isinstance(fields.get("technologies"), list):
        fields["technologies"] = ", ".join(fields["technologies"])
    return fields


def _api_body(body: dict) -> dict:
    fields = {**BASE, **body}
    return {name: value for name, value in fields.items() if value is not None}


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no error next to {field}"
    return match.group(1)


def _resume_entry(body: dict) -> dict:
    """Return the JSON Resume project entry (with our extension) that carries ``body``."""
    fields = {**BASE, **body}
    entry = {"name": fields["title"], "type": fields["kind"]}
    extension = {"kind": fields["kind"], "summary": fields.get("summary", "")}
    for name, key in (
        ("start", "startDate"),
        ("end", "endDate"),
        ("live_url", "url"),
        ("organisation", "entity"),
        ("technologies", "keywords"),
    ):
        if fields.get(name) is not None:
            entry[key] = fields[name]
    if "role" in fields:
        entry["roles"] = [fields["role"]]
    if "description" in fields:
        extension["descriptionMarkdown"] = fields["description"]
    if "source_url" in fields:
        extension["sourceUrl"] = fields["source_url"]
    entry["x-portfolio"] = extension
    return entry


def _import_problems(body: dict) -> dict[str, str]:
    document = {"projects": [_resume_entry(body)]}
    plan = parse_json_resume(json.dumps(document), get_catalogue())
    assert plan.projects == ()
    (refused,) = plan.refused
    return {problem.field: problem.message for problem in refused.problems}


@pytest.mark.parametrize(("body", "field", "message"), REFUSED)
def test_form_api_and_import_refuse_with_the_same_message(user, api, app, body, field, message):
    from markupsafe import escape

    page = user.add_project(**_form_fields(body))
    assert page.status_code == 422
    assert _field_error(page.get_data(as_text=True), field) == str(escape(message))

    response = api.post("/api/v1/projects", json=_api_body(body))
    assert response.status_code == 422, response.get_json()
    errors = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert errors[field] == message

    assert _import_problems(body)[field] == message

    with app.app_context():
        assert db.session.scalar(select(func.count(Project.id))) == 0


def test_internationalised_host_is_kept_as_written_by_form_and_api(user, api):
    page = user.add_project(
        title="Form", live_url="https://ß.de/", source_url="https://bücher.example/"
    )
    assert page.status_code == 302
    created = new_project(api, title="API", live_url="https://ß.de/")
    assert created["live_url"] == "https://ß.de/"
    items = {p["title"]: p for p in api.get("/api/v1/projects").get_json()["items"]}
    assert items["Form"]["live_url"] == "https://ß.de/"
    assert items["Form"]["source_url"] == "https://bücher.example/"
    plan = parse_json_resume(
        json.dumps({"projects": [_resume_entry({"live_url": "https://ß.de/"})]}), get_catalogue()
    )
    assert [p.live_url for p in plan.projects] == ["https://ß.de/"]


def test_a_host_idna_cannot_encode_is_refused_alike(user, api):
    page = user.add_project(live_url="https://a\u00ad\u0300b.de/")
    html = page.get_data(as_text=True)
    api_errors = api.post(
        "/api/v1/projects", json={**BASE, "live_url": "https://a\u00ad\u0300b.de/"}
    )
    if page.status_code == 302:
        assert api_errors.status_code == 201
    else:
        message = api_errors.get_json()["errors"][0]["message"]
        assert _field_error(html, "live_url") == message == rules.WEB_ADDRESS_HOST


@pytest.mark.parametrize("target", ["//[", "//[::1", "/x]//[", "//a]b.com", "/\\evil.com"])
def test_login_next_with_brackets_never_answers_500(auth, target):
    auth.register()
    auth.logout()
    response = auth.post(f"/auth/login?next={target}",
                         {"email": "ada@example.com", "password": "correct horse battery"},
                         form_path="/auth/login")  # fmt: skip
    assert response.status_code == 302
    # Either the path itself (on this site) or the dashboard; never another host.
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")


class _FormValues(HTMLParser):
    """The values a browser would submit for the first form with a submit button."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[a["name"]] = a.get("value", "y")
            elif kind != "submit":
                self.values[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            # Browsers send textarea line endings as CRLF.
            # The first newline after <textarea> is not part of the value (HTML spec).
            value = self.values[self._textarea].replace("\r\n", "\n").replace("\r", "\n")
            self.values[self._textarea] = value.removeprefix("\n").replace("\n", "\r\n")
            self._textarea = None


def _stored(api, project_id):
    body = api.get(f"/api/v1/projects/{project_id}").get_json()
    return {k: v for k, v in body.items() if k not in ("updated_at", "created_at")}


def test_api_projects_save_unchanged_through_form_and_empty_patch(user, api):
    created = new_project(
        api,
        title="  Shop  ",
        kind="paid",
        organisation="Agence Ünïcode",
        role="Back-end developer",
        start="2024-02",
        end="2024-11",
        summary="An online shop\tfor books",
        description="# Heading\r\n\r\nWith **Markdown** and a trailing newline\n",
        highlights=["Cut page load by half", "  ", "Wrote the tests "],
        live_url="https://ß.de/shop?q=[1]",
        source_url="https://example.com/a%20b",
        technologies=["postgres", "PostgreSQL", "php, Laravel", "My own tool"],
        public=True,
    )
    before = _stored(api, created["id"])
    assert before["title"] == "Shop"
    assert before["highlights"] == ["Cut page load by half", "Wrote the tests"]
    assert before["technologies"] == ["PostgreSQL", "PHP", "Laravel", "My own tool"]
    assert before["needs_attention"] == []

    edit = f"/projects/{created['id']}/edit"
    parser = _FormValues()
    parser.feed(user.client.get(edit).get_data(as_text=True))
    response = user.client.post(edit, data=parser.values)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _stored(api, created["id"]) == before

    response = api.patch(f"/api/v1/projects/{created['id']}", json={})
    assert response.status_code == 200, response.get_json()
    assert _stored(api, created["id"]) == before


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({"website": "http://[::1"}, "website", rules.WEB_ADDRESS_UNREADABLE),
        ({"links-0-network": "GitHub", "links-0-url": "https://a]b.com"}, "links-0-url",
         rules.WEB_ADDRESS_UNREADABLE),
        ({"links-1-network": "Blog", "links-1-url": "http://]"}, "links-1-url",
         rules.WEB_ADDRESS_UNREADABLE),
        ({"headline": "Junior\x85dev"}, "headline", rules.control_character("\x85")),
        ({"bio": "Hi \u202eereht"}, "bio", rules.direction_override("\u202e")),
        ({"links-0-network": "GitHub"}, "links-0-url", rules.LINK_NEEDS_URL),
    ],
)  # fmt: skip
def test_details_form_refuses_with_the_rules_messages(user, fields, field_id, message):
    from markupsafe import escape

    data = {"name": "Ada", "show_name": "y"}
    for row in range(5):
        data.update({f"links-{row}-{part}": "" for part in ("network", "username", "url")})
    data.update(fields)
    response = user.post("/share/details", data)
    assert response.status_code == 422
    assert _field_error(response.get_data(as_text=True), field_id) == str(escape(message))


def test_details_keep_an_internationalised_website_as_written(user, client):
    data = {"name": "Ada", "website": "https://ß.de/", "show_website": "y"}
    for row in range(5):
        data.update({f"links-{row}-{part}": "" for part in ("network", "username", "url")})
    assert user.post("/share/details", data).status_code == 302
    assert 'value="https://ß.de/"' in client.get("/share/details").get_data(as_text=True)
