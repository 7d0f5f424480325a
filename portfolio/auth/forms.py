"""Account forms: the ones that store what they take run the account schemas."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired

from portfolio.schemas import rules
from portfolio.schemas.account import NewAccountIn, NewPasswordIn
from portfolio.schemas.forms import SchemaForm

PASSWORD_HINT = (
    f"At least {rules.PASSWORD_MIN} characters. A few unrelated words make a strong "
    "password; common and breached passwords are refused."
)


def strip(value: str | None) -> str | None:
    """Trim surrounding whitespace, which people paste by accident."""
    return value.strip() if isinstance(value, str) else value


class RegisterForm(SchemaForm):
    schema = NewAccountIn

    email = EmailField("Email", filters=[strip])
    display_name = StringField("Display name", filters=[strip])
    password = PasswordField("Password", description=PASSWORD_HINT)
    confirm = PasswordField("Repeat password")
    submit = SubmitField("Create account")

    def schema_input(self) -> dict[str, Any]:
        """Return the new account in its schema's shape (passwords as typed)."""
        return {
            "email": self.email.data or "",
            "display_name": self.display_name.data or "",
            "password": self.password.data or "",
            "confirm": self.confirm.data or "",
        }


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[strip], validators=[DataRequired(rules.EMAIL_REQUIRED)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    remember = BooleanField("Keep me logged in")
    submit = SubmitField("Log in")


class ChangePasswordForm(SchemaForm):
    schema = NewPasswordIn

    current = PasswordField(
        "Current password", validators=[DataRequired(rules.CURRENT_PASSWORD_REQUIRED)]
    )
    password = PasswordField("New password", description=PASSWORD_HINT)
    confirm = PasswordField("Repeat new password")
    revoke_tokens = BooleanField(
        "Also revoke my API tokens",
        default=True,
        description="Do this if someone else may have used your account: anything using "
        "a token will need a new one.",
    )
    submit = SubmitField("Change password")

    def schema_input(self) -> dict[str, Any]:
        """Return the new password, with what the account is known by."""
        return {
            "password": self.password.data or "",
            "confirm": self.confirm.data or "",
            "account": (current_user.email, current_user.display_name),
        }


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    confirm = BooleanField(
        "I understand that every project and setting will be deleted for good",
        validators=[DataRequired("Tick the box to confirm.")],
    )
    submit = SubmitField("Delete my account")


class SessionActionForm(FlaskForm):
    """A POST-only action on sessions (log one out, or every other), protected by CSRF."""
