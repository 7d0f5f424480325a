"""Detection rules: how a file shows a catalogue technology, read from the catalogue.

Each catalogue entry a file can show carries a ``"detect"`` object (all fields optional):

``dependencies``
    ``{ecosystem: [package, ...]}`` for the ecosystems in ``ECOSYSTEMS``. Names compare
    as each ecosystem does (Python's ``PyMySQL`` is ``pymysql``); a trailing ``*`` matches
    a prefix (``com.oracle.database.jdbc:ojdbc*``). Maven names are ``group:artifact`` and
    serve Gradle too; Go names are module paths. Composer's ``ext-pdo_mysql`` is a
    dependency like any other.
``images``
    Docker image names, without registry or tag (``mysql``, ``mssql/server``); they also
    match CI services (Travis's ``services: mysql``).
``files``
    Marker paths (``artisan``, ``bin/rails``, ``*.csproj``): matched against the end of a
    path, segment by segment, ``*`` within one segment.
``ci``
    CI configuration paths (``.github/workflows/*.yml``), matched like ``files``.
``env``
    Environment file patterns: ``KEY=value`` (the value compared case-insensitively),
    ``KEY=`` (the key, whatever its value), ``PREFIX_`` (a key prefix) or ``scheme://``
    (a URL value's scheme).
``config``
    Regular expressions searched line by line in text files outside vendored folders,
    comment lines left out (``mssql\\+pyodbc://``). Kept for settings that name one choice
    (a connection string, Django's ``ENGINE``), never for lists of options.
``extensions``
    For languages: file extensions (``.php``) or exact file names (``Gemfile``).
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portfolio.technologies.catalogue import CATALOGUE_PATH, Catalogue, get_catalogue

ECOSYSTEMS: tuple[str, ...] = ("python", "npm", "composer", "ruby", "maven", "nuget", "go", "cargo")
DETECT_FIELDS: tuple[str, ...] = (
    "dependencies",
    "images",
    "files",
    "ci",
    "env",
    "config",
    "extensions",
)

_PYTHON_NAME = re.compile(r"[-_.]+")
_PACKAGE = re.compile(r"^[A-Za-z0-9@][A-Za-z0-9@._/:+~-]*\*?$")
_IMAGE = re.compile(r"^[a-z0-9][a-z0-9._/-]*$")
_PATH = re.compile(r"^[A-Za-z0-9._*/-]+$")
_ENV = re.compile(r"^(?:[A-Z][A-Z0-9_]*=[A-Za-z0-9._+-]*|[A-Z][A-Z0-9_]*_|[a-z][a-z0-9+.-]*://)$")
_EXTENSION = re.compile(r"^(?:\.[A-Za-z0-9]+|[A-Za-z][A-Za-z0-9._-]*)$")


def package_key(ecosystem: str, name: str) -> str:
    """Return the form a package name is compared by in its ecosystem."""
    name = name.strip()
    if ecosystem in ("python", "cargo"):
        return _PYTHON_NAME.sub("-", name).lower()
    if ecosystem == "go":
        return name
    return name.lower()


def image_keys(image: str) -> tuple[str, ...]:
    """Return the names an image reference can match: full, without registry, last part."""
    name = image.strip().strip("\"'").lower()
    name = name.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name = name[: len(name) - len(last)] + last.split(":", 1)[0]
    parts = name.split("/")
    keys = [name]
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
        keys.append("/".join(parts))
    if parts[0] == "library" and len(parts) > 1:
        keys.append("/".join(parts[1:]))
    keys.append(parts[-1])
    return tuple(dict.fromkeys(keys))


@dataclass
class PathMatcher:
    """Finds which patterns a path ends with, indexed by the last segment for speed."""

    by_name: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    by_suffix: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    other: list[tuple[tuple[str, ...], str]] = field(default_factory=list)

    def add(self, pattern: str, tech: str) -> None:
        """Index a path pattern for a technology."""
        segments = tuple(pattern.strip("/").split("/"))
        last = segments[-1]
        entry = (segments, tech)
        if "*" not in last:
            self.by_name.setdefault(last, []).append(entry)
        elif last.startswith("*.") and "*" not in last[1:]:
            self.by_suffix.setdefault(last[1:], []).append(entry)
        else:
            self.other.append(entry)

    def match(self, path: str) -> list[tuple[str, str]]:
        """Return (pattern, technology) for every pattern the path ends with."""
        parts = path.split("/")
        name = parts[-1]
        candidates = list(self.by_name.get(name, ()))
        dot = name.rfind(".")
        if dot > 0:
            candidates.extend(self.by_suffix.get(name[dot:], ()))
        candidates.extend(self.other)
        found = []
        for segments, tech in candidates:
            if len(segments) > len(parts):
                continue
            tail = parts[len(parts) - len(segments) :]
            if all(
                fnmatch.fnmatchcase(part, pat) for part, pat in zip(tail, segments, strict=True)
            ):
                found.append(("/".join(segments), tech))
        return found


@dataclass
class Rules:
    """Every detection rule of the catalogue, indexed for one pass over the files."""

    dependencies: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    prefixes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    images: dict[str, list[str]] = field(default_factory=dict)
    files: PathMatcher = field(default_factory=PathMatcher)
    ci: PathMatcher = field(default_factory=PathMatcher)
    env_values: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    env_keys: dict[str, list[str]] = field(default_factory=dict)
    env_prefixes: list[tuple[str, str]] = field(default_factory=list)
    env_schemes: dict[str, list[str]] = field(default_factory=dict)
    config: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    config_any: re.Pattern[str] | None = None
    extensions: dict[str, str] = field(default_factory=dict)
    filenames: dict[str, str] = field(default_factory=dict)
    #: Catalogue names that carry at least one rule.
    covered: set[str] = field(default_factory=set)

    def packages(self, ecosystem: str, name: str) -> list[str]:
        """Return the technologies a package of an ecosystem shows."""
        wanted = package_key(ecosystem, name)
        found = list(self.dependencies.get(ecosystem, {}).get(wanted, ()))
        for prefix, tech in self.prefixes.get(ecosystem, ()):
            if wanted.startswith(prefix) and tech not in found:
                found.append(tech)
        return found

    def image(self, image: str) -> list[str]:
        """Return the technologies a Docker image or CI service shows."""
        found: list[str] = []
        for candidate in image_keys(image):
            for tech in self.images.get(candidate, ()):
                if tech not in found:
                    found.append(tech)
        return found

    def language(self, path: str) -> str | None:
        """Return the language a path's name or extension shows, or None."""
        name = path.rsplit("/", 1)[-1]
        if name in self.filenames:
            return self.filenames[name]
        dot = name.rfind(".")
        if dot <= 0:
            return None
        return self.extensions.get(name[dot:].lower())


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ValueError(f"{where} must be a list of non-empty strings")
    if len(set(value)) != len(value):
        raise ValueError(f"{where} lists a pattern twice")
    return value


