"""Background jobs: a huey queue the web app fills and a worker process empties.

Long work (fetching and analysing a repository) never runs in a web request: the view
records what to do, enqueues a job, and the page shows its state as the worker moves
it along. The queue lives in a SQLite file in the instance folder by default, which
suits one machine; with ``JOBS_REDIS_URL`` (or ``REDIS_URL``) it lives in Redis, shared
by the workers of every node of a cluster.

A worker is ``flask jobs worker`` (``make run`` starts one beside the app). Huey takes
a job off the queue before running it, so a worker that dies mid-job loses it: the
job's own record says so instead (its heartbeat stops), and ``sweep`` (every minute in
the worker, and whenever a page reads a job) runs it once more or reports it stopped.

Nothing here runs at import: ``init_app`` makes the app's queue and its tasks.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

log = logging.getLogger(__name__)


@dataclass
class Jobs:
    """The app's queue and the tasks it runs."""

    huey: Huey
    analyse: Any  # huey TaskWrapper: analyse(analysis_id) enqueues
    sweep: Any
    # References (issue 17): mail a request's link, or a referee's withdrawal link.
    send_reference_request: Any = None
    send_withdraw_link: Any = None
    sweep_reference_mail: Any = None


def make_huey(config: dict[str, Any], instance_path: str) -> Huey:
    """Return the queue the configuration names: Redis, or a SQLite file in instance/."""
    name = config.get("JOBS_QUEUE_NAME", "portfolio")
    if config.get("JOBS_REDIS_URL"):
        return RedisHuey(name, url=config["JOBS_REDIS_URL"], results=False)
    if config.get("TESTING") and not config.get("JOBS_SQLITE_PATH"):
        # A test that runs no worker keeps its jobs in memory, out of instance/.
        return MemoryHuey(name, results=False)
    path = config.get("JOBS_SQLITE_PATH") or str(Path(instance_path) / "jobs.sqlite")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=path, results=False)


def init_app(app: Flask) -> None:
    """Register the ``flask jobs`` commands; the queue is made when first used."""
    app.extensions["jobs"] = None
    _register_cli(app)


_making = threading.Lock()


def get_jobs(app: Flask | None = None) -> Jobs:
    """Return the app's queue and tasks, making them the first time (no file before)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    with _making:
        if app.extensions.get("jobs") is None:
            app.extensions["jobs"] = _make_jobs(app)
        return app.extensions["jobs"]


def _make_jobs(app: Flask) -> Jobs:
    huey = make_huey(app.config, app.instance_path)

    @huey.task(name="analyse")
    def analyse(analysis_id: int) -> None:
        from portfolio.analyses import service

        with app.app_context():
            service.run_analysis(analysis_id)

    @huey.periodic_task(crontab(minute="*"), name="sweep")
    def sweep() -> None:
        from portfolio.analyses import service

        with app.app_context():
            service.sweep_stale()

    # A mail server that is down is tried again after a pause; the last try that fails
    # marks the request "not sent" (``last_try``), so the owner can make a link instead.
    mail_retries = {
        "retries": app.config.get("REFERENCE_MAIL_RETRIES", 2),
        "retry_delay": app.config.get("REFERENCE_MAIL_RETRY_SECONDS", 30),
        "context": True,
    }

    # The arguments are a row id and the site's base URL for the link: never a token
    # (the job makes it), so the queue holds no secret.
    @huey.task(name="send_reference_request", **mail_retries)
    def send_reference_request(request_id: int, base_url: str, task=None) -> None:
        from portfolio.references import mailing

        with app.app_context():
            mailing.send_request_mail(request_id, base_url, last_try=not task.retries)

    @huey.task(name="send_withdraw_link", **mail_retries)
    def send_withdraw_link(request_id: int, base_url: str, task=None) -> None:
        from portfolio.references import mailing

        with app.app_context():
            mailing.send_withdraw_mail(request_id, base_url, last_try=not task.retries)

    @huey.periodic_task(crontab(minute="*"), name="sweep_reference_mail")
    def sweep_reference_mail() -> None:
        from portfolio.references import service as references

        with app.app_context():
            references.settle_stuck_mail()

    return Jobs(
        huey=huey, analyse=analyse, sweep=sweep,
        send_reference_request=send_reference_request,
        send_withdraw_link=send_withdraw_link,
        sweep_reference_mail=sweep_reference_mail,
    )  # fmt: skip


class _EmbeddedConsumer(Consumer):
    """A consumer started from another program (tests): the signals stay that program's."""

    def _set_signal_handlers(self) -> None:
        pass


def start_consumer(app: Flask, *, workers: int = 1, periodic: bool = False) -> Consumer:
    """Start a consumer's threads inside this process; stop it with ``consumer.stop()``."""
    consumer = _EmbeddedConsumer(
        get_jobs(app).huey,
        workers=workers,
        periodic=periodic,
        initial_delay=0.05,
        max_delay=0.5,
        check_worker_health=False,
    )
    consumer.start()
    return consumer


class Heartbeat:
    """Call ``beat`` every few seconds in a thread of its own until stopped."""

    def __init__(self, seconds: float, beat) -> None:
        self._stop = threading.Event()
        self._seconds = seconds
        self._beat = beat
        self._thread = threading.Thread(target=self._run, daemon=True, name="heartbeat")

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._seconds):
            try:
                self._beat()
            except Exception:  # a missed beat is retried; the job goes on
                log.exception("heartbeat failed")


def _register_cli(app: Flask) -> None:
    group = AppGroup("jobs", help="Run and inspect the background jobs.")

    @group.command("worker")
    @click.option("--workers", type=int, default=None, help="Threads (JOBS_WORKERS).")
    def worker_command(workers: int | None) -> None:
        """Run a worker: take jobs off the queue until stopped (Ctrl-C, SIGTERM)."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        count = workers or app.config["JOBS_WORKERS"]
        consumer = Consumer(get_jobs(app).huey, workers=count, periodic=True)
        click.echo(f"Jobs worker: {count} thread(s).")
        consumer.run()

    @group.command("sweep")
    def sweep_command() -> None:
        """Once, now: retry or report analyses whose worker died, and stuck reference mail."""
        from portfolio.analyses import service
        from portfolio.references import service as references

        changed = service.sweep_stale()
        click.echo(f"{changed} analysis(es) retried or reported.")
        settled = references.settle_stuck_mail()
        click.echo(f"{settled} reference mail(s) stuck sending reported not sent.")

    app.cli.add_command(group)
