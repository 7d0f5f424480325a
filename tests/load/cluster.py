"""The README's production layout on one machine: two app nodes behind nginx, one
PostgreSQL, one Redis.

Each node is gunicorn with 2 workers (gunicorn.conf.py, APP_ENV=production) in its own
process group and on its own port, as two machines would be; both share the secret key,
the database and the Redis that keeps the login throttle's counters. nginx balances them
round robin, as the README's site does, and sends each answer with ``X-Upstream`` (the
node that gave it). A node that stops answering is skipped for ``FAIL_TIMEOUT`` seconds;
nginx passes a request on to the other node when the first cannot be reached, and for
reads also when it fails mid-request (never a POST, which may have been done).

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
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


def missing_tools() -> list[str]:
    """Return the programs the cluster needs that are not installed."""
    wanted = {"nginx": NGINX, "redis-server": REDIS, "initdb": "initdb", "pg_ctl": "pg_ctl"}
    return [name for name, path in wanted.items() if shutil.which(path) is None]


@dataclass
class Node:
    """One app node: gunicorn in its own process group, which kill() ends as a crash would."""

    name: str
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the node and wait until it answers /healthz."""
        with self.log.open("a") as handle:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
                cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        _wait_until_healthy(self.url, self.process, self.log, seconds=60)

    def kill(self) -> None:
        """End the node at once, master and workers, mid-request: a machine that dies."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the node gracefully (SIGTERM lets requests finish), killing it if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.kill()


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
        """Return everything the nodes logged."""
        return "".join(node.log.read_text(errors="replace") for node in self.nodes)


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


def nginx_config(port: int, nodes: list[Node], prefix: Path) -> str:
    """Return the site of the README's production section, for these nodes, on HTTP."""
    upstreams = "\n".join(
        f"        server 127.0.0.1:{node.port} max_fails=1 fail_timeout={FAIL_TIMEOUT}s;"
        for node in nodes
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
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream portfolio {{
{upstreams}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 2m;
        location / {{
            proxy_pass http://portfolio;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_connect_timeout 2s;
            proxy_next_upstream error timeout;
            add_header X-Upstream $upstream_addr always;
        }}
        location ~ ^/(analyses/new|api/v1/analyses)$ {{
            client_max_body_size 51m;
            proxy_pass http://portfolio;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
        }}
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
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / name).mkdir()
    if os.geteuid() == 0:
        # Its workers run as that user: let them reach their temporary folders.
        user = "www-data" if _has_user("www-data") else "nobody"
        for path in prefix.iterdir():
            shutil.chown(path, user)
        for path in (workdir, prefix):
            path.chmod(0o755)
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_config(port, nodes, prefix))
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


def node_env(database_url: str, redis_url: str, port: int, secret_key: str) -> dict[str, str]:
    """Return one node's environment: the production settings of the README."""
    env = _server_env(database_url, f"127.0.0.1:{port}", WORKERS)
    env.update({
        "SECRET_KEY": secret_key,  # the same on every node: sessions are signed with it
        "RATELIMIT_STORAGE_URL": redis_url,
        "TRUSTED_PROXIES": "1",
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
            nodes.append(Node(f"node {number}", port, env, workdir / f"node{number}.log"))
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
            print(f"{node.name}:     {node.url}  (log {node.log})")
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
