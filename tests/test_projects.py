"""Projects: create, list, filter, show, edit, delete, validation and ownership."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portfolio.extensions import db
from portfolio.models import Project, ProjectTechnology


def listed_titles(client, query: str = "") -> list[str]:
    """Return the titles on the project list, in order."""
    page = client.get(f"/projects/{query}").get_data(as_text=True)
    return re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', page)


def _project_id(response) -> int:
    match = re.search(r"/projects/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def test_create_project_with_every_field(user, client, app):
    response = user.add_project(
        title="Booking API",
        kind="paid",
        organisation="Riverside Physio",
        role="Back-end developer",
        start="2024-03",
        end="2025-01",
        summary="REST API for bookings",
        description="Built with **Flask**.",
        highlights="Cut phone bookings by 40%\n\nShipped in 6 weeks",
        live_url="https://booking.example.com",
        source_url="https://github.com/example/booking",
        technologies="postgres, py, MS SQL, flask",
        public="y",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for text in ("Booking API", "Riverside Physio", "Back-end developer", "Mar 2024 – Jan 2025",
                 "REST API for bookings", "<strong>Flask</strong>", "Cut phone bookings by 40%",
                 "https://booking.example.com", "https://github.com/example/booking",
                 "PostgreSQL", "Python", "SQL Server", "Flask", "Public"):  # fmt: skip
        assert text in page, text
    with app.app_context():
        project = db.session.scalar(select(Project))
        assert project.technology_names == ["PostgreSQL", "Python", "SQL Server", "Flask"]
        assert project.highlights == ["Cut phone bookings by 40%", "Shipped in 6 weeks"]


def test_unknown_tag_is_kept_and_marked_uncatalogued(user, client):
    response = user.add_project(technologies="Python, HomeGrownFramework")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "HomeGrownFramework" in page
    assert "(uncatalogued)" in page


def test_duplicate_tags_are_stored_once(user, app):
    user.add_project(technologies="postgres, PostgreSQL, psql, Python, python3")
    with app.app_context():
        names = db.session.scalars(select(ProjectTechnology.name)).all()
        assert sorted(names) == ["PostgreSQL", "Python"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "Give the project a title."),
        ({"kind": ""}, "Choose what kind of project this was: personal, volunteer"),
        ({"kind": "hobby"}, "Choose what kind of project this was: personal, volunteer"),
        ({"start": ""}, "Enter the month the project started"),
        ({"start": "March"}, "Enter a month like 2025-03."),
        ({"start": "2025-03", "end": "2024-01"}, "The end cannot be before the start."),
        ({"end": "2025-06", "ongoing": "y"}, "An ongoing project has no end"),
        ({"live_url": "javascript:alert(1)"}, "starting with http:// or https://"),
        ({"source_url": "ftp://example.com/x"}, "starting with http:// or https://"),
        ({"summary": "x" * 301}, "Keep this to 300 characters or fewer (it has 301)."),
        ({"highlights": "\n".join(["h"] * 21)}, "Keep to 20 highlights or fewer."),
        ({"technologies": ",".join(f"t{i}" for i in range(31))}, "Keep to 30 technologies"),
        ({"technologies": "\n".join(f"t{i}" for i in range(31))}, "Keep to 30 technologies"),
    ],
)
def test_validation_messages_next_to_fields(user, app, fields, message):
    response = user.add_project(**fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Project.id))) == 0


def test_list_is_newest_first_with_counts(user, client):
    user.add_project(title="Old", start="2020-01", end="2020-05")
    user.add_project(title="Current", start="2023-01", ongoing="y", kind="paid")
    user.add_project(title="Recent", start="2024-01", end="2024-06", kind="volunteer")
    assert listed_titles(client) == ["Current", "Recent", "Old"]
    page = client.get("/projects/").get_data(as_text=True)
    assert re.search(r"Personal project <span class=\"count\">1</span>", page)
    assert re.search(r"Paid work <span class=\"count\">1</span>", page)


def test_filter_by_kind_and_technology(user, client):
    user.add_project(title="Alpha", kind="paid", technologies="PHP, MySQL")
    user.add_project(title="Beta", kind="personal", technologies="Python")
    user.add_project(title="Gamma", kind="paid", technologies="python3")
    assert sorted(listed_titles(client, "?kind=paid")) == ["Alpha", "Gamma"]
    assert sorted(listed_titles(client, "?technology=py")) == ["Beta", "Gamma"]
    assert listed_titles(client, "?kind=paid&technology=Python") == ["Gamma"]


def test_java_filter_does_not_match_javascript(user, client):
    user.add_project(title="Frontend thing", technologies="JavaScript")
    assert listed_titles(client, "?technology=Java") == []
    page = client.get("/projects/?technology=Java").get_data(as_text=True)
    assert "No projects match this filter." in page


def test_empty_state(user, client):
    page = client.get("/projects/").get_data(as_text=True)
    assert "No projects yet: add your first." in page


def test_edit_project(user, client, app):
    project_id = _project_id(user.add_project(technologies="PHP"))
    form = client.get(f"/projects/{project_id}/edit").get_data(as_text=True)
    assert 'value="PHP"' in form
    response = user.post(
        f"/projects/{project_id}/edit",
        {"title": "Renamed", "kind": "internship", "start": "2024-02", "ongoing": "y",
         "technologies": "Ruby, RoR"},
    )  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        project = db.session.get(Project, project_id)
        assert project.title == "Renamed"
        assert project.kind == "internship"
        assert project.ongoing and project.end is None
        assert project.technology_names == ["Ruby", "Ruby on Rails"]


def test_failed_edit_keeps_saved_data(user, app):
    project_id = _project_id(user.add_project(title="Keep me"))
    response = user.post(f"/projects/{project_id}/edit", {"title": "", "kind": "paid"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Project, project_id).title == "Keep me"


def test_delete_needs_confirmation_then_post(user, client, app):
    project_id = _project_id(user.add_project())
    confirm = client.get(f"/projects/{project_id}/delete")
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Project, project_id) is not None
    response = user.post(f"/projects/{project_id}/delete")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Project, project_id) is None
        assert db.session.scalar(select(func.count(ProjectTechnology.id))) == 0


def test_delete_without_csrf_is_refused(user, client, app):
    project_id = _project_id(user.add_project())
    assert client.post(f"/projects/{project_id}/delete").status_code == 400
    with app.app_context():
        assert db.session.get(Project, project_id) is not None


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("get", "/edit"), ("post", "/edit"), ("get", "/delete"), ("post", "/delete")],
)
def test_other_users_project_is_404(auth, client, app, method, suffix):
    auth.register(email="owner@example.com")
    project_id = _project_id(auth.add_project(title="Owner's secret project"))
    auth.logout()
    auth.register(email="intruder@example.com")
    if method == "get":
        response = client.get(f"/projects/{project_id}{suffix}")
    else:
        response = auth.post(
            f"/projects/{project_id}{suffix}",
            {"title": "Hijacked", "kind": "paid", "start": "2025-01"},
            form_path="/projects/new",
        )
    assert response.status_code == 404
    assert "Owner&#39;s secret project" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Project, project_id).title == "Owner's secret project"


def test_missing_project_is_404_page(user, client):
    response = client.get("/projects/999999")
    assert response.status_code == 404
    assert "There is nothing here" in response.get_data(as_text=True)


def test_user_text_is_escaped_and_markdown_sanitised(user, client):
    response = user.add_project(
        title='<script>alert("t")</script>',
        summary='"><img src=x onerror=alert(1)>',
        description="<script>alert(2)</script>\n\n[click](javascript:alert(3)) **ok**",
        highlights="<b>bold?</b>",
        technologies="<svg onload=alert(4)>",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "javascript:alert" not in page
    assert "<svg onload" not in page
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in page
    assert "<strong>ok</strong>" in page
    listing = client.get("/projects/").get_data(as_text=True)
    assert "<script>alert" not in listing and "<svg onload" not in listing


def test_technologies_page_counts_projects(user, client):
    user.add_project(title="A", technologies="Python, Flask")
    user.add_project(title="B", technologies="python3, MyOwnTool")
    page = client.get("/technologies/").get_data(as_text=True)
    assert re.search(r'technology=Python">Python</a></td>\s*<td>Languages</td>\s*'
                     r'<td class="num">2</td>', page)  # fmt: skip
    assert "MyOwnTool" in page and "uncatalogued" in page


def test_suggestions_match_names_and_aliases(user, client):
    assert "PostgreSQL" in client.get("/technologies/suggest?q=postg").get_json()
    assert client.get("/technologies/suggest?q=").get_json() == []


def test_catalogue_search_works_without_js(user, client):
    page = client.get("/technologies/catalogue?q=golang").get_data(as_text=True)
    assert "<td>Go</td>" in page
