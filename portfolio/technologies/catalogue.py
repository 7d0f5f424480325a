"""The technology catalogue and the tag normaliser.

The catalogue is a shipped JSON list of technologies back-end job adverts name,
each with a canonical display name, a category and aliases. It turns what a
user types ("postgres", "node js", "C sharp") into one canonical name, so the
same technology is never counted twice, and it feeds the type-ahead.

It also says how technologies hang together, which the readiness score reads:

* ``implies``: what using a technology always means using too (Laravel is PHP,
  Express runs on Node.js, which is JavaScript). Implications chain, so an entry
  lists only its direct ones; they may not loop back.
* ``related``: technologies whose skills transfer in part, at a level (``close``:
  a fork or drop-in, MariaDB for MySQL; ``similar``: the same family, PostgreSQL for
  MySQL; ``distant``: the same core without the rest, SQLite for MySQL). A relation
  holds both ways and is written once, on either of the two.

Plain Python: no Flask, no SQLAlchemy.

Matching rules, shared with :mod:`portfolio.technologies.extract`:

* A *key* is the text trimmed, with runs of whitespace collapsed to one space,
  casefolded. Names and aliases must be unique by key across the catalogue.
* A *loose key* also drops spaces, hyphens and underscores, so "Ruby-on-Rails",
  "ruby on rails" and "RubyOnRails" meet. Loose keys must be unique too, which is
  what lets a lookup fall back to them without ever having to choose.
* Punctuation that is part of a name is never dropped: "C#", "C++", ".NET" and
  "Node.js" are matched as written, so "C" never finds C# and "Java" never finds
  JavaScript.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from portfolio.schemas.rules import TECHNOLOGY_MAX

CATEGORIES: tuple[str, ...] = ("language", "framework", "database", "platform", "practice")

CATEGORY_LABELS: dict[str, str] = {
    "language": "Languages",
    "framework": "Frameworks and libraries",
    "database": "Databases",
    "platform": "Platforms and tools",
    "practice": "Practices",
}

#: The longest tag kept for a technology the catalogue does not know.
MAX_TAG_LENGTH = TECHNOLOGY_MAX

#: How closely a related technology's skills transfer, closest first. The credit each
#: level gives is in the readiness score's table of evidence factors.
RELATED_LEVELS: tuple[str, ...] = ("close", "similar", "distant")

CATALOGUE_PATH = Path(__file__).with_name("catalogue.json")

_WHITESPACE = re.compile(r"\s+")
_LOOSE_DROP = re.compile(r"[\s_-]+")
# What separates tags in one typed string. Commas are what people type; newlines
# and semicolons come from pasting lists out of CVs and adverts.
_TAG_SEPARATORS = re.compile(r"[,;\r\n]+")
# Wrapping and sentence punctuation a pasted word tends to carry: "(Java)",
# "Python.", "Redis!". "#", "+" and a leading "." are left alone because they
# belong to names (C#, C++, .NET).
_LEADING_NOISE = "\"'`([{<"
_TRAILING_NOISE = "\"'`)]}>.,;:!?"


def split_tags(text: str) -> list[str]:
    """Return the names in a typed list, trimmed, as the normaliser splits them."""
    return [part.strip() for part in _TAG_SEPARATORS.split(text) if part.strip()]


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def key(text: str) -> str:
    """Return the case- and whitespace-insensitive form names are compared by."""
    return _collapse(text).casefold()


def loose_key(text: str) -> str:
    """Return the key with spaces, hyphens and underscores dropped as well."""
    return _LOOSE_DROP.sub("", text).casefold()


@dataclass(frozen=True)
class Technology:
    """One catalogued technology: canonical name, category and aliases."""

    name: str
    category: str
    aliases: tuple[str, ...] = ()
    #: What using it always means using too, directly (not what those imply).
    implies: tuple[str, ...] = ()
    #: (name, level) of the technologies declared related on this entry.
    related: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # Accept any iterables but store tuples, so the dataclass stays hashable and
        # nobody can change a shared catalogue entry in place.
        object.__setattr__(self, "aliases", tuple(self.aliases))
        object.__setattr__(self, "implies", tuple(self.implies))
        object.__setattr__(self, "related", tuple(tuple(pair) for pair in self.related))

    @property
    def terms(self) -> tuple[str, ...]:
        """Return the name followed by the aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Tag:
    """A normalised tag: a canonical name, or the user's own text if unknown."""

    name: str
    technology: Technology | None = None

    @property
    def catalogued(self) -> bool:
        """Return whether the tag is a catalogue technology."""
        return self.technology is not None


class CatalogueLike(Protocol):
    """What the exports, the role profiles and the readiness advice need of a catalogue."""

    def __contains__(self, name: object) -> bool: ...

    def lookup(self, raw: str) -> Technology | None: ...

    def category_of(self, name: str) -> str | None: ...

    def normalise_tags(self, raw: str | Iterable[str]) -> list[Tag]: ...

    def implied(self, name: str) -> tuple[str, ...]: ...

    def related(self, name: str) -> Mapping[str, str]: ...


