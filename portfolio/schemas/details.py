"""The schema of "Your details": what the public portfolio says about its owner.

Every field is optional text with a limit; the website and each profile link's address
are web addresses under the same rules as a project's links; a profile link names its
site and gives its address together (a user name alone is not a link).
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, field_validator, model_validator

from portfolio.projects.record import PortfolioOwner, ProfileLink
from portfolio.schemas import rules
from portfolio.schemas.base import Line, Schema, Text, WebAddress, rule_error

#: The details a portfolio may show; "shown" lists the ones the owner chose.
SHOWABLE: tuple[str, ...] = ("name", "headline", "bio", "location", "email", "website", "links")


class ProfileLinkIn(Schema):
    """A link to the owner's profile elsewhere: GitHub, LinkedIn, a blog."""

    noun: ClassVar = "a profile link field"

    network: Line(rules.NETWORK_MAX, description="The site, like GitHub.") = ""
    username: Line(rules.USERNAME_MAX, description="Your user name there.") = ""
    url: WebAddress(description="The address of your profile.") = ""

    @model_validator(mode="after")
    def _site_and_address(self) -> ProfileLinkIn:
        if self.url and not self.network:
            raise rule_error(rules.LINK_NEEDS_NETWORK, "network")
        if (self.network or self.username) and not self.url:
            raise rule_error(rules.LINK_NEEDS_URL, "url")
        return self

    @property
    def empty(self) -> bool:
        """Return whether nothing was given (a blank row of the form)."""
        return not (self.network or self.username or self.url)


def _check_email(value: str) -> str:
    if not value:
        return value
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise rule_error(rules.EMAIL_ADDRESS) from None
    return value


class DetailsIn(Schema):
    """What the owner says about themselves, and which of it the public page shows."""

    too_many_messages: ClassVar = {"links": rules.TOO_MANY_LINKS}
    noun: ClassVar = "a field of your details"

    name: Line(rules.NAME_MAX) = ""
    headline: Line(rules.HEADLINE_MAX) = ""
    bio: Text(rules.BIO_MAX) = ""
    location: Line(rules.LOCATION_MAX) = ""
    email: Line(rules.EMAIL_MAX) = ""
    website: WebAddress() = ""
    links: Annotated[list[ProfileLinkIn], Field(max_length=rules.MAX_LINKS)] = []
    shown: list[str] = []

    @field_validator("email", mode="after")
    @classmethod
    def _email(cls, value: str) -> str:
        return _check_email(value)

    @field_validator("links", mode="after")
    @classmethod
    def _drop_empty(cls, value: list[ProfileLinkIn]) -> list[ProfileLinkIn]:
        return [link for link in value if not link.empty]

    @field_validator("shown", mode="after")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        return [name for name in SHOWABLE if name in value]

    def to_owner(self) -> PortfolioOwner:
        """Return the details as the plain owner record the exports read."""
        return PortfolioOwner(
            name=self.name,
            headline=self.headline,
            bio=self.bio,
            location=self.location,
            email=self.email,
            website=self.website,
            links=tuple(ProfileLink(link.network, link.url, link.username) for link in self.links),
        )
