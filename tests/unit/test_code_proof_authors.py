"""Who made the owner's commits, as the outputs say it: names a reader can check."""

from __future__ import annotations

from datetime import date

import pytest

from portfolio.exports.jsonresume.export import _export_code
from portfolio.exports.markdown import _code_proof
from portfolio.projects.record import CodeProof

URL = "https://example.com/ada/shop.git"


def proof(*authors: str) -> CodeProof:
    return CodeProof(
        source="url", label=URL, analysed_on=date(2026, 11, 1), commits_yours=41,
        commits_total=57, authors=authors,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("authors", "said"),
    [
        ((), "this author"),
        (("Ada Lovelace",), "Ada Lovelace"),
        (("Ada Lovelace", "Ada King"), "Ada Lovelace and Ada King"),
        (("Ada Lovelace", "Ada King", "A. L."), "Ada Lovelace, Ada King and A. L."),
    ],
)
def test_commits_are_said_to_be_by_the_author_names(authors, said):
    assert proof(*authors).commits_by == said


def test_markdown_names_the_authors_escaped():
    text = _code_proof(proof("Eve *bold* [x](javascript:alert(1))"))
    assert "41 of 57 commits by Eve" in text
    assert "*bold*" not in text and "](javascript:" not in text


def test_json_resume_carries_the_author_names_only_when_known():
    assert _export_code(proof("Ada Lovelace"))["code"]["authors"] == ["Ada Lovelace"]
    assert "authors" not in _export_code(proof())["code"]
