"""Token forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class NewTokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[DataRequired("Give the token a name."), Length(max=80)],
        description="What will use it, like “CV builder script”.",
    )
    submit = SubmitField("Create token")


class RevokeTokenForm(FlaskForm):
    """A POST-only action protected by CSRF."""

    token_id = HiddenField()
    submit = SubmitField("Revoke")
