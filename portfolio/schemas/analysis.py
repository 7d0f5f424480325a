"""The code analysis schemas: starting one (form and API) and confirming its findings.

Rules, each with its message in ``rules.py``:

* an analysis reads exactly one source: an uploaded archive or bundle (its file name),
  or a repository URL (an https address; whether it may be fetched is the fetch
  engine's rule, ``codescan.fetch.check_repository_url``);
* up to ``MAX_COMMIT_EMAILS`` commit emails, each an email address (blank ones dropped,
  repeats merged): history counts the commits they wrote;
* confirming keeps the technologies the owner left ticked (names the analysis found),
  and either adds them to one of the owner's projects or creates one, whose fields are
  the project schema's (``ProjectIn``): no second set of project rules here.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from portfolio.schemas import rules
from portfolio.schemas.base import Line, Schema, check_email, rule_error


def _distinct_emails(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        if value:
            seen.setdefault(value.casefold(), value)
    return list(seen.values())


CommitEmail = Annotated[Line(rules.EMAIL_MAX), BeforeValidator(check_email)]


class AnalysisIn(Schema):
    """What starts an analysis: one source, and the emails the owner commits as."""

    too_many_messages: ClassVar = {"emails": rules.TOO_MANY_COMMIT_EMAILS}
    noun: ClassVar = "a field of an analysis"

    filename: Line(rules.UPLOAD_NAME_MAX, description="The uploaded file's name.") = ""
    url: Line(rules.URL_MAX, description="A public https Git repository address.",
              examples=["https://github.com/pallets/flask.git"]) = ""  # fmt: skip
    emails: Annotated[
        list[CommitEmail],
        Field(
            max_length=rules.MAX_COMMIT_EMAILS,
            description="The email addresses your commits carry (history only).",
            examples=[["ada@example.com"]],
        ),
        AfterValidator(_distinct_emails),
    ] = []

    @model_validator(mode="after")
    def _one_source(self) -> AnalysisIn:
        if not self.filename and not self.url:
            raise rule_error(rules.ANALYSIS_NEEDS_SOURCE, "file")
        if self.filename and self.url:
            raise rule_error(rules.ANALYSIS_ONE_SOURCE, "url")
        return self


class AnalysisConfirmIn(Schema):
    """Which findings to keep, and where: a new project, or one of the owner's."""

    noun: ClassVar = "a field of a confirmation"

    technologies: Annotated[
        list[Line(rules.TECHNOLOGY_MAX)],
        Field(
            max_length=rules.MAX_TECHNOLOGIES * 4,
            description="The catalogue names of the technologies found to keep.",
            examples=[["PHP", "Laravel", "MySQL"]],
        ),
    ] = []
    project_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Add to this project; null: create one."
    )
    project: dict[str, Any] | None = Field(
        None,
        description="The new project's fields (ProjectInput), when creating one; "
        "technologies are added to those kept.",
    )
