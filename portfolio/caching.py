"""Per-process caches keyed by data versions, so a stale entry can never be served.

Every key includes the owner's `portfolio_changed_at`, which the services bump on each
change to what the cached value shows. Entries are never invalidated by hand; they are
simply no longer asked for and age out of a bounded least-recently-used store. Each
gunicorn worker keeps its own; several nodes stay correct because the version comes
from the shared database.

The caches: ``dashboard`` (scores and next steps), ``project_list`` (the rendered list),
``shared_outputs`` (what the public page, the HTML download and the JSON Resume exports
render) and ``pdf``.

Most caches are bounded by their number of entries. The PDF cache holds files of tens
or hundreds of kilobytes, so it is bounded in bytes as well (``PDF_CACHE_BYTES``): the
oldest files go first, and a file larger than the whole bound is served but not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, current_app

T = TypeVar("T")

#: Entries each process keeps per cache.
DEFAULT_SIZE = 512
#: Bytes of PDF files each process keeps (each worker has its own), unless the config's
#: PDF_CACHE_BYTES says otherwise.
DEFAULT_PDF_CACHE_BYTES = 32 * 1024 * 1024


def _weight(value: object) -> int:
    """Return the bytes a cached value is counted as (its length for bytes and text)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return len(value)
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    raise TypeError(f"a cache bounded in bytes holds bytes or text, not {type(value).__name__}")


class LRUCache:
    """A small thread-safe least-recently-used cache, optionally bounded in bytes too."""

    def __init__(self, size: int = DEFAULT_SIZE, max_bytes: int | None = None) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._weights: dict[Hashable, int] = {}
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Return the cached value for key, computing and storing it on a miss."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[return-value]
        value = compute()
        weight = _weight(value) if self.max_bytes is not None else 0
        if self.max_bytes is not None and weight > self.max_bytes:
            return value  # larger than the whole cache: serve it, keep nothing
        with self._lock:
            if key in self._items:
                self.bytes -= self._weights.pop(key)
            self._items[key] = value
            self._weights[key] = weight
            self.bytes += weight
            while len(self._items) > self.size or (
                self.max_bytes is not None and self.bytes > self.max_bytes
            ):
                old, _ = self._items.popitem(last=False)
                self.bytes -= self._weights.pop(old)
        return value

    def __len__(self) -> int:
        return len(self._items)


def init_caches(app: Flask) -> None:
    """Give the app its caches (one set per app, so tests never share entries)."""
    size = app.config.get("CACHE_SIZE", DEFAULT_SIZE)
    app.extensions["caches"] = {
        name: LRUCache(size) for name in ("dashboard", "project_list", "shared_outputs")
    }
    app.extensions["caches"]["pdf"] = LRUCache(
        size, max_bytes=app.config.get("PDF_CACHE_BYTES", DEFAULT_PDF_CACHE_BYTES)
    )


def cache(name: str) -> LRUCache:
    """Return the current app's cache of this name."""
    return current_app.extensions["caches"][name]
