"""Finding catalogue technologies in a pasted job advert."""

from __future__ import annotations

import time

import pytest

from portfolio.technologies import extract
from portfolio.technologies.catalogue import Catalogue, Technology, get_catalogue
from portfolio.technologies.extract import Mention, extract_technologies

CATALOGUE = get_catalogue()

# A realistic advert, with traps: "trust", "go to", "Good luck", "Google Meet",
# "reactive", "the rest of", "grade C", "section C", JavaScript without Java.
ADVERT = """\
Back-end Engineer (Python), Leeds or remote

About us
We are a small team building the booking platform that 400 independent gyms trust
to run their classes. Our customers rely on us every morning, so we care about
reliable software more than shiny features.

The role
You will design and build the services behind our web and mobile apps. Most of
our code is Python 3 on Django and Django REST Framework, with a few newer services
in FastAPI. Data lives in PostgreSQL, with Redis for caching and Celery workers
for background jobs. Some older reporting still runs on MySQL, and we are moving
it across this year. You will go to planning sessions with product and design,
pick up work from the board and see it through to production.

What you will do
- Build and maintain REST APIs used by our React front end and partner integrations
- Write unit tests and integration tests alongside your code; we practise TDD
- Take part in code reviews and pair programming with the rest of the team
- Improve our CI/CD pipelines in GitHub Actions
- Help run our services on AWS with Docker and Terraform
- Keep an eye on logging and monitoring, and fix what it finds

What we are looking for
- Commercial or substantial personal experience with Python or another language
  such as Ruby, PHP or Go
- A good understanding of SQL and database design
- Comfortable with Git and Linux
- Some knowledge of JavaScript or TypeScript is a plus but not essential
- An interest in security and authentication done properly

Nice to have
- Kubernetes, RabbitMQ or Kafka
- Experience of reactive or event-driven systems

What we offer
A salary of 45,000 to 55,000 pounds, 28 days of holiday, a learning budget and a
laptop of your choice. We work in an Agile way with two-week sprints, but we keep
meetings short. Applicants need a grade C or above in GCSE maths, or equivalent
experience. Please complete section C of the application form, and tell us about
something you built that you are proud of. Interviews are over Google Meet. Good
luck, and we look forward to hearing from you.
"""

ADVERT_HITS = [
    "Python",
    "Django",
    "Django REST Framework",
    "FastAPI",
    "PostgreSQL",
    "Redis",
    "Caching",
    "Celery",
    "MySQL",
    "REST APIs",
    "React",
    "Unit testing",
    "Integration testing",
    "Test-driven development",
    "Code review",
    "Pair programming",
    "Continuous integration",
    "GitHub Actions",
    "AWS",
    "Docker",
    "Terraform",
    "Logging and monitoring",
    "Ruby",
    "PHP",
    "Go",
    "SQL",
    "Database design",
    "Git",
    "Linux",
    "JavaScript",
    "TypeScript",
    "Security",
    "Authentication",
    "Kubernetes",
    "RabbitMQ",
    "Kafka",
    "Event-driven architecture",
    "Agile",
]


def names(text: str) -> list[str]:
    return [mention.technology.name for mention in extract_technologies(text, CATALOGUE)]


# --- the advert ---------------------------------------------------------------------


def test_advert_fixture_is_a_realistic_length() -> None:
    assert 300 <= len(ADVERT.split()) <= 400


def test_advert_yields_exactly_the_expected_technologies_in_order() -> None:
    assert names(ADVERT) == ADVERT_HITS


def test_advert_counts_every_mention() -> None:
    counts = {m.technology.name: m.count for m in extract_technologies(ADVERT, CATALOGUE)}
    assert counts["Python"] == 3
    assert counts["Django"] == 1  # "Django REST Framework" is its own technology
    assert counts["Go"] == 1  # "go to planning sessions" is not Go


