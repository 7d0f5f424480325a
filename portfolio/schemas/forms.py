"""The WTForms side of the schemas: a form whose rules are its schema's.

A ``SchemaForm`` keeps what WTForms does well (rendering, CSRF, reading the request)
and leaves every rule to its schema: ``validate()`` runs the schema on the form's
input and puts each problem's message next to the field it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from flask_wtf import FlaskForm
from wtforms import Field

from portfolio.schemas.base import Location, Problem, Schema, SchemaError, validate


class SchemaForm(FlaskForm):
    """A form validated by a schema; ``validated`` holds the schema's result."""

    schema: ClassVar[type[Schema]]

    def schema_input(self) -> dict[str, Any]:
        """Return the form's input in the schema's shape."""
        raise NotImplementedError

    def field_for(self, location: Location) -> Field | None:
        """Return the form field a problem belongs to (None: the form as a whole)."""
        return self._fields.get(str(location[0])) if location else None

    def validate(self, extra_validators=None) -> bool:
        """Check CSRF and the fields' own conversions, then the schema's rules."""
        valid = super().validate(extra_validators)
        self.validated = None
        try:
            self.validated = validate(self.schema, self.schema_input())
        except SchemaError as error:
            self.show_problems(error.problems)
            return False
        return valid

    def show_problems(self, problems: Iterable[Problem]) -> None:
        """Put each problem's message next to its field (once per field)."""
        for problem in problems:
            field = self.field_for(problem.location)
            if field is None:
                self.form_errors.append(problem.message)
                continue
            errors = list(field.errors or [])
            if problem.message not in errors:
                errors.append(problem.message)
            field.errors = errors
