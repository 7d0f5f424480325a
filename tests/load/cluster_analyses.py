"""The cluster's code analyses: uploads any node accepts, analysed by any node's worker.

The checks `make cluster-load` (tests/load/cluster_harness.py) makes of the background
jobs: the analyses node 1's worker had in hand or waiting when it was killed still
finish (``leave_work_for_the_kill``, ``check_kill_leaves_no_analysis_behind``); an upload
a node accepts while its own worker is stopped is analysed by the other node's worker,
through the one Redis queue (``check_shared_queue``); nginx takes large bodies on the
upload routes only (``check_body_limits``); and every analysis started, by the simulated
people or these checks, finishes with its findings (``check_analyses``). Each upload is
the small Laravel shop of the analyses' own tests, so "Laravel found" is the proof.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import requests
from cluster import Check, Cluster, Node
from load_harness import BIN, ROOT
from sqlalchemy import create_engine, select

sys.path.insert(1, str(ROOT))  # the tests package: the analyses' own test archive
from portfolio.schemas import rules
from tests.analyses_helpers import LARAVEL_SHOP, zip_of

if TYPE_CHECKING:
    from cluster_harness import Person

ANALYSIS_URL = re.compile(r"/analyses/(\d+)$")
#: PHP files added to the shop for the slow analysis: seconds of work for one thread.
SLOW_FILES = 4000
#: Small uploads node 1 accepts just before it dies, left waiting in the queue: with the
#: slow one, as many as one account may have waiting or running.
QUEUED_AT_KILL = rules.MAX_ANALYSES_IN_PROGRESS - 1
#: The archive that must pass nginx's upload locations: over the 2 MB limit elsewhere.
BIG_UPLOAD = 3 * 1024 * 1024
#: Bounds that only keep a broken worker from hanging the run (no check is timed).
ANALYSES_BOUND = 240.0
SWEEP_EVERY = 3.0
IN_PROGRESS = ("queued", "running")


def analysis_id(response: requests.Response) -> int | None:
    """Return the id of the analysis an upload started (its page's address), or None."""
    match = ANALYSIS_URL.search(response.url or "")
    return int(match.group(1)) if response.status_code == 200 and match else None


def shop_archive(*, more_files: int = 0, padding: int = 0) -> bytes:
    """Return the Laravel shop as a .zip: with more PHP files to read, a slower analysis;
    with an incompressible file of ``padding`` bytes, a bigger upload."""
    files: dict[str, str | bytes] = dict(LARAVEL_SHOP)
    for n in range(more_files):
        files[f"app/Models/Model{n}.php"] = (
            f"<?php\n// {random.getrandbits(64):016x}\nclass Model{n} {{\n}}\n" * 20
        )
    if padding:
        files["public/video.bin"] = random.randbytes(padding)
    return zip_of(files)


@dataclass
class Analysis:
    """An analysis as stored: its state, its runs, and what it found."""

    status: str
    attempts: int
    technologies: list[str]
    error: str

    @property
    def found_laravel(self) -> bool:
        return self.status in ("done", "confirmed") and "Laravel" in self.technologies


def stored_analyses(database_url: str) -> dict[int, Analysis]:
    """Return every code analysis in the database, by id."""
    from portfolio.models import CodeAnalysis

    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(CodeAnalysis.id, CodeAnalysis.status, CodeAnalysis.attempts,
                   CodeAnalysis.findings, CodeAnalysis.error)
        ).all()  # fmt: skip
    engine.dispose()
    found = {}
    for id_, status, attempts, findings, error in rows:
        technologies = (findings or {}).get("findings", {}).get("technologies", [])
        names = [technology["name"] for technology in technologies]
        found[id_] = Analysis(status, attempts or 0, names, error or "")
    return found


