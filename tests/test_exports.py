"""Downloads (HTML, JSON Resume, Markdown) and JSON Resume import, through the routes."""

from __future__ import annotations

import html
import json
import re
from io import BytesIO
from urllib.parse import urlsplit

import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portfolio.exports import jsonresume, service
from portfolio.exports.jsonresume import load_schema
from portfolio.extensions import db
from portfolio.models import Project, User
from portfolio.projects.record import KINDS
from portfolio.projects.services import user_records
from portfolio.schemas import rules
from tests.test_public_page import (
    HOSTILE_DESCRIPTION,
    XSS_ATTR,
    XSS_SCRIPT,
    jsonld_of,
    save_details,
    share,
    tags_of,
)

LINK_ROWS = {f"links-{r}-{p}": "" for r in range(5) for p in ("network", "username", "url")}

#: One project of every kind, together using every field the project form has.
FULL_PORTFOLIO = [
    {
        "title": "Stock service for a bakery chain",
        "kind": "paid",
        "organisation": "Crumb & Co",
        "role": "Back-end developer",
        "start": "2024-03",
        "ongoing": "y",
        "summary": "Stock levels for 12 shops in one API.",
        "description": "Built with **Flask**.\n\n- cron jobs\n- reports\n",
        "highlights": "Cut stock-outs by 30%\nRan the migration to PostgreSQL",
        "live_url": "https://stock.example.com/app?x=1",
        "source_url": "https://github.com/ada/stock",
        "technologies": "python, postgres, flask",
        "public": "y",
        "featured": "y",
    },
    {
        "title": "Summer internship",
        "kind": "internship",
        "organisation": "Acme Ltd",
        "role": "Intern",
        "start": "2023-06",
        "end": "2023-09",
        "summary": "Data pipelines.",
        "highlights": "Shipped a nightly export",
        "technologies": "Go, Redis",
    },
    {
        "title": "Food bank rota",
        "kind": "volunteer",
        "organisation": "Leeds Food Bank",
        "role": "Volunteer developer",
        "start": "2022-01",
        "end": "2022-12",
        "summary": "A rota app for 40 volunteers.",
        "live_url": "https://rota.example.org",
        "technologies": "Django, SQLite",
        "public": "y",
    },
    {
        "title": "Booking API",
        "kind": "personal",
        "start": "2025-01",
        "summary": "REST API with auth.",
        "source_url": "https://github.com/ada/booking",
        "technologies": "FastAPI, Docker, my-own-tag",
        "featured": "y",
    },
]


def add_full_portfolio(user) -> None:
    for fields in FULL_PORTFOLIO:
        assert user.add_project(**fields).status_code == 302


def records_of(app, email: str):
    """Return the user's projects as records (ids aside), sorted by title."""
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == email))
        return sorted(user_records(owner), key=lambda r: r.title)


def owner_of(app, email: str):
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == email))
        return service.owner_for(owner, everything=True)


def upload(user, raw: bytes | str, name: str = "resume.json"):
    data = raw.encode() if isinstance(raw, str) else raw
    return user.post(
        "/share/import",
        {"file": (BytesIO(data), name)},
        form_path="/share",
        content_type="multipart/form-data",
    )


def confirm(user, preview_html: str, **extra):
    match = re.search(r'name="document" type="hidden" value="([^"]*)"', preview_html)
    assert match, "no document in the preview"
    data = {"document": html.unescape(match.group(1)), **extra}
    return user.post("/share/import/confirm", data, form_path="/share",
                     content_type="multipart/form-data")  # fmt: skip


def import_file(user, raw, **extra):
    preview = upload(user, raw)
    assert preview.status_code == 200, preview.get_data(as_text=True)
    return confirm(user, preview.get_data(as_text=True), **extra)


def project_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Project.id)))


@pytest.fixture(scope="module")
def schema_validator():
    checker = FormatChecker()

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc) and value.isascii() and " " not in value

    schema = load_schema()
    return validator_for(schema)(schema, format_checker=checker)


# -- JSON Resume export


