"""Detect a repository's stack from its files, with the line that proves each part.

One pass over the files, each looked up in the rules' indexes by its name, so the work
grows linearly with the number of files. What counts as evidence, strongest first (see
``findings.STRENGTHS`` and docs/code-evidence.md):

* a declared dependency in a manifest, a Docker image (``FROM``, compose ``image:``) or a
  CI service;
* a setting that names one choice: an environment file key (``DB_CONNECTION=mysql``), a
  connection string or ``ENGINE`` setting, a CI file;
* a marker file (``artisan``, ``manage.py``, ``gradlew``);
* enough code in a language (at least ``LANGUAGE_SHARE`` of the lines);
* the catalogue's implications (Laravel implies PHP).

What never counts: anything in vendored, generated or minified files; comment lines;
documentation (README and ``docs/``); a framework's own configuration listing the drivers
it supports, since no rule reads lists of options. Evidence texts are trimmed; values in
environment files are never kept, except a non-secret value a rule names
(``DB_CONNECTION=mysql``); every other line passes ``redact`` on its way into the
findings, which replaces with "…" each password and secret in any form a file writes it
(URL, Oracle login, setting, XML, JSON, command line), so neither the page nor the
stored findings JSON can hold one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from portfolio.codescan.archive import ArchiveLimits, RepoFile
from portfolio.codescan.findings import (
    EVIDENCE_KINDS,
    MAX_EVIDENCE,
    MAX_EVIDENCE_TEXT,
    STRENGTH_OF_KIND,
    STRENGTHS,
    EvidenceLine,
    Findings,
    LanguageShare,
    PracticeFinding,
    TechnologyFinding,
)
from portfolio.codescan.languages import count_lines, excluded
from portfolio.codescan.manifests import declared
from portfolio.codescan.redaction import redact
from portfolio.codescan.rules import Rules, get_rules
from portfolio.technologies.catalogue import Catalogue, get_catalogue

#: A language is a technology finding when it holds at least this share of the lines, or
#: this many lines, and never below the floor: a few lines of glue (the comment-only
#: site.js of a template) do not make a JavaScript project.
LANGUAGE_SHARE = 0.05
LANGUAGE_LINES = 1_000
LANGUAGE_FLOOR = 10
#: Files larger than this are skipped, as the archive reader does.
MAX_FILE_BYTES = ArchiveLimits().max_file_bytes

#: Catalogue frameworks that are test frameworks: shown under "Automated testing" too.
TEST_FRAMEWORKS: tuple[str, ...] = (
    "pytest",
    "PHPUnit",
    "JUnit",
    "Mockito",
    "RSpec",
    "Jest",
    "Mocha",
    "Cypress",
    "Playwright",
    "Selenium",
)
TESTING, CI, CONTAINERS = "Automated testing", "Continuous integration", "Containerisation"

_DOCS_SUFFIXES = (".md", ".markdown", ".rst", ".txt", ".adoc", ".textile", ".html", ".htm")
_COMMENT = ("#", "//", "/*", "*", "--", ";", "<!--", "REM ", "rem ")
_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE)
_IMAGE_LINE = re.compile(r"""^(?:-\s*)?image:\s*(?:name:\s*)?["']?([^"'\s#]+)""")
_SERVICE_ITEM = re.compile(r"""^-\s*(?:name:\s*)?["']?([A-Za-z0-9][\w./:-]*)["']?\s*$""")
_KEY_LINE = re.compile(r"""^["']?([\w.-]+)["']?\s*:\s*(?:#.*)?$""")
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
_TEST_DIRS = frozenset({"test", "tests", "spec", "specs", "__tests__", "testing", "e2e", "cypress"})
_TEST_NAME = re.compile(
    r"^(?:tests?\.py|test_.+\.py|.+_test\.(?:py|go|rb|exs)|.+_spec\.rb|.+(?:Test|Tests|IT)\.(?:java|kt|cs|php|groovy|scala)"
    r"|.+\.(?:test|spec)\.(?:js|jsx|ts|tsx|mjs|cjs))$"
)


def _trim(text: str) -> str:
    """Return an evidence text as kept: secrets hidden, spaces collapsed, at most so long."""
    text = " ".join(redact(text).split())
    return text if len(text) <= MAX_EVIDENCE_TEXT else text[: MAX_EVIDENCE_TEXT - 1] + "…"


def is_dockerfile(name: str) -> bool:
    """Return whether a file name is a Dockerfile (or a Containerfile)."""
    lower = name.lower()
    return (
        lower in ("dockerfile", "containerfile")
        or lower.startswith("dockerfile.")
        or (lower.endswith(".dockerfile"))
    )


def is_compose(name: str) -> bool:
    """Return whether a file name is a Docker Compose file."""
    lower = name.lower()
    return lower.endswith((".yml", ".yaml")) and lower.startswith(("docker-compose", "compose"))


def is_env(name: str) -> bool:
    """Return whether a file name is an environment file (.env, .env.example, app.env)."""
    return name == ".env" or name.startswith(".env.") or name.endswith(".env")


def is_test_file(path: str) -> bool:
    """Return whether a path is a test: under a test folder or named as tests are."""
    parts = path.split("/")
    return any(part in _TEST_DIRS for part in parts[:-1]) or bool(_TEST_NAME.match(parts[-1]))


@dataclass
class _Scan:
    """What one pass over the files gathers."""

    rules: Rules
    evidence: dict[str, list[EvidenceLine]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    biggest: dict[str, tuple[int, str]] = field(default_factory=dict)
    ci: list[str] = field(default_factory=list)
    ci_evidence: list[EvidenceLine] = field(default_factory=list)
    containers: list[EvidenceLine] = field(default_factory=list)
    dockerfiles: list[str] = field(default_factory=list)
    services: list[tuple[str, str]] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    read: int = 0
    skipped: int = 0

    def add(self, tech: str, line: EvidenceLine) -> None:
        # Every text passes here on its way into the findings (and their stored JSON), so
        # no secret can reach them whichever scanner built the line.
        shown = _trim(line.text)
        if shown != line.text:
            line = EvidenceLine(line.path, line.line, shown, line.kind)
        self.evidence.setdefault(tech, []).append(line)

    def add_image(self, path: str, number: int, image: str, text: str, kind: str) -> None:
        for tech in self.rules.image(image):
            self.add(tech, EvidenceLine(path, number, _trim(text), kind))


def analyse_files(files: Iterable[RepoFile], catalogue: Catalogue | None = None) -> Findings:
    """Return the technologies, languages and practices a repository's files show."""
    catalogue = catalogue or get_catalogue()
    scan = _Scan(get_rules())
    for file in files:
        if file.oversize or len(file.data) > MAX_FILE_BYTES or excluded(file.path, file.data):
            scan.skipped += 1
            continue
        scan.read += 1
        _scan_file(scan, file.path, file.data, catalogue)
    return _findings(scan, catalogue)


def _scan_file(scan: _Scan, path: str, data: bytes, catalogue: Catalogue) -> None:
    rules = scan.rules
    name = path.rsplit("/", 1)[-1]
    for _pattern, tech in rules.files.match(path):
        scan.add(tech, EvidenceLine(path, None, "file present", "marker"))
    language = rules.language(path)
    if language is not None:
        count = count_lines(data)
        scan.lines[language] = scan.lines.get(language, 0) + count
        scan.files[language] = scan.files.get(language, 0) + 1
        if count > scan.biggest.get(language, (-1, ""))[0]:
            scan.biggest[language] = (count, path)
        if is_test_file(path):
            scan.tests.append(path)
    text = data.decode("utf-8", errors="replace")
    for item in declared(path, text):
        kind = "dev-dependency" if item.dev else "dependency"
        for tech in rules.packages(item.ecosystem, item.name):
            scan.add(tech, EvidenceLine(path, item.line, _trim(item.text), kind))
    if is_env(name):
        _scan_env(scan, path, text)
        return  # never searched further: its values are not evidence texts
    ci_found = rules.ci.match(path)
    if ci_found:
        first = next(
            (line.strip() for line in text.splitlines() if line.strip() and line.strip()[0] != "#"),
            name,
        )
        for _pattern, tech in ci_found:
            evidence = EvidenceLine(path, None, _trim(first), "ci")
            scan.add(tech, evidence)
            if tech not in scan.ci:
                scan.ci.append(tech)
            scan.ci_evidence.append(evidence)
        _scan_ci(scan, path, text, catalogue)
    if is_dockerfile(name):
        _scan_dockerfile(scan, path, text)
    elif is_compose(name):
        _scan_compose(scan, path, text)
    if rules.config_any is not None and not _is_doc(path) and rules.config_any.search(text):
        _scan_config(scan, path, text, "ci" if ci_found else "config")


def _is_doc(path: str) -> bool:
    lower = path.lower()
    return (
        lower.endswith(_DOCS_SUFFIXES) or lower.startswith(("docs/", "doc/")) or "/docs/" in lower
    )


def _scan_env(scan: _Scan, path: str, text: str) -> None:
    rules = scan.rules
    for number, raw in enumerate(text.splitlines(), 1):
        found = _ENV_LINE.match(raw)
        if not found:
            continue
        env_key, value = found.group(1), found.group(2).strip().strip("\"'")
        named = rules.env_values.get((env_key, value.lower()), [])
        for tech in named:
            scan.add(tech, EvidenceLine(path, number, f"{env_key}={value}", "env"))
        hidden = EvidenceLine(path, number, f"{env_key}=…", "env")
        for tech in rules.env_keys.get(env_key, ()):
            scan.add(tech, hidden)
        for prefix, tech in rules.env_prefixes:
            if env_key.startswith(prefix) and tech not in named:
                scan.add(tech, hidden)
        scheme = _SCHEME.match(value)
        if scheme:
            full = scheme.group(1).lower()
            for candidate in dict.fromkeys((full, full.split("+", 1)[0])):
                for tech in rules.env_schemes.get(candidate, ()):
                    scan.add(tech, EvidenceLine(path, number, f"{env_key}={candidate}://…", "env"))


def _scan_dockerfile(scan: _Scan, path: str, text: str) -> None:
    stages: set[str] = set()
    scan.dockerfiles.append(path)
    for number, raw in enumerate(text.splitlines(), 1):
        found = _FROM.match(raw)
        if not found:
            continue
        image = found.group(1)
        if found.group(2):
            stages.add(found.group(2).lower())
        if image.lower() in stages or "$" in image or image.lower() == "scratch":
            continue
        line = EvidenceLine(path, number, _trim(raw.strip()), "image")
        scan.containers.append(line)
        scan.add_image(path, number, image, raw.strip(), "image")


def _scan_compose(scan: _Scan, path: str, text: str) -> None:
    in_services = False
    service_indent: int | None = None
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip())
        if indent == 0:
            in_services = stripped.startswith("services:")
            service_indent, current = None, None
            continue
        if in_services:
            if service_indent is None:
                service_indent = indent
            if indent == service_indent:
                key = _KEY_LINE.match(stripped)
                current = key.group(1) if key else None
                if current:
                    scan.services.append((current, ""))
                continue
        image = _IMAGE_LINE.match(stripped)
        if image and "$" not in image.group(1):
            scan.add_image(path, number, image.group(1), stripped, "image")
            scan.containers.append(EvidenceLine(path, number, _trim(stripped), "image"))
            if in_services and current and scan.services and scan.services[-1][0] == current:
                scan.services[-1] = (current, image.group(1))


def _scan_ci(scan: _Scan, path: str, text: str, catalogue: Catalogue) -> None:
    services_indent: int | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip())
        if (
            services_indent is not None
            and indent <= services_indent
            and not (indent == services_indent and stripped.startswith("-"))
        ):
            services_indent = None
        if stripped.startswith("services:"):
            inline = stripped[len("services:") :].strip()
            if inline and not inline.startswith("#"):
                for service in inline.strip("[]").split(","):
                    scan.add_image(path, number, service.strip(), stripped, "service")
            else:
                services_indent = indent
            continue
        image = _IMAGE_LINE.match(stripped)
        if image and "$" not in image.group(1):
            scan.add_image(path, number, image.group(1), stripped, "image")
            continue
        if services_indent is not None:
            item = _SERVICE_ITEM.match(stripped)
            if item:
                shown = f"services: {item.group(1)}"
                scan.add_image(path, number, item.group(1), shown, "service")
        if indent == 0 and stripped.startswith("language:"):
            # Travis names the project's language outright.
            tech = catalogue.lookup(stripped.split(":", 1)[1].strip())
            if tech is not None and tech.category == "language":
                scan.add(tech.name, EvidenceLine(path, number, _trim(stripped), "ci"))


