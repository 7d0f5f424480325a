"""The reference schemas: the owner's request, and the referee's answer (issue 17).

Rules, each with its message in ``rules.py``:

* a request names the referee for the owner ("Referee name", required; "Referee role"),
  one line each; an optional email address, only where the app can send mail, and
  never one of the owner's own (``owner_emails``: the account's and the public
  details' addresses, whatever the case or a "+tag");
* an answer gives the referee's name, job title, organisation and how they know the
  work (one line each, all required), ticks at least one thing it confirms (the dates
  and role, the work described, or technologies the project lists) and may add a
  comment of up to 500 characters;
* no control characters and no direction overrides anywhere (``rules.check_text``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, field_validator, model_validator

from portfolio.schemas import rules
from portfolio.schemas.base import Line, Schema, Text, check_email, rule_error


class ReferenceRequestIn(Schema):
    """A request for a reference: who it is for (the owner's label) and, maybe, where to mail it."""

    required_messages: ClassVar = {"label_name": rules.REFERENCE_LABEL_REQUIRED}
    noun: ClassVar = "a reference request field"

    label_name: Line(
        rules.REFERENCE_LABEL_MAX, min_length=1, description="The referee's name, for you."
    )
    label_role: Line(rules.REFERENCE_LABEL_MAX, description="Their role, for you.") = ""
    referee_email: Line(rules.EMAIL_MAX, description="Where the app mails the link.") = ""
    owner_emails: list[str] = Field(
        default_factory=list, description="The owner's own addresses, never a referee's."
    )

    @field_validator("referee_email", mode="after")
    @classmethod
    def _email(cls, value: str) -> str:
        return check_email(value)

    @model_validator(mode="after")
    def _not_the_owners(self) -> ReferenceRequestIn:
        # The owner could mail the link to themselves and confirm their own project.
        own = {mailbox(address) for address in self.owner_emails if address.strip()}
        if self.referee_email and mailbox(self.referee_email) in own:
            raise rule_error(rules.REFEREE_EMAIL_IS_YOURS, "referee_email")
        return self


def mailbox(address: str) -> str:
    """Return the mailbox an address reaches: case and a "+tag" make no difference."""
    local, _at, domain = address.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


class ReferenceAnswerIn(Schema):
    """A referee's confirmation: who they are, what they confirm, what may be shown.

    ``offered`` is not a field: the technologies the project lists, passed in the
    validation context so a tick of any other is refused.
    """

    required_messages: ClassVar = {
        "name": rules.REFEREE_NAME_REQUIRED,
        "job_title": rules.REFEREE_JOB_TITLE_REQUIRED,
        "organisation": rules.REFEREE_ORGANISATION_REQUIRED,
        "relationship": rules.REFEREE_RELATIONSHIP_REQUIRED,
    }
    noun: ClassVar = "a reference field"

    name: Line(rules.REFEREE_NAME_MAX, min_length=1)
    job_title: Line(rules.REFEREE_JOB_TITLE_MAX, min_length=1)
    organisation: Line(rules.REFEREE_ORGANISATION_MAX, min_length=1)
    relationship: Line(rules.REFEREE_RELATIONSHIP_MAX, min_length=1)
    dates_and_role: bool = False
    work: bool = False
    technologies: list[str] = Field(default_factory=list)
    offered: list[str] = Field(default_factory=list, description="What the project lists.")
    comment: Text(rules.REFERENCE_COMMENT_MAX) = ""
    show_name: bool = False
    show_comment: bool = False

    @model_validator(mode="after")
    def _confirms_something(self) -> ReferenceAnswerIn:
        if any(name not in self.offered for name in self.technologies):
            raise rule_error(rules.UNKNOWN_TECHNOLOGY_CONFIRMED, "technologies")
        if not (self.dates_and_role or self.work or self.technologies):
            raise rule_error(rules.NOTHING_CONFIRMED, "dates_and_role")
        return self

    @classmethod
    def cross_field_problems(cls, data: Any) -> list:
        """Say "tick at least one" beside the other fields' problems too."""
        from portfolio.schemas.base import Problem

        ticked = data.get("dates_and_role") or data.get("work") or data.get("technologies")
        return [] if ticked else [Problem(("dates_and_role",), rules.NOTHING_CONFIRMED)]
