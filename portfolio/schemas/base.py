"""What every schema is built from: strict models, the shared field types, one error shape.

A schema is a pydantic model. Pydantic was chosen over marshmallow because its models
generate JSON Schema 2020-12, the dialect OpenAPI 3.1 uses, so the API document is
derived from the same definitions that validate; because a strict mode refuses ``1`` for
a string and ``"true"`` for a boolean, as the API always has; and because its validators
are plain functions of the rules in ``rules.py``.

Errors come out as ``Problem``s: a location (``("end",)``, ``("highlights", 3)``) and the
rule's one message. Forms put them next to their fields, the API turns the location
into a JSON Pointer, the import names the entry it refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from portfolio.schemas import rules

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with some input, and where."""

    location: Location
    message: str

    @property
    def field(self) -> str:
        """Return the top-level field at fault ("" for the input as a whole)."""
        return str(self.location[0]) if self.location else ""

    @property
    def pointer(self) -> str:
        """Return the location as an RFC 6901 JSON Pointer."""
        return "".join(
            "/" + str(part).replace("~", "~0").replace("/", "~1") for part in self.location
        )


class SchemaError(ValueError):
    """Input breaks a schema's rules; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.pointer or '/'}: {p.message}" for p in problems))


def rule_error(message: str, field: str | None = None) -> PydanticCustomError:
    """Return a validation error with a rule's message (and its field, for cross-field rules)."""
    context = {"message": message}
    if field is not None:
        context["field"] = field
    return PydanticCustomError("rule", "{message}", context)


def is_email_address(value: str) -> bool:
    """Return whether a value is an email address (its form only: no DNS look-up)."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def check_email(value: Any) -> Any:
    """Return the value unchanged if blank or an email address, else raise the rule's error."""
    if isinstance(value, str) and value.strip() and not is_email_address(value.strip()):
        raise rule_error(rules.EMAIL_ADDRESS)
    return value


def _text(limit: int, *, multiline: bool = False, then: Callable[[str], str] | None = None):
    """Return a before-validator: controls refused on the raw text, then trim and limit.

    It runs before pydantic's own checks so that a control character at either end is
    refused rather than trimmed away, and the length counted is the length stored.
    """

    def run(value: Any) -> Any:
        if not isinstance(value, str):
            return value  # the strict type check says what it is instead
        try:
            text = rules.check_text(value, multiline=multiline)
            if not multiline:
                text = text.strip()
            if len(text) > limit:
                raise PydanticCustomError(
                    "text_too_long", "{message}", {"message": rules.too_long(limit, len(text))}
                )
            return then(text) if then else text
        except rules.RuleError as error:
            raise rule_error(error.message) from None

    return run


def Line(limit: int, *, min_length: int = 0, **field: Any) -> Any:
    """Return a one-line text type: trimmed, at most ``limit`` characters, no controls."""
    return Annotated[
        str,
        BeforeValidator(_text(limit)),
        Field(
            min_length=min_length,
            max_length=limit,
            json_schema_extra={"pattern": rules.LINE_PATTERN},
            **field,
        ),
    ]


def Text(limit: int, **field: Any) -> Any:
    """Return a multi-line text type: kept as typed, line endings made "\n"."""
    return Annotated[
        str,
        BeforeValidator(_text(limit, multiline=True)),
        Field(max_length=limit, json_schema_extra={"pattern": rules.TEXT_PATTERN}, **field),
    ]


def WebAddress(**field: Any) -> Any:
    """Return a web address type: empty, or an absolute http(s) address that parses."""
    return Annotated[
        str,
        BeforeValidator(_text(rules.URL_MAX, then=rules.check_web_address)),
        Field(
            max_length=rules.URL_MAX,
            json_schema_extra={"pattern": r"^(|[Hh][Tt][Tt][Pp][Ss]?://\S+)$"},
            **field,
        ),
    ]