def test_long_advert_is_fast() -> None:
    long_advert = ADVERT * 40  # about 14,000 words
    started = time.perf_counter()
    mentions = extract_technologies(long_advert, CATALOGUE)
    assert time.perf_counter() - started < 2
    assert [m.technology.name for m in mentions] == ADVERT_HITS


def test_matcher_is_built_once_per_catalogue() -> None:
    assert extract._matcher(CATALOGUE) is extract._matcher(CATALOGUE)


# --- punctuation-bearing names and word boundaries ------------------------------------


def test_csharp_cplusplus_dotnet_nodejs_found() -> None:
    assert names("We use C#, C++, .NET and Node.js.") == ["C#", "C++", ".NET", "Node.js"]


def test_aspnet_cicd_and_plsql_found_whole() -> None:
    found = names("ASP.NET Core, CI/CD and PL/SQL")
    assert found == ["ASP.NET", "Continuous integration", "Oracle"]


def test_java_never_matches_javascript() -> None:
    assert names("Strong JavaScript skills") == ["JavaScript"]
    assert names("Java and JavaScript") == ["Java", "JavaScript"]


@pytest.mark.parametrize(
    "text", ["We are going places", "a good salary", "Google Meet", "Go-live is in May"]
)
def test_go_in_going_is_not_found(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    "text", ["You will go to meetings.", "Go to our careers page to apply.", "GO FOR IT"]
)
def test_go_as_an_ordinary_word_is_not_found(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Python, Go and Rust",
        "Java or Go",
        "We hire a Go developer",
        "the Go language",
        "Services written in Go.",
        "We moved to Go 1.22 last year.",
        "We love golang.",
        "- Go\n- Rust\n",
    ],
)
def test_go_in_a_technology_context_is_found(text: str) -> None:
    assert "Go" in names(text)


def test_react_in_reactive_is_not_found() -> None:
    assert names("We build reactive systems and react to incidents quickly.") == []


def test_rust_in_trust_is_not_found() -> None:
    assert names("Customers trust us.") == []


@pytest.mark.parametrize(
    "text",
    [
        "You need a Grade C in maths.",
        "Please fill in section C of the form.",
        "Applicants need a grade C or above in GCSE English",
        "You will present to C-level stakeholders.",
        "Grades A, B, C accepted.",
        "Minimum grade C\nPython experience welcome",
    ],
)
def test_lone_c_in_a_sentence_is_not_found(text: str) -> None:
    assert "C" not in names(text)


@pytest.mark.parametrize(
    "text",
    [
        "C, C++ and Python",
        "Embedded C/C++",
        "Python or C",
        "Some C programming",
        "Experience with C is a plus",
        "Written in C and assembly",
    ],
)
def test_c_in_a_technology_context_is_found(text: str) -> None:
    assert "C" in names(text)


def test_r_and_d_is_not_the_r_language() -> None:
    assert names("Our R&D team") == []
    assert names("Python or R for analysis") == ["Python", "R"]


def test_domains_and_file_names_are_not_mentions() -> None:
    assert names("see example.com or github.com/acme, run setup.py") == []


def test_angular_dot_js_is_angular() -> None:
    assert names("Angular.js and Vue.js") == ["Angular", "Vue.js"]


# --- longest match and multi-word names --------------------------------------------------


def test_ruby_on_rails_is_not_also_ruby() -> None:
    assert names("We use Ruby on Rails.") == ["Ruby on Rails"]
    assert names("Ruby on Rails and plain Ruby scripts") == ["Ruby on Rails", "Ruby"]


def test_longest_match_wins_for_spring_boot_and_sql_server() -> None:
    assert names("Spring Boot with Microsoft SQL Server") == ["Spring Boot", "SQL Server"]


