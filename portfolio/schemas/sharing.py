"""The schema of the sharing settings the owner chooses: for now, the PDF download's."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from portfolio.schemas import rules
from portfolio.schemas.base import Schema

#: The paper sizes, as the type the schema (and the OpenAPI document) reads.
PaperSize = Literal[tuple(rules.PAPER_SIZES)]  # type: ignore[valid-type]


class PdfSettingsIn(Schema):
    """The PDF's paper size, and whether visitors to the public page may download it."""

    required_messages: ClassVar = {"paper_size": rules.PAPER_REQUIRED}
    noun: ClassVar = "a PDF setting"

    paper_size: PaperSize = Field(description="The paper the PDF is laid out for.")
    pdf_for_visitors: bool = Field(
        default=False, description="Offer the PDF on the public page (off by default)."
    )
