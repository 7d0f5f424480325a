"""`make cluster-load`: mixed traffic through nginx while one node dies and comes back.

Starts the cluster (tests/load/cluster.py: two gunicorn nodes of 2 workers, each with a
jobs worker, behind nginx, PostgreSQL, Redis), runs tests/load/cluster_locustfile.py
through nginx (register, log in, add, edit, import, analyse an uploaded archive, read,
public page), kills node 1 and its jobs worker (SIGKILL to their process groups:
mid-request and mid-job) a third of the way in and starts them again a quarter later,
then checks and prints:

1. every write acknowledged to a client is stored exactly once (and one never
   acknowledged, at most once; nothing else is stored);
2. a session opened on one node works on the other;
3. login throttling counts across nodes (failures sent to both add up to one limit);
4. a write on one node is never followed by a stale read on the other (the simulated
   people's reads right after their writes, and a check that alternates the nodes over
   the project page, the project list, the public page and the JSON Resume download);
5. how many requests failed during the kill: only those in flight may;
6. every code analysis started, through nginx or on a node, finishes with its findings
   (Laravel found in the uploaded shop), whichever node accepted it: just before the
   kill node 2's worker stops for a moment, node 1 accepts a slow analysis (its worker
   is on it when it dies) and small ones that wait in the queue; node 2's worker, started
   again, takes the queued ones, and the slow one once the sweep finds its heartbeat
   stale. Each node also accepts an upload while its own worker is stopped: the other
   node's worker analyses it, through the one Redis queue (tests/load/cluster_analyses.py);
7. nginx's body limits: just over 2 MB is refused by nginx itself (413) on routes that
   are not uploads, and a 3 MB archive passes it on both upload routes (page and API).

It exits non-zero when a check fails; its last line is the summary. Throughput is given
only as a ratio, two nodes to one, measured in the same run (before the kill against
while node 1 is down): load generator and nodes share the machine, so on 2 cores the
figures are about correctness, not speed.

    python tests/load/cluster_harness.py --users 20 --duration 60
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
from cluster import Check, Cluster, Node, missing_tools, running_cluster
from cluster_analyses import (
    analysis_counts,
    check_analyses,
    check_body_limits,
    check_kill_leaves_no_analysis_behind,
    check_shared_queue,
    jobs_run_by_worker,
    leave_work_for_the_kill,
    stored_analyses,
    wait_for_analyses,
)
from load_harness import AGGREGATED, BIN, ROOT
from sqlalchemy import create_engine, select

LOCUSTFILE = Path(__file__).with_name("cluster_locustfile.py")
#: A request that failed within this many seconds of the kill counts as in flight.
KILL_GRACE = 1.0
#: Seconds left out of each throughput window while the load ramps up or nodes settle.
SETTLE = 3.0
PASSWORD = "cluster-check-password"
PROJECT_URL = re.compile(r"/projects/(\d+)$")
PUBLIC_URL = re.compile(r'id="public-url">([^<]+)</a>')
STALE_ROUNDS = 20
TOKEN = re.compile(r'<code id="new-token">([^<]+)</code>')
#: Seconds before the kill its preparation starts (stopping node 2's worker, uploading).
PREPARE = 2.0

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from page_forms import form_values  # noqa: E402


@dataclass
class ClusterReport:
    """What the run measured, and each check's verdict."""

    users: int
    duration: int
    kill_at: float = 0.0
    back_at: float = 0.0
    requests: int = 0
    failures: int = 0
    writes: int = 0
    ratio: float | None = None
    by_node: dict[str, int] = field(default_factory=dict)
    analyses_started: int = 0
    analyses_finished: int = 0
    analyses_retried: int = 0
    jobs_by_worker: dict[str, int] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    locust_summary: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    def summary(self) -> str:
        """Return the one-line summary the run ends with."""
        failed = [check.name for check in self.checks if not check.ok]
        verdict = "PASSED" if not failed else "FAILED (" + "; ".join(failed) + ")"
        ratio = f"{self.ratio:.2f}" if self.ratio is not None else "n/a"
        return (
            f"cluster-load {verdict}: 2 nodes x 2 workers and a jobs worker each behind nginx, "
            f"PostgreSQL, Redis; "
            f"{self.users} users for {self.duration} s, node 1 killed at {self.kill_at:.0f} s "
            f"and back at {self.back_at:.0f} s; {self.requests:,} requests, "
            f"{self.failures} failed (in flight at the kill); {self.writes:,} acknowledged "
            f"writes stored exactly once; {self.analyses_started} code analyses started, "
            f"{self.analyses_finished} finished with their findings on either node's worker "
            f"({self.analyses_retried} retried after its worker was killed mid-job); "
            f"sessions, login throttle and reads hold across nodes; "
            f"throughput 2 nodes / 1 node = {ratio}"
        )


