"""Find the catalogue technologies a pasted job advert mentions.

Plain Python: no Flask, no SQLAlchemy. The rules, in the order they apply:

1. **Every name and alias is searched for**, as one regular expression built
   once per catalogue and cached. Longer terms are tried first, so the longest
   match at a place wins: "Ruby on Rails" is Ruby on Rails and not also Ruby,
   "ASP.NET" is not also .NET, "Spring Boot" is not also Spring. A space or
   hyphen inside a term matches any run of spaces, newlines or a hyphen, so
   "SQL Server" split over two lines and "test driven development" are found.
2. **Boundaries understand punctuation.** A term may not touch a letter, digit
   or underscore on either side, nor a "#" or "+" after it, nor sit right after
   "word." (as in "example.com" or "setup.py"), nor be followed by ".word"
   other than ".js". So "C#", "C++", ".NET", "Node.js", "CI/CD" and "PL/SQL" are
   found, "Java" in "JavaScript", "Go" in "going" or "Google", "React" in
   "reactive" and "Rust" in "trust" are not, and "Angular.js" is Angular.
3. **Case.** Terms of one or two characters ("C", "R", "Go", "JS", "CI") and
   all-capital words ("REST", "SOLID") match only as written. Names that are
   also ordinary English words (React, Express, Spring, Rails, Node, ...; see
   ``PROSE_WORDS``) match only with a capital first letter, so "react to
   incidents" and "each node" are not hits. Everything else ignores case.
4. **Ordinary words need a technology context.** "C", "R", "Go" and "Julia"
   always (``NEEDS_CONTEXT``), and the ``SENTENCE_WORDS`` (the prose words that
   can open an English sentence: Express, React, Spring, Swift, ...) when they
   open a sentence, a list item or a line after a heading ("Express your
   interest", "Spring is busy"), count only when one of these holds. (A line
   that follows a long line without closing punctuation is taken to continue a
   hard-wrapped sentence, so its first word opens nothing.)

   * they sit in a list with another accepted mention, separated only by
     commas, slashes, "&", "and", "or", "plus", "as well as" or brackets ("C,
     C++ and Python", "C/C++", "Go or Rust"), never by a bare space; across a
     line break only when the word is alone on its line, as in a bulleted list;
   * a cue word follows: "language", "programming", "developer", "engineer",
     "code", "framework", "experience", a dotted version number, ...
     ("Go developer", "C programming", "Go 1.22");
   * a cue phrase precedes: "written in", "experience with", "knowledge of",
     "languages such as", ... ("services written in Go");
   * for the ``SENTENCE_WORDS`` only, the word is alone on its line (a
     bulleted or one-per-line list item).

   A lone "C" in "Grade C" or "section C of the form" satisfies none of these.
5. **Small vetoes** for known false friends: a single letter or "Go" directly
   joined by "-", "&" or an apostrophe to a word ("C-level", "R&D", "Go-live"),
   "Spring" before a year ("Spring 2025"), "Apache" before another capitalised
   word on the same line ("Apache Iceberg", a project the catalogue lacks) and
   "testing" that is not software testing ("A/B testing", "drug testing").

Each technology is reported once, in order of first appearance, with how many
accepted mentions it had and a snippet of about 60 characters around the first.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from portfolio.technologies.catalogue import Catalogue, Technology, loose_key

#: Catalogue terms that are also ordinary English words, casefolded. They match
#: only with a capital first letter (rule 3).
PROSE_WORDS: frozenset[str] = frozenset(
    {
        "angular",
        "bash",
        "bootstrap",
        "chef",
        "composer",
        "cypress",
        "dart",
        "doctrine",
        "express",
        "flask",
        "flutter",
        "gin",
        "groovy",
        "helm",
        "hibernate",
        "jest",
        "maven",
        "mocha",
        "mongoose",
        "node",
        "phoenix",
        "playwright",
        "postman",
        "puppet",
        "rails",
        "react",
        "rest",
        "restful",
        "rust",
        "sass",
        "sentry",
        "snowflake",
        "spark",
        "spring",
        "struts",
        "svelte",
        "swift",
        "tailwind",
        "tomcat",
        "tornado",
        "vagrant",
        "varnish",
        "vault",
        "yarn",
    }
)

#: The prose words that can open an English sentence (mostly verbs), casefolded:
#: at the start of a sentence or line they need a technology context (rule 4).
SENTENCE_WORDS: frozenset[str] = frozenset(
    {
        "bash",
        "bootstrap",
        "express",
        "flutter",
        "react",
        "restful",
        "spark",
        "spring",
        "swift",
        "varnish",
        "vault",
    }
)

#: Terms that are ordinary words or letters wherever they appear, casefolded:
#: they always need a technology context (rule 4).
NEEDS_CONTEXT: frozenset[str] = frozenset({"c", "r", "go", "julia"})

# All-capital acronyms that spell an English word; lower case they are prose
# ("the rest of the team", "a solid grounding").
_EXACT_CASE_WORDS = frozenset({"REST", "SOLID"})

SNIPPET_WIDTH = 60
# A line at least this long, without closing punctuation, was hard-wrapped.
_WRAPPED_LINE = 40
_ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class Mention:
    """A technology found in an advert, how often, and where first."""

    technology: Technology
    count: int
    snippet: str


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    technology: Technology
    text: str


# Boundaries (rule 2). Lookbehinds must be fixed width, hence two of them.
_BEFORE = r"(?<![\w@$])(?<!\w\.)"
_AFTER = r"(?![\w#+@])(?!\.(?!js\b)\w)"

_LIST_GAP = re.compile(
    r"(?:[\s,/&|;+()\[\]]|\band/or\b|\band\b|\bor\b|\bplus\b|\bas\s+well\s+as\b"
    r"|\n[ \t]*(?:[-*>\u2022\u00b7\u2013]+|\d{1,2}[.)]))*",
    re.IGNORECASE,
)
# Bullet markers that may start a line of a list: "-", "*", "•", "1.", "a)".
_BULLET = re.compile(r"^\s*(?:[-*>\u2022\u00b7\u2013]+|\(?\w{1,2}[.)])?\s*")
_CUE_AFTER = re.compile(
    r"[ \t]*(?:\(\s*)?(?:"
    r"programming|programmer|programmers|language|languages|lang|"
    r"developer|developers|development|engineer|engineers|engineering|"
    r"code|codebase|codebases|compiler|compilers|toolchain|"
    r"framework|library|libraries|application|applications|services|microservices|"
    r"experience|skills|expertise|stack"
    r")\b"
    r"|[ \t]+v?\d+(?:\.\d+)+\b",
    re.IGNORECASE,
)
_CUE_BEFORE = re.compile(
    r"(?:"
    r"(?:written|programming|coding|code|coded|developing|development|building|built|"
    r"proficient|proficiency|fluent|fluency|expertise|experience|experienced|skilled|"
    r"skills|knowledge|background|familiarity|familiar|comfortable|work|working)"
    r"\s+(?:in|with|of|using)"
    r"|(?:languages?|stack|technologies)\s*(?:such\s+as|like|including|e\.g\.|:)"
    r")\s*$",
    re.IGNORECASE,
)
# Rule 5: vetoes keyed by casefolded term.
_JOINED = re.compile(r"[-&'\u2019]\w")
_VETO_AFTER: dict[str, re.Pattern[str]] = {
    "spring": re.compile(r"[ \t]+(?:19|20)\d\d\b"),
    "apache": re.compile(r"[ \t]+[A-Z]"),
}
_VETO_BEFORE: dict[str, re.Pattern[str]] = {
    # Testing that is not software testing; searched in the 20 characters before.
    "testing": re.compile(r"(?:A/B|split|user|usability|drug|alcohol)\s+$", re.IGNORECASE),
}

# One compiled matcher per catalogue, dropped with the catalogue.
_MATCHERS: weakref.WeakKeyDictionary[Catalogue, _Matcher] = weakref.WeakKeyDictionary()


class _Matcher:
    """The compiled search for one catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.by_loose: dict[str, Technology] = {}
        terms: list[str] = []
        for tech in catalogue:
            for term in tech.terms:
                self.by_loose[loose_key(term)] = tech
                terms.append(term)
        # Longest first so the alternation prefers "Ruby on Rails" to "Ruby";
        # then alphabetical only to keep the pattern stable between runs.
        terms = sorted(set(terms), key=lambda t: (-len(t), t))
        alternation = "|".join(_term_pattern(term) for term in terms)
        self.pattern = re.compile(f"{_BEFORE}(?:{alternation}){_AFTER}")

    def hits(self, text: str) -> list[_Hit]:
        found: list[_Hit] = []
        for match in self.pattern.finditer(text):
            tech = self.by_loose.get(loose_key(match.group()))
            if tech is None:  # cannot happen: every alternative came from a term
                continue
            hit = _Hit(match.start(), match.end(), tech, match.group())
            if not _vetoed(text, hit):
                found.append(hit)
        return found


