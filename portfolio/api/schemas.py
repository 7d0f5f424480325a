"""What the JSON API sends back, as pydantic models: the OpenAPI document's response shapes.

These models only describe; the views build plain dicts. ``portfolio.api.openapi`` turns
them into the document's components with pydantic's JSON Schema generation, next to the
request shapes, which come from the project schema itself (``ProjectIn``), so every
limit is the one ``portfolio/schemas/rules.py`` defines.

A class's name is its component's name, which clients' generated code depends on: do
not rename one. Nested classes whose names start with an underscore have no component
of their own; the document writes them out where they are used.
"""

from __future__ import annotations

import types
from datetime import date, datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Field, create_model
from pydantic.json_schema import SkipJsonSchema

from portfolio.readiness.profiles import SHAPES
from portfolio.schemas import rules
from portfolio.schemas.project import Kind, ProjectIn
from portfolio.technologies.catalogue import CATEGORIES

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Shape = Literal[SHAPES]  # type: ignore[valid-type]
#: A month as the API writes it.
MonthText = Annotated[str, Field(pattern=rules.MONTH_PATTERN)]
Count = Annotated[int, Field(ge=0)]
Fraction = Annotated[float, Field(ge=0, le=1)]


# --- errors ---------------------------------------------------------------------


class FieldError(BaseModel):
    pointer: str = Field(
        description='JSON Pointer into the body ("/title"); empty for a query parameter '
        "or the whole body."
    )
    field: str = Field(description="The body member or query parameter at fault.")
    message: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = Field(
        description="about:blank, or a link to the explanation of this kind of problem."
    )
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str = Field(description="The path requested.")
    errors: list[FieldError] | SkipJsonSchema[None] = Field(
        None, description="What is invalid, for 422 responses."
    )


# --- projects -------------------------------------------------------------------


class _Attention(BaseModel):
    field: str = Field(description='The field at fault ("" for the project as a whole).')
    message: str = Field(description="The rule it breaks, in the form's words.")


def _plain(annotation: Any) -> Any:
    """Return an input field's type without its rules: a month becomes its text."""
    origin = get_origin(annotation)
    if annotation is date:
        return MonthText
    if origin is Annotated:
        return _plain(get_args(annotation)[0])
    if origin is list:
        return list[_plain(get_args(annotation)[0])]
    if origin in (Union, types.UnionType):
        return Union[tuple(_plain(arg) for arg in get_args(annotation))]  # noqa: UP007
    return annotation


def _output_fields() -> dict[str, Any]:
    """Return ProjectIn's fields as the API sends them back: every one, always present.

    They hold what was saved, which a project saved before today's rules may break:
    the limits are ProjectInput's, and ``needs_attention`` says what to fix.
    """
    fields: dict[str, Any] = {
        name: (_plain(info.annotation), Field(description=info.description))
        for name, info in ProjectIn.model_fields.items()
    }
    fields["start"] = (
        MonthText | None,
        Field(
            description=f"{ProjectIn.model_fields['start'].description} Null only for a "
            "project saved before a start was required (see needs_attention)."
        ),
    )
    return fields


Project = create_model(
    "Project",
    __doc__="A project as stored. Its fields hold what was saved: one saved before "
    "today's rules may break them (the limits are ProjectInput's), and needs_attention "
    "lists each rule it breaks, to fix with a PATCH.",
    id=(int, Field(ge=1)),
    **_output_fields(),
    created_at=(datetime, ...),
    updated_at=(datetime, ...),
    version=(
        int,
        Field(
            ge=1,
            description="How many times the project has been saved (1 when created); "
            "every change, its technologies included, adds one. The ETag carries it.",
        ),
    ),
    needs_attention=(
        list[_Attention],
        Field(description="The rules the project breaks; empty when it keeps them all."),
    ),
)


def _page_size(schema: dict[str, Any]) -> None:
    # The views' own limit, read when the schema is made: the views import openapi,
    # which imports this module, so they cannot be imported at the top.
    from portfolio.api import views

    schema["maximum"] = views.MAX_LIMIT


class _PageLinks(BaseModel):
    self: str
    first: str
    prev: str | None
    next: str | None
    last: str


class ProjectPage(BaseModel):
    items: list[Project]  # type: ignore[valid-type]
    total: Count = Field(description="How many projects match the filters.")
    limit: int = Field(ge=1, json_schema_extra=_page_size)
    offset: Count
    links: _PageLinks


# --- technologies ------------------------------------------------------------------


class Technology(BaseModel):
    name: str = Field(description="The canonical name.")
    category: Category
    aliases: list[str]


class TechnologyList(BaseModel):
    items: list[Technology]
    total: Count


