"""The schema of a new personal API token: its name, its scope and how long it lives."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from portfolio.schemas import rules
from portfolio.schemas.base import Line, Schema, rule_error

Scope = Literal[tuple(rules.TOKEN_SCOPES)]  # type: ignore[valid-type]  (the scopes, in rules)


class TokenIn(Schema):
    """A token to create: a name that says what will use it, what it may do, its lifetime."""

    required_messages: ClassVar = {
        "name": rules.TOKEN_NAME_REQUIRED,
        "scope": rules.TOKEN_SCOPE_REQUIRED,
    }
    noun: ClassVar = "a token field"

    name: Line(rules.TOKEN_NAME_MAX, min_length=1, description="What will use it.")
    scope: Scope = Field(  # type: ignore[valid-type]
        rules.DEFAULT_TOKEN_SCOPE,
        description="read: the operations that change nothing; write: all of them.",
    )
    expires_in_days: int | None = Field(
        rules.DEFAULT_TOKEN_LIFETIME,
        description="Days until the token stops working; null: until revoked.",
        json_schema_extra={"minimum": 1, "maximum": rules.TOKEN_LIFETIME_MAX},
    )

    @field_validator("expires_in_days", mode="after")
    @classmethod
    def _lifetime(cls, value: Any) -> Any:
        if value is not None and not 1 <= value <= rules.TOKEN_LIFETIME_MAX:
            raise rule_error(rules.TOKEN_LIFETIME_RANGE)
        return value
