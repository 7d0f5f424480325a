"""Code analyses: start one, run it in the background, read it, confirm its findings.

An analysis's life (``CodeAnalysis.status``)::

    queued -> running -> done -> confirmed
                      -> failed

* Starting one saves the upload under a random name in a private folder (never the
  name the user gave), records the analysis and enqueues ``analyse``; a URL is checked
  (https, no credentials, no private address) before anything is recorded. An account
  may have ``rules.MAX_ANALYSES_IN_PROGRESS`` analyses queued or running at once (counted
  with its portfolio locked) and start ``THROTTLE_ANALYSIS_START`` of them a day.
* The job claims the analysis (only one run at a time can), reads the archive, bundle or
  repository with the pure engines in ``portfolio.codescan``, keeps the findings and
  their evidence lines, never the code, and removes the upload whatever happens.
* A running job refreshes its heartbeat. One whose heartbeat stopped (its worker died)
  runs once more if its input is still there, else it is reported stopped; one running
  past the time limit is reported stopped. Nothing spins forever (``sweep_stale``).
* Confirming keeps the technologies the owner left ticked: it creates a project or adds
  them to one, through the project rules (``ProjectIn``, ``projects.services``), marks
  them "from its code" with up to five evidence lines each, and replaces the project's
  earlier code proof: a technology a new analysis no longer shows loses its mark.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import func, select, update

from portfolio.extensions import db
from portfolio.jobs import Heartbeat, get_jobs
from portfolio.models import CodeAnalysis, Project, ProjectCodeEvidence, User, utcnow
from portfolio.projects import services as projects
from portfolio.schemas import rules
from portfolio.schemas.base import validate
from portfolio.schemas.project import ProjectIn, record_input

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED, CONFIRMED = "queued", "running", "done", "failed", "confirmed"
#: States a page keeps refreshing for.
IN_PROGRESS = frozenset({QUEUED, RUNNING})
#: How many runs an analysis gets: the first, and one more when its worker died.
MAX_ATTEMPTS = 2
#: A queued analysis no worker took within this long is reported stopped (seconds).
QUEUE_LIMIT_SECONDS = 60 * 60
#: How much of a file is read to tell a git bundle from an archive.
HEAD_BYTES = 64


class FieldRefused(ValueError):
    """Input refused with a message for one field ("file", "url", "emails"...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class AnalysisLimit(FieldRefused):
    """The account may not start another analysis now.

    ``retry_after`` is the seconds until the daily limit lets it (0 when the refusal is
    the analyses already waiting or running: one finishing lets it).
    """

    def __init__(self, field: str, message: str, retry_after: int = 0) -> None:
        super().__init__(field, message)
        self.retry_after = retry_after


# --- starting -------------------------------------------------------------------------


def upload_folder() -> Path:
    """Return the private folder uploads wait in until their job reads them."""
    configured = current_app.config.get("CODE_UPLOAD_FOLDER")
    if not configured and current_app.config.get("TESTING"):
        # Tests that name no folder keep uploads out of instance/, one folder per app.
        configured = current_app.config["CODE_UPLOAD_FOLDER"] = tempfile.mkdtemp(
            prefix="portfolio-uploads-"
        )
    folder = Path(configured or Path(current_app.instance_path) / "uploads")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def archive_limits():
    """Return the archive limits the configuration sets."""
    from portfolio.codescan import ArchiveLimits

    config = current_app.config
    return ArchiveLimits(
        max_upload_bytes=config["CODE_UPLOAD_MAX_BYTES"],
        max_unpacked_bytes=config["CODE_UNPACKED_MAX_BYTES"],
        max_files=config["CODE_MAX_FILES"],
    )


def start_upload(
    user: User, stream: IO[bytes], filename: str, emails: list[str], project: Project | None
) -> CodeAnalysis:
    """Save an uploaded archive or bundle privately, record its analysis and enqueue it."""
    from portfolio.codescan.history import is_bundle

    settle_own(user)
    check_in_progress(user, "file")  # before copying the upload; checked again, locked, below
    name = secrets.token_hex(16)
    path = upload_folder() / name
    limit = current_app.config["CODE_UPLOAD_MAX_BYTES"]
    written = 0
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(1024 * 1024):
                written += len(chunk)
                if written > limit:
                    raise FieldRefused("file", too_big_message(limit))
                out.write(chunk)
        if written == 0:
            raise FieldRefused("file", rules.ANALYSIS_NEEDS_SOURCE)
        with open(path, "rb") as handle:
            source = "bundle" if is_bundle(handle.read(HEAD_BYTES)) else "archive"
        analysis = _record(user, "file", source, filename, emails, project, upload_name=name)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    _enqueue(analysis)
    return analysis


def start_url(user: User, url: str, emails: list[str], project: Project | None) -> CodeAnalysis:
    """Check a repository URL, record its analysis and enqueue it."""
    from portfolio.codescan.fetch import check_repository_url
    from portfolio.codescan.history import RepositoryRefused

    try:
        url = check_repository_url(url, allow_hosts=_allowed_hosts())
    except RepositoryRefused as error:
        raise FieldRefused("url", str(error)) from None
    settle_own(user)
    check_in_progress(user, "url")
    analysis = _record(user, "url", "url", url, emails, project)
    _enqueue(analysis)
    return analysis


#: Room for the form's other fields beside the file in an upload's body.
FORM_OVERHEAD = 64 * 1024


def upload_body_limit() -> int:
    """Return the largest request body an upload route accepts: the file and its form."""
    return current_app.config["CODE_UPLOAD_MAX_BYTES"] + FORM_OVERHEAD


def too_big_message(limit: int) -> str:
    """Return the message for an upload over ``limit`` bytes."""
    from portfolio.codescan.archive import size_text

    return rules.UPLOAD_TOO_BIG.format(limit=size_text(limit))


def _allowed_hosts() -> tuple[str, ...]:
    return tuple(current_app.config.get("REPO_IMPORT_ALLOW_HOSTS") or ())


def in_progress_count(user: User) -> int:
    """Return how many of the user's analyses are waiting or running."""
    return db.session.scalar(
        select(func.count(CodeAnalysis.id)).where(
            CodeAnalysis.user_id == user.id, CodeAnalysis.status.in_(IN_PROGRESS)
        )
    )


def settle_own(user: User) -> None:
    """Retry or report the user's analyses whose worker died, so they stop counting.

    Run before the in-progress limit is checked, outside its lock (a sweep commits).
    """
    ids = db.session.scalars(
        select(CodeAnalysis.id).where(
            CodeAnalysis.user_id == user.id, CodeAnalysis.status.in_(IN_PROGRESS)
        )
    ).all()
    for analysis_id in ids:
        sweep_stale(analysis_id)


def check_in_progress(user: User, field: str) -> None:
    """Raise AnalysisLimit if the user has as many analyses waiting or running as allowed."""
    if in_progress_count(user) >= rules.MAX_ANALYSES_IN_PROGRESS:
        raise AnalysisLimit(field, rules.TOO_MANY_ANALYSES)


def _check_daily_limit(user: User, field: str) -> None:
    """Count a start against ``THROTTLE_ANALYSIS_START``; raise AnalysisLimit when over it."""
    from portfolio.auth.throttle import attempt, configured_rule

    wait = attempt([(configured_rule("THROTTLE_ANALYSIS_START"), f"user:{user.id}")])
    if wait:
        raise AnalysisLimit(field, rules.ANALYSES_TODAY_USED.format(wait=wait_text(wait)), wait)


def wait_text(seconds: int) -> str:
    """Return a wait in words: "1 minute", "25 minutes", "3 hours"."""
    minutes = max(1, -(-seconds // 60))
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{-(-minutes // 60)} hours"


def _record(
    user: User,
    field: str,
    source: str,
    label: str,
    emails: list[str],
    project: Project | None,
    *,
    upload_name: str = "",
) -> CodeAnalysis:
    """Record a queued analysis within the user's limits (``field`` is where a refusal shows).

    The portfolio is locked while the analyses in progress are counted, so two starts
    at once cannot both take the last free place.
    """
    try:
        projects.lock_portfolio(user)
        check_in_progress(user, field)
        _check_daily_limit(user, field)
    except BaseException:
        db.session.rollback()
        raise
    analysis = CodeAnalysis(
        user_id=user.id,
        project_id=project.id if project is not None else None,
        source=source,
        label=label[: rules.URL_MAX],
        emails=list(emails),
        upload_name=upload_name,
        status=QUEUED,
        step="Waiting for a worker",
        error="",
        attempts=0,
    )
    db.session.add(analysis)
    db.session.commit()
    return analysis


def _enqueue(analysis: CodeAnalysis) -> None:
    try:
        get_jobs().analyse(analysis.id)
    except Exception:
        log.exception("could not enqueue analysis %s", analysis.id)
        _finish(analysis.id, None, FAILED, error=rules.ANALYSIS_STOPPED)
        _remove_upload(analysis.upload_name)
        db.session.refresh(analysis)


# --- reading --------------------------------------------------------------------------


def get_user_analysis(user: User, analysis_id: int) -> CodeAnalysis | None:
    """Return the user's analysis with this id, or None (other users' ids included)."""
    analysis = db.session.scalar(
        select(CodeAnalysis).where(CodeAnalysis.id == analysis_id, CodeAnalysis.user_id == user.id)
    )
    if analysis is not None and analysis.status in IN_PROGRESS and sweep_stale(analysis.id):
        db.session.refresh(analysis)
    return analysis


#: The most analyses the list of one's analyses shows (the newest).
LIST_LIMIT = 50


@dataclass(frozen=True)
class ListedAnalysis:
    """One line of the list of a user's analyses."""

    analysis: CodeAnalysis
    project_title: str | None  # the project it went to, or was started from


def list_user_analyses(
    user: User, project_id: int | None = None, limit: int = LIST_LIMIT
) -> list[ListedAnalysis]:
    """Return the user's analyses, newest first (of one project when given), at most ``limit``."""
    query = (
        select(CodeAnalysis, Project.title)
        .outerjoin(Project, (Project.id == CodeAnalysis.project_id) & (Project.user_id == user.id))
        .where(CodeAnalysis.user_id == user.id)
        .order_by(CodeAnalysis.created_at.desc(), CodeAnalysis.id.desc())
        .limit(limit)
    )
    if project_id is not None:
        query = query.where(CodeAnalysis.project_id == project_id)
    return [ListedAnalysis(analysis, title) for analysis, title in db.session.execute(query)]


def has_analyses(user: User, project_id: int) -> bool:
    """Return whether any of the user's analyses belongs to this project."""
    return (
        db.session.scalar(
            select(CodeAnalysis.id)
            .where(CodeAnalysis.user_id == user.id, CodeAnalysis.project_id == project_id)
            .limit(1)
        )
        is not None
    )


@dataclass(frozen=True)
class Result:
    """An analysis's findings as the pages and the API show them."""

    findings: Any  # codescan.Findings
    history: Any  # codescan.history.History, or None without history

    @property
    def choosable(self) -> tuple:
        """Return the technologies the code itself shows: the ones the owner may keep.

        A technology found only because a found one implies it (SQL from MySQL) is not
        offered: the score already credits it through the catalogue, and a tag of its
        own would count it again as named.
        """
        return tuple(found for found in self.findings.technologies if found.strength != "implied")

    @property
    def implied(self) -> tuple:
        """Return the technologies found only as implied by others, shown for information."""
        return tuple(found for found in self.findings.technologies if found.strength == "implied")

    @property
    def languages(self) -> tuple:
        """Return languages by lines: with history, only the lines the owner's commits added.

        With history there is no falling back to the whole tree: when none of the
        commits are the owner's (a wrong email), nothing is counted as theirs.
        """
        if self.history is not None:
            return tuple(self.history.languages_yours)
        return tuple(self.findings.languages)

    @property
    def languages_note(self) -> str:
        """Return the sentence that says what the languages were counted from."""
        if self.history is None:
            return rules.LANGUAGES_FROM_TREE
        if not self.history.commits_yours:
            return rules.LANGUAGES_NONE_YOURS
        if not self.history.languages_yours:
            return rules.LANGUAGES_NO_LINES_YOURS
        return rules.LANGUAGES_FROM_YOUR_COMMITS


def result_of(analysis: CodeAnalysis) -> Result | None:
    """Return what a finished analysis found (None before it has finished)."""
    if not analysis.findings:
        return None
    from portfolio.codescan import Findings

    stored = analysis.findings
    history = None
    if stored.get("history"):
        from portfolio.codescan.history import History

        history = History.from_json(stored["history"])
    return Result(Findings.from_json(stored["findings"]), history)


# --- the job ----------------------------------------------------------------------------


def run_analysis(analysis_id: int) -> None:
    """Run one analysis (the background job): claim it, analyse, keep the findings."""
    attempt = _claim(analysis_id)
    if attempt is None:
        return  # another run has it, or it finished or was reported stopped meanwhile
    analysis = db.session.get(CodeAnalysis, analysis_id)
    if analysis is None:
        return
    upload = analysis.upload_name
    seconds = current_app.config["JOBS_HEARTBEAT_SECONDS"]
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def beat() -> None:
        with app.app_context():
            _touch(analysis_id, attempt)

    try:
        with Heartbeat(seconds, beat):
            stored = _analyse(analysis, lambda text: _step(analysis_id, attempt, text))
        _finish(analysis_id, attempt, DONE, findings=stored, step="Finished")
    except Exception as error:
        from portfolio.codescan import ArchiveRefused
        from portfolio.codescan.history import RepositoryRefused

        db.session.rollback()
        if isinstance(error, ArchiveRefused | RepositoryRefused):
            message = str(error)
        elif isinstance(error, _Stopped):
            message = rules.ANALYSIS_STOPPED
        else:
            log.exception("analysis %s failed", analysis_id)
            message = rules.ANALYSIS_BROKE
        _finish(analysis_id, attempt, FAILED, error=message, step="Stopped")
    finally:
        _remove_upload(upload)


def _analyse(analysis: CodeAnalysis, step) -> dict[str, Any]:
    """Read the analysis's input with the engines; return findings and history as JSON."""
    from portfolio.codescan import analyse_files, read_archive

    history = None
    if analysis.source == "url":
        from portfolio.codescan.fetch import fetch_repository

        step("Fetching the repository")
        files, history = fetch_repository(
            analysis.label,
            analysis.emails,
            allow_hosts=_allowed_hosts(),
            progress=step,
            ca_certs=current_app.config.get("REPO_IMPORT_CA_CERTS") or None,
            archive_limits=archive_limits(),
        )
    else:
        path = upload_folder() / analysis.upload_name
        if not analysis.upload_name or not path.exists():
            raise _Stopped
        if analysis.source == "bundle":
            from portfolio.codescan.history import analyse_bundle

            step("Reading the bundle's history")
            files, history = analyse_bundle(
                str(path), analysis.emails, progress=step, archive_limits=archive_limits()
            )
        else:
            step("Unpacking the archive")
            with open(path, "rb") as handle:
                files = read_archive(handle, analysis.label, archive_limits())
    step(f"Looking for technologies in {len(files):,} files")
    findings = analyse_files(files)
    return {
        "findings": findings.to_json(),
        "history": history.to_json() if history is not None else None,
    }


class _Stopped(Exception):
    """The upload is gone: the analysis cannot run again."""


def _claim(analysis_id: int) -> int | None:
    """Move a queued analysis to running; return its attempt number, or None."""
    now = utcnow()
    claimed = db.session.execute(
        update(CodeAnalysis)
        .where(CodeAnalysis.id == analysis_id, CodeAnalysis.status == QUEUED)
        .values(
            status=RUNNING,
            attempts=CodeAnalysis.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            step="Starting",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return None
    return db.session.scalar(select(CodeAnalysis.attempts).where(CodeAnalysis.id == analysis_id))


def _mine(analysis_id: int, attempt: int | None):
    condition = [CodeAnalysis.id == analysis_id]
    if attempt is not None:
        condition += [CodeAnalysis.status == RUNNING, CodeAnalysis.attempts == attempt]
    return update(CodeAnalysis).where(*condition).execution_options(synchronize_session=False)


def _step(analysis_id: int, attempt: int, text: str) -> None:
    db.session.execute(
        _mine(analysis_id, attempt).values(step=str(text)[:200], heartbeat_at=utcnow())
    )
    db.session.commit()


def _touch(analysis_id: int, attempt: int) -> None:
    db.session.execute(_mine(analysis_id, attempt).values(heartbeat_at=utcnow()))
    db.session.commit()


def _finish(
    analysis_id: int,
    attempt: int | None,
    status: str,
    *,
    findings: dict[str, Any] | None = None,
    error: str = "",
    step: str = "",
) -> None:
    values: dict[str, Any] = {"status": status, "finished_at": utcnow(), "error": error[:1000]}
    if findings is not None:
        values["findings"] = findings
    if step:
        values["step"] = step
    db.session.execute(_mine(analysis_id, attempt).values(**values))
    db.session.commit()


def _remove_upload(name: str) -> None:
    if name:
        (upload_folder() / name).unlink(missing_ok=True)


def sweep_stale(analysis_id: int | None = None, now: datetime | None = None) -> int:
    """Retry once, or report stopped, analyses whose worker died or that ran too long.

    Dead: running with no heartbeat for ``JOBS_STALE_SECONDS``. It runs again while it
    has attempts left and its input (the upload) is still there; else it is reported
    "The analysis stopped; try again". Running past ``JOBS_TIME_LIMIT_SECONDS``, or
    queued for an hour with no worker taking it, is reported stopped too. Each change
    is a conditional update, so two sweeps at once change an analysis once. Returns how
    many analyses changed.
    """
    config = current_app.config
    now = now or utcnow()
    dead_before = now - timedelta(seconds=config["JOBS_STALE_SECONDS"])
    overrun_before = now - timedelta(seconds=config["JOBS_TIME_LIMIT_SECONDS"])
    lost_before = now - timedelta(seconds=QUEUE_LIMIT_SECONDS)
    query = select(CodeAnalysis).where(
        (
            (CodeAnalysis.status == RUNNING)
            & (
                (CodeAnalysis.heartbeat_at < dead_before)
                | (CodeAnalysis.started_at < overrun_before)
            )
        )
        | ((CodeAnalysis.status == QUEUED) & (CodeAnalysis.created_at < lost_before))
    )
    if analysis_id is not None:
        query = query.where(CodeAnalysis.id == analysis_id)
    changed = 0
    for found in list(db.session.scalars(query)):
        seen = (CodeAnalysis.id == found.id, CodeAnalysis.status == found.status,
                CodeAnalysis.attempts == found.attempts)  # fmt: skip
        died = found.status == RUNNING and found.heartbeat_at and found.heartbeat_at < dead_before
        overran = found.status == RUNNING and found.started_at and found.started_at < overrun_before
        input_left = found.source == "url" or (
            bool(found.upload_name) and (upload_folder() / found.upload_name).exists()
        )
        retry = died and not overran and found.attempts < MAX_ATTEMPTS and input_left
        values: dict[str, Any] = (
            {"status": QUEUED, "step": "Trying again: the worker stopped", "heartbeat_at": now}
            if retry
            else {"status": FAILED, "step": "Stopped", "error": rules.ANALYSIS_STOPPED,
                  "finished_at": now}
        )  # fmt: skip
        done = db.session.execute(
            update(CodeAnalysis).where(*seen).values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount  # fmt: skip
        db.session.commit()
        if done != 1:
            continue
        changed += 1
        if retry:
            log.warning("analysis %s: its worker stopped; running it again", found.id)
            get_jobs().analyse(found.id)
        else:
            _remove_upload(found.upload_name)
    changed += _enqueue_waiting_again(dead_before, lost_before, analysis_id)
    db.session.expire_all()
    return changed


def _enqueue_waiting_again(dead_before: datetime, lost_before: datetime, analysis_id) -> int:
    """Put back on the queue analyses waiting longer than a worker takes to be missed.

    A worker killed after taking a job off the queue but before claiming it (the
    conditional update in ``_claim``) leaves the analysis queued with nobody working
    on it. Queuing it again is harmless: only one run can claim it, any other finds it
    claimed and stops. ``heartbeat_at`` records when it was last queued, so each
    waiting analysis is queued again at most once per ``JOBS_STALE_SECONDS``.
    """
    last_queued = func.coalesce(CodeAnalysis.heartbeat_at, CodeAnalysis.created_at)
    query = select(CodeAnalysis.id, CodeAnalysis.heartbeat_at).where(
        CodeAnalysis.status == QUEUED,
        last_queued < dead_before,
        CodeAnalysis.created_at >= lost_before,
    )
    if analysis_id is not None:
        query = query.where(CodeAnalysis.id == analysis_id)
    queued_again = 0
    for found_id, heartbeat_at in db.session.execute(query).all():
        done = db.session.execute(
            update(CodeAnalysis)
            .where(
                CodeAnalysis.id == found_id,
                CodeAnalysis.status == QUEUED,
                CodeAnalysis.heartbeat_at.is_(None)
                if heartbeat_at is None
                else CodeAnalysis.heartbeat_at == heartbeat_at,
            )
            .values(heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if done == 1:
            log.warning("analysis %s: still waiting; queued again", found_id)
            get_jobs().analyse(found_id)
            queued_again += 1
    return queued_again


# --- confirming ---------------------------------------------------------------------------


def default_title(analysis: CodeAnalysis) -> str:
    """Return a title for a project made from an analysis: the repository's name."""
    label = analysis.label.rstrip("/")
    name = label.rsplit("/", 1)[-1]
    for suffix in (".git", ".bundle", ".tar.gz", ".tgz", ".zip", ".tar"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name[: rules.TITLE_MAX] or "Repository"


def _month(value: date | None) -> str | None:
    return rules.format_month(value.replace(day=1)) if value else None


def proposed_project(analysis: CodeAnalysis, result: Result) -> dict[str, Any]:
    """Return the new project's fields as proposed: title, start and end from history."""
    history = result.history
    return {
        "title": default_title(analysis),
        "kind": "personal",
        "start": _month(history.first_yours) if history else None,
        "end": _month(history.last_yours) if history else None,
    }


def confirm(
    user: User,
    analysis: CodeAnalysis,
    chosen: Iterable[str],
    *,
    project: Project | None = None,
    new_project: dict[str, Any] | None = None,
) -> Project:
    """Keep the chosen findings on a project (this one, or a new one); return it.

    ``chosen`` are catalogue names; names the analysis did not find are ignored. A new
    project's fields go through ``ProjectIn`` (raising ``SchemaError``), and so does
    the changed project. Raises ``FieldRefused`` when the analysis is not ready.
    """
    if analysis.status == CONFIRMED:
        raise FieldRefused("", rules.ANALYSIS_CONFIRMED)
    result = result_of(analysis)
    if analysis.status != DONE or result is None:
        raise FieldRefused("", rules.ANALYSIS_NOT_DONE)
    wanted = set(chosen)
    kept = [found for found in result.choosable if found.name in wanted]
    names = [found.name for found in kept]
    if project is None:
        data = dict(new_project or {})
        data["technologies"] = [*data.get("technologies", []), *names]
        if analysis.source == "url" and not data.get("source_url"):
            data["source_url"] = analysis.label
        record = validate(ProjectIn, data).to_record()
        projects.lock_portfolio(user)
        projects.check_project_quota(user)
        project = Project(user_id=user.id, technologies=[])
        projects.apply_record(project, record)
        db.session.add(project)
    else:
        data = record_input(projects.record_of(project))
        data["technologies"] = [*data["technologies"], *names]
        if analysis.source == "url" and not data["source_url"]:
            data["source_url"] = analysis.label
        record = validate(ProjectIn, data).to_record(id=project.id)
        projects.apply_record(project, record)
        project.updated_at = utcnow()  # its marks changed: a new version
    evidence = {
        found.name: [
            {"path": line.path, "line": line.line, "text": line.text}
            for line in found.evidence[: rules.CODE_EVIDENCE_LINES]
        ]
        for found in kept
    }
    for tag in project.technologies:
        tag.from_code = tag.name in evidence
        tag.evidence = evidence.get(tag.name)
    projects.touch_portfolio(user)
    db.session.flush()
    _keep_proof(project.id, analysis, result)
    analysis.status = CONFIRMED
    analysis.project_id = project.id
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    projects.portfolio_changed.send(user)
    return project


def _keep_proof(project_id: int, analysis: CodeAnalysis, result: Result) -> None:
    history = result.history
    proof = db.session.get(ProjectCodeEvidence, project_id) or ProjectCodeEvidence(
        project_id=project_id
    )
    proof.source = analysis.source
    proof.label = analysis.label
    proof.analysed_at = analysis.finished_at or utcnow()
    proof.languages = [share.to_json() for share in result.languages]
    proof.practices = [
        {
            "name": practice.name,
            "detail": practice.detail,
            "evidence": [
                {"path": line.path, "line": line.line, "text": line.text}
                for line in practice.evidence[: rules.CODE_EVIDENCE_LINES]
            ],
        }
        for practice in result.findings.practices
    ]
    proof.commits_yours = history.commits_yours if history else None
    proof.commits_total = history.commits_total if history else None
    proof.first_commit = history.first_yours if history else None
    proof.last_commit = history.last_yours if history else None
    proof.commit_authors = list(history.authors_matched) if history else None
    db.session.add(proof)


def project_proof(project: Project) -> ProjectCodeEvidence | None:
    """Return what the latest confirmed analysis of a project showed, if any."""
    return db.session.get(ProjectCodeEvidence, project.id)