def _scan_config(scan: _Scan, path: str, text: str, kind: str) -> None:
    rules = scan.rules
    assert rules.config_any is not None
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith(_COMMENT) or not rules.config_any.search(raw):
            continue
        for pattern, tech in rules.config:
            if pattern.search(raw):
                scan.add(tech, EvidenceLine(path, number, _trim(stripped), kind))


def _rank(line: EvidenceLine) -> tuple[int, int, str, int]:
    # EVIDENCE_KINDS runs strongest first: a dependency before an image before a setting.
    kind = EVIDENCE_KINDS.index(line.kind) if line.kind in EVIDENCE_KINDS else len(EVIDENCE_KINDS)
    return (kind, line.path.count("/"), line.path, line.line or 0)


def _best(lines: Iterable[EvidenceLine]) -> tuple[EvidenceLine, ...]:
    """Return the strongest lines, one of each kind first so a reader sees every sort of proof."""
    unique = sorted(dict.fromkeys(lines), key=_rank)
    chosen: list[EvidenceLine] = []
    kinds: set[str] = set()
    for line in unique:
        if line.kind not in kinds:
            kinds.add(line.kind)
            chosen.append(line)
    chosen.extend(line for line in unique if line not in chosen)
    return tuple(sorted(chosen[:MAX_EVIDENCE], key=_rank))


