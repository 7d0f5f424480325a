"""Readiness in the app: dashboard, profiles, target, what-if, adverts, history, queries."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from portfolio.extensions import db
from portfolio.models import (
    CustomProfile,
    Project,
    ProjectTechnology,
    ScoreSnapshot,
    User,
    utcnow,
)
from portfolio.readiness.scoring import RULE_CHANGES


def score_on(page: str) -> float:
    match = re.search(r'class="score-value">([\d.]+)<', page)
    assert match, "no score on the page"
    return float(match.group(1))


def test_new_user_sees_zero_and_a_first_step(user, client):
    page = client.get("/dashboard").get_data(as_text=True)
    assert score_on(page) == 0.0
    assert "0 of 8 requirements met" in page
    assert "Build a project with" in page
    assert "No projects yet: add your first." in page


def test_paid_php_mysql_project_raises_score_with_evidence(user, client):
    before = score_on(client.get("/dashboard").get_data(as_text=True))
    user.add_project(title="Shop back office", kind="paid", technologies="PHP, MySQL",
                     start=date.today().strftime("%Y-%m"), ongoing="y",
                     live_url="https://shop.example.com")  # fmt: skip
    page = client.get("/dashboard").get_data(as_text=True)
    assert score_on(page) > before
    explained = client.get("/readiness/profile/back-end-engineer").get_data(as_text=True)
    assert re.search(r"Shop back office</a>: PHP", explained)
    assert re.search(r"Shop back office</a>: MySQL", explained)


def test_profile_page_reads_like_the_source(user, client):
    page = client.get("/readiness/profile/back-end-engineer").get_data(as_text=True)
    assert "Back-end engineer" in page
    assert "£40k - £91k" in page
    assert "37 – 45" in page
    for text in ("PHP, Ruby, Python or Java", "MySQL, Oracle or SQL Server", "JavaScript"):
        assert text in page
    assert "internship" in page.lower()


def test_compare_page_lists_every_profile(user, client):
    page = client.get("/readiness/").get_data(as_text=True)
    assert "Back-end engineer" in page
    assert "Full-stack developer" in page
    assert page.count('class="num"><strong>') == 2


def test_set_target_records_score_and_changes_dashboard(user, client, app):
    response = user.post("/readiness/target", {"profile": "full-stack-developer"},
                         form_path="/readiness/")  # fmt: skip
    assert response.status_code == 302
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Readiness for" in page and "Full-stack developer" in page
    with app.app_context():
        slugs = db.session.scalars(select(ScoreSnapshot.profile_slug)).all()
        assert slugs == ["full-stack-developer"]


def test_unknown_target_is_404(user):
    response = user.post("/readiness/target", {"profile": "astronaut"}, form_path="/readiness/")
    assert response.status_code == 404


def test_unknown_profile_page_is_404(user, client):
    assert client.get("/readiness/profile/astronaut").status_code == 404


def test_history_records_each_change_once(user, client, app):
    user.add_project(title="One", kind="personal", technologies="Python")
    user.add_project(title="Two", kind="paid", technologies="MySQL")
    project_id = int(user.add_project(title="Three", technologies="Ruby")
                     .headers["Location"].rsplit("/", 1)[1])  # fmt: skip
    # Editing a title only does not change the score: no new point.
    user.post(f"/projects/{project_id}/edit", {"title": "Three b", "kind": "personal",
              "start": "2025-01", "technologies": "Ruby"})  # fmt: skip
    with app.app_context():
        scores = db.session.scalars(select(ScoreSnapshot.score).order_by(ScoreSnapshot.id)).all()
    assert len(scores) == 3
    assert scores == sorted(scores)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "<svg" in page and "Score history as a table" in page


def test_what_if_shows_the_new_score(user, client):
    response = client.get(
        "/readiness/profile/back-end-engineer/what-if",
        query_string={"kind": "paid", "technologies": "php, mysql", "live": "y"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    match = re.search(r"from ([\d.]+) to <span class=\"score-value\">([\d.]+)<", page)
    assert match and float(match.group(2)) > float(match.group(1)) == 0.0
    assert "PHP, MySQL" in page


def test_what_if_needs_technologies(user, client):
    response = client.get(
        "/readiness/profile/back-end-engineer/what-if", query_string={"kind": "paid"}
    )
    assert response.status_code == 422
    assert "Name at least one technology." in response.get_data(as_text=True)


def test_what_if_changes_nothing(user, client, app):
    client.get(
        "/readiness/profile/back-end-engineer/what-if",
        query_string={"kind": "paid", "technologies": "PHP"},
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(Project.id))) == 0


ADVERT = """Junior Back-end Developer (Java / Spring Boot)
We're going to grow fast. You'll build reactive services in Java and Spring Boot,
store data in PostgreSQL, and ship with Docker. Some JavaScript is a plus.
You'll go to our stand-ups. Grade C or above in maths. Experience with C# or .NET helps."""


def test_advert_is_scanned_without_false_hits(user):
    response = user.post("/readiness/profiles/from-advert",
                         {"title": "Junior Java developer", "advert": ADVERT})  # fmt: skip
    assert response.status_code == 200
    found = re.findall(r'name="found" value="([^"]+)"', response.get_data(as_text=True))
    assert set(found) >= {"Java", "Spring Boot", "PostgreSQL", "Docker", "JavaScript", "C#", ".NET"}
    for false_hit in ("Go", "React", "C"):
        assert false_hit not in found


