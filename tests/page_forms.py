"""Read a rendered form as a browser would submit it: every named field with its value."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append((found.get("action", ""), {}))
        elif not self.forms:
            return
        elif tag == "input" and found.get("name"):
            kind = found.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in found:
                return
            if kind in ("submit", "button", "file"):
                return
            default = "y" if kind == "checkbox" else ""
            self.forms[-1][1][found["name"]] = found.get("value", default)
        elif tag == "textarea" and found.get("name"):
            self._textarea, self._text = found["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # Browsers read line breaks as "\n" and drop one that follows <textarea>.
            text = "".join(self._text).replace("\r\n", "\n").replace("\r", "\n")
            self.forms[-1][1][self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None


def form_values(
    html: str, *, having: str = "csrf_token", action: str | None = None
) -> dict[str, str]:
    """Return what submitting a form of the page would send: the first holding the field
    ``having`` (and, if given, posting to an address ending in ``action``)."""
    reader = _FormReader()
    reader.feed(html)
    for sent_to, form in reader.forms:
        if having in form and (action is None or sent_to.endswith(action)):
            return form
    raise AssertionError(f"no form with a {having!r} field in the page")