class _TechnologyUse(BaseModel):
    name: str
    projects: int = Field(ge=1)
    category: str | None = Field(description="Null for your own tags.")


class TechnologyUsage(BaseModel):
    items: list[_TechnologyUse]


# --- profiles and readiness ---------------------------------------------------------


class Requirement(BaseModel):
    id: str
    label: str
    why: str
    weight: Count
    shape: Shape
    technologies: list[str]


class Profile(BaseModel):
    slug: str
    title: str
    description: str
    builtin: bool = Field(description="Shipped, not made by you.")
    target: bool = Field(description="Your target role.")
    requirements: list[Requirement]


class ProfileList(BaseModel):
    items: list[Profile]


class _Evidence(BaseModel):
    project_id: int | None
    project_title: str
    reason: str = Field(
        description='In words: "PHP", "PHP, from Laravel", "PostgreSQL, related to MySQL", '
        '"Paid work".'
    )
    amount: Fraction
    credit: Literal["named", "implied", "related"] | None = Field(
        description="How the project shows the technology: named on it, implied by one it "
        "names (80%), or a related technology standing in at part credit; null for a "
        "portfolio or experience reason."
    )


class ReadinessPart(BaseModel):
    requirement: str
    label: str
    points: float = Field(ge=0)
    max_points: float = Field(ge=0)
    coverage: Fraction
    met: bool
    missing: list[str]
    evidence: list[_Evidence]


class NextStep(BaseModel):
    requirement: str
    text: str
    gain: float = Field(description="Points the step would add.")
    kind: Kind
    technologies: list[str]


class Readiness(BaseModel):
    """The readiness score as the dashboard shows it: points to one decimal place that
    add up to the score."""

    profile: str
    title: str
    score: float = Field(ge=0, le=100)
    met: Count
    requirements: Count
    parts: list[ReadinessPart]
    next_steps: list[NextStep]
    computed_on: date


# --- which jobs fit -------------------------------------------------------------------


class _Gap(BaseModel):
    requirement: str = Field(description="The requirement's id.")
    label: str
    points_missing: float = Field(ge=0)


class _RankedJob(BaseModel):
    rank: int = Field(ge=1)
    title: str
    source: Literal["advert", "profile"]
    profile: str | None = Field(description="A saved profile's slug; null for an advert.")
    score: float = Field(ge=0, le=100)
    met: Count
    requirements: Count
    met_requirements: list[str] = Field(description="The labels of the requirements met.")
    biggest_gap: _Gap | None = Field(
        description="The requirement with the most points missing; null when none is."
    )
    next_step: NextStep | None = Field(description="What would raise the score most.")
    technologies: list[str] = Field(
        description="The catalogue technologies an advert names (empty for a profile)."
    )


class _Unranked(BaseModel):
    advert: Count = Field(description="Its place in adverts, from 0.")
    title: str
    reason: str


class JobRanking(BaseModel):
    """Jobs ranked by your readiness, best first (then by requirements met, then as
    sent), each with its reasons. Nothing is saved."""

    items: list[_RankedJob]
    unranked: list[_Unranked] = Field(description="Adverts that name no technology.")
    computed_on: date


# --- JSON Resume ------------------------------------------------------------------

_Object = dict[str, Any]


class JsonResume(BaseModel):
    """A JSON Resume document (jsonresume.org/schema, v1.0.0). Only the main sections
    are described here; the importer checks the whole schema and reports each problem
    with its place in the file."""

    basics: _Object | SkipJsonSchema[None] = None
    work: list[_Object] | SkipJsonSchema[None] = None
    volunteer: list[_Object] | SkipJsonSchema[None] = None
    projects: list[_Object] | SkipJsonSchema[None] = None
    skills: list[_Object] | SkipJsonSchema[None] = None
    meta: _Object | SkipJsonSchema[None] = None


class _EntryError(BaseModel):
    pointer: str = Field(description="Where in the résumé.", examples=["/projects/3/endDate"])
    field: str = Field(description="The project field.")
    message: str


class _Refused(BaseModel):
    entry: str = Field(examples=["projects[3]"])
    title: str
    errors: list[_EntryError]


class ImportResult(BaseModel):
    created: Count
    skipped: Count = Field(description="Projects you already had.")
    details_updated: bool
    notes: list[str] = Field(description="What was skipped, shortened or dropped.")
    refused: list[_Refused] | SkipJsonSchema[None] = Field(
        None, description="Entries the project rules refuse, not imported."
    )


# --- code analyses (issues 15, 16) ---------------------------------------------------