def build_rules(entries: Iterable[dict[str, Any]], catalogue: Catalogue) -> Rules:
    """Validate the ``detect`` objects of catalogue entries and index them."""
    rules = Rules()
    for entry in entries:
        detect = entry.get("detect")
        if detect is None:
            continue
        name = entry.get("name")
        where = f"detect of {name!r}"
        if name not in catalogue:
            raise ValueError(f"{where}: not a catalogue technology")
        if not isinstance(detect, dict) or not detect:
            raise ValueError(f"{where}: must be a non-empty object")
        unknown = set(detect) - set(DETECT_FIELDS)
        if unknown:
            raise ValueError(f"{where}: unknown fields {', '.join(sorted(unknown))}")
        _add(rules, name, detect, where)
        rules.covered.add(name)
    if rules.config:
        # One search over the whole text first; only files it hits are read line by line.
        combined = "|".join(f"(?:{pattern.pattern})" for pattern, _ in rules.config)
        rules.config_any = re.compile(combined, re.MULTILINE)
    return rules


def _add(rules: Rules, name: str, detect: dict[str, Any], where: str) -> None:
    deps = detect.get("dependencies", {})
    if not isinstance(deps, dict):
        raise ValueError(f"{where}: dependencies must be an object of ecosystems")
    for ecosystem, names in deps.items():
        if ecosystem not in ECOSYSTEMS:
            raise ValueError(f"{where}: unknown ecosystem {ecosystem!r}")
        for package in _strings(names, f"{where}.dependencies.{ecosystem}"):
            if not _PACKAGE.match(package):
                raise ValueError(f"{where}: badly formed package {package!r}")
            if ecosystem == "maven" and package.count(":") != 1:
                raise ValueError(f"{where}: Maven package {package!r} must be group:artifact")
            if package.endswith("*"):
                prefix = package_key(ecosystem, package[:-1])
                rules.prefixes.setdefault(ecosystem, []).append((prefix, name))
            else:
                index = rules.dependencies.setdefault(ecosystem, {})
                index.setdefault(package_key(ecosystem, package), []).append(name)
    for image in _strings(detect.get("images", []), f"{where}.images"):
        if not _IMAGE.match(image):
            raise ValueError(f"{where}: badly formed image {image!r}")
        rules.images.setdefault(image, []).append(name)
    for kind in ("files", "ci"):
        matcher = rules.files if kind == "files" else rules.ci
        for pattern in _strings(detect.get(kind, []), f"{where}.{kind}"):
            if not _PATH.match(pattern) or ".." in pattern.split("/"):
                raise ValueError(f"{where}: badly formed path {pattern!r}")
            matcher.add(pattern, name)
    for pattern in _strings(detect.get("env", []), f"{where}.env"):
        if not _ENV.match(pattern):
            raise ValueError(f"{where}: badly formed env pattern {pattern!r}")
        if pattern.endswith("://"):
            rules.env_schemes.setdefault(pattern[:-3], []).append(name)
        elif pattern.endswith("="):
            rules.env_keys.setdefault(pattern[:-1], []).append(name)
        elif "=" in pattern:
            env_key, value = pattern.split("=", 1)
            rules.env_values.setdefault((env_key, value.lower()), []).append(name)
        else:
            rules.env_prefixes.append((pattern, name))
    for pattern in _strings(detect.get("config", []), f"{where}.config"):
        try:
            compiled = re.compile(pattern)
        except re.error as error:
            raise ValueError(f"{where}: bad config pattern {pattern!r}: {error}") from None
        if compiled.groups:
            raise ValueError(f"{where}: config pattern {pattern!r} must use (?:...) groups")
        if compiled.search(""):
            raise ValueError(f"{where}: config pattern {pattern!r} matches empty text")
        rules.config.append((compiled, name))
    for pattern in _strings(detect.get("extensions", []), f"{where}.extensions"):
        if not _EXTENSION.match(pattern):
            raise ValueError(f"{where}: badly formed extension {pattern!r}")
        table = rules.extensions if pattern.startswith(".") else rules.filenames
        index = pattern.lower() if pattern.startswith(".") else pattern
        if index in table:
            raise ValueError(f"{where}: {pattern!r} already belongs to {table[index]!r}")
        table[index] = name


def load_rules(path: str | Path = CATALOGUE_PATH, catalogue: Catalogue | None = None) -> Rules:
    """Read and validate the detection rules of a catalogue file."""
    with open(path, encoding="utf-8") as handle:
        entries = json.load(handle)
    if catalogue is None:
        catalogue = Catalogue.from_file(path) if Path(path) != CATALOGUE_PATH else get_catalogue()
    return build_rules(entries, catalogue)


@functools.cache
def get_rules() -> Rules:
    """Return the shipped catalogue's rules, loaded once per process."""
    return load_rules()
