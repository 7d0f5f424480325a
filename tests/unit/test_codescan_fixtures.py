"""The stack of real example repositories, packed as uploads are: found, with proof, and no trap.

Each fixture under tests/fixtures/repos is small but laid out like the public example
application it is modelled on (see the README there for sources, licences and traps).
The tests pack it into a .zip or .tar.gz under one top folder, as a code host's download
does, read it back with ``read_archive`` and analyse it.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from portfolio.codescan import Findings, analyse_files, read_archive

REPOS = Path(__file__).resolve().parents[1] / "fixtures" / "repos"


def pack(name: str, fmt: str) -> tuple[io.BytesIO, str]:
    """Return an archive of a fixture repository under a "name-main/" folder."""
    root = REPOS / name
    buffer = io.BytesIO()
    paths = sorted(path for path in root.rglob("*") if path.is_file())
    if fmt == "zip":
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, f"{name}-main/{path.relative_to(root).as_posix()}")
        filename = f"{name}-main.zip"
    else:
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for path in paths:
                archive.add(path, f"{name}-main/{path.relative_to(root).as_posix()}")
        filename = f"{name}-main.tar.gz"
    buffer.seek(0)
    return buffer, filename


def analyse(name: str, fmt: str = "zip") -> Findings:
    buffer, filename = pack(name, fmt)
    return analyse_files(read_archive(buffer, filename))


# (technology, path, line, text the evidence line holds) — one proving line per finding.
EXPECTED: dict[str, list[tuple[str, str, int | None, str]]] = {
    "laravel-blog": [
        ("Laravel", "composer.json", 10, '"laravel/framework": "5.5.*"'),
        ("PHP", "composer.json", 8, '"php": ">=7.0.0"'),
        ("MySQL", ".env.example", 8, "DB_CONNECTION=mysql"),
        ("MySQL", ".travis.yml", 8, "services: mysql"),
        ("PHPUnit", "composer.json", 17, '"phpunit/phpunit": "~6.0"'),
        ("Composer", "composer.json", None, "file present"),
        ("Travis CI", ".travis.yml", None, "language: php"),
    ],
    "spring-petclinic": [
        ("Spring Boot", "pom.xml", 10, "org.springframework.boot:spring-boot-starter-parent"),
        ("Spring", "pom.xml", 10, "Spring Boot implies Spring"),
        ("Java", "pom.xml", 17, "<java.version>17</java.version>"),
        ("MySQL", "pom.xml", 58, "com.mysql:mysql-connector-j"),
        ("MySQL", "docker-compose.yml", 3, "image: mysql:8.2"),
        ("MySQL", "src/main/resources/application-mysql.properties", 3, "jdbc:mysql://"),
        ("PostgreSQL", "pom.xml", 63, "org.postgresql:postgresql"),
        ("Hibernate", "pom.xml", 34, "spring-boot-starter-data-jpa"),
        ("JUnit", "pom.xml", 46, "spring-boot-starter-test"),
        ("Maven", "mvnw", None, "file present"),
        ("GitHub Actions", ".github/workflows/maven-build.yml", None, "name: Java CI with Maven"),
        ("Docker", "docker-compose.yml", None, "file present"),
    ],
    "rails-store": [
        ("Ruby on Rails", "Gemfile", 7, "gem 'rails', '~> 5.2.3'"),
        ("Ruby on Rails", "bin/rails", None, "file present"),
        ("MySQL", "Gemfile", 9, "gem 'mysql2'"),
        ("MySQL", "config/database.yml", 13, "adapter: mysql2"),
        ("MySQL", ".gitlab-ci.yml", 4, "services: mysql:5.7"),
        ("Ruby", ".gitlab-ci.yml", 1, "image: ruby:2.6"),
        ("Selenium", "Gemfile", 39, "gem 'selenium-webdriver'"),
        ("GitLab CI", ".gitlab-ci.yml", None, "image: ruby:2.6"),
    ],
    "django-polls": [
        ("Django", "requirements.txt", 1, "Django==2.2.28"),
        ("Django", "manage.py", None, "file present"),
        ("MySQL", "requirements.txt", 2, "mysqlclient==1.4.6"),
        ("MySQL", "mysite/settings.py", 38, "'ENGINE': 'django.db.backends.mysql'"),
        ("MySQL", "docker-compose.yml", 12, "image: mysql:5.7"),
        ("MySQL", ".env.example", 4, "DATABASE_URL=mysql://…"),
        ("Python", "Dockerfile", 1, "FROM python:3.8-slim"),
        ("Gunicorn", "requirements.txt", 3, "gunicorn==20.0.4"),
        ("pytest", "requirements-dev.txt", 2, "pytest==5.4.1"),
        ("GitHub Actions", ".github/workflows/tests.yml", None, "name: Tests"),
        ("Docker", "Dockerfile", None, "file present"),
    ],
    "express-mssql": [
        ("Express", "package.json", 13, '"express": "~4.18.2"'),
        ("SQL Server", "package.json", 15, '"mssql": "^9.1.1"'),
        ("Node.js", "package.json", 13, "Express implies Node.js"),
        ("JavaScript", "routes/todos.js", None, "JavaScript files"),
        ("Jest", "package.json", 18, '"jest": "^29.5.0"'),
        ("Jenkins", "Jenkinsfile", None, "pipeline {"),
    ],
    "aspnet-movies": [
        ("ASP.NET", "RazorPagesMovie/RazorPagesMovie.csproj", 1, 'Sdk="Microsoft.NET.Sdk.Web"'),
        (
            "SQL Server",
            "RazorPagesMovie/RazorPagesMovie.csproj",
            13,
            'Include="Microsoft.EntityFrameworkCore.SqlServer"',
        ),
        ("SQL Server", "RazorPagesMovie/Program.cs", 9, "options.UseSqlServer("),
        (
            "Entity Framework",
            "RazorPagesMovie/RazorPagesMovie.csproj",
            13,
            "Microsoft.EntityFrameworkCore.SqlServer",
        ),
        (".NET", "Dockerfile", 5, "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build"),
        ("C#", "RazorPagesMovie/Program.cs", None, "4 C# files"),
        ("Azure DevOps", "azure-pipelines.yml", None, "trigger:"),
        ("Docker", "Dockerfile", None, "file present"),
    ],
    "flask-oracle": [
        ("Flask", "pyproject.toml", 11, '"Flask>=2.3"'),
        ("Oracle", "pyproject.toml", 12, '"oracledb>=1.4"'),
        ("Oracle", ".env.example", 1, "ORACLE_USER=…"),
        ("pytest", "pyproject.toml", 18, '"pytest>=7"'),
        ("Python", "src/inventory/db.py", None, "5 Python files"),
    ],
}

# Technologies a careless reader of these files would claim, and why they are not there.
TRAPS: dict[str, set[str]] = {
    # config/database.php lists every driver Laravel supports; .env.example names Redis
    # and mail hosts the skeleton ships; the vendored framework requires predis and
    # suggests sqlsrv and the AWS SDK; the README names them all; the built app.js is minified.
    "laravel-blog": {"PostgreSQL", "SQL Server", "SQLite", "Redis", "Memcached", "AWS", "Java"},
    # the README names Oracle, Cassandra, MongoDB and a JavaScript front end; the Oracle
    # driver is only in dependencyManagement (a version pin, not a use); .java is not .js.
    "spring-petclinic": {"Oracle", "Cassandra", "MongoDB", "JavaScript", "H2"},
    # database.yml's comments suggest PostgreSQL; Redis is a commented-out gem; jQuery is a
    # vendored copy; application.js is four lines of asset-pipeline directives.
    "rails-store": {"PostgreSQL", "Redis", "jQuery", "SQLite", "JavaScript"},
    # settings.py comments name SQLite and PostgreSQL engines; static/lib holds copies of
    # jQuery and Bootstrap; the README names them all.
    "django-polls": {"PostgreSQL", "SQLite", "jQuery", "Bootstrap", "JavaScript"},
    # node_modules holds mysql2 and pg; public/javascripts holds minified jQuery; the README
    # names MySQL, PostgreSQL and a Java client.
    "express-mssql": {"MySQL", "PostgreSQL", "jQuery", "Java"},
    # wwwroot/lib holds jQuery and Bootstrap copies; site.js is a three-line template stub.
    "aspnet-movies": {"jQuery", "Bootstrap", "JavaScript", "MySQL"},
    # pyodbc alone is not SQL Server (it reads an Access file here); the README names MySQL
    # and SQL Server as history.
    "flask-oracle": {"SQL Server", "MySQL", "Flask-SQLAlchemy", "SQLAlchemy"},
}


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def repo(request: pytest.FixtureRequest) -> tuple[str, Findings]:
    return request.param, analyse(request.param)


def test_at_least_five_stacks_have_fixtures() -> None:
    assert len(EXPECTED) >= 5
    assert sorted(path.name for path in REPOS.iterdir() if path.is_dir()) == sorted(EXPECTED)


def test_expected_technologies_are_found_with_their_evidence(repo: tuple[str, Findings]) -> None:
    name, findings = repo
    for tech, path, line, text in EXPECTED[name]:
        found = findings.technology(tech)
        assert found is not None, f"{name}: {tech} not found in {findings.names}"
        proofs = [(ev.path, ev.line) for ev in found.evidence if text in ev.text]
        assert (path, line) in proofs, f"{name}: {tech} lacks {path}:{line} {text!r}: {found}"


def test_no_trap_is_found(repo: tuple[str, Findings]) -> None:
    name, findings = repo
    assert not TRAPS[name] & set(findings.names)


def test_nothing_is_evidenced_from_vendored_files_or_docs(repo: tuple[str, Findings]) -> None:
    _name, findings = repo
    lines = [ev for found in findings.technologies for ev in found.evidence]
    lines += [ev for practice in findings.practices for ev in practice.evidence]
    for ev in lines:
        parts = ev.path.split("/")
        assert not {"vendor", "node_modules", "lib"} & set(parts[:-1]), ev
        assert not ev.path.lower().endswith((".md", ".min.js")), ev


def test_tar_gz_and_zip_give_the_same_findings() -> None:
    assert analyse("django-polls", "tar.gz") == analyse("django-polls", "zip")


def test_languages_leave_out_vendored_and_minified_code() -> None:
    shares = {share.name: share for share in analyse("laravel-blog").languages}
    assert list(shares) == ["PHP"]  # the minified public/js/app.js does not count
    assert analyse("aspnet-movies").languages[0].name == "C#"


def test_declared_dependency_is_the_first_evidence() -> None:
    mysql = analyse("spring-petclinic").technology("MySQL")
    assert mysql is not None
    assert mysql.strength == "declared"
    assert mysql.evidence[0].kind == "dependency"
    assert mysql.evidence[0].path == "pom.xml"


def test_test_dependencies_are_dev_dependencies() -> None:
    findings = analyse("aspnet-movies")
    sqlite = findings.technology("SQLite")  # EF Core's SQLite provider, in the test project only
    assert sqlite is not None
    assert {ev.kind for ev in sqlite.evidence} == {"dev-dependency"}
    junit = analyse("spring-petclinic").technology("JUnit")
    assert junit is not None and junit.evidence[0].kind == "dev-dependency"


def test_practices_name_the_test_framework_ci_service_and_containers() -> None:
    practices = {p.name: p for p in analyse("django-polls").practices}
    assert practices["Automated testing"].detail == "pytest"
    assert practices["Continuous integration"].detail == "GitHub Actions"
    assert (
        practices["Containerisation"].detail == "Dockerfile; compose services: web, db (mysql:5.7)"
    )
    petclinic = {p.name: p for p in analyse("spring-petclinic").practices}
    assert petclinic["Containerisation"].detail == (
        "compose services: mysql (mysql:8.2), postgres (postgres:16.1)"
    )
    assert {p.name for p in analyse("flask-oracle").practices} == {"Automated testing"}


def test_environment_values_are_never_kept() -> None:
    findings = analyse("django-polls")
    text = str(findings.to_json())
    for secret in ("hunter2", "change-me-7f3a9c", "polls:"):
        assert secret not in text
    oracle = analyse("flask-oracle").to_json()
    assert "change-me" not in str(oracle)
    assert "db.example.internal" not in str(oracle)


def test_passwords_in_config_lines_are_redacted() -> None:
    findings = analyse("rails-store")
    assert "s3cr3t" not in str(findings.to_json())


def test_findings_survive_a_json_round_trip(repo: tuple[str, Findings]) -> None:
    _name, findings = repo
    assert Findings.from_json(findings.to_json()) == findings
