"""Page benchmark: each page's throughput as a ratio to the app's own /healthz.

`make bench` runs this. For SQLite and then PostgreSQL it seeds a temporary database,
starts the app under gunicorn (2 sync workers) on loopback, drives every page with
ApacheBench for a fixed number of requests, and prints one table: requests per second,
the ratio to /healthz measured in the same run, and p50/p95 latency. It also prints the
SQL queries each page runs at 5 and at 200 projects, the workers' memory after the run,
and the dashboard of one user in a database of 10,000 users and 300,000 projects against
the same page in a database holding that user alone, and the time one PDF takes to
render without the cache.

The load generator and the server share this machine's cores, so only ratios measured
in one run mean anything; absolute numbers drift from run to run.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, event, insert, select, text

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "load"))

from load_harness import free_port, fresh_postgres_database, postgres_cluster  # noqa: E402

from portfolio import create_app  # noqa: E402
from portfolio.extensions import db  # noqa: E402
from portfolio.models import (  # noqa: E402
    ApiToken,
    PortfolioSettings,
    Project,
    ProjectTechnology,
    User,
    utcnow,
)

EMAIL = "bench@example.com"
PASSWORD = "bench-password-123"
SHARE_TOKEN = "bench-share-token-0123456789abcdef"
API_TOKEN = "pt_bench_api_token_0123456789abcdef"
TECHNOLOGY_SETS = (
    ("Python", "Flask", "PostgreSQL", "REST APIs"),
    ("PHP", "Laravel", "MySQL"),
    ("Java", "Spring Boot", "Oracle", "Unit testing"),
    ("Ruby", "Ruby on Rails", "PostgreSQL", "JavaScript"),
    ("JavaScript", "Node.js", "Express", "MongoDB"),
    ("Python", "Django", "SQL Server", "Docker", "Code review"),
)
KINDS = ("personal", "volunteer", "internship", "paid")
TARGETS = {"dashboard": 0.25, "project list": 0.25, "public page": 0.4}


@dataclass
class Result:
    page: str
    rps: float
    p50: float
    p95: float
    failed: int


# -- seeding -------------------------------------------------------------------------


def _project_rows(user_id: int, count: int, public: int) -> tuple[list[dict], list[list[str]]]:
    rows, tags = [], []
    for i in range(count):
        year, month = 2018 + (i // 12) % 8, i % 12 + 1
        rows.append(
            {
                "user_id": user_id,
                "title": f"Project {i}: booking service",
                "kind": KINDS[i % 4],
                "organisation": "Riverside Physio" if i % 2 else "",
                "role": "Back-end developer",
                "start": date(year, month, 1),
                "end": None if i % 7 == 0 else date(min(year + 1, 2026), month, 1),
                "ongoing": i % 7 == 0,
                "summary": "A REST API with an admin interface for appointment bookings.",
                "description": "Built with **care**.\n\n- tests\n- docs",
                "highlights": ["Cut phone bookings by 40%", "95% test coverage"],
                "live_url": "https://example.com/live" if i % 3 else "",
                "source_url": "https://example.com/source" if i % 2 else "",
                "public": i < public,
                "featured": i < 3,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
        )
        tags.append(list(TECHNOLOGY_SETS[i % len(TECHNOLOGY_SETS)]))
    return rows, tags


def _insert_projects(conn, user_id: int, count: int, public: int) -> None:
    rows, tags = _project_rows(user_id, count, public)
    ids = conn.execute(insert(Project).returning(Project.id), rows).scalars().all()
    conn.execute(
        insert(ProjectTechnology),
        [
            {"project_id": pid, "name": name, "position": position}
            for pid, names in zip(ids, tags, strict=True)
            for position, name in enumerate(names)
        ],
    )


def seed(url: str, projects: int, public: int, crowd_users: int = 0, crowd_projects: int = 0):
    """Create the bench user (and optionally a crowd of others) in a migrated database."""
    from flask_migrate import upgrade

    app = create_app({"SECRET_KEY": "seed", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    from werkzeug.security import generate_password_hash

    password_hash = generate_password_hash(PASSWORD)
    engine = create_engine(url)
    with engine.begin() as conn:
        # Others first, so the bench user's rows sit among theirs, as in real life.
        for start in range(0, crowd_users, 500):
            batch = [
                {
                    "email": f"user{n}@example.com",
                    "display_name": f"User {n}",
                    "password_hash": password_hash,
                    "created_at": utcnow(),
                    "target_profile": "back-end-engineer",
                    "portfolio_changed_at": utcnow(),
                }
                for n in range(start, min(start + 500, crowd_users))
            ]
            ids = conn.execute(insert(User).returning(User.id), batch).scalars().all()
            per_user = crowd_projects // max(crowd_users, 1)
            for user_id in ids:
                _insert_projects(conn, user_id, per_user, public=0)
        user_id = conn.execute(
            insert(User).returning(User.id),
            [
                {
                    "email": EMAIL,
                    "display_name": "Bench",
                    "password_hash": password_hash,
                    "created_at": utcnow(),
                    "target_profile": "back-end-engineer",
                    "portfolio_changed_at": utcnow(),
                }
            ],
        ).scalar_one()
        _insert_projects(conn, user_id, projects, public)
        conn.execute(
            insert(PortfolioSettings),
            [
                {
                    "user_id": user_id,
                    "name": "Bench",
                    "headline": "Junior back-end engineer",
                    "bio": "",
                    "location": "",
                    "email": "",
                    "website": "",
                    "links": [],
                    "shown": ["name", "headline"],
                    "share_enabled": True,
                    "share_token": SHARE_TOKEN,
                    "theme": "clean",
                    "group_by": "kind",
                    "noindex": True,
                    "show_badge": True,
                    "pdf_for_visitors": True,
                    "paper_size": "a4",
                }
            ],
        )
        _add_api_token(conn, user_id)
    # Fresh statistics, as autovacuum would gather after a bulk load: without them
    # PostgreSQL plans the first queries as if the tables were empty.
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    engine.dispose()


def _add_api_token(conn, user_id: int) -> None:
    try:
        from portfolio.tokens.services import hash_token
    except ImportError:  # the API is not part of this checkout
        return
    conn.execute(
        insert(ApiToken),
        [
            {
                "user_id": user_id,
                "name": "bench",
                "token_hash": hash_token(API_TOKEN),
                "prefix": API_TOKEN[:10],
                "created_at": utcnow(),
            }
        ],
    )


# -- serving and driving ---------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(url: str, workdir: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """Serve the app with 2 sync workers on a free loopback port."""
    port = free_port()
    conf = workdir / "bench.conf.py"
    # No access log and no worker recycling: both would be measured otherwise.
    conf.write_text("workers = 2\nworker_class = 'sync'\naccesslog = None\nloglevel = 'warning'\n")
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), APP_ENV="production")
    env.pop("RATELIMIT_STORAGE_URL", None)
    log = (workdir / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(conf), "-b", f"127.0.0.1:{port}", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if _healthy(base):
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def login(base: str) -> str:
    """Log the bench user in and return the session cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/auth/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    opener.open(base + "/auth/login", data.encode())
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def drive(url: str, requests: int, headers: dict[str, str]) -> Result:
    """Send a fixed number of requests with ApacheBench, 8 at a time."""
    command = ["ab", "-q", "-n", str(requests), "-c", "8", "-l"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1))
    failed = int(re.search(r"Failed requests:\s+(\d+)", out).group(1))
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    failed += int(non_2xx.group(1)) if non_2xx else 0
    p50 = float(re.search(r"^\s+50%\s+(\d+)", out, re.M).group(1))
    p95 = float(re.search(r"^\s+95%\s+(\d+)", out, re.M).group(1))
    return Result(url, rps, p50, p95, failed)


