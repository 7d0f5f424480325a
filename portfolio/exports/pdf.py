"""Render the portfolio's print page as a PDF, fetching nothing but the app's own files.

WeasyPrint lays out HTML and CSS in-process with Pango (no browser). The rules:

* Rendering reads only files under the app's static folder: the print stylesheet
  (``static/pdf.css``) and the font it names (``static/fonts``, DejaVu Sans Condensed,
  shipped with the app). ``StaticFilesOnly`` refuses every other address (http, https,
  data:, any other file) and logs it, so neither a slip in a template nor text the owner
  typed can make the server fetch anything.
* The font is embedded (a subset of it), so the file looks the same on every machine;
  the text stays real, selectable text, and each ``<a href>`` becomes a link annotation.
* The paper is one of ``rules.PAPER_SIZES``; the page size comes from this module's
  table, never from stored text.
* The QR code (segno) is an inline SVG drawn from the public page's address, which the
  app made: it needs no fetch either.

Pure apart from reading those files: no Flask, no database. WeasyPrint loads Pango when
imported, so the web views import this module only when they render a PDF.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import segno
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from portfolio.schemas import rules

logger = logging.getLogger(__name__)

#: CSS page sizes for each paper the owner may choose.
PAGE_SIZES: dict[str, str] = {"a4": "A4", "letter": "letter"}
assert set(PAGE_SIZES) == set(rules.PAPER_SIZES), "every paper size needs its CSS size"


class RefusedFetch(ValueError):
    """Rendering asked for something other than one of the app's static files."""


class StaticFilesOnly(URLFetcher):
    """A URL fetcher that serves files under one folder and refuses everything else."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.root = root.resolve()
        #: What was served and what was refused, in order (tests read these).
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Return the static file at ``url``, or raise ``RefusedFetch``."""
        path = self.static_path(url)
        if path is None:
            self.refused.append(url)
            logger.warning("PDF rendering refused to fetch %.200s", url)
            raise RefusedFetch(f"only the app's static files may be fetched, not {url:.200}")
        self.fetched.append(url)
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mimetype})

    def static_path(self, url: str) -> Path | None:
        """Return the file a ``file:`` URL names when it lies under the root, else None."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        # Resolved first (".." and symbolic links), then checked against the root.
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path


def base_url(static_folder: Path) -> str:
    """Return the address relative references in the print page resolve against."""
    return static_folder.resolve().as_uri() + "/"


def render_pdf(html: str, *, static_folder: Path, paper: str = rules.DEFAULT_PAPER) -> bytes:
    """Return the print page as PDF bytes, on the chosen paper."""
    fetcher = StaticFilesOnly(static_folder)
    size = PAGE_SIZES.get(paper, PAGE_SIZES[rules.DEFAULT_PAPER])
    page = CSS(string=f"@page {{ size: {size}; }}")
    document = HTML(string=html, base_url=base_url(static_folder), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[page], pdf_tags=True)


def qr_svg(url: str, *, label: str = "QR code") -> Markup:
    """Return an inline SVG QR code for an address (medium error correction)."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=0, omitsize=True, title=label, svgclass="qr-code")
    return Markup(svg)  # noqa: S704  (segno's own markup; the title is escaped by segno)


def display_url(url: str) -> str:
    """Return an address as printed: without its scheme and a lone trailing slash."""
    parts = urlsplit(url)
    shown = url.split("://", 1)[1] if "://" in url else url
    if parts.path in ("", "/") and not parts.query and not parts.fragment:
        shown = shown.rstrip("/")
    return shown
