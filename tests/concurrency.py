"""Helpers for tests of concurrent requests: threads released together, a shared file."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

#: One résumé file of 40 projects, as our own export writes them (each with its
#: x-portfolio id). Two share title, kind, organisation and start, which the import keeps
#: as two projects on purpose: no unique constraint could stop a duplicate import.
RESUME: dict[str, Any] = {
    "projects": [
        {"name": f"Project {n}", "startDate": f"20{10 + n % 15}-{1 + n % 12:02d}",
         "description": f"Number {n}", "keywords": ["Python"], "x-portfolio": {"id": n + 1}}
        for n in range(39)
    ] + [{"name": "Project 0", "startDate": "2010-01", "description": "Its twin",
          "x-portfolio": {"id": 40}}],
}  # fmt: skip


def at_once(actions: list[Callable[[], Any]]) -> list[Any]:
    """Run the actions in threads released together; return their results in order."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = actions[index]()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results
