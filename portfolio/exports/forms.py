"""Forms for sharing, "Your details" and JSON Resume import."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired

from portfolio.exports.service import GROUPINGS, THEMES
from portfolio.schemas import rules
from portfolio.schemas.base import Location
from portfolio.schemas.details import SHOWABLE, DetailsIn
from portfolio.schemas.forms import SchemaForm
from portfolio.schemas.sharing import PdfSettingsIn

#: How many empty profile-link rows "Your details" offers at least.
LINK_ROWS = 5
#: How many links it holds at most: as many as the details schema allows.
MAX_LINK_ROWS = rules.MAX_LINKS


class LinkForm(Form):
    """One profile link: a network name, a user name and the address."""

    network = StringField("Site", render_kw={"maxlength": rules.NETWORK_MAX})
    username = StringField("User name", render_kw={"maxlength": rules.USERNAME_MAX})
    url = StringField("Address", render_kw={"maxlength": rules.URL_MAX})


class DetailsForm(SchemaForm):
    """What the public portfolio says about its owner, and which parts it shows."""

    schema = DetailsIn

    name = StringField("Name", render_kw={"maxlength": rules.NAME_MAX})
    show_name = BooleanField("Show my name")
    headline = StringField(
        "Headline",
        render_kw={"maxlength": rules.HEADLINE_MAX},
        description="Like: Junior back-end engineer.",
    )
    show_headline = BooleanField("Show my headline")
    bio = TextAreaField(
        "Short bio",
        render_kw={"maxlength": rules.BIO_MAX},
        description="A few sentences about you. Blank lines start a new paragraph.",
    )
    show_bio = BooleanField("Show my bio")
    location = StringField(
        "Location", render_kw={"maxlength": rules.LOCATION_MAX}, description="Like: Leeds, UK."
    )
    show_location = BooleanField("Show my location")
    email = EmailField("Email", render_kw={"maxlength": rules.EMAIL_MAX})
    show_email = BooleanField("Show my email")
    website = StringField("Website", render_kw={"maxlength": rules.URL_MAX})
    show_website = BooleanField("Show my website")
    links = FieldList(FormField(LinkForm), min_entries=LINK_ROWS, max_entries=MAX_LINK_ROWS)
    show_links = BooleanField("Show my profile links")
    submit = SubmitField("Save details")

    def schema_input(self) -> dict[str, Any]:
        """Return what was typed in the details schema's shape."""
        return {
            "name": self.name.data or "",
            "headline": self.headline.data or "",
            "bio": self.bio.data or "",
            "location": self.location.data or "",
            "email": self.email.data or "",
            "website": self.website.data or "",
            "links": [
                {
                    "network": row.network.data or "",
                    "username": row.username.data or "",
                    "url": row.url.data or "",
                }
                for row in self.links
            ],
            "shown": [name for name in SHOWABLE if self[f"show_{name}"].data],
        }

    def field_for(self, location: Location):
        """A problem with one profile link belongs to that row's field."""
        if len(location) >= 3 and location[0] == "links" and isinstance(location[1], int):
            rows = self.links.entries
            if location[1] < len(rows):
                return rows[location[1]].form._fields.get(str(location[2]))
        return super().field_for(location)

    def show_problems(self, problems) -> None:
        """Show each problem, and count the link rows' in the list's own errors."""
        super().show_problems(problems)
        if any(entry.errors for entry in self.links.entries):
            self.links.errors = [entry.errors for entry in self.links.entries]


class SharingForm(FlaskForm):
    """Turn the public page on or off (the button says which)."""

    enabled = HiddenField()
    submit = SubmitField("Turn sharing on")


class ActionForm(FlaskForm):
    """An empty form: a POST-only action protected by CSRF."""

    submit = SubmitField("Confirm")


class AppearanceForm(FlaskForm):
    """How the public page looks and whether search engines may list it."""

    theme = RadioField(
        "Theme",
        choices=[SelectChoice(k, v) for k, v in THEMES.items()],
        validators=[DataRequired("Choose a theme.")],
    )
    group_by = RadioField(
        "Group projects",
        choices=[SelectChoice(k, v) for k, v in GROUPINGS.items()],
        validators=[DataRequired("Choose how to group projects.")],
    )
    noindex = BooleanField(
        "Ask search engines not to list the page",
        description="Anyone with the address can still open it.",
    )
    show_badge = BooleanField(
        "Show my readiness score for my target role",
        description="Scored from the projects shown on the page.",
    )
    submit = SubmitField("Save appearance")


class PdfSettingsForm(SchemaForm):
    """The PDF's paper size, and whether the public page offers it to visitors."""

    schema = PdfSettingsIn

    # The schema decides which sizes exist; the field only offers them.
    paper_size = RadioField(
        "Paper size",
        choices=[SelectChoice(k, v) for k, v in rules.PAPER_SIZES.items()],
        validate_choice=False,
    )
    pdf_for_visitors = BooleanField(
        "Let visitors to my public page download the PDF",
        description="Off by default. The PDF shows what the page shows, no more.",
    )
    submit = SubmitField("Save PDF settings")

    def schema_input(self) -> dict[str, Any]:
        """Return the choices in the PDF settings schema's shape."""
        return {
            "paper_size": self.paper_size.data or "",
            "pdf_for_visitors": bool(self.pdf_for_visitors.data),
        }


class ImportUploadForm(FlaskForm):
    """Upload a JSON Resume file to preview what it would import."""

    file = FileField(
        "JSON Resume file",
        validators=[FileRequired("Choose a JSON Resume file (.json) to import.")],
        description="A resume.json file, up to 400 kB.",
    )
    submit = SubmitField("Preview import")


class ImportConfirmForm(FlaskForm):
    """Confirm an import; the file travels back in a hidden field and is checked again."""

    document = HiddenField(validators=[DataRequired("The file to import was missing.")])
    include_details = BooleanField(
        "Also replace “Your details” with the name, headline, bio and links in the file",
        description="What your public page shows stays as you chose.",
    )
    submit = SubmitField("Import")