class Catalogue:
    """A validated set of technologies with lookup, normalising and search."""

    def __init__(self, technologies: Iterable[Technology]) -> None:
        self._technologies: tuple[Technology, ...] = tuple(technologies)
        self._by_name: dict[str, Technology] = {}
        self._by_key: dict[str, Technology] = {}
        self._by_loose: dict[str, Technology] = {}
        owner_term: dict[str, str] = {}  # loose key -> the term that claimed it
        for tech in self._technologies:
            if not isinstance(tech, Technology):
                raise TypeError(f"expected a Technology, got {tech!r}")
            if not tech.name or tech.name != _collapse(tech.name):
                raise ValueError(f"technology name {tech.name!r} is empty or badly spaced")
            if tech.category not in CATEGORIES:
                raise ValueError(
                    f"{tech.name!r} has unknown category {tech.category!r}; "
                    f"use one of {', '.join(CATEGORIES)}"
                )
            if tech.name in self._by_name:
                raise ValueError(f"{tech.name!r} is listed twice")
            self._by_name[tech.name] = tech
            for term in tech.terms:
                loose = loose_key(term)
                if not loose:
                    raise ValueError(f"{tech.name!r} has an empty alias {term!r}")
                other = self._by_loose.get(loose)
                if other is not None and other is not tech:
                    raise ValueError(
                        f"{term!r} of {tech.name!r} clashes with "
                        f"{owner_term[loose]!r} of {other.name!r}"
                    )
                self._by_loose[loose] = tech
                owner_term.setdefault(loose, term)
                self._by_key[key(term)] = tech
        self._implied = self._implications()
        self._related = self._relations()

    def _implications(self) -> dict[str, tuple[str, ...]]:
        """Check every ``implies`` and return each name's implications, chained."""
        for tech in self._technologies:
            for name in tech.implies:
                if name not in self._by_name:
                    raise ValueError(
                        f"{tech.name!r} implies {name!r}, which is not in the catalogue"
                    )
                if name == tech.name:
                    raise ValueError(f"{tech.name!r} implies itself")
            if len(set(tech.implies)) != len(tech.implies):
                raise ValueError(f"{tech.name!r} lists an implication twice")
        _refuse_loops({tech.name: tech.implies for tech in self._technologies})
        closure: dict[str, tuple[str, ...]] = {}
        for tech in self._technologies:
            # Breadth first, so the direct implications come first, in the data's order.
            found: list[str] = []
            queue = list(tech.implies)
            while queue:
                name = queue.pop(0)
                if name not in found:
                    found.append(name)
                    queue.extend(self._by_name[name].implies)
            closure[tech.name] = tuple(found)
        return closure

    def _relations(self) -> dict[str, dict[str, str]]:
        """Check every ``related`` and return them both ways: name -> {name: level}."""
        related: dict[str, dict[str, str]] = {tech.name: {} for tech in self._technologies}
        for tech in self._technologies:
            for name, level in tech.related:
                if name not in self._by_name:
                    raise ValueError(
                        f"{tech.name!r} is related to {name!r}, which is not in the catalogue"
                    )
                if name == tech.name:
                    raise ValueError(f"{tech.name!r} is related to itself")
                if level not in RELATED_LEVELS:
                    raise ValueError(
                        f"{tech.name!r} is related to {name!r} at {level!r}; "
                        f"use one of {', '.join(RELATED_LEVELS)}"
                    )
                if name in related[tech.name]:
                    raise ValueError(
                        f"{tech.name!r} and {name!r} are declared related twice; "
                        "a relation holds both ways, so write it once"
                    )
                related[tech.name][name] = level
                related[name][tech.name] = level
        return related

    def implied(self, name: str) -> tuple[str, ...]:
        """Return what a technology implies, chained (Express: Node.js, JavaScript)."""
        return self._implied.get(name, ())

    def related(self, name: str) -> Mapping[str, str]:
        """Return the technologies related to one, with the level of each (read-only)."""
        return MappingProxyType(self._related.get(name, {}))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Catalogue:
        """Load and validate a catalogue from a JSON list of entries."""
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, list):
            raise ValueError(f"{path}: expected a JSON list of technologies")
        return cls(_entry(item, f"{path}[{index}]") for index, item in enumerate(data))

    def lookup(self, raw: str) -> Technology | None:
        """Return the technology a name or alias means, or None if unknown."""
        text = _collapse(raw)
        candidates = [text]
        stripped = _strip_noise(text)
        if stripped and stripped != text:
            candidates.append(stripped)
        for candidate in candidates:
            found = self._by_key.get(candidate.casefold())
            if found is None:
                found = self._by_loose.get(loose_key(candidate))
            if found is not None:
                return found
        return None

    def normalise(self, raw: str) -> Tag | None:
        """Return the canonical tag for raw text, keeping unknown text as typed."""
        text = _collapse(raw)
        # A "tag" with no letter or digit at all ("-", "...") is stray punctuation
        # from splitting a list, not something the user meant to keep.
        if not any(char.isalnum() for char in text):
            return None
        found = self.lookup(text)
        if found is not None:
            return Tag(found.name, found)
        return Tag(text[:MAX_TAG_LENGTH].rstrip(), None)

    def normalise_tags(self, raw: str | Iterable[str]) -> list[Tag]:
        """Return the distinct tags in raw, in order of first appearance."""
        items = [raw] if isinstance(raw, str) else list(raw)
        tags: list[Tag] = []
        seen: set[str] = set()
        for item in items:
            for part in _TAG_SEPARATORS.split(item):
                tag = self.normalise(part)
                if tag is None:
                    continue
                # Compare after normalising, so "postgres, PostgreSQL" is one tag.
                seen_key = tag.name.casefold()
                if seen_key not in seen:
                    seen.add(seen_key)
                    tags.append(tag)
        return tags

    def search(self, query: str, limit: int = 10) -> list[Technology]:
        """Return technologies for a type-ahead: prefix matches, then substrings."""
        wanted = key(query)
        if not wanted or limit <= 0:
            return []
        wanted_loose = loose_key(wanted)
        ranked: list[tuple[int, str, Technology]] = []
        for tech in self._technologies:
            rank = min(
                _search_rank(term, wanted, wanted_loose, alias=index > 0)
                for index, term in enumerate(tech.terms)
            )
            if rank < _NO_MATCH:
                ranked.append((rank, tech.name.casefold(), tech))
        ranked.sort(key=lambda item: item[:2])
        return [tech for _, _, tech in ranked[:limit]]

    def category_of(self, name: str) -> str | None:
        """Return the category of a name or alias, or None if unknown."""
        found = self._by_name.get(name) or self.lookup(name)
        return found.category if found is not None else None

    def get(self, name: str) -> Technology | None:
        """Return the technology with exactly this canonical name, or None."""
        return self._by_name.get(name)

    def __iter__(self) -> Iterator[Technology]:
        return iter(self._technologies)

    def __len__(self) -> int:
        return len(self._technologies)

    def __contains__(self, name: object) -> bool:
        # Exact canonical names only: callers validating stored data (role
        # profiles) use this to insist on "PostgreSQL", then offer lookup() as the
        # "did you mean" hint for "postgres".
        if isinstance(name, Technology):
            return self._by_name.get(name.name) == name
        return isinstance(name, str) and name in self._by_name

    def __repr__(self) -> str:
        return f"<Catalogue of {len(self)} technologies>"


