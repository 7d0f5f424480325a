"""Helpers for the code analysis tests: archives built in memory, a real jobs worker."""

from __future__ import annotations

import io
import json
import tarfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from portfolio import jobs

#: A small Laravel shop on MySQL: what a reader would name is PHP, Laravel and MySQL.
LARAVEL_SHOP: dict[str, str] = {
    "composer.json": json.dumps(
        {
            "name": "ada/shop",
            "require": {"php": ">=7.0.0", "laravel/framework": "5.5.*"},
            "require-dev": {"phpunit/phpunit": "~6.0"},
        },
        indent=4,
    ),
    "artisan": "#!/usr/bin/env php\n<?php\nrequire __DIR__.'/vendor/autoload.php';\n",
    "app/Http/Controllers/ShopController.php": "<?php\nnamespace App;\n\nclass Shop {\n}\n" * 8,
    "tests/Feature/ShopTest.php": "<?php\nclass ShopTest extends TestCase {}\n",
    ".env.example": "APP_NAME=Shop\nDB_CONNECTION=mysql\nDB_PASSWORD=hunter2\n",
    "docker-compose.yml": "services:\n  db:\n    image: mysql:5.7\n",
}


def jobs_settings(tmp_path) -> dict[str, str]:
    """Settings that keep a test app's jobs queue and uploads in the test's own folder."""
    return {
        "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite"),
        "CODE_UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }


def zip_of(files: dict[str, str | bytes], top: str = "shop") -> bytes:
    """Return a .zip of the files under one top folder, as GitHub's downloads are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            info = zipfile.ZipInfo(f"{top}/{path}" if top else path)
            info.external_attr = 0o100644 << 16  # a regular file, as zip tools write it
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def tar_with_escape() -> bytes:
    """Return a .tar.gz whose member climbs out of the folder it unpacks into."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = b"owned"
        info = tarfile.TarInfo("../../etc/cron.d/evil")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """Return a .zip of one file that unpacks to far more than it is: a zip bomb."""
    return zip_of({"big.txt": b"0" * (30 * 1024 * 1024)}, top="")


@contextmanager
def running_worker(app: Flask) -> Iterator[None]:
    """Run a real jobs consumer (huey, threads) for the app while the block runs."""
    consumer = jobs.start_consumer(app, workers=1)
    try:
        yield
    finally:
        consumer.stop(graceful=True)


def wait_until_finished(client, path: str, *, bound: float = 120.0) -> str:
    """Read an analysis page until it stops refreshing itself; return that page.

    ``bound`` only keeps a broken worker from hanging the suite: no test asserts time.
    """
    deadline = time.monotonic() + bound
    while True:
        page = client.get(path).get_data(as_text=True)
        if 'http-equiv="refresh"' not in page:
            return page
        if time.monotonic() > deadline:
            raise AssertionError(f"the analysis at {path} never finished:\n{page[-2000:]}")
        time.sleep(0.1)


def wait_for_status(client, path: str, headers: dict[str, str], *, bound: float = 120.0) -> dict:
    """Read an analysis through the API until it is no longer queued or running."""
    deadline = time.monotonic() + bound
    while True:
        body = client.get(path, headers=headers).get_json()
        if body["status"] not in ("queued", "running"):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"the analysis at {path} never finished: {body}")
        time.sleep(0.1)