def _term_pattern(term: str) -> str:
    """Return the regular expression for one term, with its case rule."""
    parts = re.split(r"(\s+|(?<=\w)-(?=\w))", term)
    body = "".join(r"[\s-]+" if index % 2 else re.escape(part) for index, part in enumerate(parts))
    if len(term) <= 2 or term in _EXACT_CASE_WORDS:
        return body
    if term.casefold() in PROSE_WORDS:
        # Capital first letter, the rest in any case ("React", "REACT").
        return f"{re.escape(term[0].upper())}(?i:{re.escape(term[1:])})"
    return f"(?i:{body})"


def _matcher(catalogue: Catalogue) -> _Matcher:
    matcher = _MATCHERS.get(catalogue)
    if matcher is None:
        matcher = _MATCHERS[catalogue] = _Matcher(catalogue)
    return matcher


def _vetoed(text: str, hit: _Hit) -> bool:
    folded = hit.text.casefold()
    veto = _VETO_AFTER.get(folded)
    if veto is not None and veto.match(text, hit.end):
        return True
    veto = _VETO_BEFORE.get(folded)
    if veto is not None and veto.search(text, max(0, hit.start - 20), hit.start):
        return True
    if folded in NEEDS_CONTEXT and len(folded) <= 2:
        if _JOINED.match(text, hit.end):
            return True
        if hit.start > 0 and text[hit.start - 1] in "-&":
            return True
    return False


