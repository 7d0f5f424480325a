"""Load without loss: run the locust scenario against gunicorn and check nothing was lost.

For each database: migrate a fresh one, start gunicorn (2 workers, the project's
gunicorn.conf.py, APP_ENV=production) on a free loopback port, run tests/load/locustfile.py
headless, stop the server, then check that

- locust saw zero failed requests (and made some);
- the server log has no "database is locked" and no traceback;
- every project each simulated user was told it created is in the database exactly once,
  and there is no other project.

`make load` runs 20 users for 60 s on SQLite and on a throwaway PostgreSQL cluster;
tests/load/test_load.py runs the same at 5 users for 10 s. Every process is bounded in
time and talks only to 127.0.0.1.

    python tests/load/load_harness.py --users 20 --duration 60 --databases sqlite,postgresql
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, select, text

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
BIN = Path(sys.executable).parent
# The scenario registers every user from 127.0.0.1: lift the per-address limits (the
# throttle stays on, so its code runs under load) while keeping the per-account one.
LOAD_ENV = {
    "THROTTLE_REGISTER_ADDRESS": "100000/3600",
    "THROTTLE_LOGIN_ADDRESS": "100000/900",
}


@dataclass
class Report:
    """What one run measured and what went wrong."""

    database: str
    requests: int = 0
    failures: int = 0
    users: int = 0
    projects: int = 0
    summary: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root, and CI runs as root.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Start a throwaway PostgreSQL cluster (initdb/pg_ctl) and yield its URL."""
    base = Path(tempfile.mkdtemp(prefix="portfolio-load-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data, log, port = base / "data", base / "log", free_port()
    subprocess.run(
        _as_postgres(["initdb", "-D", str(data), "-U", "postgres", "-A", "trust",
                      "--no-sync", "-E", "UTF8", "--locale=C"]),
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_postgres(["pg_ctl", "-D", str(data), "-w", "-l", str(log), "-o", options, "start"]),
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres(["pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop"]),
            check=False, capture_output=True, timeout=120,
        )  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


def fresh_postgres_database(server_url: str) -> str:
    """Create an empty database on the server and return its URL."""
    name = f"load_{secrets.token_hex(4)}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def _server_env(database_url: str, bind: str, workers: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "RATELIMIT_STORAGE_URL"}
    env.update(LOAD_ENV)
    env.update({
        "DATABASE_URL": database_url,
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "BIND": bind,
        "WEB_CONCURRENCY": str(workers),
        "FLASK_APP": "app.py",
        "PYTHONUNBUFFERED": "1",
    })  # fmt: skip
    return env


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited at start:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {seconds} s")


@contextmanager
def gunicorn_server(database_url: str, workdir: Path, workers: int = 2) -> Iterator[str]:
    """Migrate the database, serve the app with gunicorn, yield its URL; log in workdir."""
    port = free_port()
    env = _server_env(database_url, f"127.0.0.1:{port}", workers)
    subprocess.run(
        [str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
        capture_output=True, timeout=180,
    )  # fmt: skip
    log = workdir / "gunicorn.log"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log, seconds=60)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


AGGREGATED = re.compile(r"^\s*Aggregated\s+(\d+)\s+(\d+)\(", re.MULTILINE)


def run_locust(url: str, users: int, duration: int, workdir: Path) -> tuple[dict, str, dict]:
    """Run the scenario headless; return request and failure counts, the summary, the titles.

    Counts come from the final summary (the CSV can be written before the last requests
    of stopping users end); locust's exit status says whether any request failed.
    """
    results = workdir / "created.json"
    prefix = workdir / "locust"
    env = {**os.environ, "LOAD_RESULTS": str(results)}
    cmd = [
        str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
        "-r", str(users), "-t", f"{duration}s", "--stop-timeout", "15", "-H", url,
        "--only-summary", "--csv", str(prefix), "--loglevel", "WARNING",
    ]  # fmt: skip
    done = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=duration + 120
    )
    summary = (done.stdout + done.stderr).strip()
    counts = {"requests": 0, "failures": 0, "exit_status": done.returncode}
    matches = AGGREGATED.findall(summary)
    if matches:
        counts["requests"], counts["failures"] = (int(n) for n in matches[0])
    else:
        with (workdir / "locust_stats.csv").open() as handle:
            row = {r["Name"]: r for r in csv.DictReader(handle)}.get("Aggregated", {})
        counts["requests"] = int(row.get("Request Count") or 0)
        counts["failures"] = int(row.get("Failure Count") or 0)
    created = json.loads(results.read_text()) if results.exists() else {}
    return counts, summary, created


def check_database(database_url: str, created: dict[str, list[str]]) -> list[str]:
    """Return what is wrong: any created project missing, duplicated or unexpected."""
    from portfolio.models import Project, User

    problems = []
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(User.email, Project.title).join(Project)).all()
    engine.dispose()
    stored: dict[str, Counter] = {}
    for email, title in rows:
        stored.setdefault(email, Counter())[title] += 1
    for email, titles in created.items():
        expected = Counter(titles)
        found = stored.pop(email, Counter())
        for title in expected.keys() | found.keys():
            if found[title] != expected[title]:
                problems.append(f"{title!r}: created {expected[title]}x, stored {found[title]}x")
    for email, titles in stored.items():
        problems.append(f"{email} has projects no simulated user recorded: {sorted(titles)}")
    return problems


