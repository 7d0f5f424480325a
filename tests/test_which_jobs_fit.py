"""Which jobs fit me? Several adverts and saved profiles ranked by readiness, with reasons."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from portfolio.extensions import db
from portfolio.models import CustomProfile, ScoreSnapshot
from portfolio.schemas import rules

PAGE = "/readiness/which-jobs-fit"

ADVERTS = """Junior PHP developer
We build online shops in PHP and Laravel, on MySQL.
---
Python back-end developer
You'll write Python services with Django and PostgreSQL.
---
Java engineer
Spring Boot services on Oracle.
"""


@pytest.fixture
def python_portfolio(user):
    """Ada's portfolio holds the Python advert's stack."""
    user.add_project(
        title="Booking API", kind="paid", start="2026-01", ongoing="y",
        live_url="https://booking.example", technologies="Python, Django, PostgreSQL",
    )  # fmt: skip
    return user


def ranked(html: str) -> list[str]:
    """Return the ranked titles, best first."""
    return [unescape(t) for t in re.findall(r'<li class="fit card">.*?<h3>(.*?) <span', html, re.S)]


def items(html: str) -> list[str]:
    """Return each ranked job's block as plain text."""
    blocks = re.findall(
        r'<li class="fit card">(.*?)</li>\s*(?=<li class="fit card">|</ol>)', html, re.S
    )
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", block)).split()) for block in blocks]


def error_by(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', html, re.S)
    assert match, f"no error by {field_id}"
    return unescape(match.group(1))


def test_three_adverts_are_ranked_with_the_held_stack_first_and_reasons_shown(python_portfolio):
    response = python_portfolio.post(PAGE, {"adverts": ADVERTS})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ranked(html) == ["Python back-end developer", "Junior PHP developer", "Java engineer"]
    scores = [float(s) for s in re.findall(r'class="fit-score">([\d.]+)<', html)]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    first, _, last = items(html)
    assert "Requirements met 3 of 4: Programming languages: Python; Databases: PostgreSQL" in first
    assert "Biggest gap" in first and "points missing" in first
    assert "Next step" in first and "points" in first
    assert "Technologies it names Python, PostgreSQL, Django" in first
    assert "Requirements met 0 of 4 Biggest gap Programming languages: Java" in last
    assert "Next step Build a project with Spring Boot" in last  # it implies Java too


def test_ranking_saves_nothing(python_portfolio, app):
    with app.app_context():
        before = db.session.scalar(select(func.count(ScoreSnapshot.id)))
    python_portfolio.post(PAGE, {"adverts": ADVERTS})
    with app.app_context():
        assert db.session.scalar(select(func.count(CustomProfile.id))) == 0
        assert db.session.scalar(select(func.count(ScoreSnapshot.id))) == before


def test_save_as_profile_keeps_the_advert_s_technologies(python_portfolio, client):
    html = python_portfolio.post(PAGE, {"adverts": ADVERTS}).get_data(as_text=True)
    forms = re.findall(
        r'<form method="post" action="/readiness/profiles/new".*?</form>', html, re.S
    )
    java = next(form for form in forms if 'value="Java engineer"' in form)
    fields = re.findall(r'name="(title|found)" value="([^"]*)"', java)
    data = {"title": "Java engineer", "found": [v for k, v in fields if k == "found"]}
    response = python_portfolio.post("/readiness/profiles/new", data, form_path=PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/readiness/profile/java-engineer")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Spring Boot" in page and "Oracle" in page


def test_saved_profiles_are_ranked_with_the_adverts(python_portfolio):
    html = python_portfolio.post(
        PAGE, {"adverts": ADVERTS, "profiles": ["full-stack-developer", "back-end-engineer"]}
    ).get_data(as_text=True)
    titles = ranked(html)
    assert len(titles) == 5 and titles[0] == "Python back-end developer"
    assert {"Back-end engineer", "Full-stack developer"} <= set(titles)
    assert 'href="/readiness/profile/back-end-engineer"' in html


def test_profiles_alone_can_be_ranked(python_portfolio):
    response = python_portfolio.post(PAGE, {"profiles": ["back-end-engineer"]})
    assert response.status_code == 200
    assert ranked(response.get_data(as_text=True)) == ["Back-end engineer"]


def test_an_advert_naming_no_technology_is_listed_as_not_ranked(python_portfolio):
    pasted = ADVERTS + "---\nFriendly team\nWe value kindness and curiosity.\n"
    html = python_portfolio.post(PAGE, {"adverts": pasted}).get_data(as_text=True)
    assert len(ranked(html)) == 3
    assert "Friendly team: It names no technology from the catalogue" in unescape(html)


def test_nothing_to_rank_says_so_by_the_adverts(user):
    response = user.post(PAGE, {"adverts": "  \n---\n  "})
    assert response.status_code == 422
    assert error_by(response.get_data(as_text=True), "adverts") == rules.NOTHING_TO_RANK


def test_an_over_long_title_is_named_by_its_advert(user):
    pasted = f"PHP developer\nPHP\n---\n{'Senior ' * 30}Python developer\nPython"
    response = user.post(PAGE, {"adverts": pasted})
    assert response.status_code == 422
    message = error_by(response.get_data(as_text=True), "adverts")
    assert message.startswith("Advert 2 (“Senior Senior")
    assert message.endswith(
        rules.too_long(rules.PROFILE_TITLE_MAX, len(("Senior " * 30) + "Python developer"))
    )


def test_too_many_adverts_are_refused(user):
    pasted = "\n---\n".join(f"Python developer {n}\nPython" for n in range(rules.MAX_ADVERTS + 1))
    response = user.post(PAGE, {"adverts": pasted})
    assert response.status_code == 422
    assert error_by(response.get_data(as_text=True), "adverts") == rules.TOO_MANY_ADVERTS


def test_a_profile_that_is_not_yours_is_refused_by_the_profiles(user):
    response = user.post(PAGE, {"profiles": ["astronaut"]})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert error_by(html, "profiles") == rules.NO_SUCH_PROFILE.format(slug="astronaut")


def test_titles_and_text_are_escaped(user):
    response = user.post(PAGE, {"adverts": "<script>alert(1)</script> Python developer\nPython"})
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Python developer" in html


def test_ranking_needs_the_form_s_token(user, client):
    response = client.post(PAGE, data={"adverts": ADVERTS})
    assert response.status_code == 400
    assert "fit card" not in response.get_data(as_text=True)


def test_the_page_is_linked_from_readiness_by_role(user, client):
    assert f'href="{PAGE}"' in client.get("/readiness/").get_data(as_text=True)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Job adverts" in page and "---" in page