def worker_rss_mib(master: subprocess.Popen) -> list[float]:
    """Return the resident memory of each gunicorn worker, in MiB."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


# -- query counts ----------------------------------------------------------------------


def queries_per_page(url: str, paths: dict[str, str]) -> dict[str, int]:
    """Count the SQL statements each page runs, in-process with the test client."""
    app = create_app({"SECRET_KEY": "count", "SQLALCHEMY_DATABASE_URI": url, "CACHE_SIZE": 0})
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    counts = {}
    with app.app_context():
        engine = db.engine
    for name, path in paths.items():
        statements: list[str] = []

        def count(*args, statements=statements):
            statements.append(args[2])

        headers = {"Authorization": f"Bearer {API_TOKEN}"}
        # Count the second request: the first may also record a token's first use.
        client.get(path, headers=headers)
        event.listen(engine, "before_cursor_execute", count)
        try:
            client.get(path, headers=headers)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts[name] = len(statements)
    with app.app_context():
        db.engine.dispose()
    return counts


# -- the run ---------------------------------------------------------------------------


def pages(session: str) -> dict[str, tuple[str, dict[str, str]]]:
    cookie = {"Cookie": session}
    bearer = {"Authorization": f"Bearer {API_TOKEN}"}
    return {
        "/healthz": ("/healthz", {}),
        "dashboard": ("/dashboard", cookie),
        "project list": ("/projects/", cookie),
        "public page": (f"/p/{SHARE_TOKEN}", {}),
        "public page download": ("/share/download/portfolio.html", cookie),
        "PDF download": ("/share/download/portfolio.pdf", cookie),
        "public PDF": (f"/p/{SHARE_TOKEN}/portfolio.pdf", {}),
        "JSON Resume export": ("/api/v1/exports/json-resume", bearer),
        "readiness API": ("/api/v1/profiles/back-end-engineer/readiness", bearer),
    }


def database_url(kind: str, pg_server: str | None, workdir: Path, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / (name + '.sqlite')}"
    assert pg_server
    return fresh_postgres_database(pg_server)


def bench_database(kind: str, pg_server: str | None, workdir: Path, requests: int) -> None:
    print(f"\n## {kind}\n", flush=True)
    url = database_url(kind, pg_server, workdir, "main")
    seed(url, projects=200, public=50)
    small = database_url(kind, pg_server, workdir, "small")
    seed(small, projects=5, public=5)

    with gunicorn(url, workdir) as (base, master):
        session = login(base)
        plan = pages(session)
        for path, headers in plan.values():  # warm every worker's caches first
            drive(base + path, 16, headers)
        results = {name: drive(base + path, requests, hdrs) for name, (path, hdrs) in plan.items()}
        rss = worker_rss_mib(master)

    baseline = results["/healthz"].rps
    print("| page | req/s | ratio to /healthz | target | p50 ms | p95 ms | failed |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, result in results.items():
        target = TARGETS.get(name)
        verdict = (
            ""
            if target is None
            else (f"≥ {target} " + ("ok" if result.rps / baseline >= target else "MISSED"))
        )
        print(
            f"| {name} | {result.rps:,.0f} | {result.rps / baseline:.2f} | {verdict} | "
            f"{result.p50:.0f} | {result.p95:.0f} | {result.failed} |"
        )
    print(f"\nworker RSS after the run: {', '.join(f'{r:.0f} MiB' for r in rss)}")

    count_paths = {name: path for name, (path, _) in pages("").items() if name != "/healthz"}
    few = queries_per_page(small, count_paths)
    many = queries_per_page(url, count_paths)
    bench_pdf_render(url)

    print("\n| page | SQL queries at 5 projects | at 200 projects | equal |")
    print("|---|---:|---:|---|")
    for name in count_paths:
        equal = "yes" if few[name] == many[name] else "NO"
        print(f"| {name} | {few[name]} | {many[name]} | {equal} |")


def bench_pdf_render(url: str, rounds: int = 5) -> None:
    """Time the PDF render itself (no cache), in-process, against the HTML download's."""
    from portfolio.caching import DEFAULT_PDF_CACHE_BYTES

    app = create_app({"SECRET_KEY": "pdf", "SQLALCHEMY_DATABASE_URI": url, "CACHE_SIZE": 0})
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    times, sizes = {}, {}
    for name, path in (("PDF", "/share/download/portfolio.pdf"),
                       ("HTML", "/share/download/portfolio.html")):  # fmt: skip
        response = client.get(path)  # the first also loads WeasyPrint and the font
        sizes[name] = len(response.data)
        started = time.perf_counter()
        for _ in range(rounds):
            assert client.get(path).status_code == 200
        times[name] = (time.perf_counter() - started) / rounds
    with app.app_context():
        db.engine.dispose()
    print(
        f"\nPDF render, uncached, 50 public projects: {times['PDF'] * 1000:.0f} ms "
        f"({times['PDF'] / times['HTML']:.0f}x the HTML download's {times['HTML'] * 1000:.1f} ms); "
        f"the file is {sizes['PDF'] / 1024:.0f} KiB, so the per-process PDF cache "
        f"({DEFAULT_PDF_CACHE_BYTES // 2**20} MiB) holds about "
        f"{DEFAULT_PDF_CACHE_BYTES // sizes['PDF']} of them"
    )


