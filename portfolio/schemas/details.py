"""The schema of "Your details": what the public portfolio says about its owner.

Every field is optional text with a limit; the website and each profile link's address
are web addresses under the same rules as a project's links; a profile link names its
site and gives its address together (a user name alone is not a link).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from pydantic import Field, field_validator, model_validator

from portfolio.projects.record import PortfolioOwner, ProfileLink
from portfolio.schemas import rules
from portfolio.schemas.base import (
    Line,
    Problem,
    Schema,
    Text,
    WebAddress,
    check_email,
    rule_error,
)

#: The details a portfolio may show; "shown" lists the ones the owner chose.
SHOWABLE: tuple[str, ...] = ("name", "headline", "bio", "location", "email", "website", "links")


def link_rules(network: str, username: str, url: str) -> list[tuple[str, str]]:
    """Return (field, message) for a link that lacks its site or its address."""
    if url and not network:
        return [("network", rules.LINK_NEEDS_NETWORK)]
    if (network or username) and not url:
        return [("url", rules.LINK_NEEDS_URL)]
    return []


class ProfileLinkIn(Schema):
    """A link to the owner's profile elsewhere: GitHub, LinkedIn, a blog."""

    noun: ClassVar = "a profile link field"

    network: Line(rules.NETWORK_MAX, description="The site, like GitHub.") = ""
    username: Line(rules.USERNAME_MAX, description="Your user name there.") = ""
    url: WebAddress(description="The address of your profile.") = ""

    @model_validator(mode="after")
    def _site_and_address(self) -> ProfileLinkIn:
        for field, message in link_rules(self.network, self.username, self.url):
            raise rule_error(message, field)
        return self

    @classmethod
    def cross_field_problems(cls, data: Mapping[str, Any]) -> list[Problem]:
        """Return the site-and-address rule on raw input."""
        values = [data.get(name) for name in ("network", "username", "url")]
        if not all(isinstance(value, str) for value in values):
            return []
        return [Problem((f,), m) for f, m in link_rules(*(v.strip() for v in values))]

    @property
    def empty(self) -> bool:
        """Return whether nothing was given (a blank row of the form)."""
        return not (self.network or self.username or self.url)


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

    @classmethod
    def cross_field_problems(cls, data: Mapping[str, Any]) -> list[Problem]:
        """Return each link's site-and-address problems, located in the list."""
        links = data.get("links")
        if not isinstance(links, list):
            return []
        return [
            Problem(("links", index, *problem.location), problem.message)
            for index, link in enumerate(links)
            if isinstance(link, Mapping)
            for problem in ProfileLinkIn.cross_field_problems(link)
        ]

    @field_validator("email", mode="after")
    @classmethod
    def _email(cls, value: str) -> str:
        return check_email(value)

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
