"""Where a reference shows: the project page, the public page, every download, the score."""

from __future__ import annotations

import io
import json
from datetime import date

from markupsafe import escape
from sqlalchemy import select

from portfolio.extensions import db
from portfolio.models import ReferenceRequest
from tests.reference_helpers import add_project, answer, edit_project, request_link
from tests.test_exports import confirm, upload
from tests.test_public_page import share

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
QUOTES = 'O\'Brien & "Sons"'


def _confirm(user, new_device, project_id: int, **fields):
    response = answer(new_device(), request_link(user, project_id), **fields)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def _set_comment_shown(user, project_id: int) -> None:
    with user.client.application.app_context():
        row_id = db.session.scalar(select(ReferenceRequest.id))
    response = user.post(f"/references/{row_id}/show-comment", form_path=f"/projects/{project_id}")
    assert response.status_code == 302


def _downloads(user) -> dict[str, str]:
    from pypdf import PdfReader

    from tests.pdf_helpers import text_of

    pdf = user.client.get("/share/download/portfolio.pdf")
    assert pdf.status_code == 200
    return {
        "html": user.client.get("/share/download/portfolio.html").get_data(as_text=True),
        "pdf": " ".join(text_of(PdfReader(io.BytesIO(pdf.data))).split()),
        "markdown": user.client.get("/share/download/README.md").get_data(as_text=True),
        "json": user.client.get("/share/download/resume.json").get_data(as_text=True),
    }


def test_a_named_reference_shows_on_the_public_page_and_every_download(user, new_device):
    project_id = add_project(user)
    public = share(user)
    _confirm(user, new_device, project_id, show_name="y", show_comment="y",
             technologies=["Python"])  # fmt: skip
    _set_comment_shown(user, project_id)
    month = date.today().strftime("%B %Y")
    line = f"Confirmed by Jane Smith, Lead developer, Brightwave Digital, {month}"
    page = user.client.get(public).get_data(as_text=True)
    assert line in page
    assert "by a link the owner shared" in page
    assert "Confirms the dates and role, the work described and Python" in page
    assert "Ada built the booking API end to end." in page
    outputs = _downloads(user)
    assert line in outputs["html"] and "Ada built the booking API" in outputs["html"]
    assert line in outputs["pdf"] and "Ada built the booking API" in outputs["pdf"]
    assert line in outputs["markdown"]
    resume = json.loads(outputs["json"])
    (entry,) = resume["references"]
    assert entry["name"] == f"Jane Smith, Lead developer, Brightwave Digital, {month}"
    assert "Ada built the booking API end to end." in entry["reference"]
    (project,) = resume["projects"]
    (structure,) = project["x-references"]
    assert structure["name"] == "Jane Smith" and structure["how"] == "link"
    assert structure["editedSince"] is False
    assert "referee_email" not in outputs["json"] and "My supervisor" not in outputs["json"]
    from jsonschema import validators

    from portfolio.exports.jsonresume.document import load_schema

    schema = load_schema()
    errors = list(validators.validator_for(schema)(schema).iter_errors(resume))
    assert errors == []


def test_the_name_and_comment_show_only_when_allowed(user, new_device):
    project_id = add_project(user)
    public = share(user)
    _confirm(user, new_device, project_id)  # no name, no comment allowed
    page = user.client.get(public).get_data(as_text=True)
    assert "Confirmed by a Lead developer at Brightwave Digital" in page
    assert "Jane Smith" not in page
    assert "Ada built the booking API" not in page
    for text in _downloads(user).values():
        assert "Jane Smith" not in text and "Ada built the booking API" not in text
    # The owner cannot show a comment the referee kept private.
    with user.client.application.app_context():
        row_id = db.session.scalar(select(ReferenceRequest.id))
    user.post(f"/references/{row_id}/show-comment", form_path=f"/projects/{project_id}")
    assert "Ada built the booking API" not in user.client.get(public).get_data(as_text=True)


def test_the_referees_comment_shows_only_once_the_owner_chooses(user, new_device):
    project_id = add_project(user)
    public = share(user)
    _confirm(user, new_device, project_id, show_comment="y")
    assert "Ada built the booking API" not in user.client.get(public).get_data(as_text=True)
    _set_comment_shown(user, project_id)
    assert "Ada built the booking API" in user.client.get(public).get_data(as_text=True)


