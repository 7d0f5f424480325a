"""The README's production layout on one machine: two app nodes behind nginx, one
PostgreSQL, one Redis.

Each node is gunicorn with 2 workers (gunicorn.conf.py, APP_ENV=production) in its own
process group and on its own port, as two machines would be, and beside it a jobs worker
(``flask jobs worker``, one thread: a node's worker takes one analysis at a time) in a
process group of its own; both nodes share the secret key, the database and the Redis
that keeps the login throttle's counters and the jobs queue, so an upload one node
accepts is analysed by whichever worker takes it. Killing a node kills its worker too.
nginx balances the nodes round robin, as the README's site does, and sends each answer
with ``X-Upstream`` (the node that gave it). A node that stops answering is skipped for
``FAIL_TIMEOUT`` seconds; nginx passes a request on to the other node when the first
cannot be reached, and for reads also when it fails mid-request (never a POST, which may
have been done). Bodies are limited as in the README's site: 2 MB everywhere but the two
upload locations, which take a repository's archive.

Both nodes keep uploads in the checkout's ``instance/uploads``, which stands in for the
folder a real cluster's nodes must share (``CODE_UPLOAD_FOLDER``): the worker that
analyses an upload reads it from there.

PostgreSQL is a throwaway cluster (initdb/pg_ctl, as the postgres user when run as
root); Redis and nginx run in the foreground from config files in a temporary folder.
Every process listens on 127.0.0.1 only.

    python tests/load/cluster.py            # `make cluster`: serve until Ctrl-C
"""

from __future__ import annotations

import argparse
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from load_harness import (
    BIN,
    ROOT,
    _server_env,
    _wait_until_healthy,
    free_port,
    fresh_postgres_database,
    postgres_cluster,
)

#: Workers per node, as the issue's two small machines would run.
WORKERS = 2
#: Seconds nginx skips a node after a request to it failed.
FAIL_TIMEOUT = 2
#: The nginx body limits of the README's site: everywhere, and on the upload locations
#: (CODE_UPLOAD_MAX_BYTES, 50 MB, and room for the form around the file).
BODY_LIMIT = "2m"
UPLOAD_BODY_LIMIT = "51m"
UPLOAD_LOCATIONS = ("/analyses/new", "/api/v1/analyses")
#: The jobs settings of the cluster's nodes and workers: one thread per worker, a
#: heartbeat every second, and a running analysis whose worker was silent for
#: STALE_SECONDS counts as dead (a minute by default; the kill check need not wait).
JOBS_WORKERS = 1
HEARTBEAT_SECONDS = 1
STALE_SECONDS = 5
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


def missing_tools() -> list[str]:
    """Return the programs the cluster needs that are not installed."""
    wanted = {"nginx": NGINX, "redis-server": REDIS, "initdb": "initdb", "pg_ctl": "pg_ctl"}
    return [name for name, path in wanted.items() if shutil.which(path) is None]


