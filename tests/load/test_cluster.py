"""The cluster survives losing a node: `make cluster-load` in short, and its checks can fail.

The short run is 5 simulated people for 20 s through nginx, node 1 and its jobs worker
killed at 6 s and started again at 10 s, with every check of the full run
(tests/load/cluster_harness.py), code analyses and nginx's body limits included.
It needs nginx, redis-server and PostgreSQL's initdb/pg_ctl: without them it is skipped
with the reason printed, except under CI=true, where it fails instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from cluster import (
    BODY_LIMIT,
    UPLOAD_BODY_LIMIT,
    UPLOAD_LOCATIONS,
    Node,
    missing_tools,
    nginx_config,
)
from cluster_analyses import (
    QUEUED_AT_KILL,
    Analysis,
    analysis_counts,
    check_analyses,
    check_kill_leaves_no_analysis_behind,
)
from cluster_harness import (
    check_writes,
    failures_outside_the_kill,
    print_report,
    run_cluster_load,
    throughput_ratio,
    tracebacks,
)

pytestmark = pytest.mark.load


def test_the_cluster_loses_no_acknowledged_write_when_a_node_dies(tmp_path, capsys):
    missing = missing_tools()
    if missing:
        reason = f"the cluster needs {', '.join(missing)} (make cluster installs them)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; required under CI=true")
        pytest.skip(reason)
    report = run_cluster_load(5, 20, tmp_path / "run", kill_at=6, back_at=10)
    with capsys.disabled():
        print()
        print_report(report)
    assert report.ok, [check for check in report.checks if not check.ok]
    assert report.requests > 0 and report.writes > 0


def test_the_write_check_sees_lost_doubled_and_unexpected_projects(user, database_url):
    """check_writes compares what clients were told with what is stored: it can fail."""
    user.add_project(title="Told once")
    user.add_project(title="Told once")
    user.add_project(title="Never told")
    user.add_project(title="Maybe")
    journal = {
        "ada@example.com": {
            "created": ["Told once", "Lost"],
            "attempted": ["Maybe", "Not stored"],
            "edits": {"1": {"acked": "A summary", "later": []}},
        }
    }
    problems = check_writes(database_url, journal)
    assert "'Told once': acknowledged 1x, stored 2x" in problems
    assert "'Lost': acknowledged 1x, stored 0x" in problems
    assert "'Never told': never sent, stored 1x" in problems
    assert not any("'Maybe'" in p or "'Not stored'" in p for p in problems)
    assert any(p.startswith("project 1: summary ''") for p in problems)


def test_only_requests_in_flight_at_the_kill_may_fail():
    log = [
        {"ok": False, "start": 9.5, "end": 10.4},  # in flight at 10.0
        {"ok": False, "start": 10.6, "end": 10.9},  # sent just after: the node was dying
        {"ok": False, "start": 12.0, "end": 12.1},  # long after: a real failure
        {"ok": True, "start": 20.0, "end": 20.2},
    ]
    assert failures_outside_the_kill(log, killed=10.0) == [log[2]]


def test_throughput_is_a_ratio_of_two_nodes_to_one():
    # 4 requests a second before the kill at 10 s, 2 a second while the node is down.
    log = [{"end": t / 4} for t in range(40)] + [{"end": 10 + t / 2} for t in range(20)]
    assert throughput_ratio(log, started=0, killed=10, back=20) == pytest.approx(2.0, rel=0.1)


def test_a_traceback_in_a_node_log_is_reported():
    log = "GET /dashboard 200\nTraceback (most recent call last):\n  File ...\nValueError: x\n"
    assert tracebacks(log) == ["ValueError: x"]


def _megabytes(size: str) -> int:
    assert size.endswith("m"), size
    return int(size[:-1]) * 1024 * 1024


def test_nginx_takes_large_bodies_on_the_upload_routes_only(app):
    """The cluster's site is the README's: 2 MB, and the upload routes up to the app's limit."""
    from flask import url_for

    from portfolio.analyses.service import upload_body_limit

    with app.test_request_context():
        routes = {url_for("analyses.new"), url_for("api.start_analysis")}
        assert _megabytes(UPLOAD_BODY_LIMIT) >= upload_body_limit()
    assert set(UPLOAD_LOCATIONS) == routes
    assert _megabytes(BODY_LIMIT) >= app.config["MAX_CONTENT_LENGTH"]
    node = Node("node 1", 8001, {}, Path("node1.log"), Path("worker1.log"))
    site = nginx_config(8000, [node], Path("prefix"))
    server = site[site.index("server {") :]
    assert re.findall(r"client_max_body_size (\S+);", server.split("location")[0]) == [BODY_LIMIT]
    blocks = dict(re.findall(r"location (= \S+|/) \{([^}]*)\}", server))
    assert "client_max_body_size" not in blocks["/"]
    assert {key for key, block in blocks.items() if "client_max_body_size" in block} == {
        f"= {path}" for path in routes
    }
    for path in routes:
        assert f"client_max_body_size {UPLOAD_BODY_LIMIT};" in blocks[f"= {path}"]
        assert "proxy_pass http://portfolio;" in blocks[f"= {path}"]


def test_the_analysis_check_sees_unfinished_and_wrong_analyses():
    done = Analysis("done", 1, ["PHP", "Laravel"], "")
    journal = {"ada": {"analyses": [{"id": 1, "node": "127.0.0.1:8001", "seen": True}]}}
    names = {"127.0.0.1:8001": "node 1"}
    workers = {"node 1": 1, "node 2": 1}
    assert check_analyses({1: done, 2: done}, journal, names, workers).ok
    assert analysis_counts({1: done, 2: Analysis("done", 2, ["Laravel"], "")}) == (2, 2, 1)
    for wrong in (
        Analysis("queued", 0, [], ""),
        Analysis("failed", 2, [], "The analysis stopped; try again."),
        Analysis("done", 1, ["PHP"], ""),
    ):
        check = check_analyses({1: done, 2: wrong}, journal, names, workers)
        assert not check.ok and "1 did not" in check.detail
    assert not check_analyses({2: done}, journal, names, workers).ok  # not stored
    assert not check_analyses({1: done}, {}, names, workers).ok  # none through nginx


def test_the_kill_check_needs_the_killed_job_run_again_and_the_queued_ones_run():
    queued = range(2, 2 + QUEUED_AT_KILL)
    left = {1: "slow", **{n: "queued" for n in queued}}
    at_kill = {
        1: Analysis("running", 1, [], ""),
        **{n: Analysis("queued", 0, [], "") for n in queued},
    }
    final = {
        1: Analysis("done", 2, ["Laravel"], ""),
        **{n: Analysis("done", 1, ["Laravel"], "") for n in queued},
    }
    assert check_kill_leaves_no_analysis_behind(left, at_kill, final).ok
    not_retried = {**final, 1: Analysis("done", 1, ["Laravel"], "")}
    assert not check_kill_leaves_no_analysis_behind(left, at_kill, not_retried).ok
    stuck = {**final, 3: Analysis("queued", 0, [], "")}
    assert not check_kill_leaves_no_analysis_behind(left, at_kill, stuck).ok
    finished_early = {**at_kill, 1: Analysis("done", 1, ["Laravel"], "")}
    check = check_kill_leaves_no_analysis_behind(left, finished_early, final)
    assert not check.ok and check.detail.startswith("could not set up")