@pytest.mark.parametrize("scope", ["", "?scope=all"])
def test_json_resume_download_validates_against_the_schema(user, schema_validator, scope):
    add_full_portfolio(user)
    save_details(user, headline="Junior back-end engineer", show_headline="y",
                 email="ada@example.com", show_email="y", website="https://ada.example",
                 show_website="y", **{"links-0-network": "GitHub",
                                      "links-0-url": "https://github.com/ada"})  # fmt: skip
    response = user.client.get(f"/share/download/resume.json{scope}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    resume = json.loads(response.get_data(as_text=True))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in schema_validator.iter_errors(resume)]
    assert errors == []
    assert resume["basics"]["name"] == "Ada Lovelace"


def test_public_json_resume_holds_only_public_projects_and_shown_details(user):
    add_full_portfolio(user)
    save_details(user, location="Leeds, UK")  # location not ticked
    public = json.loads(user.client.get("/share/download/resume.json").data)
    names = {p["name"] for p in public["projects"]}
    assert names == {"Stock service for a bakery chain", "Food bank rota"}
    assert "location" not in public["basics"]
    everything = json.loads(user.client.get("/share/download/resume.json?scope=all").data)
    assert len(everything["projects"]) == 4
    assert everything["basics"]["location"] == {"city": "Leeds, UK"}


def test_downloads_need_login(client):
    for path in ("/share/download/resume.json", "/share/download/README.md"):
        assert client.get(path).status_code == 302


# -- Markdown and HTML downloads


def test_markdown_download_is_public_only(user):
    add_full_portfolio(user)
    response = user.client.get("/share/download/README.md")
    assert response.headers["Content-Disposition"] == 'attachment; filename="README.md"'
    text = response.get_data(as_text=True)
    assert "### Stock service for a bakery chain ★" in text
    assert "Food bank rota" in text
    assert "Summer internship" not in text
    assert "Booking API" not in text


def test_html_download_is_one_self_contained_file(user):
    add_full_portfolio(user)
    response = user.client.get("/share/download/portfolio.html")
    assert response.headers["Content-Disposition"] == 'attachment; filename="portfolio.html"'
    html = response.get_data(as_text=True)
    assert "Stock service for a bakery chain" in html
    assert "Summer internship" not in html
    assert "Booking API" not in html
    assert "@media print" in html  # the stylesheet is inline
    # Nothing that would make a browser fetch anything: no stylesheet links, images,
    # scripts with src, frames, fonts or CSS imports; links are only for clicking.
    for tag, attrs in tags_of(html):
        assert tag not in {"link", "img", "iframe", "object", "embed", "base"}
        assert "src" not in attrs
        if tag == "a":
            assert urlsplit(attrs["href"] or "").scheme in {"https", "http", "mailto"}
        if tag == "script":
            assert attrs == {"type": "application/ld+json"}
    assert "@import" not in html
    assert "url(" not in html
    assert "default-src 'none'" in html  # opened from disk, it may fetch nothing


# -- import


def test_round_trip_through_export_and_import_keeps_every_field(user, app):
    add_full_portfolio(user)
    save_details(user, headline="Junior back-end engineer", show_headline="y",
                 bio="I build APIs.\n\nAnd I test them.", location="Leeds, UK",
                 email="ada@example.com", website="https://ada.example",
                 **{"links-0-network": "GitHub", "links-0-url": "https://github.com/ada",
                    "links-0-username": "ada"})  # fmt: skip
    assert {r.kind for r in records_of(app, "ada@example.com")} == set(KINDS)
    exported = user.client.get("/share/download/resume.json?scope=all").data
    user.logout()
    user.register(email="bob@example.com", name="Bob")
    response = import_file(user, exported, include_details="y")
    assert response.status_code == 302
    assert records_of(app, "bob@example.com") == records_of(app, "ada@example.com")
    assert owner_of(app, "bob@example.com") == owner_of(app, "ada@example.com")


def test_importing_the_same_file_twice_creates_no_duplicates(user, app):
    add_full_portfolio(user)
    exported = user.client.get("/share/download/resume.json?scope=all").data
    user.logout()
    user.register(email="bob@example.com", name="Bob")
    assert import_file(user, exported).status_code == 302
    assert project_count(app) == 8
    preview = upload(user, exported).get_data(as_text=True)
    assert "This file adds no new project." in preview
    assert "Already in your portfolio, skipped" in preview
    assert confirm(user, preview).status_code == 302
    assert project_count(app) == 8


#: Two different projects with the same title, kind, organisation and start.
TWINS = [
    {
        "title": "Hackathon entry",
        "kind": "personal",
        "organisation": "HackLeeds",
        "start": "2024-03",
        "end": "2024-03",
        "summary": "Team A: a chat bot.",
        "technologies": "python",
        "public": "y",
    },
    {
        "title": "Hackathon entry",
        "kind": "personal",
        "organisation": "HackLeeds",
        "start": "2024-03",
        "ongoing": "y",
        "role": "Team lead",
        "summary": "Team B: a game.",
        "description": "Built in *one* weekend.\n",
        "highlights": "Won the audience prize",
        "source_url": "https://git.example.com/game",
        "technologies": "Godot",
        "featured": "y",
    },
]


def test_projects_sharing_title_kind_organisation_and_start_survive_a_round_trip(user, app):
    for fields in TWINS:
        assert user.add_project(**fields).status_code == 302
    ada = records_of(app, "ada@example.com")
    assert len(ada) == 2 and ada[0] != ada[1]
    exported = user.client.get("/share/download/resume.json?scope=all").data
    user.logout()
    user.register(email="bob@example.com", name="Bob")

    preview = upload(user, exported).get_data(as_text=True)
    assert "Importing this file adds 2 projects" in preview
    assert confirm(user, preview).status_code == 302
    bob = records_of(app, "bob@example.com")
    assert sorted(bob, key=repr) == sorted(ada, key=repr)

    preview = upload(user, exported).get_data(as_text=True)
    assert "This file adds no new project." in preview
    assert confirm(user, preview).status_code == 302
    assert sorted(records_of(app, "bob@example.com"), key=repr) == sorted(ada, key=repr)


def test_import_counts_each_natural_key_against_the_portfolio(user, app):
    # The service behind both the web import and the API: a file holding N projects
    # with one key, into a portfolio holding M of them, creates max(0, N - M).
    for fields in TWINS:
        assert user.add_project(**fields).status_code == 302
    exported = user.client.get("/share/download/resume.json?scope=all").data
    user.logout()
    user.register(email="bob@example.com", name="Bob")
    assert user.add_project(**TWINS[1]).status_code == 302
    with app.app_context():
        bob = db.session.scalar(select(User).where(User.email == "bob@example.com"))
        preview = service.plan_import(bob, exported)
        assert [p.summary for p in preview.new] == ["Team A: a chat bot."]
        assert [p.summary for p in preview.present] == ["Team B: a game."]
        assert service.apply_import(bob, preview.plan).created == 1
        again = service.plan_import(bob, exported)
        assert (len(again.new), len(again.present)) == (0, 2)
        result = service.apply_import(bob, again.plan)
        assert (result.created, result.skipped) == (0, 2)
    bob, ada = records_of(app, "bob@example.com"), records_of(app, "ada@example.com")
    assert sorted(bob, key=repr) == sorted(ada, key=repr)


def test_no_file_within_the_import_limit_reaches_the_project_cap():
    # The tersest entry that yields a project, with its comma: a file within the limit
    # cannot hold MAX_PROJECTS of them, so nothing is ever cut for being too many.
    assert jsonresume.MAX_PROJECTS * len(b'{"name":"x"},') > service.IMPORT_MAX_BYTES


def test_preview_says_how_many_projects_the_cap_left_out(user, app, monkeypatch):
    monkeypatch.setattr(jsonresume, "MAX_PROJECTS", 2)
    resume = {"projects": [{"name": f"Project {n}", "startDate": "2024"} for n in range(5)]}
    html = upload(user, json.dumps(resume)).get_data(as_text=True)
    assert "Importing this file adds 2 projects" in html
    assert ("projects[2] and later entries: 3 projects not imported, "
            "an import holds at most 2 projects") in html  # fmt: skip


def test_preview_lists_new_projects_and_creates_nothing(user, app):
    add_full_portfolio(user)
    exported = user.client.get("/share/download/resume.json?scope=all").data
    user.logout()
    user.register(email="bob@example.com", name="Bob")
    response = upload(user, exported)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Importing this file adds 4 projects" in html
    # Which projects arrive public: the two Ada had made public, and how many.
    assert "2 will be public on your shared page" in html
    assert preview_rows(html) == {
        "Stock service for a bakery chain": "Public",
        "Summer internship": "Private",
        "Food bank rota": "Public",
        "Booking API": "Private",
    }
    assert "Not imported" not in html
    assert project_count(app) == 4


def preview_rows(html_text: str) -> dict[str, str]:
    """Return each project the preview will create, with its shared-page marker."""
    rows = re.findall(
        r'<tr><td>([^<]*)</td>.*?<span class="badge[^"]*">(Public|Private)</span></td></tr>',
        html_text,
    )
    return {html.unescape(title): marker for title, marker in rows}


def refused_entries(html_text: str) -> dict[str, list[str]]:
    """Return each entry the preview says it cannot import, with its reasons."""
    section = html_text.split('<ul class="refused">', 1)[1].split("<form", 1)[0]
    found: dict[str, list[str]] = {}
    for where, body in re.findall(r"<li><strong>([^<]+)</strong>(.*?)</ul>", section, re.S):
        found[where] = [
            html.unescape(reason) for reason in re.findall(r"<li>(.*?) <span", body, re.S)
        ]
    return found


#: One entry for each thing the project rules refuse, however it arrives.
REFUSED_CASES = [
    ({"name": "Backwards", "startDate": "2024-05", "endDate": "2024-01"},
     f"end: {rules.END_BEFORE_START}"),
    ({"name": "Undated"}, f"start: {rules.START_REQUIRED}"),
    ({"name": "Long tag", "startDate": "2024", "keywords": ["x" * 70]},
     f"technologies: {rules.TECHNOLOGY_TOO_LONG}"),
    ({"name": "Bracket 1", "startDate": "2024", "url": "http://[::1"},
     f"live_url: {rules.WEB_ADDRESS_UNREADABLE}"),
    ({"name": "Bracket 2", "startDate": "2024", "url": "https://a]b.com"},
     f"live_url: {rules.WEB_ADDRESS_UNREADABLE}"),
    ({"name": "Bracket 3", "startDate": "2024", "url": "http://]"},
     f"live_url: {rules.WEB_ADDRESS_UNREADABLE}"),
    ({"name": "C0 \x01 one", "startDate": "2024"}, f"title: {rules.control_character(chr(1))}"),
    ({"name": "Escape", "startDate": "2024", "entity": "Ac\x1bme"},
     f"organisation: {rules.control_character(chr(0x1B))}"),
    ({"name": "C1", "startDate": "2024", "highlights": ["Next\x85line"]},
     f"highlights: {rules.control_character(chr(0x85))}"),
    ({"name": "Override \u202egnp.exe", "startDate": "2024"},
     f"title: {rules.direction_override(chr(0x202E))}"),
]  # fmt: skip


def test_preview_lists_each_refused_entry_with_the_rules_message(user, app):
    accepted = [
        {"name": "Straße", "startDate": "2024-03", "url": "https://ß.de/"},
        {"name": "Shop", "startDate": "2023", "x-portfolio": {"public": True}},
    ]
    resume = {"projects": [case for case, _ in REFUSED_CASES] + accepted}
    response = upload(user, json.dumps(resume))
    assert response.status_code == 200
    page = response.get_data(as_text=True)

    assert "Importing this file adds 2 projects" in page
    assert "1 will be public on your shared page" in page
    assert preview_rows(page) == {"Straße": "Private", "Shop": "Public"}
    assert f"Not imported: {len(REFUSED_CASES)} entries the project rules refuse" in page
    assert refused_entries(page) == {
        f"projects[{n}]": [reason] for n, (_, reason) in enumerate(REFUSED_CASES)
    }
    # The refused titles are shown, but never their control or direction characters.
    assert "(Override \ufffdgnp.exe)" in page and "\u202e" not in page
    assert "\x01" not in page and "\x85" not in page
    assert "(at projects[0].endDate)" in page
    assert project_count(app) == 0

    response = confirm(user, page)
    assert response.status_code == 302
    flashed = user.client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Imported 2 projects; {len(REFUSED_CASES)} entries could not be imported" in flashed
    records = {r.title: r for r in records_of(app, "ada@example.com")}
    assert set(records) == {"Straße", "Shop"}
    assert records["Straße"].live_url == "https://ß.de/"  # the host kept as written
    assert records["Shop"].public is True


def test_details_the_rules_refuse_are_left_out_with_the_reason(user, app):
    resume = {
        "basics": {
            "name": "Grace Hopper",
            "email": "grace(at)example.com",
            "url": "https://a]b.com",
            "profiles": [
                {"network": "Twitter", "username": "grace"},
                {"network": "GitHub", "url": "https://github.com/grace"},
            ],
        }
    }
    preview = upload(user, json.dumps(resume))
    page = html.unescape(preview.get_data(as_text=True))
    assert f"basics.profiles[0]: left out; url: {rules.LINK_NEEDS_URL}" in page
    assert f"basics.email: left out; {rules.EMAIL_ADDRESS}" in page
    assert f"basics.url: left out; {rules.WEB_ADDRESS_UNREADABLE}" in page
    assert confirm(user, preview.get_data(as_text=True), include_details="y").status_code == 302
    owner = owner_of(app, "ada@example.com")
    assert (owner.name, owner.email, owner.website) == ("Grace Hopper", "", "")
    assert [(link.network, link.url) for link in owner.links] == [
        ("GitHub", "https://github.com/grace")
    ]


def test_details_are_imported_only_when_ticked(user, app):
    resume = {"basics": {"name": "Grace Hopper", "label": "Compiler writer"}}
    assert import_file(user, json.dumps(resume)).status_code == 302
    assert owner_of(app, "ada@example.com").name == ""
    assert import_file(user, json.dumps(resume), include_details="y").status_code == 302
    owner = owner_of(app, "ada@example.com")
    assert (owner.name, owner.headline) == ("Grace Hopper", "Compiler writer")


def test_bad_json_names_the_line_and_column(user, app):
    response = upload(user, '{\n  "basics": {\n    "name": "Ada",,\n  }\n}')
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="file-error">line 3, column 19: is not valid JSON', html)
    assert project_count(app) == 0


def test_schema_error_names_the_place_in_the_file(user):
    response = upload(user, json.dumps({"projects": [{"name": "A"}, {"name": 5}]}))
    assert response.status_code == 422
    assert "projects[1].name: must be text" in response.get_data(as_text=True)


def test_file_over_the_import_limit_gets_a_clear_message(user):
    big = json.dumps({"basics": {"summary": "x" * 500_000}})
    response = upload(user, big)
    assert response.status_code == 422
    assert "is larger than the 400 kB an import allows" in response.get_data(as_text=True)


def test_upload_over_the_request_limit_is_a_clear_413_not_a_500(user):
    # Encoded by hand so the test client keeps the body in memory, not a temp file.
    boundary, body = encode_multipart(
        {"csrf_token": user.token("/share"), "file": FileStorage(BytesIO(b" " * 3_000_000),
                                                                 "resume.json")}
    )  # fmt: skip
    response = user.client.post(
        "/share/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "larger than the 400 kB an import allows" in response.get_data(as_text=True)


def test_missing_file_is_a_field_error(user):
    response = user.post("/share/import", {}, form_path="/share",
                         content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 422
    assert 'id="file-error">Choose a JSON Resume file' in response.get_data(as_text=True)


def test_confirm_checks_the_file_again(user, app):
    response = user.post("/share/import/confirm", {"document": '{"projects": [{"name": 5}]}'},
                         form_path="/share", content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 422
    assert "projects[0].name: must be text" in response.get_data(as_text=True)
    assert project_count(app) == 0


@pytest.mark.parametrize("path", ["/share/import", "/share/import/confirm"])
def test_import_posts_need_a_csrf_token(user, app, path):
    response = user.client.post(path, data={"document": '{"projects": [{"name": "A"}]}'})
    assert response.status_code == 400
    assert project_count(app) == 0


def test_import_is_all_or_nothing(user, app, monkeypatch):
    resume = {"projects": [{"name": f"Project {n}", "startDate": "2024-01"} for n in range(3)]}
    calls = []
    real = service.apply_record

    def fail_on_third(project, record):
        calls.append(record.title)
        if len(calls) == 3:
            raise RuntimeError("database went away")
        real(project, record)

    monkeypatch.setattr(service, "apply_record", fail_on_third)
    with app.app_context():
        owner = db.session.scalar(select(User))
        preview = service.plan_import(owner, json.dumps(resume))
        with pytest.raises(RuntimeError):
            service.apply_import(owner, preview.plan)
    assert project_count(app) == 0


# -- safety in every output


def test_user_text_is_inert_in_every_download(user):
    save_details(user, name=XSS_SCRIPT, headline=XSS_ATTR, show_headline="y")
    user.add_project(title=XSS_SCRIPT, summary=XSS_ATTR, organisation="</script>",
                     highlights="[click](javascript:alert(1))", public="y")  # fmt: skip
    share(user)
    html = user.client.get("/share/download/portfolio.html").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    assert jsonld_of(html)["name"] == XSS_SCRIPT
    markdown = user.client.get("/share/download/README.md").get_data(as_text=True)
    assert "<script>" not in markdown
    assert "<img" not in markdown
    assert "](javascript:" not in markdown
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in markdown
    resume = json.loads(user.client.get("/share/download/resume.json").data)
    assert resume["basics"]["name"] == XSS_SCRIPT  # JSON holds the text as data


def test_the_description_is_in_every_download_and_inert(user):
    user.add_project(title="Booking API", public="y", description=HOSTILE_DESCRIPTION)
    page = user.client.get("/share/download/portfolio.html").get_data(as_text=True)
    main = page[page.index("<main") :]
    assert "Built with <strong>Flask</strong>." in main and "<h5>Approach</h5>" in main
    markdown = user.client.get("/share/download/README.md").get_data(as_text=True)
    assert "Built with **Flask**.\n\n- row locks\n- backups\n\n#### Approach" in markdown
    for text in (main, markdown):
        assert "loud" in text
        for gone in ("<script", "<img", "<b", "<style", "javascript:", "alert(", "display: none",
                     "/share/sharing", "evil.example"):  # fmt: skip
            assert gone not in text, gone