def test_a_hidden_reference_never_shows_publicly(user, new_device):
    project_id = add_project(user)
    public = share(user)
    _confirm(user, new_device, project_id, show_name="y")
    with user.client.application.app_context():
        row_id = db.session.scalar(select(ReferenceRequest.id))
    user.post(f"/references/{row_id}/hide", form_path=f"/projects/{project_id}")
    assert "Jane Smith" not in user.client.get(public).get_data(as_text=True)
    for text in _downloads(user).values():
        assert "Jane Smith" not in text and "Confirmed by" not in text
    user.post(f"/references/{row_id}/show", form_path=f"/projects/{project_id}")
    assert "Jane Smith" in user.client.get(public).get_data(as_text=True)


def test_a_deleted_reference_is_gone(user, new_device):
    project_id = add_project(user)
    public = share(user)
    _confirm(user, new_device, project_id, show_name="y")
    with user.client.application.app_context():
        row_id = db.session.scalar(select(ReferenceRequest.id))
    user.post(f"/references/{row_id}/delete", form_path=f"/projects/{project_id}")
    assert "Jane Smith" not in user.client.get(public).get_data(as_text=True)
    assert "No references yet" in user.client.get(f"/projects/{project_id}").get_data(as_text=True)


def test_an_edit_of_a_confirmed_field_flags_the_reference_everywhere(user, new_device):
    project_id = add_project(user)
    public = share(user)
    _confirm(user, new_device, project_id, show_name="y", technologies=["Flask"])
    # A change to something not confirmed (the description) flags nothing.
    assert edit_project(user, project_id, description="More words.").status_code == 302
    assert "Edited since confirmed" not in user.client.get(public).get_data(as_text=True)
    assert edit_project(user, project_id, role="Lead developer",
                        technologies="Python").status_code == 302  # fmt: skip
    owner = user.client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "Edited since confirmed" in owner
    assert "Role changed from “Back-end intern” to “Lead developer”" in owner
    assert "Flask removed from the technologies" in owner
    assert "no longer counts in your score" in owner
    page = user.client.get(public).get_data(as_text=True)
    assert "Edited since confirmed" in page and "Flask removed" in page
    outputs = _downloads(user)
    for name in ("html", "pdf", "markdown"):
        assert "Edited since confirmed" in outputs[name], name
    (structure,) = json.loads(outputs["json"])["projects"][0]["x-references"]
    assert structure["editedSince"] is True
    assert "Flask removed from the technologies" in structure["changes"]


#: Hostile text in "How do you know this work?": a tag that would close the paragraph
#: and open a link, and quotes and an ampersand that must not turn into entities.
RELATIONSHIP = '</p><a href="https://evil.example">I & O\'Neil</a> supervised it'


def test_hostile_referee_text_is_escaped_in_every_output(user, new_device):
    project_id = add_project(user)
    public = share(user)
    _confirm(user, new_device, project_id, show_name="y", show_comment="y",
             name=SCRIPT, job_title=QUOTES, organisation=ATTRIBUTE, relationship=RELATIONSHIP,
             comment=f"{SCRIPT} and {ATTRIBUTE}")  # fmt: skip
    _set_comment_shown(user, project_id)
    pages = {
        "project page": user.client.get(f"/projects/{project_id}").get_data(as_text=True),
        "public page": user.client.get(public).get_data(as_text=True),
    }
    outputs = _downloads(user)
    pages["html download"] = outputs["html"]
    for where, html in pages.items():
        assert SCRIPT not in html, where
        assert "<img src=x" not in html, where
        assert '<a href="https://evil.example"' not in html and "</p><a" not in html, where
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, where
        assert "O&#39;Brien &amp; &#34;Sons&#34;" in html, where
        assert str(escape(RELATIONSHIP)) in html, where
    # The PDF prints every hostile text as the very characters typed: no markup was
    # read out of it (the link's words would stand alone) and no entity was printed.
    pdf = outputs["pdf"]
    month = date.today().strftime("%B %Y")
    assert f"Confirmed by {SCRIPT}, {QUOTES}, {ATTRIBUTE}, {month}" in pdf
    assert f"How they know the work: “{RELATIONSHIP}”" in pdf
    assert f"{SCRIPT} and {ATTRIBUTE}" in pdf
    for entity in ("&lt;", "&gt;", "&amp;", "&#", "&quot;"):
        assert entity not in pdf, entity
    # Markdown: no raw HTML survives.
    for raw in ("<script>", "<img", "</p>", "<a href"):
        assert raw not in outputs["markdown"], raw
    assert "&lt;script&gt;" in outputs["markdown"]
    assert "How they know the work: “&lt;/p&gt;&lt;a href=" in outputs["markdown"]
    # JSON: valid, and the text is data.
    resume = json.loads(outputs["json"])
    (structure,) = resume["projects"][0]["x-references"]
    assert structure["name"] == SCRIPT and structure["organisation"] == ATTRIBUTE
    assert structure["relationship"] == RELATIONSHIP