# --- the checks against the database and the logs ----------------------------------------


def check_writes(database_url: str, journal: dict[str, dict]) -> list[str]:
    """Return what is wrong with the stored projects, given what clients were told.

    A project whose creation was acknowledged must be stored exactly once, one never
    acknowledged at most once, and nothing else may be stored; an edited project holds
    its last acknowledged summary, or one of the edits sent after it without an answer.
    """
    from portfolio.models import Project, User

    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(User.email, Project.id, Project.title, Project.summary).join(Project)
        ).all()
    engine.dispose()
    titles: dict[str, Counter] = {}
    summaries: dict[str, str] = {}
    for email, project_id, title, summary in rows:
        titles.setdefault(email, Counter())[title] += 1
        summaries[str(project_id)] = summary
    problems = []
    for email, entry in journal.items():
        acked, maybe = Counter(entry["created"]), Counter(entry["attempted"])
        found = titles.pop(email, Counter())
        for title in acked.keys() | maybe.keys() | found.keys():
            if acked[title] and found[title] != acked[title]:
                problems.append(f"{title!r}: acknowledged {acked[title]}x, stored {found[title]}x")
            elif not acked[title] and found[title] > maybe[title]:
                what = "never acknowledged" if maybe[title] else "never sent"
                problems.append(f"{title!r}: {what}, stored {found[title]}x")
        for project_id, edits in entry["edits"].items():
            allowed = {*edits["later"]}
            allowed.add(edits["acked"] if edits["acked"] is not None else "Written under load")
            stored = summaries.get(project_id)
            if stored is not None and stored not in allowed:
                problems.append(f"project {project_id}: summary {stored!r}, expected one of "
                                f"{sorted(allowed)}")  # fmt: skip
    for email, found in titles.items():
        if not email.startswith("cluster-check-"):
            problems.append(f"{email} has projects no client was told of: {sorted(found)}")
    return problems


def failures_outside_the_kill(requests_log: list[dict], killed: float) -> list[dict]:
    """Return the failed requests that were not in flight when the node was killed."""
    return [
        r for r in requests_log
        if not r["ok"] and not (r["start"] <= killed + KILL_GRACE and r["end"] >= killed)
    ]  # fmt: skip


def throughput_ratio(requests_log: list[dict], started: float, killed: float,
                     back: float) -> float | None:  # fmt: skip
    """Return requests per second with two nodes (before the kill) over one (while down)."""

    def rate(low: float, high: float) -> float | None:
        if high - low < 1:
            return None
        return sum(1 for r in requests_log if low <= r["end"] < high) / (high - low)

    two, one = rate(started + SETTLE, killed), rate(killed + SETTLE, back)
    return two / one if two and one else None


def tracebacks(log: str) -> list[str]:
    """Return the exception each traceback in the nodes' logs ends with."""
    lines = log.splitlines()
    found = []
    for at, line in enumerate(lines):
        if "Traceback (most recent call last)" in line:
            ends = (text for text in lines[at + 1 :] if text and not text[0].isspace())
            found.append(next(ends, line))
    return found


# --- checks made against the nodes directly -----------------------------------------------