def _needs_context(text: str, hit: _Hit) -> bool:
    folded = hit.text.casefold()
    if folded in NEEDS_CONTEXT:
        return True
    return folded in SENTENCE_WORDS and _opens_sentence(text, hit.start)


def _line_before(text: str, index: int) -> str:
    return text[text.rfind("\n", 0, index) + 1 : index]


def _opens_sentence(text: str, index: int) -> bool:
    line = _line_before(text, index)
    before = _BULLET.sub("", line, count=1).rstrip()
    if before:
        return before[-1] in ".!?" and not before.casefold().endswith(("e.g.", "i.e."))
    if line.strip():  # a bullet marker: the item starts afresh
        return True
    # First on an unmarked line: a hard-wrapped sentence carries on from a long
    # previous line that has no closing punctuation; a short one is a heading.
    line_start = index - len(line)
    previous = _line_before(text, max(0, line_start - 1)).rstrip() if line_start else ""
    return len(previous) < _WRAPPED_LINE or previous[-1] in ".!?:"


def _alone_on_line(text: str, hit: _Hit) -> bool:
    before = _BULLET.sub("", _line_before(text, hit.start), count=1)
    line_end = text.find("\n", hit.end)
    after = text[hit.end : len(text) if line_end == -1 else line_end]
    return not before.strip() and not after.strip(" \t\r,;.")


def _has_cue(text: str, hit: _Hit) -> bool:
    if _CUE_AFTER.match(text, hit.end):
        return True
    # A line holding nothing but "React" is a list item, not a sentence. Not so
    # for a bare "C" or "Go", which could be a grade or a heading.
    if hit.text.casefold() not in NEEDS_CONTEXT and _alone_on_line(text, hit):
        return True
    return _CUE_BEFORE.search(text, max(0, hit.start - 40), hit.start) is not None


def _listed_with(text: str, hit: _Hit, other: _Hit) -> bool:
    first, second = (hit, other) if hit.start < other.start else (other, hit)
    gap = text[first.end : second.start]
    if not _LIST_GAP.fullmatch(gap):
        return False
    # A bare space is no list: "Julia Jenkins" is a person, not two technologies.
    if not gap.strip() and "\n" not in gap:
        return False
    # Across a line break only a bulleted or one-per-line list counts, so "Grade
    # C" ending one line is not listed with "Python" starting the next.
    return "\n" not in gap or _alone_on_line(text, hit)


def _accepted(text: str, hits: list[_Hit]) -> list[bool]:
    accepted = [not _needs_context(text, hit) or _has_cue(text, hit) for hit in hits]
    # Accepting one word can make its neighbour a list member, so repeat until
    # nothing changes; each pass accepts at least one more hit or stops.
    changed = True
    while changed:
        changed = False
        for index, hit in enumerate(hits):
            if accepted[index]:
                continue
            for near in (index - 1, index + 1):
                if 0 <= near < len(hits) and accepted[near] and _listed_with(text, hit, hits[near]):
                    accepted[index] = changed = True
                    break
    return accepted


def _snippet(text: str, start: int, end: int, width: int = SNIPPET_WIDTH) -> str:
    pad = max(0, (width - (end - start)) // 2)
    low, high = max(0, start - pad), min(len(text), end + pad)
    # Near either end of the text, spend the unused half on the other side.
    if low == 0:
        high = min(len(text), max(high, width))
    if high == len(text):
        low = max(0, min(low, len(text) - width))
    # Start and end on whole words rather than showing half of one.
    if low > 0 and not text[low - 1].isspace():
        space = re.search(r"\s", text[low:start])
        if space:
            low += space.end()
    if high < len(text) and not text[high].isspace():
        spaces = list(re.finditer(r"\s", text[end:high]))
        if spaces:
            high = end + spaces[-1].start()
    body = " ".join(text[low:high].split())
    lead = _ELLIPSIS if low > 0 else ""
    trail = _ELLIPSIS if high < len(text) else ""
    return f"{lead}{body}{trail}"


def extract_technologies(text: str, catalogue: Catalogue) -> list[Mention]:
    """Return the technologies text mentions, in order of first appearance."""
    if not text or not text.strip():
        return []
    hits = _matcher(catalogue).hits(text)
    first: dict[str, _Hit] = {}
    counts: dict[str, int] = {}
    for hit, ok in zip(hits, _accepted(text, hits), strict=True):
        if not ok:
            continue
        name = hit.technology.name
        first.setdefault(name, hit)
        counts[name] = counts.get(name, 0) + 1
    return [
        Mention(hit.technology, counts[name], _snippet(text, hit.start, hit.end))
        for name, hit in first.items()
    ]