def wait_for_analyses(cluster: Cluster, bound: float = ANALYSES_BOUND) -> dict[int, Analysis]:
    """Wait until no analysis is queued or running; return them all.

    ``flask jobs sweep`` runs now and then meanwhile, as the workers do every minute, so a
    job whose worker died is retried without waiting for the minute.
    """
    deadline = time.monotonic() + bound
    swept = 0.0
    while True:
        analyses = stored_analyses(cluster.database_url)
        if all(found.status not in IN_PROGRESS for found in analyses.values()):
            return analyses
        if time.monotonic() > deadline:
            return analyses  # the check reports those still in progress
        if time.monotonic() - swept > SWEEP_EVERY:
            subprocess.run(
                [str(BIN / "flask"), "jobs", "sweep"], cwd=ROOT, env=cluster.nodes[-1].env,
                check=False, capture_output=True, timeout=120,
            )  # fmt: skip
            swept = time.monotonic()
        time.sleep(0.5)


def jobs_run_by_worker(nodes: list[Node]) -> dict[str, int]:
    """Return how many analysis jobs each node's worker started (from its log)."""
    ran = re.compile(r"Executing \S*analyse: ")
    return {
        node.name: len(ran.findall(node.worker_log.read_text(errors="replace")))
        if node.worker_log.exists() else 0
        for node in nodes
    }  # fmt: skip


def leave_work_for_the_kill(cluster: Cluster, person: Person) -> dict[int, str]:
    """Just before node 1 dies, leave its worker on a job and others waiting in the queue.

    Node 2's worker stops (gracefully) so node 1's worker, one thread, takes the slow
    analysis; the small uploads node 1 accepts next wait in the queue behind it. Returns
    the analyses' ids and what each is for ("slow", "queued").

    Its one thread busy, node 1's worker takes nothing off the queue when it dies, so
    what this checks is the retry of the job in hand and the queue surviving (a job
    taken off but not yet claimed, a few milliseconds, is queued again by the sweep
    after JOBS_STALE_SECONDS: tests/test_analyses.py covers that).
    """
    node1, node2 = cluster.nodes
    node2.stop_worker()
    left: dict[int, str] = {}
    slow = analysis_id(person.upload(node1.url, shop_archive(more_files=SLOW_FILES)))
    if slow is None:
        return left
    left[slow] = "slow"
    deadline = time.monotonic() + 60
    while stored_analyses(cluster.database_url)[slow].status == "queued":
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    for _ in range(QUEUED_AT_KILL):
        queued = analysis_id(person.upload(node1.url, shop_archive()))
        if queued is not None:
            left[queued] = "queued"
    return left


def check_kill_leaves_no_analysis_behind(left: dict[int, str], at_kill: dict[int, Analysis],
                                         final: dict[int, Analysis]) -> Check:  # fmt: skip
    """The job node 1's worker died on runs again, and the queued ones run, on node 2."""
    slow = [n for n, role in left.items() if role == "slow"]
    queued = [n for n, role in left.items() if role == "queued"]
    set_up = (
        len(slow) == 1 and len(queued) == QUEUED_AT_KILL
        and at_kill[slow[0]].status == "running"
        and all(at_kill[n].status == "queued" for n in queued)
    )  # fmt: skip
    if not set_up:
        states = {n: (left[n], at_kill[n].status if n in at_kill else "missing") for n in left}
        return Check("analyses outlive their node", False, f"could not set up: {states}")
    wrong = [
        f"{left[n]} analysis {n}: {final[n].status}, runs {final[n].attempts}, "
        f"found {final[n].technologies[:4]} {final[n].error}"
        for n in left
        if not final[n].found_laravel or final[n].attempts != (2 if n in slow else 1)
    ]
    detail = (
        f"at the kill node 1's worker was running analysis {slow[0]} and {len(queued)} it "
        f"had accepted waited in the queue: "
        + ("node 2's worker ran the queued ones and, once the sweep found its heartbeat "
           "stale, the killed one again; all found Laravel" if not wrong else "; ".join(wrong))
    )  # fmt: skip
    return Check("analyses outlive their node", not wrong, detail)


