"""schema.org JSON-LD for the public portfolio page.

``dump_jsonld`` produces text that is safe to place inside
``<script type="application/ld+json">``: user text cannot close the tag or open
an HTML comment, and the result still parses as JSON to the same value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from portfolio.exports.grouping import public_only
from portfolio.exports.links import http_url, year_month
from portfolio.projects.record import KIND_LABELS, PortfolioOwner, ProjectRecord

# Inside JSON strings these are equivalent to the raw characters, but raw they
# could end the script element ("</script>"), start a comment ("<!--") or, for
# U+2028/U+2029, end a line in older JavaScript parsers.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def person_jsonld(
    owner: PortfolioOwner, projects: Sequence[ProjectRecord], page_url: str
) -> dict[str, Any]:
    """Describe the owner as a schema.org Person with their public projects."""
    # Filtered here as well as by the caller: JSON-LD is only ever public.
    shown = public_only(projects)
    person: dict[str, Any] = {"@context": "https://schema.org", "@type": "Person"}
    url = http_url(page_url)
    if url:
        person["@id"] = url + "#person"
        person["url"] = url
    _put(person, "name", owner.name)
    # A headline ("Aspiring back-end engineer") is not reliably a job title.
    _put(person, "disambiguatingDescription", owner.headline)
    _put(person, "description", owner.bio)
    _put(person, "email", owner.email)
    if owner.location.strip():
        person["homeLocation"] = {"@type": "Place", "name": owner.location.strip()}
    same_as = [http_url(owner.website), *(http_url(link.url) for link in owner.links)]
    same_as = list(dict.fromkeys(u for u in same_as if u))
    if same_as:
        person["sameAs"] = same_as
    knows = list(dict.fromkeys(name for p in shown for name in p.technologies if name))
    if knows:
        person["knowsAbout"] = knows
    works = [_creative_work(project) for project in shown]
    if works:
        person["workExample"] = works
    return person


def dump_jsonld(data: dict[str, Any]) -> str:
    """Serialise JSON-LD for safe embedding in a script element."""
    # The escaped characters never occur in JSON syntax outside strings, so
    # replacing them everywhere only ever rewrites string content.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_SCRIPT_ESCAPES)


def _creative_work(project: ProjectRecord) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork"}
    _put(work, "name", project.title)
    _put(work, "description", project.summary)
    _put(work, "genre", KIND_LABELS.get(project.kind, project.kind))
    if project.technologies:
        work["keywords"] = list(project.technologies)
    _put(work, "dateCreated", year_month(project.start))
    # ISO 8601 intervals, ".." for an open end, as schema.org suggests.
    if project.ongoing and project.start is not None:
        work["temporalCoverage"] = f"{year_month(project.start)}/.."
    elif project.end is not None:
        work["temporalCoverage"] = f"{year_month(project.start) or '..'}/{year_month(project.end)}"
    live, source = http_url(project.live_url), http_url(project.source_url)
    if live or source:
        work["url"] = live or source
    if live and source:
        work["sameAs"] = source
    if project.organisation.strip():
        work["sourceOrganization"] = {
            "@type": "Organization",
            "name": project.organisation.strip(),
        }
    _put(work, "creativeWorkStatus", "Ongoing" if project.ongoing else "")
    return work


def _put(target: dict[str, Any], key: str, value: str) -> None:
    # Empty strings mean "hidden by the owner": leave the property out.
    if value.strip():
        target[key] = value.strip()
