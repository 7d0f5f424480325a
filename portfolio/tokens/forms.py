"""Token forms."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField

from portfolio.schemas import rules
from portfolio.schemas.forms import SchemaForm
from portfolio.schemas.token import TokenIn


class NewTokenForm(SchemaForm):
    schema = TokenIn

    name = StringField(
        "Token name",
        render_kw={"required": True, "maxlength": rules.TOKEN_NAME_MAX},
        description="What will use it, like “CV builder script”.",
    )
    submit = SubmitField("Create token")

    def schema_input(self) -> dict[str, Any]:
        """Return the token's name in the token schema's shape."""
        return {"name": " ".join((self.name.data or "").split())}


class RevokeTokenForm(FlaskForm):
    """A POST-only action protected by CSRF."""

    token_id = HiddenField()
    submit = SubmitField("Revoke")
