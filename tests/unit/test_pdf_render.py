"""The PDF renderer on its own: only the app's static files are fetched, the font is embedded."""

from __future__ import annotations

import io
import socket
from pathlib import Path

import pytest
from pypdf import PdfReader

from portfolio.caching import LRUCache
from portfolio.exports import pdf
from tests.pdf_helpers import fonts_of, uris_of

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything opens a network connection."""
    attempts: list[object] = []

    def refuse(self, address):
        attempts.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def page_html(body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>T</title>'
        f'<link rel="stylesheet" href="pdf.css"></head><body>{body}</body></html>'
    )


# -- the URL fetcher


def test_fetcher_serves_static_files(tmp_path):
    fetcher = pdf.StaticFilesOnly(STATIC)
    response = fetcher.fetch((STATIC / "pdf.css").as_uri())
    assert response.content_type == "text/css"
    assert b"@font-face" in response.read()
    assert fetcher.fetched and not fetcher.refused


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/font.ttf",
        "http://127.0.0.1:5000/static/pdf.css",
        "data:text/css,body{color:red}",
        "ftp://example.com/x",
        "file:///etc/passwd",
        (STATIC / "fonts" / ".." / ".." / "pyproject.toml").as_uri(),
        (STATIC / "no-such-file.css").as_uri(),
        STATIC.as_uri(),  # a folder, not a file
        "file://elsewhere.example" + (STATIC / "pdf.css").as_posix(),
    ],
)
def test_fetcher_refuses_everything_else(url):
    fetcher = pdf.StaticFilesOnly(STATIC)
    with pytest.raises(pdf.RefusedFetch):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_refuses_a_link_out_of_the_static_folder(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (root / "link.css").symlink_to(secret)
    with pytest.raises(pdf.RefusedFetch):
        pdf.StaticFilesOnly(root).fetch((root / "link.css").as_uri())


def test_rendering_fetches_nothing_from_the_network(no_network, monkeypatch):
    seen: list[pdf.StaticFilesOnly] = []
    original = pdf.StaticFilesOnly.__init__

    def spy(self, root):
        original(self, root)
        seen.append(self)

    monkeypatch.setattr(pdf.StaticFilesOnly, "__init__", spy)
    html = page_html(
        '<style>@import url("https://evil.example/x.css");'
        ' h1 { background: url("http://evil.example/bg.png") }</style>'
        '<link rel="stylesheet" href="https://evil.example/y.css">'
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<h1>Hello</h1><img src="https://evil.example/pixel.png" alt="">'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">'
        '<object data="../pyproject.toml"></object>'
    )
    body = pdf.render_pdf(html, static_folder=STATIC)
    assert body.startswith(b"%PDF-")
    assert no_network == []
    (fetcher,) = seen
    assert all(url.startswith(STATIC.as_uri()) for url in fetcher.fetched)
    assert any(url.endswith("/fonts/DejaVuSansCondensed.ttf") for url in fetcher.fetched)
    refused = " ".join(fetcher.refused)
    for url in ("https://evil.example/x.css", "http://evil.example/bg.png",
                "https://evil.example/y.css", "file:///etc/passwd",
                "https://evil.example/pixel.png", "data:image/png"):  # fmt: skip
        assert url in refused


# -- what comes out


def test_the_shipped_font_is_embedded_and_nothing_else_is_used():
    html = page_html("<h1>Ada Lovelace</h1><p>Plain, <strong>bold</strong> and <em>em</em>.</p>"
                     "<pre><code>code()</code></pre>")  # fmt: skip
    reader = PdfReader(io.BytesIO(pdf.render_pdf(html, static_folder=STATIC)))
    fonts = fonts_of(reader)
    assert fonts, "no fonts at all"
    assert all(fonts.values()), fonts
    # Every font is the one the stylesheet names, from the app's own file.
    assert all("Portfolio-Sans" in name for name in fonts), fonts
    assert "Ada Lovelace" in reader.pages[0].extract_text()


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_paper_size(paper, size):
    body = pdf.render_pdf(page_html("<p>x</p>"), static_folder=STATIC, paper=paper)
    box = PdfReader(io.BytesIO(body)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_links_become_annotations():
    html = page_html('<p><a href="https://ada.example/">site</a> <a href="mailto:a@b.example">'
                     "mail</a></p>")  # fmt: skip
    reader = PdfReader(io.BytesIO(pdf.render_pdf(html, static_folder=STATIC)))
    assert uris_of(reader) == ["https://ada.example/", "mailto:a@b.example"]


def test_qr_code_is_an_inline_svg_with_a_title():
    svg = str(pdf.qr_svg("https://portfolio.example/p/abc", label='A <"label">'))
    assert svg.startswith("<svg") and 'class="qr-code"' in svg
    assert '<title>A &lt;"label"&gt;</title>' in svg  # text in an element: < and > escaped
    assert "<script" not in svg


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://alex.example.com", "alex.example.com"),
        ("https://alex.example.com/", "alex.example.com"),
        ("https://github.com/example/shorty/", "github.com/example/shorty/"),
        ("http://x.example/?q=1", "x.example/?q=1"),
    ],
)
def test_display_url(url, shown):
    assert pdf.display_url(url) == shown


# -- the cache the PDFs are kept in


def test_cache_bounded_in_bytes_drops_the_oldest():
    cache = LRUCache(size=100, max_bytes=10)
    for key in "abc":
        cache.get_or_compute(key, lambda: b"1234")
    assert len(cache) == 2 and cache.bytes == 8  # "a" went to make room for "c"
    calls = []
    cache.get_or_compute("a", lambda: calls.append("a") or b"1234")
    assert calls == ["a"]
    cache.get_or_compute("c", lambda: calls.append("c") or b"1234")
    assert calls == ["a"]  # still there


def test_cache_serves_but_does_not_keep_a_value_larger_than_its_bound():
    cache = LRUCache(size=100, max_bytes=10)
    cache.get_or_compute("small", lambda: b"12")
    assert cache.get_or_compute("big", lambda: b"x" * 11) == b"x" * 11
    assert len(cache) == 1 and cache.bytes == 2


def test_cache_bounded_in_bytes_still_counts_entries():
    cache = LRUCache(size=2, max_bytes=1_000)
    for key in "abc":
        cache.get_or_compute(key, lambda: b"1")
    assert len(cache) == 2 and cache.bytes == 2
