"""No duplicate writes: a double-posted project form and concurrent identical imports.

Concurrent requests are threads, each with its own client (and so its own database
session), released together by a barrier. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import json
from collections import Counter

from sqlalchemy import func, select

from portfolio.extensions import db
from portfolio.models import Project
from tests.concurrency import RESUME, at_once
from tests.page_forms import form_values


def _titles(app) -> Counter:
    with app.app_context():
        return Counter(db.session.scalars(select(Project.title)).all())


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Project.id))) or 0


# --- the project form ---------------------------------------------------------------


def _new_project_form(browser) -> dict[str, str]:
    page = browser.client.get("/projects/new").get_data(as_text=True)
    form = form_values(page, having="title")
    form.update(title="Booking API", kind="personal", start="2025-01")
    return form


def test_a_double_posted_project_form_creates_one_project(user, app):
    form = _new_project_form(user)
    first = user.client.post("/projects/new", data=form)
    second = user.client.post("/projects/new", data=form)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(app) == 1
    page = user.client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already" in page


def test_a_form_posted_twice_at_once_creates_one_project(user, app):
    form = _new_project_form(user)
    # One browser sending twice: a second client with the same cookies.
    twin = app.test_client()
    for cookie in user.client._cookies.values():
        twin.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    answers = at_once([lambda c=c: c.post("/projects/new", data=form) for c in (user.client, twin)])
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert _count(app) == 1


def test_each_opened_form_creates_its_own_project(user, app):
    first, second = _new_project_form(user), _new_project_form(user)
    assert first["once"] != second["once"]
    user.client.post("/projects/new", data=first)
    user.client.post("/projects/new", data=second)
    assert _count(app) == 2


# --- imports ------------------------------------------------------------------------


def _confirm_form(browser) -> dict[str, str]:
    page = browser.client.post(
        "/share/import",
        data={
            "csrf_token": browser.token("/share"),
            "file": (io.BytesIO(json.dumps(RESUME).encode()), "resume.json"),
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 200, page.get_data(as_text=True)
    return form_values(page.get_data(as_text=True), having="document")


def test_concurrent_identical_import_confirms_store_the_projects_once(user, new_device, app):
    browsers = [user]
    for _ in range(3):
        browsers.append(new_device())
        browsers[-1].login()
    forms = [_confirm_form(b) for b in browsers]
    answers = at_once([
        lambda b=b, f=f: b.client.post("/share/import/confirm", data=f)
        for b, f in zip(browsers, forms, strict=True)
    ])  # fmt: skip
    assert [a.status_code for a in answers] == [302] * 4
    titles = _titles(app)
    assert sum(titles.values()) == 40 and titles["Project 0"] == 2