class Person:
    """Someone with a browser (cookies), talking to whichever node they are pointed at."""

    def __init__(self, name: str = "Cluster check") -> None:
        self.http = requests.Session()
        self.name = name
        self.email = f"cluster-check-{uuid.uuid4().hex[:12]}@example.com"

    def send(self, node: Node, path: str, fields: dict, *, form_path: str | None = None,
             having: str | None = None) -> requests.Response:  # fmt: skip
        """Fetch a form from the node, fill it in, post it there; return the answer."""
        page = self.http.get(node.url + (form_path or path), timeout=30)
        form = form_values(
            page.text,
            having=having or (next(iter(fields)) if form_path is None else "csrf_token"),
            action=path if form_path else None,
        )
        return self.http.post(node.url + path, data={**form, **fields}, timeout=30)

    def register(self, node: Node) -> requests.Response:
        return self.send(node, "/auth/register", {
            "email": self.email, "display_name": self.name,
            "password": PASSWORD, "confirm": PASSWORD,
        })  # fmt: skip

    def log_in(self, node: Node, password: str = PASSWORD) -> requests.Response:
        return self.send(node, "/auth/login", {"email": self.email, "password": password})

    def upload(self, url: str, archive: bytes) -> requests.Response:
        """Upload an archive with the analysis form at this address (a node, or nginx)."""
        page = self.http.get(url + "/analyses/new", timeout=30)
        form = form_values(page.text, having="emails")
        upload = {"file": ("shop.zip", archive, "application/zip")}
        return self.http.post(url + "/analyses/new", data=form, files=upload, timeout=120)

    def api_token(self, node: Node) -> str | None:
        """Create a read-and-write API token; return it."""
        page = self.send(node, "/auth/tokens/", {"name": "cluster check", "scope": "write"})
        match = TOKEN.search(page.text)
        return match.group(1) if match else None


def check_sessions(nodes: list[Node]) -> Check:
    """A session opened on one node opens pages on the other."""
    notes = []
    for opened, used in ((nodes[0], nodes[1]), (nodes[1], nodes[0])):
        person = Person(f"Session {opened.name}")
        answer = person.register(opened)
        if not answer.url.endswith("/dashboard"):
            notes.append(f"registering on {opened.name} led to {answer.url}")
            continue
        page = person.http.get(used.url + "/dashboard", allow_redirects=False, timeout=30)
        if page.status_code != 200 or person.name not in page.text:
            notes.append(f"{used.name} answered {page.status_code} to {opened.name}'s session")
    ok = not notes
    detail = "logged in on either node, the other opens the dashboard" if ok else "; ".join(notes)
    return Check("sessions across nodes", ok, detail)


def check_throttle(nodes: list[Node], limit: int) -> Check:
    """Failed logins sent to both nodes count against one limit."""
    person = Person("Throttle check")
    person.register(nodes[0])
    person.http.cookies.clear()
    statuses = []
    for attempt in range(limit):
        statuses.append(person.log_in(nodes[attempt % 2], "a wrong password").status_code)
    after = [person.log_in(node, "a wrong password").status_code for node in nodes]
    ok = all(s != 429 for s in statuses) and after == [429, 429]
    detail = (
        f"{limit} failed logins alternating nodes answered {statuses}; the next on each "
        f"node answered {after}"
    )
    return Check("login throttle across nodes", ok, detail)