class _EvidenceLine(BaseModel):
    path: str = Field(examples=["composer.json"])
    line: int | None = Field(description="1-based, when known.")
    text: str = Field(examples=['"laravel/framework": "5.5.*"'])
    kind: str = Field(description="dependency, dev-dependency, image, service, env, ...")


class _FoundTechnology(BaseModel):
    name: str = Field(description="The catalogue name: send it back to keep it.")
    strength: str = Field(description="declared, configured, marker, source or implied.")
    evidence: list[_EvidenceLine]


class _LanguageShare(BaseModel):
    name: str
    lines: Count
    files: Count


class _Practice(BaseModel):
    name: str = Field(examples=["Automated testing"])
    detail: str
    evidence: list[_EvidenceLine]


class _Findings(BaseModel):
    technologies: list[_FoundTechnology]
    languages: list[_LanguageShare] = Field(description="By lines of code, largest first.")
    practices: list[_Practice]
    files_read: Count
    files_skipped: Count = Field(description="Vendored, generated, minified, binary or big.")


class _History(BaseModel):
    commits_total: Count
    commits_yours: Count = Field(description="Commits by the emails given.")
    first_yours: date | None
    last_yours: date | None
    emails_matched: list[str]
    languages_yours: list[_LanguageShare] = Field(
        description="From the lines your own commits added."
    )
    truncated: bool = Field(description="Only the newest commits were read.")
    authors_matched: list[str] = Field(
        description="The author names of your commits, most commits first (at most 3)."
    )


class Analysis(BaseModel):
    """An analysis of a repository's code: its state, and its findings once done."""

    id: int
    status: Literal["queued", "running", "done", "failed", "confirmed"]
    step: str = Field(description="What the job is doing, in words.")
    error: str | None = Field(description="Why it failed, when it did.")
    source: Literal["archive", "bundle", "url"]
    label: str = Field(description="The uploaded file's name, or the repository URL.")
    project_id: int | None = Field(description="The project it was confirmed into.")
    created_at: datetime
    finished_at: datetime | None
    findings: _Findings | None
    history: _History | None = Field(description="With a bundle or a URL only.")
    languages: list[_LanguageShare] | None = Field(
        description="The languages kept on confirming: with history, only from the lines "
        "your own commits added (empty when none are yours), else from the whole tree."
    )
    languages_note: str | None = Field(description="What the languages were counted from.")


# --- references (issue 17) ----------------------------------------------------------

ReferenceState = Literal[
    "sending", "not_sent", "waiting", "confirmed", "declined", "expired", "withdrawn", "revoked"
]


class _Referee(BaseModel):
    name: str = Field(description="As the referee typed it (shown publicly only if allowed).")
    job_title: str
    organisation: str
    relationship: str = Field(description="How they know the work, in their words.")


class Reference(BaseModel):
    """A reference a referee confirmed on one of your projects."""

    id: int
    project_id: int
    project_title: str
    referee: _Referee
    confirmed_on: date
    how: Literal["email", "link"] = Field(
        description="email: the app mailed the link to the referee; link: you shared it."
    )
    email_domain: str = Field(description="The domain the link was mailed to, or empty.")
    confirms: list[str] = Field(description="What was confirmed, in words.")
    comment: str
    show_name: bool = Field(description="The referee allows their name to be shown.")
    show_comment: bool = Field(description="The referee allows their comment to be shown.")
    comment_shown: bool = Field(description="You chose to show the comment (when allowed).")
    hidden: bool = Field(description="You hid it from every public output.")
    edited_since: bool = Field(
        description="A confirmed field changed since: it no longer counts in the score."
    )
    changes: list[str] = Field(description="What changed since it was confirmed, in words.")


class ReferenceList(BaseModel):
    items: list[Reference]


class ReferenceRequest(BaseModel):
    """A link you made for a referee, and where it stands."""

    id: int
    project_id: int
    project_title: str
    label_name: str = Field(description="Your note of who it is for (never shown publicly).")
    label_role: str
    state: ReferenceState
    sent_by: Literal["email", "link"]
    sent_to_domain: str
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None = Field(description="When it was answered or revoked.")


class ReferenceRequestList(BaseModel):
    items: list[ReferenceRequest]


#: Every response shape, in the order the document lists them (after the request ones).
RESPONSES: tuple[type[BaseModel], ...] = (
    Problem,
    FieldError,
    Project,
    ProjectPage,
    Technology,
    TechnologyList,
    TechnologyUsage,
    Requirement,
    Profile,
    ProfileList,
    Readiness,
    ReadinessPart,
    JsonResume,
    ImportResult,
    NextStep,
    JobRanking,
    Analysis,
    Reference,
    ReferenceList,
    ReferenceRequest,
    ReferenceRequestList,
)
