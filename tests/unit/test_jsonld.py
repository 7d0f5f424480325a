"""schema.org JSON-LD: content, and safe embedding in a script element."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.exports.jsonld import dump_jsonld, person_jsonld
from portfolio.projects.record import PortfolioOwner, ProfileLink, ProjectRecord

PAGE = "https://portfolio.example.com/p/ada"


def owner(**changes) -> PortfolioOwner:
    fields = {
        "name": "Ada Lovelace",
        "headline": "Aspiring back-end engineer",
        "bio": "I build APIs.",
        "location": "Leeds, UK",
        "email": "ada@example.com",
        "website": "https://ada.example.com",
        "links": (
            ProfileLink("GitHub", "https://github.com/ada", "ada"),
            ProfileLink("Evil", "javascript:alert(1)"),
        ),
    }
    fields.update(changes)
    return PortfolioOwner(**fields)


PROJECTS = [
    ProjectRecord(
        title="Payments API",
        kind="paid",
        organisation="Acme Ltd",
        start=date(2023, 1, 1),
        end=date(2024, 6, 1),
        summary="Rebuilt the payments API.",
        live_url="https://pay.example.com",
        source_url="https://git.example.com/pay",
        technologies=("Python", "PostgreSQL"),
        public=True,
    ),
    ProjectRecord(
        title="Rota",
        kind="volunteer",
        start=date(2021, 3, 1),
        ongoing=True,
        live_url="javascript:alert(1)",
        source_url="https://git.example.com/rota",
        technologies=("Python", "Flask"),
        public=True,
    ),
    ProjectRecord(title="Secret", kind="personal", technologies=("Rust",), public=False),
]


def test_person_with_public_projects() -> None:
    data = person_jsonld(owner(), PROJECTS, PAGE)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Person"
    assert data["url"] == PAGE
    assert data["name"] == "Ada Lovelace"
    assert data["description"] == "I build APIs."
    assert data["homeLocation"] == {"@type": "Place", "name": "Leeds, UK"}
    assert data["sameAs"] == ["https://ada.example.com", "https://github.com/ada"]
    assert data["knowsAbout"] == ["Python", "PostgreSQL", "Flask"]
    assert [w["name"] for w in data["workExample"]] == ["Payments API", "Rota"]
    payments, rota = data["workExample"]
    assert payments == {
        "@type": "CreativeWork",
        "name": "Payments API",
        "description": "Rebuilt the payments API.",
        "genre": "Paid work",
        "keywords": ["Python", "PostgreSQL"],
        "dateCreated": "2023-01",
        "temporalCoverage": "2023-01/2024-06",
        "url": "https://pay.example.com",
        "sameAs": "https://git.example.com/pay",
        "sourceOrganization": {"@type": "Organization", "name": "Acme Ltd"},
    }
    # The javascript: live URL is dropped; the source link takes its place.
    assert rota["url"] == "https://git.example.com/rota"
    assert rota["temporalCoverage"] == "2021-03/.."


def test_private_projects_never_appear() -> None:
    text = dump_jsonld(person_jsonld(owner(), PROJECTS, PAGE))

    assert "Secret" not in text
    assert "Rust" not in text


def test_only_http_urls_are_kept() -> None:
    data = person_jsonld(owner(website="javascript:alert(1)", links=()), PROJECTS, "javascript:x")

    assert "url" not in data
    assert "@id" not in data
    assert "sameAs" not in data
    assert "javascript" not in json.dumps(data)


def test_hidden_fields_are_left_out() -> None:
    data = person_jsonld(PortfolioOwner(name="Ada"), [], PAGE)

    assert set(data) == {"@context", "@type", "@id", "url", "name"}


def test_script_end_tag_in_user_text_cannot_close_the_element() -> None:
    nasty = "</script><script>alert(1)</script><!-- & \u2028\u2029"
    project = ProjectRecord(title=nasty, kind="personal", summary=nasty, public=True)
    data = person_jsonld(owner(name=nasty, bio=nasty), [project], PAGE)

    text = dump_jsonld(data)

    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert "\u2028" not in text
    assert "\u2029" not in text
    assert "\\u003c/script\\u003e" in text
    assert json.loads(text) == data


def test_non_ascii_text_stays_readable() -> None:
    text = dump_jsonld({"name": "Zoë 🚀"})

    assert "Zoë 🚀" in text
    assert json.loads(text) == {"name": "Zoë 🚀"}


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None, database=None)
@given(st.dictionaries(st.text(), _json, max_size=5))
def test_dump_round_trips_and_never_contains_markup(data: dict) -> None:
    text = dump_jsonld(data)

    assert json.loads(text) == data
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