def check_fresh_reads(nodes: list[Node], rounds: int = STALE_ROUNDS) -> tuple[Check, int]:
    """Write on one node, read at once on the other: never the old version."""
    person = Person("Fresh reads")
    person.register(nodes[0])
    added = person.send(nodes[0], "/projects/new", {
        "title": "Fresh read 0", "kind": "personal", "start": "2025-01", "public": "y",
    })  # fmt: skip
    match = PROJECT_URL.search(added.url)
    shared = person.send(nodes[1], "/share/sharing", {"enabled": "on"}, form_path="/share")
    public = PUBLIC_URL.search(shared.text)
    if match is None or public is None:
        return Check("no stale reads across nodes", False, "could not set up the check"), 0
    project = f"/projects/{match.group(1)}"
    stale, reads = [], 0
    for n in range(1, rounds + 1):
        writer, reader = nodes[n % 2], nodes[(n + 1) % 2]
        title = f"Fresh read {n}"
        saved = person.send(writer, f"{project}/edit", {"title": title, "public": "y"})
        if not saved.url.endswith(project):
            stale.append(f"edit {n} on {writer.name} was not saved ({saved.status_code})")
            continue
        for path in (project, "/projects/", public.group(1), "/share/download/resume.json"):
            reads += 1
            url = path if path.startswith("http") else reader.url + path
            if title not in person.http.get(url, timeout=30).text:
                stale.append(f"{path} on {reader.name} after edit {n} on {writer.name}")
    detail = (
        f"{rounds} edits alternating nodes, each read at once on the other node ({reads} "
        f"reads: project page, list, public page, JSON Resume): "
        + ("none stale" if not stale else f"{len(stale)} stale: {stale[:3]}")
    )
    return Check("no stale reads across nodes", not stale, detail), reads


# --- the run --------------------------------------------------------------------------------


