"""Job adverts to rank ("Which jobs fit me?"): pasted adverts and picked saved profiles.

The form splits what is pasted into adverts (``portfolio.readiness.fit.split_adverts``)
and the JSON API takes them as a list; both are validated here, so they refuse the same
things in the same words. Rules, each with its message in ``rules.py``:

* at least one advert or one saved profile, at most ``MAX_ADVERTS`` adverts and
  ``MAX_RANKED_PROFILES`` profiles;
* an advert has a one-line title (a profile title's limit, as it may be saved as one)
  and a text of at most ``ADVERT_MAX`` characters (it may be empty: a title such as
  "Python developer" can be enough);
* a profile is named by its slug, each once. Whether the user has it is the service's
  to say.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field, model_validator

from portfolio.schemas import rules
from portfolio.schemas.base import Line, Schema, Text, rule_error
from portfolio.schemas.profile import Id


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item in seen:
            raise rule_error(rules.LISTED_TWICE.format(value=item), index)
        seen.add(item)
    return items


class AdvertIn(Schema):
    """One job advert: its title and its text."""

    required_messages: ClassVar = {"title": rules.ADVERT_TITLE_REQUIRED}
    noun: ClassVar = "an advert field"

    title: Line(rules.PROFILE_TITLE_MAX, min_length=1, description="The job's title.")
    text: Text(rules.ADVERT_MAX, description="The advert, as pasted.") = ""


class JobsToRankIn(Schema):
    """Adverts and saved profiles to rank by how ready the portfolio is for each."""

    too_many_messages: ClassVar = {
        "adverts": rules.TOO_MANY_ADVERTS,
        "profiles": rules.TOO_MANY_RANKED_PROFILES,
    }
    noun: ClassVar = "a ranking field"

    adverts: Annotated[
        list[AdvertIn],
        Field(
            max_length=rules.MAX_ADVERTS,
            description="Adverts to turn into profiles.",
            examples=[[{"title": "Junior PHP developer", "text": "PHP, Laravel and MySQL."}]],
        ),
    ] = []
    profiles: Annotated[
        list[Id(rules.PROFILE_SLUG_MAX)],
        Field(
            max_length=rules.MAX_RANKED_PROFILES,
            description="Saved profiles, by slug.",
            examples=[["back-end-engineer"]],
        ),
        AfterValidator(_unique),
    ] = []

    @model_validator(mode="after")
    def _something_to_rank(self) -> JobsToRankIn:
        if not self.adverts and not self.profiles:
            raise rule_error(rules.NOTHING_TO_RANK)
        return self
