"""What an analysis of a repository found: technologies with their evidence lines.

Plain data, no Flask: the web pages, the API and the history analysis all read these.
Only findings and their evidence lines are ever kept, never the code itself; evidence
texts are trimmed and environment values in them are already redacted.

Strength of a technology finding, strongest first (``STRENGTHS``):

* ``declared``: a manifest or image names it (a dependency, a dev-dependency, a Docker
  image, a CI service).
* ``configured``: a setting uses it (an environment key, a connection string, a CI file).
* ``marker``: a file only that technology has (``artisan``, ``manage.py``, ``gradlew``).
* ``source``: the repository holds enough code in that language.
* ``implied``: another finding implies it (Laravel implies PHP).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portfolio.codescan.redaction import redact

#: Evidence kinds, as stored in ``EvidenceLine.kind``.
EVIDENCE_KINDS: tuple[str, ...] = (
    "dependency",
    "dev-dependency",
    "image",
    "service",
    "env",
    "config",
    "ci",
    "marker",
    "extension",
    "implied",
)

#: Finding strengths, strongest first.
STRENGTHS: tuple[str, ...] = ("declared", "configured", "marker", "source", "implied")

#: The strength each kind of evidence gives.
STRENGTH_OF_KIND: dict[str, str] = {
    "dependency": "declared",
    "dev-dependency": "declared",
    "image": "declared",
    "service": "declared",
    "env": "configured",
    "config": "configured",
    "ci": "configured",
    "marker": "marker",
    "extension": "source",
    "implied": "implied",
}

#: The most evidence lines kept for one finding.
MAX_EVIDENCE = 5
#: The longest evidence text kept, in characters.
MAX_EVIDENCE_TEXT = 200


@dataclass(frozen=True)
class EvidenceLine:
    """One line of a file that shows a technology or practice."""

    path: str  # "composer.json"
    line: int | None  # 1-based, if known
    text: str  # the proving text, trimmed, at most MAX_EVIDENCE_TEXT characters
    kind: str  # one of EVIDENCE_KINDS

    def to_json(self) -> dict[str, Any]:
        """Return a plain JSON-able dict."""
        return {"path": self.path, "line": self.line, "text": self.text, "kind": self.kind}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EvidenceLine:
        """Rebuild an evidence line from ``to_json``'s dict (its text redacted again)."""
        line = data.get("line")
        return cls(
            path=str(data["path"]),
            line=int(line) if line is not None else None,
            # Stored lines are redacted when found; redacting again on the way out keeps
            # a rule added later from leaving secrets in findings stored before it.
            text=redact(str(data["text"])),
            kind=str(data["kind"]),
        )

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.text}"


@dataclass(frozen=True)
class TechnologyFinding:
    """A catalogue technology the code shows, with its strongest evidence first."""

    name: str
    evidence: tuple[EvidenceLine, ...]
    strength: str  # one of STRENGTHS

    def to_json(self) -> dict[str, Any]:
        """Return a plain JSON-able dict."""
        return {
            "name": self.name,
            "strength": self.strength,
            "evidence": [line.to_json() for line in self.evidence],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TechnologyFinding:
        """Rebuild a finding from ``to_json``'s dict."""
        return cls(
            name=str(data["name"]),
            strength=str(data["strength"]),
            evidence=tuple(EvidenceLine.from_json(item) for item in data.get("evidence", ())),
        )


@dataclass(frozen=True)
class LanguageShare:
    """Lines of code in one language, vendored, generated and minified files left out."""

    name: str
    lines: int
    files: int

    def to_json(self) -> dict[str, Any]:
        """Return a plain JSON-able dict."""
        return {"name": self.name, "lines": self.lines, "files": self.files}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LanguageShare:
        """Rebuild a share from ``to_json``'s dict."""
        return cls(name=str(data["name"]), lines=int(data["lines"]), files=int(data["files"]))


@dataclass(frozen=True)
class PracticeFinding:
    """A practice the repository shows (tests, CI, containers) and how."""

    name: str  # a catalogue practice: "Automated testing", "Continuous integration"...
    detail: str  # "pytest", "GitHub Actions", "Dockerfile; compose services: web, db (mysql:8)"
    evidence: tuple[EvidenceLine, ...]

    def to_json(self) -> dict[str, Any]:
        """Return a plain JSON-able dict."""
        return {
            "name": self.name,
            "detail": self.detail,
            "evidence": [line.to_json() for line in self.evidence],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PracticeFinding:
        """Rebuild a practice from ``to_json``'s dict."""
        return cls(
            name=str(data["name"]),
            detail=str(data.get("detail", "")),
            evidence=tuple(EvidenceLine.from_json(item) for item in data.get("evidence", ())),
        )


@dataclass(frozen=True)
class Findings:
    """Everything one analysis found."""

    technologies: tuple[TechnologyFinding, ...] = ()
    languages: tuple[LanguageShare, ...] = ()  # by lines of code, largest first
    practices: tuple[PracticeFinding, ...] = ()
    files_read: int = 0
    files_skipped: int = 0  # vendored, generated, minified, binary or too big

    def technology(self, name: str) -> TechnologyFinding | None:
        """Return the finding for a catalogue name, or None."""
        return next((found for found in self.technologies if found.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        """Return the catalogue names found, in order."""
        return tuple(found.name for found in self.technologies)

    def to_json(self) -> dict[str, Any]:
        """Return a plain JSON-able dict with stable keys."""
        return {
            "technologies": [found.to_json() for found in self.technologies],
            "languages": [share.to_json() for share in self.languages],
            "practices": [practice.to_json() for practice in self.practices],
            "files_read": self.files_read,
            "files_skipped": self.files_skipped,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Findings:
        """Rebuild findings from ``to_json``'s dict."""
        return cls(
            technologies=tuple(
                TechnologyFinding.from_json(item) for item in data.get("technologies", ())
            ),
            languages=tuple(LanguageShare.from_json(item) for item in data.get("languages", ())),
            practices=tuple(PracticeFinding.from_json(item) for item in data.get("practices", ())),
            files_read=int(data.get("files_read", 0)),
            files_skipped=int(data.get("files_skipped", 0)),
        )