def test_direction_overrides_from_the_referee_are_refused(user, new_device):
    project_id = add_project(user)
    response = answer(new_device(), request_link(user, project_id),
                      name="Jane \u202eevil", comment="fine \u2066text")  # fmt: skip
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Remove the text-direction character U+202E" in text
    assert "Remove the text-direction character U+2066" in text


def test_a_confirmed_reference_raises_the_score_until_the_project_is_edited(user, new_device):
    from tests.test_readiness import score_on

    def score() -> float:
        page = user.client.get("/readiness/profile/back-end-engineer")
        return score_on(page.get_data(as_text=True))

    project_id = add_project(user)
    before = score()
    _confirm(user, new_device, project_id)
    assert score() > before
    assert edit_project(user, project_id, summary="Something else.").status_code == 302
    assert score() == before


def test_an_import_never_recreates_a_confirmed_reference(user, new_device):
    project_id = add_project(user)
    _confirm(user, new_device, project_id, show_name="y")
    exported = user.client.get("/share/download/resume.json?scope=all").get_data(as_text=True)
    other = new_device()
    other.register(email="eve@example.com", name="Eve")
    preview = upload(other, exported)
    assert preview.status_code == 200, preview.get_data(as_text=True)
    assert "not as confirmed references" in preview.get_data(as_text=True)
    assert confirm(other, preview.get_data(as_text=True)).status_code == 302
    with other.client.application.app_context():
        from portfolio.models import Project

        rows = db.session.scalars(select(ReferenceRequest)).all()
        projects = db.session.scalars(select(Project).order_by(Project.id)).all()
    assert len(rows) == 1  # Ada's own, nothing new
    imported = projects[-1]
    assert "References given elsewhere (not confirmed in this portfolio):" in (imported.description)
    assert "Jane Smith" in imported.description
    page = other.client.get(f"/projects/{imported.id}").get_data(as_text=True)
    assert "No references yet" in page


def test_the_readiness_page_explains_what_a_reference_adds(user, new_device):
    project_id = add_project(user)
    page = user.client.get("/readiness/profile/back-end-engineer").get_data(as_text=True)
    assert "Proof from references" not in page
    assert "a reference confirmed by someone who saw the work adds the most" in page
    _confirm(user, new_device, project_id)
    page = user.client.get("/readiness/profile/back-end-engineer").get_data(as_text=True)
    assert "Booking API</a>: a confirmed reference, by a link you shared: proof +0.2" in page
    assert edit_project(user, project_id, role="Lead").status_code == 302
    page = user.client.get("/readiness/profile/back-end-engineer").get_data(as_text=True)
    assert "its reference was edited since confirmed, so it adds nothing" in page


def test_references_cost_one_query_per_list_not_one_per_project(app, user, new_device):
    from sqlalchemy import event

    def queries(path: str) -> int:
        statements: list[str] = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert user.client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    public = share(user)
    _confirm(user, new_device, add_project(user, title="First"), show_name="y")
    paths = (public, "/readiness/profile/back-end-engineer", "/share/download/README.md")
    one = [queries(path) for path in paths]
    for n in range(4):
        _confirm(user, new_device, add_project(user, title=f"More {n}"), show_name="y")
    assert [queries(path) for path in paths] == one
    assert user.client.get(public).get_data(as_text=True).count("Confirmed by Jane Smith") == 5