def run_scenario(database: str, database_url: str, users: int, duration: int,
                 workdir: Path) -> Report:  # fmt: skip
    """Serve, load, stop, check: return the report for one database."""
    report = Report(database=database)
    workdir.mkdir(parents=True, exist_ok=True)
    with gunicorn_server(database_url, workdir) as url:
        stats, report.summary, created = run_locust(url, users, duration, workdir)
    report.requests, report.failures = stats["requests"], stats["failures"]
    if stats["exit_status"] != 0:
        report.problems.append(f"locust exited with status {stats['exit_status']}")
    report.users = len(created)
    report.projects = sum(len(titles) for titles in created.values())
    if report.requests == 0:
        report.problems.append("locust made no requests")
    if report.failures:
        report.problems.append(f"{report.failures} failed requests")
    if report.users < users:
        report.problems.append(f"only {report.users} of {users} simulated users recorded results")
    if report.projects == 0:
        report.problems.append("no project was created")
    log = (workdir / "gunicorn.log").read_text(errors="replace")
    if "database is locked" in log:
        report.problems.append('"database is locked" in the server log')
    if "Traceback" in log:
        report.problems.append("a traceback in the server log")
    report.problems += check_database(database_url, created)
    return report


def run(databases: list[str], users: int, duration: int, workdir: Path) -> list[Report]:
    """Run the scenario on each database ("sqlite", "postgresql") in turn."""
    reports = []
    for database in databases:
        if database == "sqlite":
            url = f"sqlite:///{workdir / 'load.sqlite'}"
            reports.append(run_scenario(database, url, users, duration, workdir / database))
        elif database == "postgresql":
            with postgres_cluster() as server:
                url = fresh_postgres_database(server)
                reports.append(run_scenario(database, url, users, duration, workdir / database))
        else:
            raise ValueError(f"unknown database {database!r}")
    return reports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portfolio-load-") as tmp:
        reports = run(args.databases.split(","), args.users, args.duration, Path(tmp))
        for report in reports:
            print(f"\n=== {report.database}: {args.users} users for {args.duration} s ===")
            print(report.summary)
            print(
                f"{report.requests} requests, {report.failures} failures, "
                f"{report.users} users created {report.projects} projects"
            )
            for problem in report.problems:
                print(f"PROBLEM: {problem}")
            print("OK: nothing failed, nothing lost" if report.ok else "FAILED")
    return 0 if all(r.ok for r in reports) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
