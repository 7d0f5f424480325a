"""The detection rules in the catalogue: well formed, naming catalogue technologies, complete."""

from __future__ import annotations

import json
import re

import pytest

from portfolio.codescan.rules import (
    DETECT_FIELDS,
    ECOSYSTEMS,
    build_rules,
    get_rules,
    image_keys,
    package_key,
)
from portfolio.technologies.catalogue import CATALOGUE_PATH, get_catalogue

ENTRIES = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))

#: Categories a repository's files can show.
SHOWN_BY_FILES = ("language", "framework", "database", "platform")

#: Technologies in those categories that no file shows, and why.
NO_RULE = {
    "Jira": "an issue tracker: nothing in a repository declares or configures it",
    "Unix": "a family of systems, not something a repository names (Linux images are rules)",
}


def test_every_rule_names_a_catalogue_technology_and_is_well_formed() -> None:
    catalogue = get_catalogue()
    rules = build_rules(ENTRIES, catalogue)  # raises on any badly formed pattern
    assert rules.covered <= {tech.name for tech in catalogue}
    for entry in ENTRIES:
        detect = entry.get("detect", {})
        assert set(detect) <= set(DETECT_FIELDS), entry["name"]
        assert set(detect.get("dependencies", {})) <= set(ECOSYSTEMS), entry["name"]


def test_every_technology_a_file_can_show_carries_a_rule() -> None:
    rules = get_rules()
    missing = {
        tech.name
        for tech in get_catalogue()
        if tech.category in SHOWN_BY_FILES and tech.name not in rules.covered
    }
    assert missing == set(NO_RULE)


def test_every_language_has_extensions() -> None:
    rules = get_rules()
    languages = {tech.name for tech in get_catalogue() if tech.category == "language"}
    assert languages == set(rules.extensions.values()) | set(rules.filenames.values())


def test_seed_stack_drivers_map_to_their_databases() -> None:
    rules = get_rules()
    cases = [
        ("python", "mysqlclient", "MySQL"),
        ("python", "PyMySQL", "MySQL"),
        ("npm", "mysql2", "MySQL"),
        ("ruby", "mysql2", "MySQL"),
        ("maven", "com.mysql:mysql-connector-j", "MySQL"),
        ("maven", "mysql:mysql-connector-java", "MySQL"),
        ("composer", "ext-pdo_mysql", "MySQL"),
        ("python", "oracledb", "Oracle"),
        ("python", "cx_Oracle", "Oracle"),
        ("python", "cx-oracle", "Oracle"),
        ("maven", "com.oracle.database.jdbc:ojdbc11", "Oracle"),
        ("composer", "ext-oci8", "Oracle"),
        ("maven", "com.microsoft.sqlserver:mssql-jdbc", "SQL Server"),
        ("nuget", "Microsoft.EntityFrameworkCore.SqlServer", "SQL Server"),
        ("npm", "tedious", "SQL Server"),
        ("npm", "mssql", "SQL Server"),
        ("composer", "ext-sqlsrv", "SQL Server"),
        ("composer", "ext-pdo_sqlsrv", "SQL Server"),
        ("maven", "org.xerial:sqlite-jdbc", "SQLite"),
    ]
    for ecosystem, package, tech in cases:
        assert tech in rules.packages(ecosystem, package), (ecosystem, package)


def test_pyodbc_alone_is_not_sql_server() -> None:
    assert get_rules().packages("python", "pyodbc") == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("'ENGINE': 'mssql',", True),
        ('DATABASES = {"default": {"ENGINE": "sql_server.pyodbc"}}', True),
        ("url = 'mssql+pyodbc://app@db/app?driver=ODBC+Driver+17+for+SQL+Server'", True),
        ('conn = pyodbc.connect("DRIVER={ODBC Driver 18 for SQL Server};SERVER=db")', True),
        ("conn = pyodbc.connect('DRIVER={Microsoft Access Driver (*.mdb)};DBQ=x')", False),
        ("'driver' => 'sqlsrv',", False),  # Laravel's list of supported drivers
    ],
)
def test_sql_server_settings_rules(line: str, expected: bool) -> None:
    rules = get_rules()
    hits = {tech for pattern, tech in rules.config if pattern.search(line)}
    assert ("SQL Server" in hits) is expected


def test_java_never_matches_javascript() -> None:
    rules = get_rules()
    assert rules.language("App.java") == "Java"
    assert rules.language("app.js") == "JavaScript"
    assert "Java" not in rules.packages("npm", "javascript")


def test_package_names_compare_as_their_ecosystem_does() -> None:
    assert package_key("python", "Flask_SQLAlchemy") == "flask-sqlalchemy"
    assert package_key("npm", "Express") == "express"
    assert package_key("go", "github.com/Go-SQL-Driver/mysql") == "github.com/Go-SQL-Driver/mysql"


def test_image_references_match_without_registry_or_tag() -> None:
    assert image_keys("mysql:8.0") == ("mysql",)
    assert "mssql/server" in image_keys("mcr.microsoft.com/mssql/server:2022-latest")
    assert "postgres" in image_keys("docker.io/library/postgres:16@sha256:abc")
    rules = get_rules()
    assert rules.image("bitnami/postgresql:15") == ["PostgreSQL"]
    assert rules.image("mysql-router") == []


def test_bad_rules_are_refused_with_the_technology_named() -> None:
    catalogue = get_catalogue()
    bad = [
        {"name": "Nope", "category": "database", "detect": {"images": ["x"]}},
        {"name": "MySQL", "detect": {"images": ["Bad Image"]}},
        {"name": "MySQL", "detect": {"dependencies": {"cpan": ["DBI"]}}},
        {"name": "MySQL", "detect": {"dependencies": {"maven": ["no-colon"]}}},
        {"name": "MySQL", "detect": {"config": ["(unclosed"]}},
        {"name": "MySQL", "detect": {"config": ["(captures)"]}},
        {"name": "MySQL", "detect": {"config": ["x*"]}},
        {"name": "MySQL", "detect": {"env": ["lower=case"]}},
        {"name": "MySQL", "detect": {"files": ["../up"]}},
        {"name": "MySQL", "detect": {"sniff": ["x"]}},
        {"name": "MySQL", "detect": {}},
    ]
    for entry in bad:
        with pytest.raises(ValueError, match=re.escape(repr(entry["name"]))):
            build_rules([entry], catalogue)
