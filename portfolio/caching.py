"""Per-process caches keyed by data versions, so a stale entry can never be served.

Every key includes the owner's `portfolio_changed_at`, which the services bump on each
change to what the cached value shows. Entries are never invalidated by hand; they are
simply no longer asked for and age out of a bounded least-recently-used store. Each
gunicorn worker keeps its own; several nodes stay correct because the version comes
from the shared database.
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


class LRUCache:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Return the cached value for key, computing and storing it on a miss."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


def init_caches(app: Flask) -> None:
    """Give the app its caches (one set per app, so tests never share entries)."""
    size = app.config.get("CACHE_SIZE", DEFAULT_SIZE)
    app.extensions["caches"] = {
        name: LRUCache(size) for name in ("dashboard", "project_list", "public_page")
    }


def cache(name: str) -> LRUCache:
    """Return the current app's cache of this name."""
    return current_app.extensions["caches"][name]