def run_locust(cluster: Cluster, users: int, duration: int, kill_at: float, back_at: float,
               workdir: Path, person: Person) -> tuple[dict, float, float, float]:  # fmt: skip
    """Run the traffic, killing node 1 at kill_at and starting it at back_at (seconds).

    Just before the kill, ``person`` leaves node 1's worker a job and the queue some
    more (``leave_work_for_the_kill``); the data returned holds them under ``left`` and
    their states right after the kill under ``at_kill``.
    """
    journal = workdir / "journal.json"
    env = {**os.environ, "CLUSTER_JOURNAL": str(journal)}
    cmd = [
        str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
        "-r", str(users), "-t", f"{duration}s", "--stop-timeout", "20", "-H", cluster.url,
        "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    output = (workdir / "locust.log").open("w")
    started = time.time()
    locust = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        time.sleep(max(0.0, started + kill_at - PREPARE - time.time()))
        left = leave_work_for_the_kill(cluster, person)
        killed = time.time()  # as the signal goes: requests it breaks end after this
        cluster.nodes[0].kill()
        at_kill = stored_analyses(cluster.database_url)
        cluster.nodes[1].start_worker()
        time.sleep(max(0.0, started + back_at - time.time()))
        cluster.nodes[0].start()
        back = time.time()
        locust.wait(timeout=duration + 180)
    finally:
        if locust.poll() is None:
            locust.kill()
        output.close()
    data = json.loads(journal.read_text()) if journal.exists() else {}
    data["summary"] = (workdir / "locust.log").read_text(errors="replace")
    data["left"], data["at_kill"] = left, at_kill
    return data, started, killed, back


def run_cluster_load(users: int, duration: int, workdir: Path, *,
                     kill_at: float | None = None,
                     back_at: float | None = None) -> ClusterReport:  # fmt: skip
    """Start the cluster, load it while node 1 dies and comes back, check it all; report."""
    from portfolio.config import THROTTLE_RULES

    kill_at = duration / 3 if kill_at is None else kill_at
    back_at = kill_at + duration / 4 if back_at is None else back_at
    report = ClusterReport(users, duration)
    with running_cluster(workdir) as cluster:
        person = Person("Code check")
        person.register(cluster.nodes[1])
        token = person.api_token(cluster.nodes[1])
        data, started, killed, back = run_locust(
            cluster, users, duration, kill_at, back_at, workdir, person
        )
        report.kill_at, report.back_at = killed - started, back - started
        sessions = check_sessions(cluster.nodes)
        throttle = check_throttle(cluster.nodes, THROTTLE_RULES["THROTTLE_LOGIN_ACCOUNT"][0])
        fresh, _ = check_fresh_reads(cluster.nodes)
        limits, _ = check_body_limits(cluster, person, token)
        shared = check_shared_queue(cluster, person)
        analyses = wait_for_analyses(cluster)
        report.jobs_by_worker = jobs_run_by_worker(cluster.nodes)
        database_url, logs = cluster.database_url, cluster.node_logs()
        names = {f"127.0.0.1:{node.port}": node.name for node in cluster.nodes}
        problems = check_writes(database_url, data.get("journal", {}))
    journal, log = data.get("journal", {}), data.get("requests", [])
    report.locust_summary = data.get("summary", "")
    report.requests = len(log)
    matches = AGGREGATED.findall(report.locust_summary)
    if matches:
        report.requests = max(report.requests, int(matches[-1][0]))
    failed = [r for r in log if not r["ok"]]
    report.failures = len(failed)
    report.by_node = dict(sorted(Counter(names.get(r["node"], r["node"]) for r in log
                                         if r["node"]).items()))  # fmt: skip
    report.ratio = throughput_ratio(log, started, killed, back)
    created = sum(len(entry["created"]) for entry in journal.values())
    edits = sum(entry.get("edits_confirmed", 0) for entry in journal.values())
    report.writes = created + edits

    never = sum(len(entry["attempted"]) for entry in journal.values())
    enough = len(journal) == users and created > 0 and edits > 0
    report.checks.append(Check(
        "acknowledged writes stored exactly once", enough and not problems,
        f"{created} projects created and {edits} edits acknowledged to {len(journal)} users, "
        f"{never} creations never acknowledged; "
        + ("all as told" if not problems else f"{len(problems)} problems: {problems[:5]}"),
    ))  # fmt: skip
    report.checks += [sessions, throttle]
    reads = [read for entry in journal.values() for read in entry["reads"]]
    crossed = [read for read in reads if read[0] and read[1] and read[0] != read[1]]
    stale = [read for read in reads if read[2]]
    report.checks.append(Check(
        "no stale reads after writes (traffic)", bool(crossed) and not stale,
        f"{len(reads)} reads right after a confirmed write, {len(crossed)} of them on the "
        f"other node; {len(stale)} stale",
    ))  # fmt: skip
    report.checks.append(fresh)
    outside = failures_outside_the_kill(log, killed)
    report.checks.append(Check(
        "only requests in flight at the kill failed", not outside and len(failed) <= users,
        f"{len(failed)} failed, all started before the kill and ended after it "
        f"({', '.join(sorted({r['method'] + ' ' + r['name'] for r in failed})) or 'none'})"
        if not outside else
        f"{len(outside)} failed outside the kill: "
        f"{[(r['method'], r['name'], r['status'], r['error'][:80]) for r in outside[:5]]}",
    ))  # fmt: skip
    report.checks.append(check_kill_leaves_no_analysis_behind(
        data["left"], data["at_kill"], analyses
    ))  # fmt: skip
    report.checks += [shared, limits]
    report.analyses_started, report.analyses_finished, report.analyses_retried = analysis_counts(
        analyses
    )
    report.checks.append(check_analyses(analyses, journal, names, report.jobs_by_worker))
    errors = tracebacks(logs)
    report.checks.append(Check(
        "no server errors", not errors,
        "no traceback in the nodes' logs" if not errors else f"{len(errors)}: {errors[:3]}",
    ))  # fmt: skip
    return report


def print_report(report: ClusterReport) -> None:
    """Print the locust summary, each check and the figures; the summary line last."""
    print(report.locust_summary.strip())
    print()
    for check in report.checks:
        print(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    answered = ", ".join(f"{count:,} by {node}" for node, count in report.by_node.items())
    print(f"requests answered: {answered}")
    print(report.summary())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        print(f"Missing: {', '.join(missing)} (make cluster-load installs them)")
        return 1
    with tempfile.TemporaryDirectory(prefix="portfolio-cluster-load-") as tmp:
        report = run_cluster_load(args.users, args.duration, Path(tmp))
        print_report(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
