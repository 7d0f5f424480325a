"""JSON Resume export: schema-valid output and the standard's section mapping."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import jsonschema_rs
import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

from portfolio.exports.jsonresume import (
    EXTENSION,
    SCHEMA_VERSION,
    export_uri,
    http_url,
    load_schema,
    to_json_resume,
)
from portfolio.projects.record import KINDS, PortfolioOwner, ProfileLink, ProjectRecord
from portfolio.schemas import rules
from portfolio.technologies.catalogue import CATEGORY_LABELS, get_catalogue

GENERATED = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalogue():
    return get_catalogue()


@pytest.fixture(scope="module")
def validator():
    schema = load_schema()
    checker = FormatChecker()

    # jsonschema only checks "uri" with an optional dependency; this stricter
    # stand-in makes sure the format is really exercised.
    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc) and not any(c.isspace() for c in value)

    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=checker)


@pytest.fixture(scope="module")
def strict_validator():
    # A second, independent implementation that checks "uri" strictly
    # (RFC 3986: ASCII only, no stray "%", no "[" outside the host).
    return jsonschema_rs.validator_for(load_schema(), validate_formats=True)


def canonical(catalogue, raw: str) -> str:
    return catalogue.normalise_tags([raw])[0].name


def full_owner() -> PortfolioOwner:
    return PortfolioOwner(
        name="Ada Lovelace",
        headline="Aspiring back-end engineer",
        bio="I build APIs.\n\nAnd I test them.",
        location="Leeds, UK",
        email="ada@example.com",
        website="https://ada.example.com",
        links=(
            ProfileLink("GitHub", "https://github.com/ada", "ada"),
            ProfileLink("Mastodon", "javascript:alert(1)", "ada@example.social"),
        ),
    )


def full_projects(catalogue) -> list[ProjectRecord]:
    python = canonical(catalogue, "python")
    postgres = canonical(catalogue, "postgres")
    return [
        ProjectRecord(
            title="Payments API",
            kind="paid",
            organisation="Acme Ltd",
            role="Back-end developer",
            start=date(2023, 1, 1),
            end=date(2024, 6, 1),
            summary="Rebuilt the payments API.",
            description="# Payments\n\nMoved *everything* to PostgreSQL.",
            highlights=("Cut p95 latency by 40%", "Zero-downtime migration"),
            live_url="https://pay.example.com",
            source_url="https://git.example.com/pay",
            technologies=(python, postgres, "Homegrown Queue"),
            public=True,
            featured=True,
            id=7,
        ),
        ProjectRecord(
            title="Data pipeline",
            kind="internship",
            organisation="Initech",
            role="Intern",
            start=date(2022, 6, 1),
            end=date(2022, 9, 1),
            summary="Summer placement on the data team.",
            technologies=(python,),
            public=True,
            id=8,
        ),
        ProjectRecord(
            title="Food bank rota",
            kind="volunteer",
            organisation="Leeds Food Bank",
            role="Volunteer developer",
            start=date(2021, 3, 1),
            ongoing=True,
            summary="Rota app for volunteers.",
            highlights=("Used weekly by 60 volunteers",),
            live_url="javascript:alert(1)",
            technologies=(postgres,),
            id=9,
        ),
        ProjectRecord(
            title="Dotfiles",
            kind="personal",
            summary="",
            id=None,
        ),
        ProjectRecord(
            title="Café finder",
            kind="personal",
            live_url="https://café.example/menü?q=[1]&pct=%zz",
            source_url="https://git.example.com/caf%C3%A9",
        ),
    ]


def test_empty_portfolio_is_valid(catalogue, validator, strict_validator) -> None:
    resume = to_json_resume(PortfolioOwner(name=""), [], catalogue, generated=GENERATED)

    validator.validate(resume)
    strict_validator.validate(resume)
    assert resume["basics"] == {}
    assert "projects" not in resume
    assert "work" not in resume
    assert "skills" not in resume


def test_full_portfolio_is_valid_and_survives_json(catalogue, validator, strict_validator) -> None:
    resume = to_json_resume(full_owner(), full_projects(catalogue), catalogue, generated=GENERATED)

    validator.validate(resume)
    strict_validator.validate(resume)
    validator.validate(json.loads(json.dumps(resume)))
    assert {p[EXTENSION]["kind"] for p in resume["projects"]} == set(KINDS)


def test_schema_rejects_what_the_exporter_must_avoid(validator) -> None:
    # Guards the validator fixture itself: it really checks formats and dates.
    assert not validator.is_valid({"basics": {"email": ""}})
    assert not validator.is_valid({"basics": {"url": ""}})
    assert not validator.is_valid({"projects": [{"startDate": "2023-1"}]})


def test_basics_come_from_the_owner(catalogue) -> None:
    basics = to_json_resume(full_owner(), [], catalogue, generated=GENERATED)["basics"]

    assert basics == {
        "name": "Ada Lovelace",
        "label": "Aspiring back-end engineer",
        "email": "ada@example.com",
        "url": "https://ada.example.com",
        "summary": "I build APIs.\n\nAnd I test them.",
        "location": {"city": "Leeds, UK"},
        "profiles": [
            {"network": "GitHub", "username": "ada", "url": "https://github.com/ada"},
            # The javascript: URL is dropped; the rest of the profile stays.
            {"network": "Mastodon", "username": "ada@example.social"},
        ],
    }


def test_hidden_owner_fields_are_omitted_not_empty(catalogue, validator) -> None:
    owner = PortfolioOwner(name="Ada", email="", website="", location="")
    resume = to_json_resume(owner, [], catalogue, generated=GENERATED)

    validator.validate(resume)
    assert resume["basics"] == {"name": "Ada"}


def test_invalid_email_and_website_are_left_out(catalogue, validator) -> None:
    owner = PortfolioOwner(name="Ada", email="not an email", website="ftp://example.com")
    resume = to_json_resume(owner, [], catalogue, generated=GENERATED)

    validator.validate(resume)
    assert resume["basics"] == {"name": "Ada"}


def test_every_project_is_exported_with_standard_fields(catalogue) -> None:
    projects = full_projects(catalogue)
    resume = to_json_resume(full_owner(), projects, catalogue, generated=GENERATED)

    assert [p["name"] for p in resume["projects"]] == [p.title for p in projects]
    paid = resume["projects"][0]
    assert paid["description"] == "Rebuilt the payments API."
    assert paid["highlights"] == ["Cut p95 latency by 40%", "Zero-downtime migration"]
    assert paid["keywords"] == list(projects[0].technologies)
    assert paid["startDate"] == "2023-01"
    assert paid["endDate"] == "2024-06"
    assert paid["url"] == "https://pay.example.com"
    assert paid["roles"] == ["Back-end developer"]
    assert paid["entity"] == "Acme Ltd"
    assert paid["type"] == "paid"
    assert paid[EXTENSION] == {
        "key": "project-7",
        "id": 7,
        "kind": "paid",
        "summary": "Rebuilt the payments API.",
        "descriptionMarkdown": "# Payments\n\nMoved *everything* to PostgreSQL.",
        "sourceUrl": "https://git.example.com/pay",
        "public": True,
        "featured": True,
        "ongoing": False,
    }


def test_empty_project_fields_are_omitted(catalogue) -> None:
    resume = to_json_resume(
        PortfolioOwner(name="Ada"), full_projects(catalogue), catalogue, generated=GENERATED
    )
    dotfiles = resume["projects"][3]

    assert set(dotfiles) == {"name", "type", EXTENSION}
    assert dotfiles[EXTENSION]["key"] == "index-3"


def test_urls_are_written_as_strict_uris_and_kept_exactly(catalogue) -> None:
    resume = to_json_resume(full_owner(), full_projects(catalogue), catalogue, generated=GENERATED)
    cafe = resume["projects"][4]

    assert cafe["url"] == "https://xn--caf-dma.example/men%C3%BC?q=%5B1%5D&pct=%25zz"
    # The exact original rides along so an import restores it unchanged.
    assert cafe[EXTENSION]["liveUrl"] == "https://café.example/menü?q=[1]&pct=%zz"
    assert "liveUrl" not in resume["projects"][0][EXTENSION]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a?b=c#d", "https://example.com/a?b=c#d"),
        ("  https://example.com  ", "https://example.com"),
        ("https://example.com/%C3%A9", "https://example.com/%C3%A9"),
        ('https://example.com/a|b"c', "https://example.com/a%7Cb%22c"),
        ("https://Bücher.de:8080/", "https://xn--bcher-kva.de:8080/"),
        # IDNA 2008, non-transitional: the same host. IDNA 2003 wrote ss.de, another one.
        ("https://ß.de/", "https://xn--zca.de/"),
        ("https://straße.de/", "https://xn--strae-oqa.de/"),
        ("https://faß.de:8443/ß", "https://xn--fa-hia.de:8443/%C3%9F"),
        ("http://[::1]:8000/x", "http://[::1]:8000/x"),
        ("javascript:alert(1)", ""),
        ("https://exa mple.com", ""),
        ("mailto:ada@example.com", ""),
        ("", ""),
        # Whatever the web-address rule refuses is never written.
        ("http://[::1", ""),
        ("https://a]b.com", ""),
        ("http://]", ""),
        ("https://ada:secret@example.com", ""),
        ("https://example.com/\u202egnp.exe", ""),
        ("https://example.com/a\x85b", ""),
    ],
)
def test_export_uri(url: str, expected: str) -> None:
    assert export_uri(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com",
        " https://ß.de/ ",
        "http://[::1]:8000/x",
        "http://[::1",
        "https://a]b.com",
        "http://]",
        "https://example.com:port/",
        "https://ada:secret@example.com",
        "https://exa mple.com",
        "https://example.com/\x01",
        "https://example.com/\u202e",
        "javascript:alert(1)",
        "ftp://example.com",
        "",
    ],
)
def test_http_url_is_the_web_address_rule(url: str) -> None:
    # One rule for every link the app writes: the forms', the API's and the exports'.
    if rules.is_web_address(url):
        assert http_url(url) == rules.check_web_address(url) == url.strip()
    else:
        assert http_url(url) == ""


def test_an_internationalised_host_is_exported_as_the_same_host(catalogue) -> None:
    project = ProjectRecord(
        title="Straße", kind="personal", start=date(2024, 3, 1), live_url="https://ß.de/"
    )
    owner = PortfolioOwner(
        name="Ada", website="https://ß.de/", links=(ProfileLink("Blog", "https://faß.de/"),)
    )
    resume = to_json_resume(owner, [project], catalogue, generated=GENERATED)

    assert resume["basics"]["url"] == "https://xn--zca.de/"
    assert resume["basics"]["profiles"] == [{"network": "Blog", "url": "https://xn--fa-hia.de/"}]
    (entry,) = resume["projects"]
    assert entry["url"] == "https://xn--zca.de/"
    assert entry[EXTENSION]["liveUrl"] == "https://ß.de/"  # as typed
    assert "ss.de" not in json.dumps(resume)


def test_javascript_urls_are_never_exported(catalogue) -> None:
    resume = to_json_resume(full_owner(), full_projects(catalogue), catalogue, generated=GENERATED)

    assert "javascript:" not in json.dumps(resume)
    assert "url" not in resume["projects"][2]


def test_paid_work_and_internships_go_to_work(catalogue) -> None:
    resume = to_json_resume(full_owner(), full_projects(catalogue), catalogue, generated=GENERATED)

    assert resume["work"] == [
        {
            "name": "Acme Ltd",
            "position": "Back-end developer",
            "url": "https://pay.example.com",
            "startDate": "2023-01",
            "endDate": "2024-06",
            "summary": "Rebuilt the payments API.",
            "highlights": ["Cut p95 latency by 40%", "Zero-downtime migration"],
            EXTENSION: {"project": "project-7"},
        },
        {
            "name": "Initech",
            "position": "Intern",
            "startDate": "2022-06",
            "endDate": "2022-09",
            "summary": "Summer placement on the data team.",
            EXTENSION: {"project": "project-8"},
        },
    ]


def test_volunteer_projects_go_to_volunteer(catalogue) -> None:
    resume = to_json_resume(full_owner(), full_projects(catalogue), catalogue, generated=GENERATED)

    assert resume["volunteer"] == [
        {
            "organization": "Leeds Food Bank",
            "position": "Volunteer developer",
            "startDate": "2021-03",
            "summary": "Rota app for volunteers.",
            "highlights": ["Used weekly by 60 volunteers"],
            EXTENSION: {"project": "project-9"},
        }
    ]


def test_work_without_organisation_is_named_after_the_project(catalogue) -> None:
    project = ProjectRecord(title="Freelance site", kind="paid", role="Developer")
    resume = to_json_resume(PortfolioOwner(name="Ada"), [project], catalogue)

    assert resume["work"][0]["name"] == "Freelance site"


def test_skills_are_grouped_by_catalogue_category(catalogue) -> None:
    projects = full_projects(catalogue)
    python = canonical(catalogue, "python")
    postgres = canonical(catalogue, "postgres")
    resume = to_json_resume(full_owner(), projects, catalogue, generated=GENERATED)
    skills = {group["name"]: group["keywords"] for group in resume["skills"]}

    assert CATEGORY_LABELS[catalogue.category_of(python)] == "Languages"
    assert skills["Languages"] == [python]
    assert skills[CATEGORY_LABELS[catalogue.category_of(postgres)]] == [postgres]
    # Uncatalogued technologies are not lost; "Other" comes last.
    assert resume["skills"][-1] == {"name": "Other", "keywords": ["Homegrown Queue"]}
    assert all("level" not in group for group in resume["skills"])
    assert sum(len(g["keywords"]) for g in resume["skills"]) == 3


def test_skills_list_most_used_first(catalogue) -> None:
    python = canonical(catalogue, "python")
    sql = canonical(catalogue, "sql")
    assert catalogue.category_of(sql) == catalogue.category_of(python)
    projects = [
        ProjectRecord(title="A", kind="personal", technologies=(sql, python)),
        ProjectRecord(title="B", kind="personal", technologies=(python,)),
    ]
    resume = to_json_resume(PortfolioOwner(name="Ada"), projects, catalogue)

    assert resume["skills"][0]["keywords"] == [python, sql]


def test_meta_names_the_schema_version_and_time(catalogue) -> None:
    resume = to_json_resume(PortfolioOwner(name="Ada"), [], catalogue, generated=GENERATED)

    assert resume["meta"] == {"version": SCHEMA_VERSION, "lastModified": "2025-03-14T09:26:53"}
    assert SCHEMA_VERSION == "v1.0.0"


def test_last_modified_is_utc(catalogue) -> None:
    from datetime import timedelta, timezone

    local = datetime(2025, 3, 14, 10, 26, 53, tzinfo=timezone(timedelta(hours=1)))
    resume = to_json_resume(PortfolioOwner(name="Ada"), [], catalogue, generated=local)

    assert resume["meta"]["lastModified"] == "2025-03-14T09:26:53"


def test_vendored_schema_is_draft_7() -> None:
    assert load_schema()["$schema"] == "http://json-schema.org/draft-07/schema#"
