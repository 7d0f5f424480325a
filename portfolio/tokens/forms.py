"""Token forms."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields import SelectChoice

from portfolio.schemas import rules
from portfolio.schemas.forms import SchemaForm
from portfolio.schemas.token import TokenIn

#: The lifetimes offered, as the select sends them ("never": no expiry).
NEVER = "never"


def _lifetime_value(days: int | None) -> str:
    return NEVER if days is None else str(days)


class NewTokenForm(SchemaForm):
    schema = TokenIn

    name = StringField(
        "Token name",
        render_kw={"required": True, "maxlength": rules.TOKEN_NAME_MAX},
        description="What will use it, like “CV builder script”.",
    )
    scope = RadioField(
        "What it may do",
        choices=[SelectChoice(scope, label) for scope, label in rules.TOKEN_SCOPES.items()],
        default=rules.DEFAULT_TOKEN_SCOPE,
        validate_choice=False,  # the schema says what is wrong, in its words
    )
    expires_in_days = SelectField(
        "Expires after",
        choices=[
            SelectChoice(_lifetime_value(days), label)
            for days, label in rules.TOKEN_LIFETIMES.items()
        ],
        default=_lifetime_value(rules.DEFAULT_TOKEN_LIFETIME),
        validate_choice=False,
        description="A token that expires cannot be misused for long if it leaks.",
    )
    submit = SubmitField("Create token")

    def schema_input(self) -> dict[str, Any]:
        """Return the token's name, scope and lifetime in the token schema's shape."""
        lifetime = self.expires_in_days.data or ""
        days: int | str | None = lifetime
        if lifetime == NEVER:
            days = None
        elif lifetime.isascii() and lifetime.isdigit():
            days = int(lifetime)
        return {
            "name": " ".join((self.name.data or "").split()),
            "scope": self.scope.data or "",
            "expires_in_days": days,
        }


class RevokeTokenForm(FlaskForm):
    """A POST-only action protected by CSRF."""

    token_id = HiddenField()
    submit = SubmitField("Revoke")
