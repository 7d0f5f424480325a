"""The technology catalogue: its data, lookup, tag normalising and search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio.technologies.catalogue import (
    CATALOGUE_PATH,
    CATEGORIES,
    CATEGORY_LABELS,
    MAX_TAG_LENGTH,
    Catalogue,
    Tag,
    Technology,
    get_catalogue,
)

CATALOGUE = get_catalogue()

REQUIRED_NAMES = [
    "PHP",
    "Ruby",
    "Python",
    "Java",
    "JavaScript",
    "TypeScript",
    "Go",
    "C#",
    "C++",
    "C",
    "Rust",
    "Kotlin",
    "Scala",
    "Elixir",
    "Perl",
    "SQL",
    "MySQL",
    "Oracle",
    "PostgreSQL",
    "SQLite",
    "MariaDB",
    "MongoDB",
    "Redis",
    "Elasticsearch",
    "Cassandra",
    "DynamoDB",
    "Node.js",
    ".NET",
    "ASP.NET",
    "Django",
    "Flask",
    "FastAPI",
    "Laravel",
    "Symfony",
    "Sinatra",
    "Spring",
    "Express",
    "NestJS",
    "Hibernate",
    "React",
    "Vue.js",
    "Angular",
    "HTML",
    "CSS",
    "jQuery",
    "Docker",
    "Kubernetes",
    "AWS",
    "Azure",
    "Linux",
    "Git",
    "GitHub",
    "Nginx",
    "RabbitMQ",
    "Kafka",
    "Celery",
    "Terraform",
    "Jenkins",
    "WordPress",
    "Drupal",
    "Magento",
    "SQL Server",
    "Ruby on Rails",
    "Spring Boot",
    "Google Cloud",
    "Apache HTTP Server",
    "GitHub Actions",
]

REQUIRED_PRACTICES = [
    "Automated testing",
    "Unit testing",
    "Integration testing",
    "Test-driven development",
    "Debugging",
    "Code review",
    "Continuous integration",
    "Continuous delivery",
    "REST APIs",
    "GraphQL",
    "API design",
    "Database design",
    "Performance tuning",
    "Caching",
    "Security",
    "Authentication",
    "Microservices",
    "Agile",
    "Scrum",
    "Pair programming",
    "Accessibility",
    "Responsive design",
    "Logging and monitoring",
    "Documentation",
]

ALIASES = [
    ("postgres", "PostgreSQL"),
    ("psql", "PostgreSQL"),
    ("postgresql", "PostgreSQL"),
    ("mssql", "SQL Server"),
    ("MS SQL", "SQL Server"),
    ("MSSQL Server", "SQL Server"),
    ("T-SQL", "SQL Server"),
    ("TSQL", "SQL Server"),
    ("Microsoft SQL Server", "SQL Server"),
    ("py", "Python"),
    ("python3", "Python"),
    ("python2", "Python"),
    ("golang", "Go"),
    ("csharp", "C#"),
    ("C sharp", "C#"),
    ("cpp", "C++"),
    ("cplusplus", "C++"),
    ("RoR", "Ruby on Rails"),
    ("Rails", "Ruby on Rails"),
    ("Ruby-on-Rails", "Ruby on Rails"),
    ("node", "Node.js"),
    ("nodejs", "Node.js"),
    ("node js", "Node.js"),
    ("JS", "JavaScript"),
    ("ECMAScript", "JavaScript"),
    ("ES6", "JavaScript"),
    ("TS", "TypeScript"),
    ("dotnet", ".NET"),
    (".NET Core", ".NET"),
    (".NET Framework", ".NET"),
    ("Oracle Database", "Oracle"),
    ("Oracle DB", "Oracle"),
    ("PL/SQL", "Oracle"),
    ("k8s", "Kubernetes"),
    ("Amazon Web Services", "AWS"),
    ("GCP", "Google Cloud"),
    ("TDD", "Test-driven development"),
    ("CI", "Continuous integration"),
    ("CI/CD", "Continuous integration"),
    ("REST", "REST APIs"),
    ("RESTful", "REST APIs"),
    ("REST API", "REST APIs"),
    ("unit tests", "Unit testing"),
    ("automated tests", "Automated testing"),
    ("testing", "Automated testing"),
    ("code reviews", "Code review"),
]


def _tech(name: str, category: str = "language", *aliases: str) -> Technology:
    return Technology(name=name, category=category, aliases=aliases)


# --- the shipped data -------------------------------------------------------


def test_catalogue_has_at_least_150_entries_and_every_category_used() -> None:
    assert len(CATALOGUE) >= 150
    assert {tech.category for tech in CATALOGUE} == set(CATEGORIES)


@pytest.mark.parametrize("name", REQUIRED_NAMES)
def test_required_technology_is_catalogued_under_its_canonical_name(name: str) -> None:
    assert name in CATALOGUE


@pytest.mark.parametrize("name", REQUIRED_PRACTICES)
def test_required_practice_is_catalogued_as_a_practice(name: str) -> None:
    assert CATALOGUE.category_of(name) == "practice"


def test_all_back_end_engineer_profile_technologies_are_present() -> None:
    profile = ["PHP", "Ruby", "Python", "Java", "JavaScript", "MySQL", "Oracle", "SQL Server"]
    assert [name for name in profile if name not in CATALOGUE] == []
    assert {CATALOGUE.category_of(name) for name in profile} == {"language", "database"}


def test_catalogue_file_is_sorted_by_category_then_name() -> None:
    entries = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    order = [(entry["category"], entry["name"].casefold()) for entry in entries]
    assert order == sorted(order)


def test_every_term_in_the_shipped_catalogue_looks_up_its_own_entry() -> None:
    for tech in CATALOGUE:
        for term in tech.terms:
            assert CATALOGUE.lookup(term) is tech, term


def test_category_labels_cover_every_category() -> None:
    assert set(CATEGORY_LABELS) == set(CATEGORIES)
    assert CATEGORY_LABELS["platform"] == "Platforms and tools"


def test_get_catalogue_loads_the_file_once() -> None:
    assert get_catalogue() is get_catalogue()


# --- lookup -----------------------------------------------------------------


@pytest.mark.parametrize(("alias", "name"), ALIASES)
def test_alias_becomes_its_canonical_name(alias: str, name: str) -> None:
    found = CATALOGUE.lookup(alias)
    assert found is not None
    assert found.name == name


def test_alias_postgres_becomes_postgresql() -> None:
    assert CATALOGUE.normalise("postgres") == Tag("PostgreSQL", CATALOGUE.lookup("PostgreSQL"))


def test_lookup_ignores_case_and_extra_whitespace() -> None:
    assert CATALOGUE.lookup("  spring   BOOT ") is CATALOGUE.get("Spring Boot")
    assert CATALOGUE.lookup("sql\tserver") is CATALOGUE.get("SQL Server")


def test_java_never_matches_javascript() -> None:
    java = CATALOGUE.get("Java")
    assert CATALOGUE.lookup("Java") is java
    assert CATALOGUE.lookup("java.") is java
    assert CATALOGUE.lookup("JavaScript") is CATALOGUE.get("JavaScript")
    assert CATALOGUE.lookup("Jav") is None


@pytest.mark.parametrize(
    ("raw", "name"),
    [("Python.", "Python"), ("(Java)", "Java"), ("Redis!", "Redis"), ('"Go"', "Go")],
)
def test_lookup_tolerates_surrounding_punctuation(raw: str, name: str) -> None:
    found = CATALOGUE.lookup(raw)
    assert found is not None
    assert found.name == name


@pytest.mark.parametrize(
    ("raw", "name"),
    [("C#", "C#"), ("c++", "C++"), (".NET", ".NET"), ("Node.js", "Node.js"), ("C", "C"),
     ("(C#)", "C#"), ("C++,", "C++"), (".net.", ".NET")],
)  # fmt: skip
def test_punctuation_inside_names_is_matched_as_written(raw: str, name: str) -> None:
    found = CATALOGUE.lookup(raw)
    assert found is not None
    assert found.name == name


def test_hyphens_and_spaces_are_interchangeable_in_lookup() -> None:
    assert CATALOGUE.lookup("test driven development") is CATALOGUE.get("Test-driven development")
    assert CATALOGUE.lookup("Spring-Boot") is CATALOGUE.get("Spring Boot")


def test_unknown_text_looks_up_nothing() -> None:
    assert CATALOGUE.lookup("Postgress") is None
    assert CATALOGUE.lookup("") is None


# --- normalising tags ---------------------------------------------------------


def test_known_tag_takes_the_canonical_name() -> None:
    tag = CATALOGUE.normalise("  golang ")
    assert tag is not None
    assert tag.name == "Go"
    assert tag.catalogued


def test_unknown_tag_is_kept_as_users_own() -> None:
    assert CATALOGUE.normalise("  htmx   and   Alpine ") == Tag("htmx and Alpine", None)
    assert not Tag("htmx", None).catalogued


def test_unknown_tag_is_capped_at_60_characters() -> None:
    tag = CATALOGUE.normalise("word " * 30)
    assert tag is not None
    assert len(tag.name) <= MAX_TAG_LENGTH
    assert tag.name == tag.name.strip()


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", " - ", "..."])
def test_empty_or_punctuation_only_tag_is_none(raw: str) -> None:
    assert CATALOGUE.normalise(raw) is None


def test_duplicates_removed_after_normalising() -> None:
    tags = CATALOGUE.normalise_tags("postgres, PostgreSQL, psql, Python, py")
    assert [tag.name for tag in tags] == ["PostgreSQL", "Python"]


def test_unknown_duplicates_removed_ignoring_case() -> None:
    tags = CATALOGUE.normalise_tags("htmx, HTMX,  htmx ")
    assert [tag.name for tag in tags] == ["htmx"]


def test_tags_split_on_commas_semicolons_and_newlines_in_first_seen_order() -> None:
    tags = CATALOGUE.normalise_tags("Flask;  docker\nk8s,, my own thing\r\n, ;Flask")
    assert [tag.name for tag in tags] == ["Flask", "Docker", "Kubernetes", "my own thing"]


def test_normalise_tags_accepts_a_list() -> None:
    tags = CATALOGUE.normalise_tags(["node", "", "Node.js", "Express, mongo"])
    assert [tag.name for tag in tags] == ["Node.js", "Express", "MongoDB"]


@given(st.text(max_size=120))
def test_normalising_twice_changes_nothing(raw: str) -> None:
    once = CATALOGUE.normalise(raw)
    if once is None:
        return
    assert len(once.name) <= MAX_TAG_LENGTH
    again = CATALOGUE.normalise(once.name)
    assert again is not None
    assert again.name == once.name


# --- search -------------------------------------------------------------------


def test_search_empty_query_returns_nothing() -> None:
    assert CATALOGUE.search("") == []
    assert CATALOGUE.search("   ") == []


def test_search_puts_exact_then_prefix_then_substring_matches() -> None:
    names = [tech.name for tech in CATALOGUE.search("sql", limit=20)]
    assert names[:4] == ["SQL", "SQL Server", "SQLAlchemy", "SQLite"]
    assert names.index("MySQL") > names.index("SQLite")
    assert "PostgreSQL" in names


def test_search_puts_canonical_names_before_aliases() -> None:
    names = [tech.name for tech in CATALOGUE.search("re", limit=50)]
    by_name = [n for n in names if n.casefold().startswith("re")]
    # "Red Hat Enterprise Linux" is an alias of Linux: a weaker match than names.
    assert names[: len(by_name)] == by_name
    assert names.index("Linux") > len(by_name) - 1


def test_search_finds_through_aliases_and_ignores_case() -> None:
    assert [tech.name for tech in CATALOGUE.search("K8")] == ["Kubernetes"]


def test_search_respects_the_limit() -> None:
    assert len(CATALOGUE.search("a", limit=3)) == 3
    assert CATALOGUE.search("a", limit=0) == []


# --- the catalogue as a collection ------------------------------------------------


def test_contains_is_for_canonical_names_only() -> None:
    assert "PostgreSQL" in CATALOGUE
    assert "postgres" not in CATALOGUE
    assert CATALOGUE.get("Redis") in CATALOGUE
    assert 42 not in CATALOGUE


def test_category_of_a_name_an_alias_and_an_unknown() -> None:
    assert CATALOGUE.category_of("Docker") == "platform"
    assert CATALOGUE.category_of("postgres") == "database"
    assert CATALOGUE.category_of("Not a thing") is None


def test_iterating_gives_every_technology_once() -> None:
    techs = list(CATALOGUE)
    assert len(techs) == len(CATALOGUE)
    assert len({tech.name for tech in techs}) == len(techs)


# --- validation -------------------------------------------------------------------


def test_alias_claimed_by_two_entries_raises_naming_the_clash() -> None:
    with pytest.raises(ValueError, match="'PG' of 'Beta' clashes with 'pg' of 'Alpha'"):
        Catalogue([_tech("Alpha", "database", "pg"), _tech("Beta", "database", "PG")])


def test_alias_equal_to_another_entrys_name_raises() -> None:
    with pytest.raises(ValueError, match="Ruby"):
        Catalogue([_tech("Ruby"), _tech("Ruby on Rails", "framework", "ruby")])


def test_aliases_that_differ_only_by_hyphens_clash() -> None:
    with pytest.raises(ValueError, match="clashes"):
        Catalogue([_tech("Foo Bar"), _tech("Baz", "language", "foo-bar")])


def test_unknown_category_raises() -> None:
    with pytest.raises(ValueError, match="unknown category 'tool'"):
        Catalogue([_tech("Make", "tool")])


def test_duplicate_name_raises() -> None:
    with pytest.raises(ValueError, match="twice"):
        Catalogue([_tech("Go"), _tech("Go")])


def test_aliases_are_stored_as_a_tuple() -> None:
    tech = Technology("Go", "language", ["golang"])  # type: ignore[arg-type]
    assert tech.aliases == ("golang",)
    assert hash(tech)


def test_from_file_reads_a_json_list(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text(
        json.dumps([{"name": "Go", "category": "language", "aliases": ["golang"]}]),
        encoding="utf-8",
    )
    catalogue = Catalogue.from_file(path)
    assert [tech.name for tech in catalogue] == ["Go"]
    assert catalogue.lookup("Golang") is catalogue.get("Go")


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Go"},
        [["Go", "language"]],
        [{"name": "Go", "category": "language", "aliases": "golang"}],
        [{"name": "Go", "category": "language", "colour": "blue"}],
    ],
)
def test_from_file_rejects_a_badly_shaped_file(tmp_path: Path, data: object) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError):
        Catalogue.from_file(path)