# Search ranks, best first: exact name, exact alias, name prefix, alias prefix,
# name substring, alias substring. Names beat aliases so "post" offers
# PostgreSQL because of its name, not because of "postgres".
_NO_MATCH = 6


def _search_rank(term: str, wanted: str, wanted_loose: str, *, alias: bool) -> int:
    term_key = key(term)
    term_loose = loose_key(term)
    offset = 1 if alias else 0
    if term_key == wanted or (wanted_loose and term_loose == wanted_loose):
        return 0 + offset
    if term_key.startswith(wanted) or (wanted_loose and term_loose.startswith(wanted_loose)):
        return 2 + offset
    if wanted in term_key or (wanted_loose and wanted_loose in term_loose):
        return 4 + offset
    return _NO_MATCH


def _strip_noise(text: str) -> str:
    return text.lstrip(_LEADING_NOISE).rstrip(_TRAILING_NOISE).strip()


def _refuse_loops(implies: dict[str, tuple[str, ...]]) -> None:
    """Raise ValueError naming the chain if implications ever lead back to where they began."""
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            loop = [*trail[trail.index(name) :], name]
            raise ValueError("implications loop: " + " -> ".join(loop))
        if name in done:
            return
        for further in implies.get(name, ()):
            visit(further, [*trail, name])
        done.add(name)

    for name in implies:
        visit(name, [])


def _strings(value: Any, where: str, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{where}: {what} must be a list of strings")
    return value


def _entry(item: Any, where: str) -> Technology:
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected an object")
    # "detect" holds the code analysis's rules, read and checked by portfolio.codescan.rules.
    unknown = set(item) - {"name", "category", "aliases", "implies", "related", "detect"}
    if unknown:
        raise ValueError(f"{where}: unknown fields {', '.join(sorted(unknown))}")
    name, category = item.get("name"), item.get("category")
    if not isinstance(name, str) or not isinstance(category, str):
        raise ValueError(f"{where}: name and category must be strings")
    aliases = _strings(item.get("aliases", []), where, "aliases")
    implies = _strings(item.get("implies", []), where, "implies")
    related = item.get("related", {})
    if not isinstance(related, dict) or not all(isinstance(v, str) for v in related.values()):
        raise ValueError(f"{where}: related must be an object of names and levels")
    try:
        return Technology(
            name=name,
            category=category,
            aliases=tuple(aliases),
            implies=tuple(implies),
            related=tuple(related.items()),
        )
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None


@functools.cache
def get_catalogue() -> Catalogue:
    """Return the shipped catalogue, loaded once per process."""
    return Catalogue.from_file(CATALOGUE_PATH)
