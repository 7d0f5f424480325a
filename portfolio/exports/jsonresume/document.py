"""The JSON Resume document: the vendored schema, its version and our extension."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("jsonresume-schema.json")
SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
SCHEMA_VERSION = "v1.0.0"

#: Key of the extension object carrying what JSON Resume has no field for.
EXTENSION = "x-portfolio"

WORK_KINDS: tuple[str, ...] = ("paid", "internship")


def load_schema() -> dict[str, Any]:
    """Return a fresh copy of the vendored JSON Resume schema."""
    return copy.deepcopy(_schema())


@functools.cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