def test_multi_word_names_match_across_spaces_and_newlines() -> None:
    assert names("SQL\nServer and Spring   Boot") == ["SQL Server", "Spring Boot"]
    assert names("test driven development") == ["Test-driven development"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("postgres", "PostgreSQL"),
        ("We run k8s", "Kubernetes"),
        ("Golang", "Go"),
        ("MS SQL", "SQL Server"),
        ("T-SQL", "SQL Server"),
        ("RoR", "Ruby on Rails"),
        ("nodejs", "Node.js"),
        ("TDD", "Test-driven development"),
        ("RESTful", "REST APIs"),
        ("Amazon Web Services", "AWS"),
        ("GCP", "Google Cloud"),
    ],
)
def test_aliases_are_reported_under_the_canonical_name(text: str, name: str) -> None:
    assert names(text) == [name]


# --- ordinary English words ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "the rest of the team",
        "each node in the cluster",
        "a solid grounding",
        "express your interest",
        "a swift response",
        "guard rails",
    ],
)
def test_ordinary_words_in_lower_case_are_not_found(text: str) -> None:
    assert names(text) == []


def test_capitalised_word_opening_a_sentence_needs_context() -> None:
    assert names("Express your interest by Friday. Spring is busy.") == []
    assert names("Express, Koa or NestJS. Spring and Hibernate.") == [
        "Express",
        "Koa",
        "NestJS",
        "Spring",
        "Hibernate",
    ]


def test_first_word_after_a_heading_opens_a_sentence() -> None:
    assert names("How to apply\nExpress your interest by email.") == []


def test_first_word_of_a_hard_wrapped_line_continues_the_sentence() -> None:
    text = "Our admin pages are being rebuilt, and the new ones use\nReact with TypeScript."
    assert names(text) == ["React", "TypeScript"]


def test_capitalised_word_inside_a_sentence_is_found() -> None:
    assert names("Our front end is React.") == ["React"]


def test_spring_before_a_year_is_the_season() -> None:
    assert names("Start in Spring 2026 on our Spring Boot team") == ["Spring Boot"]


def test_apache_before_another_project_name_is_not_the_web_server() -> None:
    assert names("We use Apache Iceberg") == []
    assert names("behind Apache and Nginx") == ["Apache HTTP Server", "Nginx"]


def test_words_next_to_each_other_without_a_separator_are_not_a_list() -> None:
    assert "Julia" not in names("Email Julia Jenkins to apply")
    assert names("Python, Julia or R") == ["Python", "Julia", "R"]


def test_testing_that_is_not_software_testing_is_not_found() -> None:
    assert names("A/B testing and drug testing") == []
    assert names("We value testing.") == ["Automated testing"]


def test_one_technology_per_bulleted_line_is_found() -> None:
    assert names("Stack:\n- React\n- Express\n- Rust\n") == ["React", "Express", "Rust"]


# --- the result -----------------------------------------------------------------------------


def test_mentions_are_ordered_by_first_appearance() -> None:
    assert names("Redis, then Python, then Redis again") == ["Redis", "Python"]


def test_snippet_shows_about_60_characters_around_the_first_hit() -> None:
    text = "word " * 40 + "We deploy with Terraform every day. " + "word " * 40 + "Terraform"
    [mention] = extract_technologies(text, CATALOGUE)
    assert mention == Mention(mention.technology, 2, mention.snippet)
    assert "We deploy with Terraform every day." in mention.snippet
    assert 40 <= len(mention.snippet) <= 64
    assert mention.snippet.startswith("\u2026")
    assert mention.snippet.endswith("\u2026")


def test_snippet_collapses_line_breaks() -> None:
    [mention] = extract_technologies("Skills:\n\n  Kubernetes\n", CATALOGUE)
    assert mention.snippet == "Skills: Kubernetes"


@pytest.mark.parametrize("text", ["", "   \n", "Nothing technical here at all."])
def test_text_without_technologies_gives_nothing(text: str) -> None:
    assert extract_technologies(text, CATALOGUE) == []


def test_works_with_any_catalogue() -> None:
    small = Catalogue([Technology("Zig", "language", ("ziglang",))])
    [mention] = extract_technologies("ziglang, Python and Zig", small)
    assert (mention.technology.name, mention.count) == ("Zig", 2)