def _findings(scan: _Scan, catalogue: Catalogue) -> Findings:
    total = sum(scan.lines.values())
    shares = sorted(
        (LanguageShare(name, scan.lines[name], scan.files[name]) for name in scan.lines),
        key=lambda share: (-share.lines, share.name),
    )
    evidence = {name: list(lines) for name, lines in scan.evidence.items() if name in catalogue}
    for share in shares:
        enough = share.lines >= LANGUAGE_SHARE * total or share.lines >= LANGUAGE_LINES
        if enough and share.lines >= LANGUAGE_FLOOR:
            lines, biggest = share.lines, scan.biggest[share.name][1]
            noun = "file" if share.files == 1 else "files"
            text = f"{share.files:,} {share.name} {noun}, {lines:,} lines of code"
            evidence.setdefault(share.name, []).append(
                EvidenceLine(biggest, None, text, "extension")
            )
    direct = {name: _best(lines) for name, lines in evidence.items()}
    implied: dict[str, list[EvidenceLine]] = {}
    for name in sorted(direct):
        source = direct[name][0]
        for further in catalogue.implied(name):
            if further in direct or catalogue.category_of(further) == "practice":
                continue
            text = f"{name} implies {further}"
            implied.setdefault(further, []).append(
                EvidenceLine(source.path, source.line, text, "implied")
            )
    found = {**direct, **{name: _best(lines) for name, lines in implied.items()}}
    technologies = sorted(
        (
            TechnologyFinding(name, lines, STRENGTH_OF_KIND.get(lines[0].kind, "implied"))
            for name, lines in found.items()
        ),
        key=lambda item: (STRENGTHS.index(item.strength), item.name.casefold()),
    )
    return Findings(
        technologies=tuple(technologies),
        languages=tuple(shares),
        practices=_practices(scan, direct),
        files_read=scan.read,
        files_skipped=scan.skipped,
    )