class Schema(BaseModel):
    """A strict model: no coercion between JSON types, no unknown fields."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    #: Messages for a missing required field, by field name.
    required_messages: ClassVar[Mapping[str, str]] = {}
    #: Messages for a list over its length, by field name.
    too_many_messages: ClassVar[Mapping[str, str]] = {}
    #: Messages for one item of a list over its length, by the list's field name.
    item_too_long_messages: ClassVar[Mapping[str, str]] = {}
    #: What an unknown member is called in its message ("a project field").
    noun: ClassVar[str] = "a field here"

    @classmethod
    def cross_field_problems(cls, data: Mapping[str, Any]) -> list[Problem]:
        """Return the cross-field rules raw input breaks, when a field is also wrong.

        Pydantic runs a model's own checks only once every field is valid; this lets a
        form show "the end cannot be before the start" beside a bad title at once.
        """
        return []


S = TypeVar("S", bound=Schema)


def validate(schema: type[S], data: Mapping[str, Any]) -> S:
    """Return the data validated by the schema, or raise SchemaError."""
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        found = problems_from(schema, error)
        if isinstance(data, Mapping):
            found += [p for p in schema.cross_field_problems(data) if p not in found]
        raise SchemaError(found) from None


def problems(schema: type[Schema], data: Mapping[str, Any]) -> list[Problem]:
    """Return what is wrong with the data (nothing when the schema accepts it)."""
    try:
        validate(schema, data)
    except SchemaError as error:
        return error.problems
    return []


def problems_from(schema: type[Schema], error: ValidationError) -> list[Problem]:
    """Turn pydantic's errors into Problems with the rules' own messages."""
    found: list[Problem] = []
    for detail in error.errors(include_url=False):
        location = tuple(detail["loc"])
        context = detail.get("ctx") or {}
        if detail["type"] == "rule" and "field" in context:
            location = (*location, context["field"])
        problem = Problem(location, _message(schema, detail, location))
        if problem not in found:
            found.append(problem)
    return found


def _message(schema: type[Schema], detail: Mapping[str, Any], location: Location) -> str:
    kind = detail["type"]
    context = detail.get("ctx") or {}
    given = detail.get("input")
    field = _model_field(schema, location)
    if (
        kind in ("string_too_long", "text_too_long")
        and len(location) > 1
        and isinstance(location[-1], int)
    ):
        message = field.item_too_long_messages.get(str(location[-2]))
        if message:
            return message
    if kind in ("rule", "text_too_long"):
        return context["message"]
    if kind == "missing":
        return field.required_messages.get(str(location[-1]), "This field is required.")
    if kind == "extra_forbidden":
        return f"Is not {field.noun}."
    if kind == "string_too_long":
        return rules.too_long(context["max_length"], len(given))
    if kind == "too_long":
        return field.too_many_messages.get(
            str(location[-1]), f"Keep to {context['max_length']} items or fewer."
        )
    if kind in ("string_too_short", "too_short"):
        return field.required_messages.get(str(location[-1]), "This cannot be empty.")
    if kind == "literal_error":
        return field.required_messages.get(
            str(location[-1]), f"Must be one of: {context.get('expected', '')}."
        )
    if given is None and kind.endswith("_type") and str(location[-1]) in field.required_messages:
        return field.required_messages[str(location[-1])]
    if kind == "string_type":
        return f"Must be text, not {describe(given)}."
    if kind == "bool_type":
        return f"Must be true or false, not {describe(given)}."
    if kind == "list_type":
        return f"Must be an array, not {describe(given)}."
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"Must be an object, not {describe(given)}."
    if kind in ("int_type", "int_parsing"):
        return f"Must be a whole number, not {describe(given)}."
    return str(detail["msg"])


def _model_field(schema: type[Schema], location: Location) -> type[Schema]:
    """Return the schema that owns the last named part of a location (nested models)."""
    current: type[Schema] = schema
    for part in location[:-1]:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) or next(
            (f for f in current.model_fields.values() if f.alias == part), None
        )
        nested = _schema_in(info.annotation) if info is not None else None
        if nested is None:
            break
        current = nested
    return current


def _schema_in(annotation: Any) -> type[Schema] | None:
    if isinstance(annotation, type) and issubclass(annotation, Schema):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _schema_in(argument)
        if found is not None:
            return found
    return None


def describe(value: Any) -> str:
    """Return what kind of JSON value this is, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "an array"
    return "an object"