def test_confirmed_advert_becomes_a_profile(user, client, app):
    response = user.post(
        "/readiness/profiles/new",
        {"title": "Junior Java developer", "found": ["Java", "PostgreSQL"],
         "technologies": "docker, spring boot"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/readiness/profile/junior-java-developer")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Junior Java developer" in page
    assert "Spring Boot" in page and "Docker" in page
    assert "Junior Java developer" in client.get("/readiness/").get_data(as_text=True)


def test_profile_with_uncatalogued_technology_is_refused(user, app):
    response = user.post("/readiness/profiles/new",
                         {"title": "Odd role", "technologies": "Python, Blorbscript"})  # fmt: skip
    assert response.status_code == 422
    assert "Not in the catalogue, so they cannot be scored: Blorbscript." in (
        response.get_data(as_text=True)
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(CustomProfile.id))) == 0


def test_long_title_saved_twice_gets_a_slug_that_fits(user, client, app):
    title = ("Senior back-end platform engineer " * 4)[:120]
    for _ in range(2):
        response = user.post("/readiness/profiles/new", {"title": title, "technologies": "Python"})
        assert response.status_code == 302
        assert client.get(response.headers["Location"]).status_code == 200
    with app.app_context():
        slugs = db.session.scalars(select(CustomProfile.slug).order_by(CustomProfile.id)).all()
    assert len(slugs) == 2 and slugs[1] == f"{slugs[0]}-2"
    assert all(len(slug) <= 120 for slug in slugs)


def test_other_users_custom_profile_is_404(auth, client):
    auth.register(email="owner@example.com")
    auth.post("/readiness/profiles/new", {"title": "Secret role", "technologies": "Python"})
    auth.logout()
    auth.register(email="other@example.com")
    assert client.get("/readiness/profile/secret-role").status_code == 404
    response = auth.post("/readiness/profile/secret-role/delete", {"profile": "secret-role"},
                         form_path="/readiness/")  # fmt: skip
    assert response.status_code == 404


def test_delete_custom_profile_resets_target(user, client, app):
    user.post("/readiness/profiles/new", {"title": "Mine", "technologies": "Python"})
    user.post("/readiness/target", {"profile": "mine"}, form_path="/readiness/")
    response = user.post("/readiness/profile/mine/delete", {"profile": "mine"},
                         form_path="/readiness/")  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.target_profile)) == "back-end-engineer"


def _add_projects_directly(app, count: int) -> None:
    with app.app_context():
        user = db.session.scalar(select(User))
        for i in range(count):
            project = Project(user_id=user.id, title=f"P{i}", kind="personal",
                              start=date(2024, 1 + i % 12, 1), highlights=[])  # fmt: skip
            project.technologies = [ProjectTechnology(name="Python", position=0),
                                    ProjectTechnology(name="MySQL", position=1)]  # fmt: skip
            db.session.add(project)
        # What the project services do on every change, so caches see a new version.
        user.portfolio_changed_at = utcnow()
        db.session.commit()


def _count_queries(app, client, path: str) -> int:
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize("path", ["/dashboard", "/projects/", "/readiness/"])
def test_query_count_does_not_grow_with_projects(user, client, app, path):
    _add_projects_directly(app, 5)
    few = _count_queries(app, client, path)
    _add_projects_directly(app, 195)
    many = _count_queries(app, client, path)
    assert few == many


def test_implied_evidence_says_where_it_came_from(user, client):
    user.add_project(title="Agency CMS", kind="paid", technologies="Laravel",
                     start=date.today().strftime("%Y-%m"), ongoing="y")  # fmt: skip
    page = client.get("/readiness/profile/back-end-engineer").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "PHP, from Laravel in Agency CMS (56% strength; implied, 80% of named)" in text


def test_related_evidence_is_shown_as_related_with_what_would_count_in_full(user, client):
    user.add_project(title="Booking API", kind="paid", technologies="Python, PostgreSQL",
                     start=date.today().strftime("%Y-%m"), ongoing="y")  # fmt: skip
    page = client.get("/readiness/profile/back-end-engineer").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert (
        "PostgreSQL in Booking API, related to MySQL, Oracle or SQL Server "
        "(35% strength; related, 50% credit)"
    ) in text
    assert "MySQL, Oracle or SQL Server would count in full: PostgreSQL counts 50%, as related" in (
        text
    )
    assert "(your PostgreSQL counts 50%, as related)" in text  # the next step says so too


def test_importing_the_views_wires_nothing_and_the_factory_does(tmp_path):
    # In a fresh interpreter: the signal has no receiver until create_app connects one.
    code = (
        "import portfolio.readiness.views, portfolio.readiness.service\n"
        "from portfolio.projects.services import portfolio_changed as s\n"
        "print(len(s.receivers))\n"
        "from portfolio import create_app\n"
        "create_app({'TESTING': True, 'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
        "create_app({'TESTING': True, 'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
        "print(len(s.receivers))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], check=True)  # fmt: skip
    assert done.stdout.split() == ["0", "1"]


def test_the_dashboard_marks_the_day_the_rules_changed(user, client, app):
    change = RULE_CHANGES[-1]
    with app.app_context():
        ada = db.session.scalar(select(User))
        for days, score in ((-3, 20.0), (2, 31.0)):
            when = datetime.combine(change.day, datetime.min.time()) + timedelta(days=days)
            db.session.add(ScoreSnapshot(user_id=ada.id, profile_slug="back-end-engineer",
                                         score=score, recorded_at=when))  # fmt: skip
        ada.portfolio_changed_at = utcnow()
        db.session.commit()
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'class="rule-change"' in page
    assert f"The scoring rules changed on {change.day:%d %b %Y}" in page
    assert "not from new work" in page