@dataclass
class Node:
    """One app node: gunicorn and a jobs worker, each in its own process group."""

    name: str
    port: int
    env: dict[str, str]
    log: Path
    worker_log: Path
    process: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the node and its worker; wait until the node answers /healthz."""
        with self.log.open("a") as handle:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
                cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        _wait_until_healthy(self.url, self.process, self.log, seconds=60)
        self.start_worker()

    def start_worker(self) -> None:
        """Start the node's jobs worker and wait until it says it runs."""
        before = self.worker_log.stat().st_size if self.worker_log.exists() else 0
        with self.worker_log.open("a") as handle:
            self.worker = subprocess.Popen(
                [str(BIN / "flask"), "jobs", "worker"],
                cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while b"Jobs worker:" not in self.worker_log.read_bytes()[before:]:
            if self.worker.poll() is not None or time.monotonic() > deadline:
                tail = self.worker_log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the jobs worker of {self.name} did not start:\n{tail}")
            time.sleep(0.1)

    def kill(self) -> None:
        """End the node and its worker at once, mid-request and mid-job: a machine that dies."""
        running = [p for p in (self.process, self.worker) if p is not None and p.poll() is None]
        for process in running:  # both at once, then wait: the machine dies as one
            os.killpg(process.pid, signal.SIGKILL)
        for process in running:
            process.wait(timeout=10)

    def stop_worker(self) -> None:
        """Stop the worker gracefully (SIGINT: it finishes the job in hand), or kill it."""
        if self.worker is None or self.worker.poll() is not None:
            return
        os.killpg(self.worker.pid, signal.SIGINT)
        try:
            self.worker.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(timeout=10)

    def stop(self) -> None:
        """Stop the worker, then the node gracefully (SIGTERM lets requests finish)."""
        self.stop_worker()
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Check:
    """One check of the cluster's behaviour: its name, its verdict, what it saw."""

    name: str
    ok: bool
    detail: str


@dataclass
class Cluster:
    """The running cluster: where to reach it and its parts."""

    url: str  # nginx
    nodes: list[Node]
    database_url: str
    redis_url: str
    workdir: Path
    logs: list[Path] = field(default_factory=list)

    def node_logs(self) -> str:
        """Return everything the nodes and their workers logged."""
        logs = [path for node in self.nodes for path in (node.log, node.worker_log)]
        return "".join(path.read_text(errors="replace") for path in logs if path.exists())


def _wait_for_port(port: int, process: subprocess.Popen, what: str, seconds: float = 20) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited at start (status {process.returncode})")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {seconds} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """Run a throwaway Redis (no persistence) and yield its URL."""
    port = free_port()
    with (workdir / "redis.log").open("w") as log:
        process = subprocess.Popen(
            [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(workdir)],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_for_port(port, process, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


def nginx_config(port: int, nodes: list[Node], prefix: Path, temp: Path | None = None) -> str:
    """Return the site of the README's production section, for these nodes, on HTTP.

    ``temp`` holds the folders nginx's workers buffer bodies in (``prefix`` without it).
    """
    temp = temp or prefix
    upstreams = "\n".join(
        f"        server 127.0.0.1:{node.port} max_fails=1 fail_timeout={FAIL_TIMEOUT}s;"
        for node in nodes
    )
    proxy = """\
            proxy_pass http://portfolio;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_connect_timeout 2s;
            proxy_next_upstream error timeout;
            add_header X-Upstream $upstream_addr always;"""
    # Repository uploads, and only they, may be as big as the app lets them be.
    uploads = "\n".join(
        f"        location = {path} {{\n"
        f"            client_max_body_size {UPLOAD_BODY_LIMIT};\n{proxy}\n        }}"
        for path in UPLOAD_LOCATIONS
    )
    # nginx drops to an unprivileged user when started as root.
    user = "www-data" if _has_user("www-data") else "nobody"
    as_user = f"user {user};" if os.geteuid() == 0 else ""
    return f"""
{as_user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    upstream portfolio {{
{upstreams}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size {BODY_LIMIT};
        location / {{
{proxy}
        }}
{uploads}
    }}
}}
"""


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@contextmanager
def nginx_proxy(nodes: list[Node], workdir: Path) -> Iterator[str]:
    """Run nginx in front of the nodes and yield its URL."""
    prefix = workdir / "nginx"
    prefix.mkdir()
    # Bodies over nginx's buffer (uploads) go to files its workers write: when started
    # as root they run as another user, who must reach those folders, and the workdir
    # may sit in folders only root can enter (pytest's), so they get a folder of their own.
    temp = Path(tempfile.mkdtemp(prefix="portfolio-nginx-"))
    temp.chmod(0o755)
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temp / name).mkdir()
        if os.geteuid() == 0:
            shutil.chown(temp / name, "www-data" if _has_user("www-data") else "nobody")
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_config(port, nodes, prefix, temp))
    with (prefix / "stdout.log").open("w") as output:
        process = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(prefix), "-g", "daemon off;"],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_for_port(port, process, "nginx")
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)
        shutil.rmtree(temp, ignore_errors=True)


def node_env(database_url: str, redis_url: str, port: int, secret_key: str) -> dict[str, str]:
    """Return one node's environment: the production settings of the README."""
    env = _server_env(database_url, f"127.0.0.1:{port}", WORKERS)
    env.update({
        "SECRET_KEY": secret_key,  # the same on every node: sessions are signed with it
        "RATELIMIT_STORAGE_URL": redis_url,
        "TRUSTED_PROXIES": "1",
        "JOBS_REDIS_URL": redis_url,  # one queue: either node's worker takes any job
        "JOBS_WORKERS": str(JOBS_WORKERS),
        "JOBS_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "JOBS_STALE_SECONDS": str(STALE_SECONDS),
    })  # fmt: skip
    return env


@contextmanager
def running_cluster(workdir: Path, *, node_count: int = 2) -> Iterator[Cluster]:
    """Start PostgreSQL, Redis, the nodes and nginx; stop them all on the way out."""
    workdir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        server = stack.enter_context(postgres_cluster())
        database_url = fresh_postgres_database(server)
        redis_url = stack.enter_context(redis_server(workdir))
        secret_key = secrets.token_hex(32)
        nodes = []
        for number in range(1, node_count + 1):
            port = free_port()
            env = node_env(database_url, redis_url, port, secret_key)
            log, worker_log = workdir / f"node{number}.log", workdir / f"worker{number}.log"
            nodes.append(Node(f"node {number}", port, env, log, worker_log))
        subprocess.run(
            [str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=nodes[0].env, check=True,
            capture_output=True, timeout=180,
        )  # fmt: skip
        for node in nodes:
            stack.callback(node.stop)
            node.start()
        url = stack.enter_context(nginx_proxy(nodes, workdir))
        yield Cluster(url, nodes, database_url, redis_url, workdir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        print(f"Missing: {', '.join(missing)} (make cluster installs them)", file=sys.stderr)
        return 1
    stop = {"now": False}

    def finish(*_args) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    with (
        tempfile.TemporaryDirectory(prefix="portfolio-cluster-") as tmp,
        running_cluster(Path(tmp)) as cluster,
    ):
        print(f"nginx:      {cluster.url}")
        for node in cluster.nodes:
            print(f"{node.name}:     {node.url}  (log {node.log}, worker's {node.worker_log})")
        print(f"PostgreSQL: {cluster.database_url}")
        print(f"Redis:      {cluster.redis_url}")
        print("Ctrl-C stops everything.", flush=True)
        deadline = time.monotonic() + args.seconds if args.seconds else None
        while not stop["now"] and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.2)
    print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