def _practices(
    scan: _Scan, direct: dict[str, tuple[EvidenceLine, ...]]
) -> tuple[PracticeFinding, ...]:
    practices: list[PracticeFinding] = []
    frameworks = [name for name in TEST_FRAMEWORKS if name in direct]
    if frameworks or scan.tests:
        lines = [direct[name][0] for name in frameworks]
        if scan.tests:
            folder = scan.tests[0].rsplit("/", 1)[0] if "/" in scan.tests[0] else "."
            count = len(scan.tests)
            noun = "test file" if count == 1 else "test files"
            lines.append(
                EvidenceLine(
                    scan.tests[0], None, f"{count:,} {noun} (first in {folder}/)", "marker"
                )
            )
        detail = ", ".join(frameworks) or "test files"
        practices.append(PracticeFinding(TESTING, detail, tuple(lines[:MAX_EVIDENCE])))
    if scan.ci:
        practices.append(PracticeFinding(CI, ", ".join(scan.ci), _best(scan.ci_evidence)))
    if scan.dockerfiles or scan.services:
        parts = []
        if scan.dockerfiles:
            count = len(scan.dockerfiles)
            parts.append("Dockerfile" if count == 1 else f"{count} Dockerfiles")
        if scan.services:
            named = [f"{name} ({image})" if image else name for name, image in scan.services]
            parts.append("compose services: " + ", ".join(named))
        lines = scan.containers or [
            EvidenceLine(scan.dockerfiles[0], None, "file present", "marker")
        ]
        practices.append(PracticeFinding(CONTAINERS, _trim("; ".join(parts)), _best(lines)))
    return tuple(practices)
