"""JSON Resume import: exact round trips, foreign files, and useful errors."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import date

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls

from portfolio.exports import jsonresume
from portfolio.exports.jsonresume import (
    EXTENSION,
    EntryProblem,
    ImportPlan,
    Problem,
    RefusedEntry,
    ResumeImportError,
    load_schema,
    new_and_present,
    parse_json_resume,
    project_key,
    to_json_resume,
)
from portfolio.projects.record import KINDS, PortfolioOwner, ProfileLink, ProjectRecord
from portfolio.schemas import rules
from portfolio.schemas.base import problems, validate
from portfolio.schemas.project import ProjectIn, record_input
from portfolio.technologies.catalogue import get_catalogue

CATALOGUE = get_catalogue()
STRICT = jsonschema_rs.validator_for(load_schema(), validate_formats=True)


def canonical(raw: str) -> str:
    return CATALOGUE.normalise_tags([raw])[0].name


def dump(resume: dict) -> bytes:
    return json.dumps(resume, ensure_ascii=False, indent=2).encode("utf-8")


def parse(resume: dict | str | bytes, **kwargs) -> ImportPlan:
    raw = resume if isinstance(resume, str | bytes) else dump(resume)
    return parse_json_resume(raw, CATALOGUE, **kwargs)


def problems_of(raw: dict | str | bytes, **kwargs) -> list[Problem]:
    with pytest.raises(ResumeImportError) as caught:
        parse(raw, **kwargs)
    assert caught.value.problems
    return caught.value.problems


def assert_storable(plan: ImportPlan) -> None:
    """Every project the import would store passes the project schema again, unchanged."""
    for record in plan.projects:
        assert validate(ProjectIn, record_input(record)).to_record() == record


def dated(*entries: dict) -> list[dict]:
    """Return foreign entries with a start, which every project needs."""
    return [{"startDate": "2020-01", **entry} for entry in entries]


OWNER = PortfolioOwner(
    name="Ada Lovelace",
    headline="Aspiring back-end engineer",
    bio="I build APIs.\n\nAnd I test them.",
    location="Leeds, UK",
    email="ada@example.com",
    website="https://ada.example.com",
    links=(
        ProfileLink("GitHub", "https://github.com/ada", "ada"),
        ProfileLink("Blog", "https://blog.example.com"),
    ),
)


def every_field_projects() -> list[ProjectRecord]:
    python, postgres = canonical("python"), canonical("postgres")
    return [
        ProjectRecord(
            title="Payments API",
            kind="paid",
            organisation="Acme Ltd",
            role="Back-end developer",
            start=date(2023, 1, 1),
            end=date(2024, 6, 1),
            summary="Rebuilt the payments API.",
            description="# Payments\n\nMoved *everything* to PostgreSQL.\n",
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
            summary="Summer placement.",
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
            technologies=(postgres,),
            id=9,
        ),
        # Ended at an unknown date: no end, yet not ongoing.
        ProjectRecord(title="Old CLI", kind="personal", start=date(2019, 2, 1), id=10),
        # Paid, with no organisation: its work copy is named after the title.
        ProjectRecord(title="Freelance shop", kind="paid", start=date(2020, 5, 1), featured=True),
        ProjectRecord(title="Dotfiles", kind="personal", start=date(2018, 9, 1)),
        # A URL that must be encoded for the standard field yet come back as typed.
        ProjectRecord(
            title="Café finder",
            kind="personal",
            start=date(2024, 2, 1),
            live_url="https://café.example/menü?q=[1]",
            source_url="https://café.example/src",
        ),
        # An internationalised host that IDNA 2003 would turn into another (ss.de).
        ProjectRecord(
            title="Straße", kind="personal", start=date(2024, 3, 1), live_url="https://ß.de/"
        ),
    ]


def without_ids(records) -> list[ProjectRecord]:
    return [dataclasses.replace(r, id=None) for r in records]


# -- round trips


def test_round_trip_restores_every_field_of_every_kind() -> None:
    projects = every_field_projects()
    assert {p.kind for p in projects} == set(KINDS)

    plan = parse(to_json_resume(OWNER, projects, CATALOGUE))

    # ProjectRecord equality ignores id; compare field by field to be explicit.
    assert [dataclasses.asdict(p) for p in plan.projects] == [
        dataclasses.asdict(p) for p in without_ids(projects)
    ]
    assert plan.owner == OWNER
    assert plan.skipped == ()
    assert plan.refused == ()
    assert_storable(plan)


def test_own_export_creates_no_duplicates_from_work_and_volunteer() -> None:
    resume = to_json_resume(OWNER, every_field_projects(), CATALOGUE)
    assert len(resume["work"]) == 3
    assert len(resume["volunteer"]) == 1

    plan = parse(resume)

    assert len(plan.projects) == len(every_field_projects())


def test_hand_edited_work_copy_is_still_recognised_as_a_duplicate() -> None:
    resume = to_json_resume(OWNER, every_field_projects(), CATALOGUE)
    for entry in resume["work"] + resume["volunteer"]:
        del entry[EXTENSION]

    plan = parse(resume)

    assert len(plan.projects) == len(every_field_projects())
    assert any("work[0]" in note and "skipped" in note for note in plan.skipped)


def test_export_stripped_of_x_portfolio_creates_no_duplicates() -> None:
    resume = to_json_resume(OWNER, every_field_projects(), CATALOGUE)
    for section in ("projects", "work", "volunteer"):
        for entry in resume[section]:
            del entry[EXTENSION]

    plan = parse(resume)

    assert [p.title for p in plan.projects] == [p.title for p in every_field_projects()]
    assert [p.kind for p in plan.projects] == [p.kind for p in every_field_projects()]


def test_work_added_by_hand_to_an_export_is_imported() -> None:
    resume = to_json_resume(OWNER, every_field_projects(), CATALOGUE)
    resume["work"].append({"name": "Globex", "position": "Developer", "startDate": "2025-01"})

    plan = parse(resume)

    assert plan.projects[-1].title == "Developer at Globex"


def test_importing_the_same_file_twice_gives_the_same_keys() -> None:
    raw = dump(to_json_resume(OWNER, every_field_projects(), CATALOGUE))

    first = {project_key(p) for p in parse(raw).projects}
    second = {project_key(p) for p in parse(raw).projects}

    assert first == second
    assert len(first) == len(every_field_projects())


def twins() -> list[ProjectRecord]:
    """Two distinct projects sharing a natural key (title, kind, organisation, start)."""
    first = ProjectRecord(
        title="Hackathon entry",
        kind="personal",
        organisation="HackLeeds",
        start=date(2024, 3, 1),
        end=date(2024, 3, 1),
        summary="Team A: a chat bot.",
        technologies=(canonical("python"),),
        public=True,
        id=21,
    )
    second = dataclasses.replace(
        first,
        role="Team lead",
        end=None,
        ongoing=True,
        summary="Team B: a game.",
        description="Built in *one* weekend.\n",
        highlights=("Won the audience prize",),
        source_url="https://git.example.com/game",
        technologies=("Godot",),
        public=False,
        featured=True,
        id=22,
    )
    assert project_key(first) == project_key(second) and first != second
    return [first, second]


def test_own_projects_sharing_a_natural_key_both_come_back() -> None:
    projects = [*twins(), *every_field_projects()]

    plan = parse(to_json_resume(OWNER, projects, CATALOGUE))

    assert [dataclasses.asdict(p) for p in plan.projects] == [
        dataclasses.asdict(p) for p in without_ids(projects)
    ]
    assert plan.skipped == ()


def test_unsaved_projects_sharing_a_natural_key_both_come_back() -> None:
    # Without database ids the extension keys are positions, still distinct.
    projects = without_ids(twins())

    plan = parse(to_json_resume(OWNER, projects, CATALOGUE))

    assert list(plan.projects) == projects


def test_the_same_own_entry_twice_in_one_file_is_imported_once() -> None:
    resume = to_json_resume(OWNER, twins()[:1], CATALOGUE)
    resume["projects"].append(copy.deepcopy(resume["projects"][0]))

    plan = parse(resume)

    assert list(plan.projects) == without_ids(twins()[:1])
    assert plan.skipped == ("projects[1]: same as projects[0], skipped",)


def test_foreign_entries_sharing_a_natural_key_are_imported_once() -> None:
    entry = {"name": "Blog", "entity": "Me", "startDate": "2020-01"}
    plan = parse({"projects": [entry, {**entry, "name": "BLOG", "description": "Again."}]})

    assert [p.title for p in plan.projects] == ["Blog"]
    assert plan.skipped == ("projects[1]: same as projects[0], skipped",)


def test_planning_against_the_portfolio_counts_each_natural_key() -> None:
    # Importing into an account that holds M projects with a key creates max(0, N - M)
    # of the file's N: a fresh account gets both twins, a second import gets none.
    first, second = without_ids(twins())
    planned = parse(to_json_resume(OWNER, twins(), CATALOGUE)).projects
    stored = [dataclasses.replace(r, id=n) for n, r in enumerate(planned, start=1)]

    assert new_and_present(planned, []) == ((first, second), ())
    assert new_and_present(planned, stored) == ((), (first, second))
    assert new_and_present(planned, stored[::-1]) == ((), (first, second))
    # One twin already there: the other is the one created, whatever the file order.
    assert new_and_present(planned, [second]) == ((first,), (second,))
    assert new_and_present(planned[::-1], [first]) == ((second,), (first,))
    # An edited copy still counts as present: creating it again would duplicate it.
    edited = dataclasses.replace(first, summary="Edited since the export.")
    assert new_and_present(planned, [edited]) == ((second,), (first,))
    assert new_and_present(planned, [edited, second]) == ((), (first, second))


def test_project_key_ignores_case_and_id() -> None:
    a = ProjectRecord(title="Blog", kind="personal", organisation="Me", start=date(2020, 1, 1))
    b = dataclasses.replace(a, title="BLOG", organisation="me", summary="other", id=3)

    assert project_key(a) == project_key(b)
    assert project_key(a) != project_key(dataclasses.replace(a, kind="paid"))
    assert project_key(a) != project_key(dataclasses.replace(a, start=date(2020, 2, 1)))


# -- foreign files


def test_work_with_intern_position_is_an_internship() -> None:
    plan = parse(
        {
            "work": dated(
                {"name": "Initech", "position": "Software Engineering Intern"},
                {"name": "Globex", "position": "Developer", "summary": "A summer placement."},
                {"name": "Hooli", "position": "Graduate Trainee"},
                {"name": "Acme", "position": "Internal tools developer"},
                {"name": "Umbrella", "position": "Back-end engineer"},
                {"name": "Hooli", "position": "Team lead", "summary": "Mentored interns."},
            )
        }
    )

    assert [p.kind for p in plan.projects] == [
        "internship",
        "internship",
        "internship",
        "paid",
        "paid",
        "paid",
    ]


def test_work_entry_maps_to_a_project() -> None:
    plan = parse(
        {
            "work": [
                {
                    "name": "Acme",
                    "position": "Developer",
                    "url": "https://acme.example.com",
                    "startDate": "2021-04-17",
                    "endDate": "2022",
                    "summary": "Built things.",
                    "highlights": ["Shipped", "  ", "Tested"],
                }
            ]
        }
    )

    assert plan.projects == (
        ProjectRecord(
            title="Developer at Acme",
            kind="paid",
            organisation="Acme",
            role="Developer",
            start=date(2021, 4, 1),
            end=date(2022, 1, 1),
            summary="Built things.",
            highlights=("Shipped", "Tested"),
            live_url="https://acme.example.com",
        ),
    )
    assert plan.owner is None


def test_current_position_is_ongoing() -> None:
    plan = parse({"work": [{"name": "Acme", "startDate": "2024-02"}]})

    assert plan.projects[0].ongoing is True
    assert plan.projects[0].title == "Work at Acme"


def test_volunteer_entries_are_volunteer_projects() -> None:
    plan = parse(
        {"volunteer": [{"organization": "Code Club", "position": "Mentor", "startDate": "2020"}]}
    )

    (project,) = plan.projects
    assert project.kind == "volunteer"
    assert project.title == "Mentor at Code Club"
    assert project.start == date(2020, 1, 1)


def test_foreign_projects_default_to_personal_and_private() -> None:
    plan = parse(
        {
            "projects": dated(
                {"name": "Blog", "type": "application"},
                {"name": "Charity site", "type": "volunteering"},
                {"name": "Contract", "type": "paid"},
            )
        }
    )

    assert [p.kind for p in plan.projects] == ["personal", "volunteer", "paid"]
    assert not any(p.public or p.featured for p in plan.projects)


def test_keywords_are_normalised_through_the_catalogue() -> None:
    plan = parse({"projects": dated({"name": "API", "keywords": ["postgres", "python", "My DSL"]})})

    assert plan.projects[0].technologies == ("PostgreSQL", canonical("python"), "My DSL")


def test_duplicate_keywords_are_kept_once() -> None:
    plan = parse({"projects": dated({"name": "API", "keywords": ["postgres", "PostgreSQL"]})})

    assert plan.projects[0].technologies == ("PostgreSQL",)


def test_entries_without_a_name_are_refused() -> None:
    plan = parse(
        {
            "projects": dated({"description": "Nameless"}),
            "work": dated({"summary": "Nothing to call it"}),
            "volunteer": dated({"organization": "Code Club"}),
        }
    )

    assert [p.title for p in plan.projects] == ["Volunteering at Code Club"]
    assert plan.refused == (
        RefusedEntry(
            "projects[0]",
            "",
            (EntryProblem("title", rules.TITLE_REQUIRED, "projects[0].name"),),
        ),
        # Its title is made from the position and organisation, and it has neither.
        RefusedEntry("work[0]", "", (EntryProblem("title", rules.TITLE_REQUIRED, "work[0]"),)),
    )
    assert plan.skipped == ()


def test_javascript_urls_are_refused_with_the_rules_message() -> None:
    plan = parse(
        {
            "basics": {"name": "Ada", "url": "javascript:alert(1)"},
            "projects": dated(
                {"name": "XSS", "url": "javascript:alert(1)"},
                {"name": "Data", "website": "data:text/html,<script>alert(1)</script>"},
                {"name": "Fine", "url": "https://example.com"},
            ),
        }
    )

    assert [p.live_url for p in plan.projects] == ["https://example.com"]
    assert [(r.where, r.title, r.problems) for r in plan.refused] == [
        ("projects[0]", "XSS", (EntryProblem("live_url", rules.WEB_ADDRESS, "projects[0].url"),)),
        (
            "projects[1]",
            "Data",
            (EntryProblem("live_url", rules.WEB_ADDRESS, "projects[1].website"),),
        ),
    ]
    assert plan.owner == PortfolioOwner(name="Ada")
    assert plan.skipped == (f"basics.url: left out; {rules.WEB_ADDRESS}",)
    assert "javascript:" not in repr(plan.projects) + repr(plan.owner)


def test_x_portfolio_source_url_is_checked_too() -> None:
    plan = parse({"projects": dated({"name": "A", EXTENSION: {"sourceUrl": "javascript:x"}})})

    assert plan.projects == ()
    assert plan.refused[0].problems == (
        EntryProblem("source_url", rules.WEB_ADDRESS, f"projects[0].{EXTENSION}.sourceUrl"),
    )


def test_over_long_text_is_refused_not_cut() -> None:
    highlights = ["Fine", "", "x" * 1000]
    plan = parse({"projects": dated({"name": "word " * 100, "highlights": highlights})})

    assert plan.projects == ()
    (refused,) = plan.refused
    # Shown shortened (it is never stored).
    assert refused.title.startswith("word word") and refused.title.endswith("word…")
    assert len(refused.title) <= 120
    assert refused.problems == (
        # 499: the trailing space is trimmed before the length is counted, as it is stored.
        EntryProblem("title", rules.too_long(rules.TITLE_MAX, 499), "projects[0].name"),
        # The blank highlight is not counted: the index is the one in the file.
        EntryProblem("highlights", rules.HIGHLIGHT_TOO_LONG, "projects[0].highlights[2]"),
    )
    assert plan.skipped == ()


def test_too_many_highlights_or_technologies_are_refused_not_cut() -> None:
    plan = parse(
        {
            "projects": dated(
                {"name": "A", "highlights": [f"H{n}" for n in range(rules.MAX_HIGHLIGHTS + 1)]},
                {"name": "B", "keywords": [f"T{n}" for n in range(rules.MAX_TECHNOLOGIES + 1)]},
                # Aliases of one technology count once, as in the form and the API.
                {"name": "C", "keywords": ["postgres", "PostgreSQL"] * 15},
            )
        }
    )

    assert [p.title for p in plan.projects] == ["C"]
    assert [r.problems for r in plan.refused] == [
        (EntryProblem("highlights", rules.TOO_MANY_HIGHLIGHTS, "projects[0].highlights"),),
        (EntryProblem("technologies", rules.TOO_MANY_TECHNOLOGIES, "projects[1].keywords"),),
    ]


def test_long_foreign_summary_is_kept_whole_as_the_description() -> None:
    text = "Responsible for many things. " * 30
    plan = parse({"work": dated({"name": "Acme", "summary": text})})

    project = plan.projects[0]
    assert len(project.summary) <= rules.SUMMARY_MAX
    assert project.summary.endswith("…")
    assert project.description == text.strip()
    assert plan.skipped == (
        "work[0].summary: longer than 300 characters, shortened; "
        "the full text is kept as the description",
    )
    assert_storable(plan)


def test_a_made_up_title_over_the_limit_is_shortened_with_a_note() -> None:
    organisation, position = "O" * rules.ORGANISATION_MAX, "P" * rules.ROLE_MAX
    plan = parse({"work": dated({"name": organisation, "position": position})})

    (project,) = plan.projects
    assert len(project.title) <= rules.TITLE_MAX and project.title.endswith(" at…")
    assert (project.organisation, project.role) == (organisation, position)
    assert plan.skipped == (
        "work[0]: title shortened to 200 characters; the organisation and position are kept whole",
    )


def test_line_breaks_in_one_line_fields_become_spaces() -> None:
    plan = parse(
        {"projects": dated({"name": "A\nB", "description": "x\r\n  y", "highlights": ["a\u2028b"]})}
    )

    (project,) = plan.projects
    assert (project.title, project.summary, project.highlights) == ("A B", "x y", ("a b",))


@pytest.mark.parametrize("char", ["\u0000", "\u0007", "\u007f", "\u009b", "\ud800"])
def test_control_characters_are_refused_not_removed(char: str) -> None:
    # Escaped JSON: a lone surrogate cannot be written as UTF-8.
    plan = parse(json.dumps({"projects": dated({"name": f"A{char}B", "description": f"x{char}y"})}))

    assert plan.projects == ()
    (refused,) = plan.refused
    assert refused.title == "A\ufffdB"  # shown without the character itself
    # The project schema's own message, as the form and the API give it.
    (title,) = problems(ProjectIn, {"title": f"A{char}B", "kind": "personal", "start": "2020-01"})
    (summary,) = problems(ProjectIn, {"title": "A", "kind": "personal", "start": "2020-01",
                                      "summary": f"x{char}y"})  # fmt: skip
    assert refused.problems == (
        EntryProblem("title", title.message, "projects[0].name"),
        EntryProblem("summary", summary.message, "projects[0].description"),
    )
    if char != "\ud800":  # pydantic refuses a lone surrogate before the rules see it
        assert title.message == rules.control_character(char)


def test_owner_location_parts_are_joined() -> None:
    plan = parse(
        {
            "basics": {
                "name": "Ada",
                "location": {
                    "address": "1 Private Street",
                    "city": "Leeds",
                    "region": "West Yorkshire",
                    "countryCode": "GB",
                },
            }
        }
    )

    assert plan.owner == PortfolioOwner(name="Ada", location="Leeds, West Yorkshire, GB")


def test_invalid_owner_email_is_dropped() -> None:
    plan = parse({"basics": {"name": "Ada", "email": "not-an-email"}})

    assert plan.owner == PortfolioOwner(name="Ada")
    assert plan.skipped == (f"basics.email: left out; {rules.EMAIL_ADDRESS}",)


def test_owner_details_the_rules_refuse_are_left_out_with_the_reason() -> None:
    plan = parse(
        {
            "basics": {
                "name": "Ada\u202eecalevol",
                "label": "Engineer",
                "url": "https://a]b.com",
                "profiles": [
                    {"network": "Twitter", "username": "ada"},  # a user name is no link
                    {"network": "GitHub", "url": "https://[github.com/ada"},
                    {"url": "https://example.social/@ada"},
                    {"network": "Blog", "url": "https://blog.example.com"},
                    {},
                ],
            }
        }
    )

    assert plan.owner == PortfolioOwner(
        name="", headline="Engineer", links=(ProfileLink("Blog", "https://blog.example.com"),)
    )
    assert plan.skipped == (
        f"basics.profiles[0]: left out; url: {rules.LINK_NEEDS_URL}",
        f"basics.profiles[1]: left out; url: {rules.WEB_ADDRESS_UNREADABLE}",
        f"basics.profiles[2]: left out; network: {rules.LINK_NEEDS_NETWORK}",
        f"basics.name: left out; {rules.direction_override(chr(0x202E))}",
        f"basics.url: left out; {rules.WEB_ADDRESS_UNREADABLE}",
    )


def test_owner_links_over_the_limit_are_left_out_with_a_note() -> None:
    profiles = [
        {"network": f"Site {n}", "url": f"https://{n}.example.com"}
        for n in range(rules.MAX_LINKS + 2)
    ]
    plan = parse({"basics": {"name": "Ada", "profiles": profiles}})

    assert plan.owner is not None and len(plan.owner.links) == rules.MAX_LINKS
    assert plan.skipped == ("basics.profiles[20] and later: skipped, at most 20 links",)


def test_sections_the_portfolio_cannot_hold_are_mentioned() -> None:
    plan = parse({"education": [{"institution": "Uni"}], "awards": []})

    assert plan.skipped == ("education: not imported; the portfolio holds projects",)


def test_legacy_company_and_website_fields_are_understood() -> None:
    plan = parse({"work": dated({"company": "Acme", "website": "https://acme.example.com"})})

    assert plan.projects[0].organisation == "Acme"
    assert plan.projects[0].live_url == "https://acme.example.com"


def test_a_byte_order_mark_is_accepted() -> None:
    plan = parse(b"\xef\xbb\xbf" + dump({"projects": dated({"name": "A"})}))

    assert plan.projects[0].title == "A"


# -- errors


def test_invalid_json_names_line_and_column() -> None:
    (problem,) = problems_of('{\n  "basics": {\n    "name": "Ada",\n  }\n}')

    assert problem.location == "line 4, column 3"
    assert "JSON" in problem.message


def test_schema_errors_name_the_place_in_the_file() -> None:
    problems = problems_of(
        {
            "basics": {"profiles": [{"url": 5}]},
            "projects": [{"name": "A", "startDate": "March 2021"}, {"highlights": "one"}],
        }
    )

    assert [p.location for p in problems] == [
        "basics.profiles[0].url",
        "projects[0].startDate",
        "projects[1].highlights",
    ]
    assert "2021-04" in problems[1].message
    assert problems[2].message == "must be a list"


def test_impossible_dates_are_refused() -> None:
    (problem,) = problems_of({"projects": [{"name": "A", "endDate": "2021-13"}]})

    assert problem.location == "projects[0].endDate"
    assert "not a real date" in problem.message


def test_bad_x_portfolio_values_are_refused() -> None:
    problems = problems_of(
        {"projects": [{"name": "A", EXTENSION: {"kind": "hobby", "public": "yes"}}]}
    )

    assert {p.location for p in problems} == {
        f"projects[0].{EXTENSION}.kind",
        f"projects[0].{EXTENSION}.public",
    }


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("[]", "array"),
        ('"resume"', "string"),
        ("42", "number"),
        ("null", "null"),
    ],
)
def test_top_level_must_be_an_object(raw: str, words: str) -> None:
    (problem,) = problems_of(raw)

    assert problem.location == "file"
    assert words in problem.message


def test_too_big_is_refused_before_parsing() -> None:
    raw = dump({"projects": [{"name": "x" * 2000}]})

    (problem,) = problems_of(raw, max_bytes=1000)
    assert problem.location == "file"
    assert "larger" in problem.message
    (problem,) = problems_of(raw.decode(), max_bytes=1000)
    assert "larger" in problem.message


def densest_file(max_bytes: int, entry_format: bytes) -> tuple[bytes, int]:
    """Return as many distinct entries as fit in max_bytes of JSON, and how many."""
    entries: list[bytes] = []
    size = len(b'{"projects":[]}') - 1
    while True:
        entry = entry_format % len(entries)
        if size + len(entry) + 1 > max_bytes:
            return b'{"projects":[' + b",".join(entries) + b"]}", len(entries)
        entries.append(entry)
        size += len(entry) + 1


def test_a_file_within_the_import_limit_is_never_cut_short() -> None:
    # 400 kB is the web and API import limit (portfolio.exports.service.IMPORT_MAX_BYTES).
    raw, count = densest_file(400_000, b'{"name":"P%d","startDate":"2020"}')
    assert len(raw) <= 400_000

    plan = parse(raw, max_bytes=400_000)

    assert len(plan.projects) == count
    assert plan.skipped == ()
    assert plan.refused == ()


def test_every_refused_entry_of_a_full_file_is_listed() -> None:
    # The tersest entries of all, each refused for want of a start.
    raw, count = densest_file(400_000, b'{"name":"P%d"}')

    plan = parse(raw, max_bytes=400_000)

    assert plan.projects == ()
    assert len(plan.refused) == count > jsonresume.MAX_PROBLEMS
    assert plan.refused[-1] == RefusedEntry(
        f"projects[{count - 1}]",
        f"P{count - 1}",
        (EntryProblem("start", rules.START_REQUIRED, f"projects[{count - 1}].startDate"),),
    )


def test_project_cap_says_how_many_were_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonresume, "MAX_PROJECTS", 2)
    projects = dated(*({"name": f"P{n}"} for n in range(4)))

    plan = parse({"projects": [*projects, *dated({"name": "P3"})], "work": dated({"name": "Acme"})})

    assert [p.title for p in plan.projects] == ["P0", "P1"]
    assert plan.skipped == (
        "projects[4]: same as projects[3], skipped",
        "projects[2] and later entries: 3 projects not imported, "
        "an import holds at most 2 projects",
    )


def test_default_limit_is_one_megabyte() -> None:
    raw = b'{"x": "' + b"a" * 1_000_000 + b'"}'

    (problem,) = problems_of(raw)
    assert "1 MB" in problem.message


def test_bad_utf8_is_refused() -> None:
    (problem,) = problems_of(b'{"basics": {"name": "\xff\xfe"}}')

    assert problem.location == "file"
    assert "UTF-8" in problem.message


def test_nan_is_refused() -> None:
    (problem,) = problems_of('{"x": NaN}')

    assert "NaN" in problem.message


def test_deep_nesting_is_refused_cleanly() -> None:
    problems = problems_of("[" * 100_000 + "]" * 100_000)

    assert problems[0].location == "file"


def test_problems_are_in_file_order() -> None:
    entries = [{"name": "ok"}] * 12
    entries[2] = {"startDate": "bad"}
    entries[10] = {"startDate": "bad"}

    problems = problems_of({"projects": entries})

    assert [p.location for p in problems] == ["projects[2].startDate", "projects[10].startDate"]


def test_error_lists_are_capped() -> None:
    problems = problems_of({"projects": [{"startDate": "nope"}] * 100})

    assert len(problems) == 20


def test_import_error_message_lists_problems() -> None:
    error = ResumeImportError([Problem("projects[0].name", "must be text")])

    assert str(error) == "projects[0].name: must be text"


# -- property


#: Text-direction embeddings, overrides and isolates: the rules refuse them.
_DIRECTION = "".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def _text(*, max_size: int, min_size: int = 0, multiline: bool = False, strip: bool = True):
    # Anything a person could type and the rules accept: no surrogates, control or
    # direction characters, and trimmed like the forms trim (Markdown descriptions
    # are stored as typed, their line endings made "\n").
    alphabet = st.characters(
        exclude_categories=("Cs", "Cc", "Zl", "Zp"),
        exclude_characters=_DIRECTION,
        include_characters="\n\t" if multiline else "",
    )
    text = st.text(alphabet, min_size=min_size, max_size=max_size)
    if strip:
        text = text.map(str.strip)
    return text.filter(lambda s: len(s) >= min_size)


def _stored(record: ProjectRecord) -> bool:
    """Return whether the record is one the project schema stores as it is."""
    try:
        return validate(ProjectIn, record_input(record)).to_record() == record
    except ValueError:
        return False


_months = st.builds(
    date, st.integers(min_value=1970, max_value=2100), st.integers(1, 12), st.just(1)
)
_urls = st.one_of(st.just(""), urls().filter(lambda u: len(u) <= rules.URL_MAX))
_technologies = st.lists(_text(min_size=1, max_size=30), max_size=8).map(
    lambda raw: tuple(dict.fromkeys(t.name for t in CATALOGUE.normalise_tags(raw)))
)


@st.composite
def _periods(draw) -> dict:
    """A start; an end not before it, or none (ongoing, or ended at an unknown date)."""
    start = draw(_months)
    end = draw(st.none() | _months.filter(lambda day: day >= start))
    return {"start": start, "end": end, "ongoing": end is None and draw(st.booleans())}


_records = st.builds(
    lambda period, **fields: ProjectRecord(**period, **fields),
    _periods(),
    title=_text(min_size=1, max_size=rules.TITLE_MAX),
    kind=st.sampled_from(KINDS),
    organisation=_text(max_size=rules.ORGANISATION_MAX),
    role=_text(max_size=rules.ROLE_MAX),
    summary=_text(max_size=rules.SUMMARY_MAX),
    description=_text(max_size=500, multiline=True, strip=False),
    highlights=st.lists(_text(min_size=1, max_size=rules.HIGHLIGHT_MAX), max_size=4).map(tuple),
    live_url=_urls,
    source_url=_urls,
    technologies=_technologies,
    public=st.booleans(),
    featured=st.booleans(),
    id=st.none() | st.integers(1, 10_000),
).filter(_stored)

_owners = st.builds(
    PortfolioOwner,
    name=_text(min_size=1, max_size=rules.NAME_MAX),
    headline=_text(max_size=rules.HEADLINE_MAX),
    bio=_text(max_size=300, multiline=True),
    location=_text(max_size=rules.LOCATION_MAX),
    email=st.sampled_from(["", "ada@example.com"]),
    website=_urls,
    links=st.lists(
        st.builds(
            ProfileLink,
            network=_text(min_size=1, max_size=30),
            # A profile link is a site and its address (a user name alone is not one).
            url=urls().filter(lambda u: len(u) <= rules.URL_MAX),
            username=_text(max_size=30),
        ),
        max_size=3,
    ).map(tuple),
)


@settings(
    max_examples=75,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    owner=_owners,
    # Natural keys may repeat: own entries are told apart by their x-portfolio key.
    projects=st.lists(_records, max_size=6).filter(
        # Database ids are unique; records without one are keyed by position.
        lambda ps: (
            len({p.id for p in ps if p.id is not None}) == len([p for p in ps if p.id is not None])
        )
    ),
)
def test_round_trip_property(owner: PortfolioOwner, projects: list[ProjectRecord]) -> None:
    resume = to_json_resume(owner, projects, CATALOGUE)
    STRICT.validate(resume)

    plan = parse(resume)

    assert [dataclasses.asdict(p) for p in plan.projects] == [
        dataclasses.asdict(p) for p in without_ids(projects)
    ]
    assert plan.owner == owner
    assert plan.skipped == ()
    assert plan.refused == ()


# -- property: whatever a foreign file holds, what is stored is what the schema stores

#: Text as other tools write it: mostly plain, sometimes with anything at all in it.
_any_text = st.one_of(
    _text(max_size=40),
    _text(max_size=40),
    st.sampled_from(
        ["", "  ", "x" * 70, "a\u202eb", "a\x85b", "a\x01b", "a\x1bb", "A\nB", "\tA\t"]
    ),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
)
_foreign_dates = st.sampled_from(["2019", "2020-06", "2021-02-28", "2020-01", None])
_foreign_urls = st.none() | st.sampled_from(
    ["", "https://example.com", "http://[::1", "https://a]b.com", "http://]",
     "https://ß.de/", "javascript:alert(1)", "https://u:p@example.com", "ftp://x.org"]
)  # fmt: skip


def _foreign_entry(name: str, **fields):
    return st.fixed_dictionaries(
        {"startDate": _foreign_dates, name: _text(min_size=1, max_size=40) | _any_text},
        optional={
            **fields,
            "endDate": _foreign_dates,
            "url": _foreign_urls,
            "highlights": st.lists(_text(max_size=20), max_size=3)
            | st.lists(_any_text, max_size=22),
            "summary": _any_text | st.just("Long. " * 80),
        },
    ).map(lambda entry: {k: v for k, v in entry.items() if v is not None})


_foreign_documents = st.fixed_dictionaries(
    {},
    optional={
        "basics": st.fixed_dictionaries(
            {},
            optional={
                "name": _any_text,
                "email": st.sampled_from(["ada@example.com", "nope", "a\x01@example.com"]),
                "url": _foreign_urls.filter(lambda u: u is not None),
                "profiles": st.lists(
                    st.fixed_dictionaries(
                        {}, optional={"network": _any_text, "url": _foreign_urls.filter(bool)}
                    ),
                    max_size=3,
                ),
            },
        ),
        "projects": st.lists(
            _foreign_entry(
                "name",
                description=_any_text,
                keywords=st.lists(_text(max_size=20), max_size=4)
                | st.lists(_any_text, max_size=32),
                roles=st.lists(_any_text, max_size=3),
                type=st.sampled_from(["application", "paid", "volunteering"]),
            ),
            max_size=4,
        ),
        "work": st.lists(_foreign_entry("name", position=_any_text), max_size=3),
        "volunteer": st.lists(_foreign_entry("organization"), max_size=2),
    },
)


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(document=_foreign_documents)
def test_foreign_files_store_only_what_the_schema_stores(document: dict) -> None:
    # Escaped JSON, so text with any character reaches the importer as written.
    plan = parse(json.dumps(document))

    # Each record passes the project schema again and comes back the same.
    assert_storable(plan)
    for record in plan.projects:
        assert problems(ProjectIn, record_input(record)) == []
    # A refused entry is not stored, and says why with the rules' own messages.
    refused = {entry.where for entry in plan.refused}
    assert len(refused) == len(plan.refused)
    for entry in plan.refused:
        assert entry.problems
        assert all(p.message and p.location.startswith(entry.where) for p in entry.problems)
        assert not any(c in entry.title for c in ("\u202e", "\x85", "\x01", "\x1b"))
    # Every entry is imported, refused, or named in a note (a duplicate).
    entries = sum(len(document.get(section, [])) for section in ("projects", "work", "volunteer"))
    noted = {note.split(":", 1)[0] for note in plan.skipped}
    assert len(plan.projects) + len(refused) + len(noted - refused) >= entries
    # The owner's details are as the details form would store them.
    if plan.owner is not None:
        assert all(link.network and link.url for link in plan.owner.links)
