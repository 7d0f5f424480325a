"""Reading PDFs in tests: their text, their link annotations and their fonts."""

from __future__ import annotations

from pypdf import PdfReader


def text_of(reader: PdfReader) -> str:
    """Return the text of every page."""
    return "\n".join(page.extract_text() for page in reader.pages)


def uris_of(reader: PdfReader) -> list[str]:
    """Return the address of every link annotation, page by page."""
    return [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if annotation.get_object()["/Subtype"] == "/Link"
    ]


def fonts_of(reader: PdfReader) -> dict[str, bool]:
    """Return each font the PDF uses and whether its file is embedded."""
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


def lines_of(page, *, above: float = 0.0) -> list[str]:
    """Return a page's lines of text from top to bottom, leaving out those below ``above``.

    Text is grouped by its baseline (in points from the foot of the page), so a line
    made of several runs (a label and a link) reads as one.
    """
    runs: dict[float, list[str]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            baseline = round(cm[5] + tm[5] * cm[3], 0)
            runs.setdefault(baseline, []).append(text.strip())

    page.extract_text(visitor_text=visit)
    return [" ".join(runs[y]) for y in sorted(runs, reverse=True) if y >= above]
