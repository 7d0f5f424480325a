"""Read the dependencies a repository declares, one parser per manifest format.

Each parser takes a file's path and text and yields ``Declared`` packages with the line
that names them. Parsers never run anything and never fetch anything; a manifest they
cannot parse gives nothing (a broken file proves nothing). XML is read only when it has
no DTD or entity declarations, so an XML bomb is never expanded.
"""

from __future__ import annotations

import json
import re
import tomllib
import xml.etree.ElementTree as ET  # DTDs and entities are refused before parsing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Declared:
    """A package a manifest declares."""

    ecosystem: str  # one of rules.ECOSYSTEMS
    name: str
    line: int | None  # 1-based
    text: str  # the line that names it, trimmed
    dev: bool = False  # a development or test dependency


_DEV_GROUPS = frozenset(
    {
        "dev",
        "devel",
        "develop",
        "development",
        "test",
        "tests",
        "testing",
        "lint",
        "docs",
        "typing",
        "ci",
    }
)
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


class _Lines:
    """A file's lines, for finding the line that names a package."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.lower = [line.lower() for line in self.lines]

    def find(self, *needles: str, start: int = 0) -> tuple[int | None, str]:
        """Return (line number, trimmed line) of the first line holding every needle.

        The search begins at the 1-based line ``start`` (a section's heading), if given.
        """
        wanted = [needle.lower() for needle in needles]
        for index in range(max(start - 1, 0), len(self.lower)):
            if all(needle in self.lower[index] for needle in wanted):
                return index + 1, self.lines[index].strip()
        return None, " ".join(needles)


def _pep508_name(spec: str) -> str | None:
    match = _REQUIREMENT.match(spec)
    return match.group(1) if match else None


def requirements_txt(path: str, text: str) -> Iterator[Declared]:
    """Yield the packages of a pip requirements file."""
    dev = any(word in path.lower() for word in ("dev", "test", "lint", "doc"))
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-", "git+", "http:", "https:", "file:", ".")):
            continue
        name = _pep508_name(line)
        if name:
            yield Declared("python", name, number, line, dev)


def pyproject_toml(path: str, text: str) -> Iterator[Declared]:
    """Yield PEP 621, PEP 735 and Poetry dependencies of a pyproject.toml."""
    data = tomllib.loads(text)
    lines = _Lines(text)
    found: list[tuple[str, bool]] = []
    project = data.get("project", {})
    found += [(spec, False) for spec in _list(project.get("dependencies"))]
    for group, specs in _dict(project.get("optional-dependencies")).items():
        found += [(spec, group.lower() in _DEV_GROUPS) for spec in _list(specs)]
    for _group, specs in _dict(data.get("dependency-groups")).items():
        found += [(spec, True) for spec in _list(specs) if isinstance(spec, str)]
    poetry = _dict(_dict(data.get("tool")).get("poetry"))
    found += [(name, False) for name in _dict(poetry.get("dependencies")) if name != "python"]
    found += [(name, True) for name in _dict(poetry.get("dev-dependencies"))]
    for group, body in _dict(poetry.get("group")).items():
        found += [(name, group != "main") for name in _dict(_dict(body).get("dependencies"))]
    for spec, dev in found:
        name = _pep508_name(spec) if isinstance(spec, str) else None
        if name:
            number, line = lines.find(name)
            yield Declared("python", name, number, line, dev)


def pipfile(path: str, text: str) -> Iterator[Declared]:
    """Yield the packages of a Pipfile."""
    data = tomllib.loads(text)
    lines = _Lines(text)
    for section, dev in (("packages", False), ("dev-packages", True)):
        for name in _dict(data.get(section)):
            number, line = lines.find(name)
            yield Declared("python", name, number, line, dev)


def setup_cfg(path: str, text: str) -> Iterator[Declared]:
    """Yield install_requires and extras of a setup.cfg (indented continuation lines)."""
    section = ""
    collecting: bool | None = None  # None: not in a requirements list; else: is it dev?
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("["):
            section, collecting = stripped.strip("[]").strip(), None
            continue
        if raw[:1] not in (" ", "\t") and "=" in stripped:
            key, _, value = stripped.partition("=")
            key = key.strip()
            if section == "options" and key == "install_requires":
                collecting = False
            elif section == "options.extras_require":
                collecting = key.lower() in _DEV_GROUPS
            elif section == "options" and key == "tests_require":
                collecting = True
            else:
                collecting = None
            stripped = value.strip()
        if collecting is None or not stripped or stripped.startswith("#"):
            continue
        name = _pep508_name(stripped)
        if name:
            yield Declared("python", name, number, stripped, collecting)


def package_json(path: str, text: str) -> Iterator[Declared]:
    """Yield dependencies and devDependencies of an npm package.json."""
    yield from _json_sections(
        "npm",
        text,
        {
            "dependencies": False,
            "peerDependencies": False,
            "optionalDependencies": False,
            "devDependencies": True,
        },
    )


def composer_json(path: str, text: str) -> Iterator[Declared]:
    """Yield require and require-dev of a composer.json (PHP extensions as ext-...)."""
    yield from _json_sections("composer", text, {"require": False, "require-dev": True})


def _json_sections(ecosystem: str, text: str, sections: dict[str, bool]) -> Iterator[Declared]:
    data = json.loads(text)
    if not isinstance(data, dict):
        return
    lines = _Lines(text)
    for section, dev in sections.items():
        heading, _ = lines.find(f'"{section}"')
        for name in _dict(data.get(section)):
            number, line = lines.find(f'"{name}"', start=heading or 0)
            yield Declared(ecosystem, name, number, line, dev)


_GEM = re.compile(r"""^\s*gem\s*\(?\s*['"]([^'"]+)['"](.*)$""")
_GROUP = re.compile(r"^\s*group\b(.*?)\bdo\b")
_BLOCK = re.compile(r"\bdo\s*(?:\|[^|]*\|)?\s*$")
_END = re.compile(r"^\s*end\b")
_DEV_SYMBOLS = re.compile(r":(?:development|test)\b|['\"](?:development|test)['\"]")


def gemfile(path: str, text: str) -> Iterator[Declared]:
    """Yield the gems of a Gemfile; gems in test or development groups are dev."""
    stack: list[bool] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0]
        group = _GROUP.match(line)
        if group:
            stack.append(
                bool(_DEV_SYMBOLS.search(group.group(1))) and "production" not in group.group(1)
            )
            continue
        if _BLOCK.search(line):
            stack.append(bool(stack and stack[-1]))
            continue
        if _END.match(line):
            if stack:
                stack.pop()
            continue
        gem = _GEM.match(line)
        if gem:
            inline_dev = "group" in gem.group(2) and bool(_DEV_SYMBOLS.search(gem.group(2)))
            dev = inline_dev or bool(stack and stack[-1])
            yield Declared("ruby", gem.group(1), number, raw.strip(), dev)


_GEMSPEC = re.compile(r"""\.add_(runtime_|development_)?dependency\s*\(?\s*['"]([^'"]+)['"]""")


def gemspec(path: str, text: str) -> Iterator[Declared]:
    """Yield the dependencies of a *.gemspec."""
    for number, raw in enumerate(text.splitlines(), 1):
        found = _GEMSPEC.search(raw)
        if found and not raw.lstrip().startswith("#"):
            yield Declared(
                "ruby", found.group(2), number, raw.strip(), found.group(1) == "development_"
            )


_XML_DECLARATIONS = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def pom_xml(path: str, text: str) -> Iterator[Declared]:
    """Yield the parent and the dependencies of a Maven pom.xml (not dependencyManagement)."""
    if _XML_DECLARATIONS.search(text):
        return  # no DTDs, no entities: an XML bomb is never expanded
    root = ET.fromstring(text)  # noqa: S314 - declarations refused above
    lines = _Lines(text)

    def child(element: ET.Element, name: str) -> str:
        for item in element:
            if _local(item.tag) == name:
                return (item.text or "").strip()
        return ""

    elements: list[ET.Element] = []
    for item in root:
        tag = _local(item.tag)
        if tag == "parent":
            elements.append(item)
        elif tag == "dependencies":
            elements.extend(dep for dep in item if _local(dep.tag) == "dependency")
        elif tag == "profiles":
            for profile in item:
                for section in profile:
                    if _local(section.tag) == "dependencies":
                        elements.extend(dep for dep in section if _local(dep.tag) == "dependency")
    for element in elements:
        group, artifact = child(element, "groupId"), child(element, "artifactId")
        if not group or not artifact or "${" in group + artifact:
            continue
        number, _ = lines.find(f"<artifactId>{artifact}</artifactId>")
        dev = child(element, "scope") == "test"
        yield Declared("maven", f"{group}:{artifact}", number, f"{group}:{artifact}", dev)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


_GRADLE_CONFIGS = (
    r"implementation|api|compile|compileOnly|runtime|runtimeOnly|annotationProcessor|kapt|"
    r"developmentOnly|testImplementation|testCompile|testCompileOnly|testRuntimeOnly|"
    r"testAnnotationProcessor|androidTestImplementation|integrationTestImplementation"
)
_GRADLE = re.compile(
    rf"""^\s*({_GRADLE_CONFIGS})\s*\(?\s*(?:platform\s*\(\s*)?['"]([^'":\s$]+):([^'":\s$]+)"""
)
_GRADLE_MAP = re.compile(
    rf"""^\s*({_GRADLE_CONFIGS})\s*\(?\s*group\s*[:=]\s*['"]([^'"]+)['"]\s*,\s*name\s*[:=]\s*['"]([^'"]+)['"]"""
)


def gradle(path: str, text: str) -> Iterator[Declared]:
    """Yield the dependencies of a Gradle build script, Groovy or Kotlin DSL."""
    for number, raw in enumerate(text.splitlines(), 1):
        found = _GRADLE.match(raw) or _GRADLE_MAP.match(raw)
        if found:
            config = found.group(1)
            dev = config.startswith(("test", "androidTest", "integrationTest"))
            name = f"{found.group(2)}:{found.group(3)}"
            yield Declared("maven", name, number, raw.strip(), dev)


_NUGET = re.compile(
    r"""<Package(?:Reference|Version)\s+[^>]*?Include\s*=\s*["']([^"']+)["']""", re.IGNORECASE
)


def nuget(path: str, text: str) -> Iterator[Declared]:
    """Yield PackageReference and PackageVersion entries of a .NET project file."""
    dev = "test" in path.rsplit("/", 1)[-1].lower()
    for number, raw in enumerate(text.splitlines(), 1):
        for found in _NUGET.finditer(raw):
            yield Declared("nuget", found.group(1), number, raw.strip(), dev)


_GO_REQUIRE = re.compile(r"^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]{2,}/[^\s]+)\s+v[0-9]")


def go_mod(path: str, text: str) -> Iterator[Declared]:
    """Yield the modules a go.mod requires."""
    in_block = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("require ("):
            in_block = True
            continue
        if in_block and line.startswith(")"):
            in_block = False
            continue
        if in_block or line.startswith("require "):
            found = _GO_REQUIRE.match(line)
            if found:
                yield Declared("go", found.group(1), number, line)


def cargo_toml(path: str, text: str) -> Iterator[Declared]:
    """Yield the crates of a Cargo.toml, dev-dependencies as dev."""
    data = tomllib.loads(text)
    lines = _Lines(text)
    tables: list[tuple[dict[str, Any], bool]] = [
        (_dict(data.get("dependencies")), False),
        (_dict(data.get("build-dependencies")), False),
        (_dict(data.get("dev-dependencies")), True),
        (_dict(_dict(data.get("workspace")).get("dependencies")), False),
    ]
    for target in _dict(data.get("target")).values():
        tables.append((_dict(_dict(target).get("dependencies")), False))
        tables.append((_dict(_dict(target).get("dev-dependencies")), True))
    for table, dev in tables:
        for name in table:
            number, line = lines.find(name)
            yield Declared("cargo", name, number, line, dev)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


Parser = Callable[[str, str], Iterator[Declared]]

#: Parsers by exact file name.
BY_NAME: dict[str, Parser] = {
    "pyproject.toml": pyproject_toml,
    "Pipfile": pipfile,
    "setup.cfg": setup_cfg,
    "package.json": package_json,
    "composer.json": composer_json,
    "Gemfile": gemfile,
    "gems.rb": gemfile,
    "pom.xml": pom_xml,
    "build.gradle": gradle,
    "build.gradle.kts": gradle,
    "Directory.Packages.props": nuget,
    "packages.config": nuget,
    "go.mod": go_mod,
    "Cargo.toml": cargo_toml,
}
#: Parsers by file name ending.
BY_SUFFIX: tuple[tuple[str, Parser], ...] = (
    (".gemspec", gemspec),
    (".csproj", nuget),
    (".fsproj", nuget),
    (".vbproj", nuget),
    (".gradle", gradle),
    (".gradle.kts", gradle),
)
_REQUIREMENTS_NAME = re.compile(r"^requirements[\w.-]*\.(?:txt|in)$")


def parser_for(path: str) -> Parser | None:
    """Return the manifest parser for a path, or None if it is not a manifest."""
    parts = path.split("/")
    name = parts[-1]
    if name in BY_NAME:
        return BY_NAME[name]
    if _REQUIREMENTS_NAME.match(name) or (
        len(parts) > 1 and parts[-2] == "requirements" and name.endswith((".txt", ".in"))
    ):
        return requirements_txt
    for suffix, parser in BY_SUFFIX:
        if name.endswith(suffix):
            return parser
    return None


def declared(path: str, text: str) -> list[Declared]:
    """Return what a manifest declares; nothing for a non-manifest or a broken one."""
    parser = parser_for(path)
    if parser is None:
        return []
    try:
        return list(parser(path, text))
    except (ValueError, ET.ParseError, RecursionError, TypeError, AttributeError):
        # json, tomllib and the XML parser raise these on a broken file: it proves nothing.
        return []