def check_shared_queue(cluster: Cluster, person: Person) -> Check:
    """An upload a node accepts while its own worker is stopped is analysed by the other's."""
    notes = []
    for node in cluster.nodes:
        node.stop_worker()
        try:
            started = analysis_id(person.upload(node.url, shop_archive()))
            found = None
            deadline = time.monotonic() + ANALYSES_BOUND
            while started is not None and time.monotonic() < deadline:
                found = stored_analyses(cluster.database_url)[started]
                if found.status not in IN_PROGRESS:
                    break
                time.sleep(0.2)
        finally:
            node.start_worker()
        if found is None or not found.found_laravel:
            notes.append(f"accepted by {node.name}, its worker stopped: {found}")
    ok = not notes
    detail = (
        "an upload accepted by each node while its own worker was stopped was analysed by "
        "the other node's worker (Laravel found)" if ok else "; ".join(notes)
    )  # fmt: skip
    return Check("one jobs queue for both nodes", ok, detail)


def check_body_limits(cluster: Cluster, person: Person, token: str | None) -> tuple[Check, list]:
    """nginx refuses 2 MB and a bit elsewhere, and passes 3 MB to both upload routes."""
    notes, started = [], []
    just_over = b"x" * (2 * 1024 * 1024 + 1024)
    for path in ("/projects/new", "/api/v1/imports/json-resume"):
        answer = requests.post(cluster.url + path, data=just_over, timeout=30,
                               headers={"Content-Type": "application/octet-stream"})  # fmt: skip
        if answer.status_code != 413 or answer.headers.get("X-Upstream"):
            by = answer.headers.get("X-Upstream") or "nginx"
            notes.append(f"{path} answered {answer.status_code} (by {by}) to 2 MB and a bit")
    big = shop_archive(padding=BIG_UPLOAD)
    page = analysis_id(person.upload(cluster.url, big))
    if page is None:
        notes.append(f"a {len(big):,}-byte archive to /analyses/new was not taken")
    else:
        started.append(page)
    if token is None:
        notes.append("no API token to upload with")
    else:
        answer = requests.post(
            cluster.url + "/api/v1/analyses", files={"file": ("shop.zip", big, "application/zip")},
            headers={"Authorization": f"Bearer {token}"}, timeout=120,
        )  # fmt: skip
        if answer.status_code != 202:
            notes.append(f"a {len(big):,}-byte archive to the API answered {answer.status_code}")
        else:
            started.append(answer.json()["id"])
    ok = not notes
    detail = (
        f"2 MB and a bit to a page and an API route: 413 from nginx itself; a {len(big):,}-byte "
        "archive passed it to the upload page and the API" if ok else "; ".join(notes)
    )  # fmt: skip
    return Check("nginx body limits", ok, detail), started


def analysis_counts(analyses: dict[int, Analysis]) -> tuple[int, int, int]:
    """Return how many analyses started, finished with Laravel found, and ran twice."""
    finished = sum(found.found_laravel for found in analyses.values())
    retried = sum(found.attempts > 1 for found in analyses.values())
    return len(analyses), finished, retried


def check_analyses(analyses: dict[int, Analysis], journal: dict[str, dict],
                   names: dict[str, str], jobs_by_worker: dict[str, int]) -> Check:  # fmt: skip
    """Every analysis started, by the simulated people or the checks, found Laravel."""
    traffic = [entry for person in journal.values() for entry in person.get("analyses", [])]
    _started, finished, retried = analysis_counts(analyses)
    unknown = [entry["id"] for entry in traffic if entry["id"] not in analyses]
    wrong = [f"{n}: {found.status} {found.error} {found.technologies[:4]}"
             for n, found in analyses.items() if not found.found_laravel]  # fmt: skip
    accepted = Counter(names.get(entry["node"], entry["node"] or "?") for entry in traffic)
    seen = sum(entry["seen"] for entry in traffic)
    ok = bool(traffic) and not wrong and not unknown
    detail = (
        f"{len(analyses)} started ({len(traffic)} by the simulated people through nginx: "
        f"{', '.join(f'{n} by {node}' for node, n in sorted(accepted.items())) or 'none'}; "
        f"{seen} of them watched to their findings), {finished} finished with Laravel "
        f"found, {retried} after a retry; jobs run: "
        + ", ".join(f"{n} by {node}'s worker" for node, n in jobs_by_worker.items())
        + ("" if not wrong else f"; {len(wrong)} did not: {wrong[:3]}")
        + ("" if not unknown else f"; not stored: {unknown[:3]}")
    )  # fmt: skip
    return Check("every analysis finishes on either node's worker", ok, detail)
