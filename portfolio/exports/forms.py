"""Forms for sharing, "Your details" and JSON Resume import."""

from __future__ import annotations

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
from wtforms.validators import DataRequired, Email, Length, Optional

from portfolio.exports.jsonresume import MAX_LINKS
from portfolio.exports.service import GROUPINGS, THEMES
from portfolio.projects.forms import web_address

#: How many empty profile-link rows "Your details" offers at least.
LINK_ROWS = 5
#: How many links it holds at most: as many as a JSON Resume import may bring.
MAX_LINK_ROWS = MAX_LINKS


class LinkForm(Form):
    """One profile link: a network name, a user name and the address."""

    network = StringField("Site", validators=[Optional(), Length(max=100)])
    username = StringField("User name", validators=[Optional(), Length(max=100)])
    url = StringField("Address", validators=[Optional(), Length(max=2000), web_address])

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then that a site and its address come together."""
        valid = super().validate(extra_validators)
        network, url = (self.network.data or "").strip(), (self.url.data or "").strip()
        if url and not network:
            self.network.errors = [*self.network.errors, "Name the site, like GitHub or LinkedIn."]
            valid = False
        if network and not url and not self.url.errors:
            self.url.errors = [
                *self.url.errors,
                "Enter the address of your profile, starting with https://.",
            ]
            valid = False
        return valid


class DetailsForm(FlaskForm):
    """What the public portfolio says about its owner, and which parts it shows."""

    name = StringField("Name", validators=[Optional(), Length(max=120)])
    show_name = BooleanField("Show my name")
    headline = StringField(
        "Headline",
        validators=[Optional(), Length(max=120)],
        description="Like: Junior back-end engineer.",
    )
    show_headline = BooleanField("Show my headline")
    bio = TextAreaField(
        "Short bio",
        validators=[Optional(), Length(max=5000)],
        description="A few sentences about you. Blank lines start a new paragraph.",
    )
    show_bio = BooleanField("Show my bio")
    location = StringField(
        "Location", validators=[Optional(), Length(max=120)], description="Like: Leeds, UK."
    )
    show_location = BooleanField("Show my location")
    email = EmailField(
        "Email",
        validators=[
            Optional(),
            Length(max=254),
            Email("Enter an email address like you@example.com.", check_deliverability=False),
        ],
    )
    show_email = BooleanField("Show my email")
    website = StringField("Website", validators=[Optional(), Length(max=2000), web_address])
    show_website = BooleanField("Show my website")
    links = FieldList(FormField(LinkForm), min_entries=LINK_ROWS, max_entries=MAX_LINK_ROWS)
    show_links = BooleanField("Show my profile links")
    submit = SubmitField("Save details")


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
