"""The catalogue, the user's technologies, role profiles and readiness through the API."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portfolio.extensions import db
from portfolio.models import User
from portfolio.projects.services import user_records
from portfolio.readiness import service
from portfolio.readiness.profiles import profile_from_technologies
from portfolio.readiness.scoring import score_portfolio
from portfolio.schemas import rules
from portfolio.technologies.catalogue import get_catalogue
from tests.api.api_helpers import new_project


def test_catalogue_search_by_alias_and_name(api):
    found = api.get("/api/v1/technologies?q=postgres").get_json()
    assert found["items"][0]["name"] == "PostgreSQL"
    assert found["items"][0]["category"] == "database"
    assert "postgres" in [a.lower() for a in found["items"][0]["aliases"]]
    names = [t["name"] for t in api.get("/api/v1/technologies?q=java").get_json()["items"]]
    assert names[0] == "Java"


def test_catalogue_without_query_lists_in_order_up_to_limit(api):
    page = api.get("/api/v1/technologies?limit=500").get_json()
    assert page["total"] == len(get_catalogue())
    assert len(api.get("/api/v1/technologies").get_json()["items"]) == 20


def test_catalogue_search_with_no_match_or_bad_limit(api):
    assert api.get("/api/v1/technologies?q=zzzzqqq").get_json() == {"items": [], "total": 0}
    assert api.get("/api/v1/technologies?limit=0").status_code == 422
    assert api.get("/api/v1/technologies?q=" + "x" * 61).status_code == 422


def test_my_technologies_are_counted(api):
    new_project(api, technologies=["py", "Flask"])
    new_project(api, title="Two", technologies=["Python", "Own thing"])
    usage = api.get("/api/v1/me/technologies").get_json()["items"]
    assert usage[0] == {"name": "Python", "projects": 2, "category": "language"}
    assert {"name": "Own thing", "projects": 1, "category": None} in usage


def test_my_technologies_exclude_other_users(api, bob_api):
    new_project(bob_api, technologies=["Rust"])
    assert api.get("/api/v1/me/technologies").get_json() == {"items": []}


def test_profiles_list_and_get(api):
    items = api.get("/api/v1/profiles").get_json()["items"]
    slugs = [p["slug"] for p in items]
    assert "back-end-engineer" in slugs
    target = [p for p in items if p["target"]]
    assert [p["slug"] for p in target] == ["back-end-engineer"]
    one = api.get("/api/v1/profiles/back-end-engineer").get_json()
    assert one == next(p for p in items if p["slug"] == "back-end-engineer")
    assert one["builtin"] is True and one["requirements"]


def test_unknown_profile_is_404(api):
    for path in ("/api/v1/profiles/nope", "/api/v1/profiles/nope/readiness"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


def test_other_users_custom_profile_is_404(app, api, bob_api):
    with app.app_context():
        bob = db.session.scalar(select(User).where(User.email == "bob@example.com"))
        role = profile_from_technologies("Bob's secret role", ["Rust"], get_catalogue())
        slug = service.save_custom_profile(bob, role).slug
    assert bob_api.get(f"/api/v1/profiles/{slug}").status_code == 200
    assert api.get(f"/api/v1/profiles/{slug}").status_code == 404
    assert api.get(f"/api/v1/profiles/{slug}/readiness").status_code == 404
    assert slug not in [p["slug"] for p in api.get("/api/v1/profiles").get_json()["items"]]


def test_readiness_matches_the_scorer_and_parts_add_up(app, api):
    new_project(api, kind="paid", technologies=["Python", "PostgreSQL", "Flask"],
                live_url="https://a.example", source_url="https://b.example")  # fmt: skip
    body = api.get("/api/v1/profiles/back-end-engineer/readiness").get_json()
    with app.app_context():
        ada = db.session.scalar(select(User).where(User.email == "ada@example.com"))
        profile = service.user_profiles(ada)["back-end-engineer"]
        expected = score_portfolio(user_records(ada), profile, date.today())
    assert body["score"] == expected.display_total > 0
    assert round(sum(p["points"] for p in body["parts"]), 1) == body["score"]
    assert [p["requirement"] for p in body["parts"]] == [r.id for r in profile.requirements]
    assert body["met"] == expected.met_count
    evidence = [e for p in body["parts"] for e in p["evidence"]]
    assert evidence and all(e["project_title"] == "Booking API" for e in evidence)
    assert body["next_steps"] and all(s["gain"] > 0 for s in body["next_steps"])


def test_readiness_of_an_empty_portfolio(api):
    body = api.get("/api/v1/profiles/back-end-engineer/readiness").get_json()
    assert body["score"] == 0 and body["met"] == 0
    assert all(p["evidence"] == [] for p in body["parts"])


RANK = "/api/v1/readiness/rank"
ADVERTS = [
    {"title": "Junior PHP developer", "text": "Online shops in PHP and Laravel, on MySQL."},
    {"title": "Python back-end developer", "text": "Python services: Django, PostgreSQL."},
    {"title": "Java engineer", "text": "Spring Boot services on Oracle."},
]


def test_evidence_says_how_it_counts(api):
    new_project(api, kind="paid", technologies=["Laravel", "PostgreSQL"])
    body = api.get("/api/v1/profiles/back-end-engineer/readiness").get_json()
    parts = {p["requirement"]: p for p in body["parts"]}
    (php,) = parts["server-languages"]["evidence"]
    assert (php["reason"], php["credit"]) == ("PHP, from Laravel", "implied")
    (postgres,) = parts["databases"]["evidence"]
    assert postgres["credit"] == "related"
    assert postgres["reason"] == "PostgreSQL, related to MySQL, Oracle or SQL Server"
    assert all(e["credit"] is None for e in parts["experience"]["evidence"])


def test_three_adverts_are_ranked_with_the_held_stack_first_and_reasons(api):
    new_project(api, kind="paid", ongoing=True, live_url="https://b.example",
                technologies=["Python", "Django", "PostgreSQL"])  # fmt: skip
    response = api.post(RANK, json={"adverts": ADVERTS, "profiles": ["back-end-engineer"]})
    assert response.status_code == 200
    body = response.get_json()
    titles = [item["title"] for item in body["items"]]
    assert titles[0] == "Python back-end developer" and titles[-1] == "Java engineer"
    assert [item["rank"] for item in body["items"]] == [1, 2, 3, 4]
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    first = body["items"][0]
    assert first["source"] == "advert" and first["profile"] is None
    assert first["met"] == len(first["met_requirements"]) == 3 and first["requirements"] == 4
    assert first["technologies"] == ["Python", "PostgreSQL", "Django"]
    assert first["biggest_gap"]["points_missing"] > 0
    assert first["next_step"]["text"] and first["next_step"]["gain"] > 0
    saved = next(item for item in body["items"] if item["source"] == "profile")
    assert saved["profile"] == "back-end-engineer" and saved["technologies"] == []
    assert body["unranked"] == [] and body["computed_on"]


def test_ranking_saves_nothing_and_lists_adverts_without_technologies(app, api):
    body = api.post(RANK, json={"adverts": [*ADVERTS, {"title": "Kind team"}]}).get_json()
    assert len(body["items"]) == 3
    (unranked,) = body["unranked"]
    assert (unranked["advert"], unranked["title"]) == (3, "Kind team")
    assert "names no technology" in unranked["reason"]
    assert api.get("/api/v1/profiles").get_json()["items"][-1]["builtin"] is True


@pytest.mark.parametrize(
    ("body", "pointer", "message"),
    [
        ({}, "", rules.NOTHING_TO_RANK),
        ({"adverts": [{"title": " "}]}, "/adverts/0/title", rules.ADVERT_TITLE_REQUIRED),
        ({"adverts": [{"title": "A\nB"}]}, "/adverts/0/title", rules.ONE_LINE),
        ({"adverts": [{"title": "Dev", "pay": 1}]}, "/adverts/0/pay", "Is not an advert field."),
        ({"adverts": [{"title": "Dev"}] * (rules.MAX_ADVERTS + 1)}, "/adverts",
         rules.TOO_MANY_ADVERTS),
        ({"profiles": ["astronaut"]}, "/profiles/0",
         rules.NO_SUCH_PROFILE.format(slug="astronaut")),
        ({"profiles": ["Back End"]}, "/profiles/0", rules.ID_CHARACTERS),
        ({"profiles": "back-end-engineer"}, "/profiles", "Must be an array, not text."),
    ],
    ids=["empty", "blank-title", "two-lines", "unknown-field", "too-many", "not-yours", "bad-slug",
         "not-a-list"],
)  # fmt: skip
def test_bad_rankings_are_problems_with_pointers(api, body, pointer, message):
    response = api.post(RANK, json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert {"pointer": pointer, "message": message} in [
        {"pointer": e["pointer"], "message": e["message"]} for e in errors
    ]


def test_another_user_s_profile_cannot_be_ranked(app, api, bob_api):
    with app.app_context():
        bob = db.session.scalar(select(User).where(User.email == "bob@example.com"))
        slug = service.save_custom_profile(
            bob, profile_from_technologies("Bob's role", ["Rust"], get_catalogue())
        ).slug
    assert bob_api.post(RANK, json={"profiles": [slug]}).status_code == 200
    assert api.post(RANK, json={"profiles": [slug]}).status_code == 422


def test_ranking_needs_a_token_and_json(app, api):
    assert app.test_client().post(RANK, json={"adverts": ADVERTS}).status_code == 401
    assert api.post(RANK, data="adverts", content_type="text/plain").status_code == 415
    assert api.post(RANK, data="{", content_type="application/json").status_code == 400
