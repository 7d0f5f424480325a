"""Real-browser fixtures: Debian's Chromium driven by Playwright against a live server.

The server runs in a thread of the test process, on SQLite, on a free loopback port.
Without Chromium the browser tests are skipped with the reason printed, except under
CI=true, where they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.server import serving

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SERIOUS = {"serious", "critical"}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the Debian Chromium (Playwright cannot download its own browser here)."""
    if not os.path.exists(CHROMIUM):
        reason = "Chromium is not installed (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(f"{reason}; required under CI=true")
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def live_server(tmp_path, browser_database_url) -> Iterator[str]:
    """Serve a fresh app on a free port and return its base URL."""
    with serving(browser_database_url) as (url, _app):
        yield url


@pytest.fixture
def browser_database_url(tmp_path) -> str:
    """Browser tests use a fresh SQLite file; the database tests cover PostgreSQL."""
    return f"sqlite:///{tmp_path / 'browser.sqlite'}"


@pytest.fixture
def check_a11y():
    """Return a function that runs axe on a page and fails on serious violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> None:
        results = axe.run(page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n.get("target")) for n in v["nodes"][:3])
            for v in results.response["violations"]
            if v.get("impact") in SERIOUS
        ]
        assert not bad, f"axe found on {page.url}:\n" + "\n".join(bad)

    return check


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
