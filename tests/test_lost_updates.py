"""No lost updates: every change bumps a project's version, and a stale edit form is refused.

Two "tabs" are two clients logged in as the same person, each holding the edit form it
opened. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from portfolio.extensions import db
from portfolio.models import Project
from portfolio.schemas import rules
from tests.page_forms import form_values


def _stored(app, project_id: int) -> Project:
    with app.app_context():
        project = db.session.scalar(select(Project).where(Project.id == project_id))
        assert project is not None
        project.technology_names  # noqa: B018  (load them before the session closes)
        db.session.expunge(project)
        return project


def _new_project(user, **fields) -> int:
    response = user.add_project(**fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/projects/(\d+)$", response.headers["Location"]).group(1))


def _open_edit_form(client, project_id: int) -> dict[str, str]:
    page = client.get(f"/projects/{project_id}/edit")
    assert page.status_code == 200
    return form_values(page.get_data(as_text=True), having="title")


def test_every_change_bumps_the_version_technologies_included(user, client, app):
    project_id = _new_project(user, technologies="Python")
    first = _stored(app, project_id)
    assert first.version == 1

    form = _open_edit_form(client, project_id)
    response = client.post(
        f"/projects/{project_id}/edit", data={**form, "technologies": "Python, Redis"}
    )
    assert response.status_code == 302
    second = _stored(app, project_id)
    assert second.technology_names == ["Python", "Redis"]
    assert second.version == 2
    assert second.updated_at > first.updated_at

    form = _open_edit_form(client, project_id)
    client.post(f"/projects/{project_id}/edit", data={**form, "summary": "Now with a summary"})
    assert _stored(app, project_id).version == 3


def test_saving_an_unchanged_form_keeps_the_version(user, client, app):
    project_id = _new_project(user, technologies="Python")
    form = _open_edit_form(client, project_id)
    assert client.post(f"/projects/{project_id}/edit", data=form).status_code == 302
    assert _stored(app, project_id).version == 1


def test_a_save_over_a_newer_version_is_refused_with_what_changed(user, new_device, app):
    project_id = _new_project(user, title="Booking API", summary="First summary")
    tab_a, tab_b = user.client, new_device()
    tab_b.login()
    form_a = _open_edit_form(tab_a, project_id)
    form_b = _open_edit_form(tab_b.client, project_id)

    saved = tab_a.post(f"/projects/{project_id}/edit", data={**form_a, "title": "Booking API v2"})
    assert saved.status_code == 302

    typed = {**form_b, "summary": "Typed in tab B", "technologies": "Go"}
    refused = tab_b.client.post(f"/projects/{project_id}/edit", data=typed)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert rules.EDITED_ELSEWHERE in page
    assert "Title" in page and "Booking API v2" in page
    # Tab B's own words are still in the form; tab A's change is taken where B typed nothing.
    shown = form_values(page, having="title")
    assert shown["summary"] == "Typed in tab B"
    assert shown["technologies"] == "Go"
    assert shown["title"] == "Booking API v2"
    stored = _stored(app, project_id)
    assert (stored.title, stored.summary, stored.version) == ("Booking API v2", "First summary", 2)

    # Having seen the change, saving again stores both people's changes.
    again = tab_b.client.post(f"/projects/{project_id}/edit", data=shown)
    assert again.status_code == 302
    stored = _stored(app, project_id)
    assert (stored.title, stored.summary) == ("Booking API v2", "Typed in tab B")
    assert stored.technology_names == ["Go"] and stored.version == 3


def test_a_field_both_tabs_changed_keeps_what_this_tab_typed(user, new_device, app):
    project_id = _new_project(user, summary="First summary")
    tab_b = new_device()
    tab_b.login()
    form_a = _open_edit_form(user.client, project_id)
    form_b = _open_edit_form(tab_b.client, project_id)
    user.client.post(f"/projects/{project_id}/edit", data={**form_a, "summary": "Tab A's words"})

    refused = tab_b.client.post(
        f"/projects/{project_id}/edit", data={**form_b, "summary": "Tab B's words"}
    )
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Summary" in page and "Tab A&#39;s words" in page
    assert form_values(page, having="title")["summary"] == "Tab B's words"
    assert _stored(app, project_id).summary == "Tab A's words"


def test_a_technology_change_elsewhere_also_refuses_a_stale_save(user, new_device, app):
    project_id = _new_project(user, technologies="Python")
    tab_b = new_device()
    tab_b.login()
    form_a = _open_edit_form(user.client, project_id)
    form_b = _open_edit_form(tab_b.client, project_id)
    user.client.post(
        f"/projects/{project_id}/edit", data={**form_a, "technologies": "Python, Redis"}
    )
    refused = tab_b.client.post(f"/projects/{project_id}/edit", data={**form_b, "title": "Renamed"})
    assert refused.status_code == 409
    assert "Technologies" in refused.get_data(as_text=True)
    assert _stored(app, project_id).technology_names == ["Python", "Redis"]


def _open_delete_form(client, project_id: int) -> dict[str, str]:
    page = client.get(f"/projects/{project_id}/delete")
    assert page.status_code == 200
    return form_values(page.get_data(as_text=True), having="version")


def test_a_delete_page_opened_before_an_edit_does_not_delete_the_newer_version(user, client, app):
    project_id = _new_project(user, title="Shop", technologies="PHP")
    delete_form = _open_delete_form(client, project_id)
    assert delete_form["version"] == "1"

    edit_form = _open_edit_form(client, project_id)
    client.post(f"/projects/{project_id}/edit", data={**edit_form, "summary": "Now live"})

    refused = client.post(f"/projects/{project_id}/delete", data=delete_form)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "was changed after this page opened" in page
    assert _stored(app, project_id).summary == "Now live"

    # The page now carries the newer version: confirming again deletes it.
    again = form_values(page, having="version")
    assert again["version"] == "2"
    deleted = client.post(f"/projects/{project_id}/delete", data=again)
    assert deleted.status_code == 302
    with app.app_context():
        assert db.session.get(Project, project_id) is None


def test_a_delete_without_a_version_still_deletes(user, client, app):
    project_id = _new_project(user, title="Old page")
    form = _open_delete_form(client, project_id)
    del form["version"]
    assert client.post(f"/projects/{project_id}/delete", data=form).status_code == 302
    with app.app_context():
        assert db.session.get(Project, project_id) is None