def bench_scale(kind: str, pg_server: str | None, workdir: Path, requests: int) -> None:
    """Compare one user's dashboard alone in the database and among 10,000 users."""
    alone = database_url(kind, pg_server, workdir, "alone")
    seed(alone, projects=30, public=0)
    crowded = database_url(kind, pg_server, workdir, "crowded")
    started = time.monotonic()
    seed(crowded, projects=30, public=0, crowd_users=10_000, crowd_projects=300_000)
    seeded = time.monotonic() - started
    engine = create_engine(crowded)
    with engine.connect() as conn:
        users = conn.execute(select(text("count(*)")).select_from(User.__table__)).scalar()
        projects = conn.execute(select(text("count(*)")).select_from(Project.__table__)).scalar()
    engine.dispose()
    # CACHE_SIZE is per process; a cold page is what the index question is about.
    times = {}
    for name, url in (("alone", alone), ("crowded", crowded)):
        app = create_app({"SECRET_KEY": "scale", "SQLALCHEMY_DATABASE_URI": url, "CACHE_SIZE": 0})
        client = app.test_client()
        page = client.get("/auth/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
        for _ in range(5):
            client.get("/dashboard")
        started = time.perf_counter()
        for _ in range(requests // 10):
            assert client.get("/dashboard").status_code == 200
        times[name] = (time.perf_counter() - started) / (requests // 10)
        with app.app_context():
            db.engine.dispose()
    ratio = times["crowded"] / times["alone"]
    print(
        f"\ndashboard (uncached) with {users:,} users and {projects:,} projects in the database: "
        f"{times['crowded'] * 1000:.2f} ms vs {times['alone'] * 1000:.2f} ms alone, "
        f"ratio {ratio:.2f} (target ≤ 1.5: {'ok' if ratio <= 1.5 else 'MISSED'}); "
        f"seeding took {seeded:.0f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    if shutil.which("ab") is None:
        print("ApacheBench (ab) is missing: apt-get install -y apache2-utils", file=sys.stderr)
        return 2
    print(f"Page benchmark on {os.cpu_count()} cores, {args.requests} requests per page, "
          f"gunicorn with 2 sync workers, ApacheBench with 8 concurrent connections.")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="portfolio-bench-") as tmp:
        workdir = Path(tmp)
        for kind in args.databases.split(","):
            if kind == "postgresql":
                with postgres_cluster() as server:
                    bench_database(kind, server, workdir, args.requests)
                    if not args.skip_scale:
                        bench_scale(kind, server, workdir, args.requests)
            else:
                bench_database(kind, None, workdir, args.requests)
                if not args.skip_scale:
                    bench_scale(kind, None, workdir, args.requests)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
