"""Export a portfolio to JSON Resume (v1.0.0) and import one back.

Plain Python: no Flask, no SQLAlchemy. The schema is a vendored copy
(``jsonresume-schema.json``, MIT, see ``jsonresume-LICENSE.md``) so neither the
app nor the tests read anything outside the repository.

Mapping decisions worth knowing:

* ``basics.location``: the owner's location is one free-text field ("Leeds, UK",
  "Remote"). It goes whole into ``location.city``, which themes show most
  prominently; splitting it into city/region would be a guess that could not be
  undone. On import, ``city``, ``region`` and ``countryCode`` are joined with
  ", "; a street ``address`` is never imported.
* Every project is written to ``projects``, carrying an ``x-portfolio`` object
  with what the standard lacks, so importing our own export restores each
  ``ProjectRecord`` exactly. Paid work and internships are also written to
  ``work``, volunteer projects to ``volunteer``, as themes expect; those copies
  point back at their project (``x-portfolio.project``) and are skipped on import,
  as is any work/volunteer entry with the same organisation and start as a
  paid/internship/volunteer entry in ``projects`` (an editor may have dropped
  the extension objects).
* Only http and https URLs are ever written or imported, under the one web-address
  rule (``rules.check_web_address``). Standard URL fields are written as strict RFC
  3986 URIs (the host in its IDNA 2008 ASCII form, so ``ß.de`` is written
  ``xn--zca.de``, the same host, never ``ss.de``; the path percent-encoded); when
  that changed a project's live URL, ``x-portfolio.liveUrl`` keeps it as typed.
* Import maps each projects/work/volunteer entry to the input of the project schema
  (``ProjectIn``), then validates it like the form and the API do. An entry the schema
  refuses is not imported: ``ImportPlan.refused`` names it with the rule's own message
  for each problem, and the rest of the file still imports. Nothing is silently
  changed to fit: text with a control or text-direction character, an end before the
  start, a missing start, a technology over its limit are all refused. The mapping
  only shortens what it made up or moved: a title built from position and
  organisation, and a long foreign summary, whose full text becomes the description;
  both with a note. Line breaks inside a one-line field (a wrapped highlight) become
  spaces, as the standard has no one-line fields.
* The owner's details (``basics``) are checked with ``DetailsIn``: a detail or a
  profile link the rules refuse is left out with a note giving the reason.
* Foreign entries import as private and not featured, for the owner to review.
* Two projects may share a natural key (``project_key``: title, kind, organisation,
  start). Within one file, entries carrying ``x-portfolio`` are told apart by its
  ``key`` (or ``id``); only entries without it are merged by natural key. Against
  the portfolio, ``new_and_present`` counts: N entries with a key, into a
  portfolio already holding M projects with it, create max(0, N - M).
* A file within the import's byte limit is never cut short: ``MAX_PROJECTS`` is
  above the number of entries even the tersest 400 kB file can hold.
* The exporter writes whatever it is given: pass ``public_only(projects)`` for a
  resume meant to be published.
"""

from __future__ import annotations

from portfolio.exports.jsonresume.checks import Problem, ResumeImportError
from portfolio.exports.jsonresume.document import (
    EXTENSION,
    SCHEMA_PATH,
    SCHEMA_URL,
    SCHEMA_VERSION,
    WORK_KINDS,
    load_schema,
)
from portfolio.exports.jsonresume.export import to_json_resume
from portfolio.exports.jsonresume.importing import (
    EntryProblem,
    ImportPlan,
    RefusedEntry,
    new_and_present,
    parse_json_resume,
    project_key,
)
from portfolio.exports.links import export_uri, http_url, year_month

# The import's limits live here, on the package, and its modules read them as they
# run: a caller (or a test) that lowers one here lowers it for the whole import.
#: A safety net for callers with a large ``max_bytes``, never reached within the web
#: and API limit of 400 kB: the smallest entry, ``{"name":"x"},``, is 13 bytes, so
#: 400 kB holds at most 30,768 entries.
MAX_PROJECTS = 40_000
#: Enough problems to fix a file in a few passes without flooding the page.
MAX_PROBLEMS = 20

__all__ = [
    "EXTENSION",
    "MAX_PROBLEMS",
    "MAX_PROJECTS",
    "SCHEMA_PATH",
    "SCHEMA_URL",
    "SCHEMA_VERSION",
    "WORK_KINDS",
    "EntryProblem",
    "ImportPlan",
    "Problem",
    "RefusedEntry",
    "ResumeImportError",
    "export_uri",
    "http_url",
    "load_schema",
    "new_and_present",
    "parse_json_resume",
    "project_key",
    "to_json_resume",
    "year_month",
]
