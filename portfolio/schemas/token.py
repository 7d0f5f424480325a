"""The schema of a new personal API token: its name."""

from __future__ import annotations

from typing import ClassVar

from portfolio.schemas import rules
from portfolio.schemas.base import Line, Schema


class TokenIn(Schema):
    """A token to create: a name that says what will use it."""

    required_messages: ClassVar = {"name": rules.TOKEN_NAME_REQUIRED}
    noun: ClassVar = "a token field"

    name: Line(rules.TOKEN_NAME_MAX, min_length=1, description="What will use it.")
