"""Reference forms: the owner's request, the referee's answer; every rule is the schema's."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from portfolio.schemas import rules
from portfolio.schemas.base import Location
from portfolio.schemas.forms import SchemaForm
from portfolio.schemas.reference import ReferenceAnswerIn, ReferenceRequestIn


class RequestForm(SchemaForm):
    """Ask for a reference: who it is for (a note for the owner) and, with mail, where."""

    schema = ReferenceRequestIn

    label_name = StringField(
        "Referee name",
        render_kw={"required": True, "maxlength": rules.REFERENCE_LABEL_MAX},
        description="Only you see this: the referee types their own name.",
    )
    label_role = StringField(
        "Referee role",
        render_kw={"maxlength": rules.REFERENCE_LABEL_MAX},
        description="Only you see this too, like “My supervisor”.",
    )
    referee_email = EmailField(
        "Referee's email",
        render_kw={"maxlength": rules.EMAIL_MAX},
        description="Optional. The app mails the link there, and the reference then says "
        "it was sent to an address at their domain. Never shown publicly.",
    )
    submit = SubmitField("Create the link")

    def __init__(
        self, *args: Any, mail: bool = False, owner_emails: tuple[str, ...] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        #: Whether the app can send mail (the email field shows only then).
        self.mail = mail
        #: The owner's own addresses, refused as the referee's.
        self.owner_emails = owner_emails

    def schema_input(self) -> dict[str, Any]:
        """Return the request in the schema's shape."""
        return {
            "label_name": self.label_name.data or "",
            "label_role": self.label_role.data or "",
            "referee_email": (self.referee_email.data or "").strip() if self.mail else "",
            "owner_emails": list(self.owner_emails),
        }


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AnswerForm(SchemaForm):
    """The referee's answer: who they are, what they confirm, what may be shown."""

    schema = ReferenceAnswerIn

    name = StringField(
        "Your name", render_kw={"required": True, "maxlength": rules.REFEREE_NAME_MAX}
    )
    job_title = StringField(
        "Your job title",
        render_kw={"required": True, "maxlength": rules.REFEREE_JOB_TITLE_MAX},
    )
    organisation = StringField(
        "Organisation",
        render_kw={"required": True, "maxlength": rules.REFEREE_ORGANISATION_MAX},
    )
    relationship = StringField(
        "How do you know this work?",
        render_kw={"required": True, "maxlength": rules.REFEREE_RELATIONSHIP_MAX},
        description="Like “I supervised the internship”. Shown with the reference.",
    )
    dates_and_role = BooleanField("The dates and role")
    work = BooleanField("The work described (the summary and highlights)")
    technologies = MultiCheckboxField("Technologies used", choices=[], validate_choice=False)
    comment = TextAreaField(
        "Comment",
        render_kw={"maxlength": rules.REFERENCE_COMMENT_MAX, "rows": 4},
        description=f"Optional, up to {rules.REFERENCE_COMMENT_MAX} characters.",
    )
    show_name = BooleanField("Show my name publicly")
    show_comment = BooleanField("Show my comment publicly")
    seen = HiddenField()
    confirm = SubmitField("Confirm")
    decline = SubmitField("Decline")

    def __init__(self, *args: Any, offered: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = offered
        self.technologies.choices = [(name, name) for name in offered]

    def schema_input(self) -> dict[str, Any]:
        """Return the answer in the schema's shape."""
        return {
            "name": self.name.data or "",
            "job_title": self.job_title.data or "",
            "organisation": self.organisation.data or "",
            "relationship": self.relationship.data or "",
            "dates_and_role": bool(self.dates_and_role.data),
            "work": bool(self.work.data),
            "technologies": list(dict.fromkeys(self.technologies.data or [])),
            "offered": list(self.offered),
            "comment": self.comment.data or "",
            "show_name": bool(self.show_name.data),
            "show_comment": bool(self.show_comment.data),
        }

    def field_for(self, location: Location):
        """A problem with one technology belongs to the list of them."""
        return super().field_for(location[:1])

    def seen_version(self) -> int | None:
        """Return the project version the page showed (None: a post that does not say)."""
        raw = (self.seen.data or "").strip()
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


class ActionForm(FlaskForm):
    """An empty form: a POST-only action protected by CSRF."""

    submit = SubmitField("Go")
