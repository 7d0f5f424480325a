"""Evidence from the code itself, as a person uses it: upload, the job, findings, confirm.

Every test runs on SQLite and PostgreSQL, with a real huey consumer in threads of the
test process taking the jobs off a SQLite queue of its own.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from portfolio import create_app
from portfolio.extensions import db
from portfolio.models import CodeAnalysis, Project, ProjectTechnology, User, utcnow
from portfolio.schemas import rules
from tests.analyses_helpers import (
    LARAVEL_SHOP,
    jobs_settings,
    running_worker,
    tar_with_escape,
    wait_until_finished,
    zip_bomb,
    zip_of,
)
from tests.conftest import app_with
from tests.git_helpers import CommitSpec, make_bundle, make_repo
from tests.page_forms import form_values
from tests.test_public_page import share

FROM_CODE = "(from its code)"


@pytest.fixture
def app(database_url: str, tmp_path: Path):
    """The app with its jobs queue and uploads folder in this test's own folder."""
    with app_with(database_url, tmp_path, **jobs_settings(tmp_path)) as made:
        yield made


@pytest.fixture
def worker(app):
    with running_worker(app):
        yield


def uploads(app) -> list[Path]:
    folder = Path(app.config["CODE_UPLOAD_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


def upload(user, data: bytes, name: str = "shop.zip", path: str = "/analyses/new", **fields):
    payload = {"file": (io.BytesIO(data), name), "emails": "ada@example.com", **fields}
    return user.post(path, payload, form_path=path, content_type="multipart/form-data")


def analyse(user, data: bytes, name: str = "shop.zip", path: str = "/analyses/new") -> tuple:
    response = upload(user, data, name, path)
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    return location, wait_until_finished(user.client, location)


def confirm(user, location: str, page: str, **changes):
    """Send the findings form as shown (every box ticked), with some fields changed."""
    data = form_values(page, action=location)
    data.update(changes)
    sent = MultiDict([(k, v) for k, v in data.items() if k != "technologies"])
    for name in re.findall(r'name="technologies" value="([^"]+)" checked', page):
        sent.add("technologies", name)
    return user.client.post(location, data=sent)


def test_upload_analyse_and_confirm_marks_technologies_from_its_code(user, app, worker):
    location, page = analyse(user, zip_of(LARAVEL_SHOP))
    assert uploads(app) == []  # the upload is gone once read
    for name in ("PHP", "Laravel", "MySQL"):
        assert f'value="{name}" checked' in page, name
    assert "composer.json: &#34;laravel/framework&#34;: &#34;5.5.*&#34;" in page
    # SQL comes only from MySQL: credited through it, never a tag of its own.
    assert 'value="SQL"' not in page
    assert re.search(r"Implied, and credited through them[^<]*SQL", page)
    assert "hunter2" not in page  # environment values are never shown
    assert "Automated testing" in page
    # Untick MySQL, name the project and give its start: then create it.
    data = form_values(page, action=location)
    data["start"] = "2024-05"
    sent = [(k, v) for k, v in data.items() if k != "technologies"]
    sent += [("technologies", "PHP"), ("technologies", "Laravel"), ("create", "Create a project")]
    response = user.client.post(location, data=MultiDict(sent))
    assert response.status_code == 302, response.get_data(as_text=True)
    detail = user.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h1>shop</h1>" in detail
    marked = re.findall(r"<summary>([^<]+) <span class=\"from-code\">", detail)
    assert sorted(marked) == ["Laravel", "PHP"]
    assert "Code analysed" in detail
    with app.app_context():
        tags = {t.name: t for t in db.session.scalars(select(ProjectTechnology))}
        assert tags["Laravel"].from_code and not tags.get("MySQL")
        # The lines that prove it are kept with the tag, exactly as found.
        assert tags["Laravel"].evidence == [
            {"path": "composer.json", "line": 5, "text": '"laravel/framework": "5.5.*"'},
            {"path": "artisan", "line": None, "text": "file present"},
        ]
        analysis = db.session.scalars(select(CodeAnalysis)).one()
        assert analysis.status == "confirmed"
        assert "hunter2" not in json.dumps(analysis.findings)


def test_technologies_from_code_are_marked_on_every_output(user, app, worker):
    location, page = analyse(user, zip_of(LARAVEL_SHOP))
    response = confirm(user, location, page, create="Create a project", start="2024-05")
    assert response.status_code == 302
    project_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    with app.app_context():
        project = db.session.get(Project, project_id)
        project.public = True
        db.session.commit()
    public = user.client.get(share(user)).get_data(as_text=True)
    assert 'Laravel <span class="from-code"' in public and FROM_CODE in public
    html = user.client.get("/share/download/portfolio.html").get_data(as_text=True)
    assert FROM_CODE in html and "Code analysed" in html
    markdown = user.client.get("/share/download/README.md").get_data(as_text=True)
    assert "**From its code:**" in markdown and "`Laravel`" in markdown
    resume = json.loads(user.client.get("/share/download/resume.json").data)
    evidence = resume["projects"][0]["x-evidence"]
    assert "Laravel" in evidence["fromCode"] and evidence["code"]["source"] == "archive"
    from pypdf import PdfReader

    from tests.pdf_helpers import text_of

    pdf = user.client.get("/share/download/portfolio.pdf")
    text = " ".join(text_of(PdfReader(io.BytesIO(pdf.data))).split())
    assert "Laravel (from its code)" in text


def test_reanalysis_replaces_the_earlier_findings(user, app, worker):
    location, page = analyse(user, zip_of(LARAVEL_SHOP))
    response = confirm(user, location, page, create="Create a project", start="2024-05")
    project_path = response.headers["Location"]
    project_id = project_path.rsplit("/", 1)[-1]
    # The project is now plain Laravel without MySQL in its code.
    smaller = {
        k: v for k, v in LARAVEL_SHOP.items() if k not in (".env.example", "docker-compose.yml")
    }
    location, page = analyse(user, zip_of(smaller), path=f"/analyses/new?project={project_id}")
    assert "Add to “shop”" in page
    assert 'value="MySQL"' not in page
    response = confirm(user, location, page, add="Add", project_id=project_id)
    assert response.status_code == 302 and response.headers["Location"] == project_path
    with app.app_context():
        tags = {t.name: t.from_code for t in db.session.scalars(select(ProjectTechnology))}
    assert tags["Laravel"] is True
    assert tags["MySQL"] is False  # still a tag of the project, no longer marked


@pytest.mark.parametrize(
    ("name", "data"),
    [("escape.tar.gz", tar_with_escape()), ("bomb.zip", zip_bomb()), ("notes.zip", b"not a zip")],
)
def test_hostile_archives_are_refused_beside_the_field_and_leave_nothing(
    user, app, worker, name, data
):
    _location, page = analyse(user, data, name)
    message = re.search(r'<p class="error" id="file-error">([^<]+)</p>', page)
    assert message, page
    assert 'role="alert"' in page
    assert uploads(app) == []
    with app.app_context():
        assert db.session.scalars(select(CodeAnalysis.status)).one() == "failed"


def test_an_upload_over_the_limit_gets_a_message_beside_the_field(user, app):
    app.config["CODE_UPLOAD_MAX_BYTES"] = 100 * 1024
    response = upload(user, b"0" * (300 * 1024))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    # A limit that is not a whole number of megabytes reads in bytes, never "0.0976562 MB".
    assert 'id="file-error">The file is larger than 102,400 bytes' in page
    assert uploads(app) == []


def test_the_app_wide_limit_stays_small_elsewhere(user, app):
    response = user.post("/projects/new", {"title": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "file", rules.ANALYSIS_NEEDS_SOURCE),
        ({"url": "https://example.com/a.git", "with_file": True}, "url", rules.ANALYSIS_ONE_SOURCE),
        ({"url": "http://example.com/a.git"}, "url", None),
        ({"url": "https://ada:secret@example.com/a.git"}, "url", None),
        ({"url": "https://127.0.0.1/repo.git"}, "url", None),
        ({"url": "https://example.com/a.git", "emails": "not an email"}, "emails", None),
    ],
)
def test_refusals_are_messages_beside_their_field(user, app, fields, field, message):
    data = {"emails": fields.get("emails", "ada@example.com"), "url": fields.get("url", "")}
    if fields.get("with_file"):
        data["file"] = (io.BytesIO(zip_of(LARAVEL_SHOP)), "shop.zip")
    response = user.post(
        "/analyses/new", data, form_path="/analyses/new", content_type="multipart/form-data"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">([^<]+)</p>', page)
    assert error, page
    if message:
        assert error.group(1) == message
    assert uploads(app) == []
    with app.app_context():
        assert db.session.scalars(select(CodeAnalysis)).all() == []


def test_the_form_is_prefilled_with_the_account_email_and_needs_csrf(user, client):
    page = user.client.get("/analyses/new").get_data(as_text=True)
    assert re.search(r'name="emails" rows="3">\s*ada@example.com</textarea>', page), page
    assert 'for="file">Repository archive or bundle<' in page
    assert 'for="url">Repository URL<' in page
    assert 'for="emails">Your commit emails<' in page
    response = user.client.post(
        "/analyses/new",
        data={"file": (io.BytesIO(zip_of(LARAVEL_SHOP)), "shop.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_another_users_analysis_is_404(user, app, new_device, worker):
    location, _page = analyse(user, zip_of(LARAVEL_SHOP))
    other = new_device()
    other.register(email="eve@example.com", name="Eve")
    assert other.client.get(location).status_code == 404
    token = other.token("/projects/new")
    response = other.client.post(location, data={"csrf_token": token, "create": "Create"})
    assert response.status_code == 404
    assert other.client.get("/analyses/new?project=1").status_code == 404


def test_the_pages_link_to_the_analysis(user):
    user.add_project(title="Booking API")
    projects = user.client.get("/projects/").get_data(as_text=True)
    assert "Import from code" in projects
    with_project = re.search(r'href="(/projects/\d+)"', projects).group(1)
    detail = user.client.get(with_project).get_data(as_text=True)
    assert "Analyse its code" in detail and "/analyses/new?project=" in detail


def test_a_bundle_counts_the_owners_commits_and_proposes_dates(user, app, worker, tmp_path):
    bob = "Bob <bob@example.com>"
    commits = [
        CommitSpec({"file0.py": "print('hello')\n", "composer.json": LARAVEL_SHOP["composer.json"]},
                   author="Ada <ada@example.com>", date="2024-03-05T10:00:00+00:00"),
        CommitSpec({"file1.py": "print('hello')\n" * 2}, author=bob,
                   date="2024-04-01T10:00:00+00:00"),
        CommitSpec({"file2.py": "print('hello')\n" * 3}, author="Ada <ada@example.com>",
                   date="2024-06-20T10:00:00+00:00"),
    ]  # fmt: skip
    make_bundle(make_repo(tmp_path / "repo", commits), tmp_path / "repo.bundle")
    _location, page = analyse(user, (tmp_path / "repo.bundle").read_bytes(), "repo.bundle")
    assert "2 of 3 commits are yours" in page
    assert 'name="start" type="month" value="2024-03"' in page
    assert 'name="end" type="month" value="2024-06"' in page
    assert uploads(app) == []


def _stale_analysis(app, user_email: str, *, attempts: int, with_upload: bool) -> int:
    """Record an analysis a worker claimed and then died on (no heartbeat for long)."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == user_email)).one()
        folder = Path(app.config["CODE_UPLOAD_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        name = "a" * 32
        if with_upload:
            (folder / name).write_bytes(zip_of(LARAVEL_SHOP))
        long_ago = utcnow() - timedelta(seconds=app.config["JOBS_STALE_SECONDS"] * 3)
        analysis = CodeAnalysis(
            user_id=user.id, source="archive", label="shop.zip", emails=[], upload_name=name,
            status="running", step="Unpacking the archive", error="", attempts=attempts,
            started_at=long_ago, heartbeat_at=long_ago,
        )  # fmt: skip
        db.session.add(analysis)
        db.session.commit()
        return analysis.id


def test_a_job_whose_worker_died_runs_once_more(user, app, worker):
    analysis_id = _stale_analysis(app, "ada@example.com", attempts=1, with_upload=True)
    page = wait_until_finished(user.client, f"/analyses/{analysis_id}")
    assert 'value="Laravel" checked' in page
    assert uploads(app) == []
    with app.app_context():
        assert db.session.get(CodeAnalysis, analysis_id).attempts == 2


def test_a_job_lost_between_the_queue_and_its_worker_is_queued_again(user, app, worker):
    # A worker killed after taking the job off the queue, before claiming it: the
    # analysis waits, queued, with no job left for it anywhere.
    analysis_id = _stale_analysis(app, "ada@example.com", attempts=0, with_upload=True)
    with app.app_context():
        found = db.session.get(CodeAnalysis, analysis_id)
        found.status, found.started_at, found.heartbeat_at = "queued", None, None
        found.created_at = utcnow() - timedelta(seconds=app.config["JOBS_STALE_SECONDS"] * 3)
        db.session.commit()
    page = wait_until_finished(user.client, f"/analyses/{analysis_id}")
    assert 'value="Laravel" checked' in page
    with app.app_context():
        assert db.session.get(CodeAnalysis, analysis_id).attempts == 1


def test_a_job_whose_worker_died_twice_is_reported_stopped(user, app):
    analysis_id = _stale_analysis(app, "ada@example.com", attempts=2, with_upload=True)
    page = user.client.get(f"/analyses/{analysis_id}").get_data(as_text=True)
    assert rules.ANALYSIS_STOPPED in page
    assert 'http-equiv="refresh"' not in page
    assert uploads(app) == []


def test_the_periodic_sweep_reports_a_dead_job_without_anyone_reading_it(user, app):
    analysis_id = _stale_analysis(app, "ada@example.com", attempts=1, with_upload=False)
    result = app.test_cli_runner().invoke(args=["jobs", "sweep"])
    assert result.exit_code == 0 and "1 analysis" in result.output
    with app.app_context():
        found = db.session.get(CodeAnalysis, analysis_id)
        assert (found.status, found.error) == ("failed", rules.ANALYSIS_STOPPED)


def test_a_running_job_shows_its_step_and_refreshes(user, app):
    analysis_id = _stale_analysis(app, "ada@example.com", attempts=1, with_upload=True)
    with app.app_context():
        found = db.session.get(CodeAnalysis, analysis_id)
        found.heartbeat_at = utcnow()
        db.session.commit()
    page = user.client.get(f"/analyses/{analysis_id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Unpacking the archive" in page
    assert f'href="/analyses/{analysis_id}">Refresh</a>' in page


def test_deleting_the_account_deletes_its_analyses(user, app, worker):
    analyse(user, zip_of(LARAVEL_SHOP))
    with app.app_context():
        db.session.delete(db.session.scalars(select(User)).one())
        db.session.commit()
        assert db.session.scalars(select(CodeAnalysis)).all() == []


def test_importing_a_resume_never_brings_evidence_in_as_from_its_code(user, app, worker):
    location, page = analyse(user, zip_of(LARAVEL_SHOP))
    confirm(user, location, page, create="Create a project", start="2024-05")
    exported = user.client.get("/share/download/resume.json?scope=all").data
    assert b"x-evidence" in exported
    with app.app_context():
        db.session.execute(db.delete(Project))
        db.session.commit()
    response = user.post(
        "/share/import",
        {"file": (io.BytesIO(exported), "resume.json")},
        form_path="/share",
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    data = form_values(response.get_data(as_text=True), action="/share/import/confirm")
    assert user.client.post("/share/import/confirm", data=data).status_code == 302
    with app.app_context():
        tags = db.session.scalars(select(ProjectTechnology)).all()
        assert {t.name for t in tags} >= {"Laravel", "PHP"}
        assert not any(t.from_code or t.evidence for t in tags)
    detail = user.client.get("/projects/").get_data(as_text=True)
    assert FROM_CODE not in detail


def test_the_job_queue_uses_redis_when_configured(tmp_path):
    config = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
              "JOBS_REDIS_URL": "redis://127.0.0.1:1/0"}  # fmt: skip
    from huey import RedisHuey, SqliteHuey

    from portfolio.jobs import get_jobs

    assert isinstance(get_jobs(create_app(config)).huey, RedisHuey)
    del config["JOBS_REDIS_URL"]
    config["JOBS_SQLITE_PATH"] = str(tmp_path / "q.sqlite")
    assert isinstance(get_jobs(create_app(config)).huey, SqliteHuey)


def test_a_public_url_shows_the_owners_commits_on_the_project(user, app, worker, tmp_path):
    from tests.git_helpers import SAMPLE, https_git_server, sample_repo

    repo = sample_repo(tmp_path / "repo")
    with https_git_server(repo) as (url, ca_path):
        app.config["REPO_IMPORT_ALLOW_HOSTS"] = ("localhost",)
        app.config["REPO_IMPORT_CA_CERTS"] = ca_path
        response = user.post(
            "/analyses/new", {"url": url, "emails": "ada@example.com"}, form_path="/analyses/new"
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        location = response.headers["Location"]
        page = wait_until_finished(user.client, location)
    mine, total = SAMPLE["commits_ada"], SAMPLE["commits_total"]
    assert f"{mine} of {total} commits are yours" in page
    assert f'value="{SAMPLE["first_ada"][:7]}"' in page
    response = confirm(user, location, page, create="Create a project")
    assert response.status_code == 302, response.get_data(as_text=True)
    detail = user.client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'<a href="{url}"' in detail
    assert f"{mine} of {total} commits by Ada Lovelace" in detail
    with app.app_context():
        db.session.scalars(select(Project)).one().public = True
        db.session.commit()
    markdown = user.client.get("/share/download/README.md").get_data(as_text=True)
    assert f"{mine} of {total} commits by Ada Lovelace" in markdown
    with app.app_context():
        owner = db.session.scalars(select(User)).one()
        from portfolio.projects.services import user_records
        from portfolio.readiness.evidence import proof_factor

        (record,) = user_records(owner)
    assert record.source_url == url and record.code.source == "url"
    assert proof_factor(record) == pytest.approx(0.95)  # base, source and public history


def test_a_worker_killed_mid_job_leaves_a_job_that_runs_again(user, app, tmp_path, database_url):
    """Kill -9 a real `flask jobs worker` while its job waits on a fetch; another finishes it."""
    import os
    import signal
    import subprocess
    import sys
    import threading
    import time

    from tests.git_helpers import SAMPLE, https_git_server, sample_repo

    first_request_held = threading.Event()
    release = threading.Event()

    def hold_the_first_request(wsgi):
        def serve(environ, start_response):
            if not first_request_held.is_set():
                first_request_held.set()
                release.wait(60)  # the killed worker never reads this answer
            return wsgi(environ, start_response)

        return serve

    repo = sample_repo(tmp_path / "repo")
    with https_git_server(repo, wrap=hold_the_first_request) as (url, ca_path):
        app.config.update(REPO_IMPORT_ALLOW_HOSTS=("localhost",), REPO_IMPORT_CA_CERTS=ca_path,
                          JOBS_STALE_SECONDS=2)  # fmt: skip
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
               "JOBS_SQLITE_PATH": app.config["JOBS_SQLITE_PATH"], "JOBS_HEARTBEAT_SECONDS": "1",
               "REPO_IMPORT_ALLOW_HOSTS": "localhost", "REPO_IMPORT_CA_CERTS": ca_path}  # fmt: skip
        flask = str(Path(sys.executable).with_name("flask"))
        process = subprocess.Popen(
            [flask, "--app", "app.py", "jobs", "worker", "--workers", "1"],
            cwd=Path(__file__).resolve().parents[1], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            response = user.post("/analyses/new", {"url": url, "emails": "ada@example.com"},
                                 form_path="/analyses/new")  # fmt: skip
            location = response.headers["Location"]
            assert first_request_held.wait(60), "the worker never fetched"
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        with app.app_context():
            found = db.session.scalars(select(CodeAnalysis)).one()
            assert (found.status, found.attempts) == ("running", 1)
            last_sign = found.heartbeat_at
        # No worker is left: once its heartbeat is stale, reading the page runs it again.
        while utcnow() - last_sign < timedelta(seconds=3):
            time.sleep(0.2)
        release.set()
        with running_worker(app):
            page = wait_until_finished(user.client, location)
    assert f"{SAMPLE['commits_ada']} of {SAMPLE['commits_total']} commits are yours" in page
    with app.app_context():
        assert db.session.scalars(select(CodeAnalysis.attempts)).one() == 2


def test_a_hostile_file_name_is_inert_on_the_page(user, app, worker):
    name = "<img src=x onerror=alert(1)>.zip"
    _location, page = analyse(user, zip_of(LARAVEL_SHOP), name)
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_job_running_past_its_time_limit_is_reported_stopped(user, app):
    analysis_id = _stale_analysis(app, "ada@example.com", attempts=1, with_upload=True)
    with app.app_context():
        found = db.session.get(CodeAnalysis, analysis_id)
        found.heartbeat_at = utcnow()  # its worker is alive, but it has run too long
        found.started_at = utcnow() - timedelta(seconds=app.config["JOBS_TIME_LIMIT_SECONDS"] + 1)
        db.session.commit()
    page = user.client.get(f"/analyses/{analysis_id}").get_data(as_text=True)
    assert rules.ANALYSIS_STOPPED in page
    assert uploads(app) == []


# --- limits per account (a review of issues 15 and 16) ---------------------------------


def _set_status(app, location: str, status: str) -> None:
    with app.app_context():
        analysis = db.session.get(CodeAnalysis, int(location.rsplit("/", 1)[-1]))
        analysis.status = status
        db.session.commit()


def test_at_most_three_analyses_wait_or_run_at_once(user, app):
    # No worker runs: every started analysis stays queued.
    started = [upload(user, zip_of(LARAVEL_SHOP)) for _ in range(rules.MAX_ANALYSES_IN_PROGRESS)]
    assert [response.status_code for response in started] == [302] * 3
    refused = upload(user, zip_of(LARAVEL_SHOP))
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'id="file-error">{rules.TOO_MANY_ANALYSES}' in page
    assert len(uploads(app)) == 3  # the refused upload is not kept
    app.config["REPO_IMPORT_ALLOW_HOSTS"] = ("localhost",)
    by_url = user.post(
        "/analyses/new",
        {"url": "https://localhost/repo.git", "emails": "ada@example.com"},
        form_path="/analyses/new",
    )
    assert by_url.status_code == 422
    assert f'id="url-error">{rules.TOO_MANY_ANALYSES}' in by_url.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(CodeAnalysis.id))) == 3
    # Finished ones do not count: once one has failed, another may start.
    _set_status(app, started[0].headers["Location"], "failed")
    assert upload(user, zip_of(LARAVEL_SHOP)).status_code == 302


def test_analyses_whose_worker_died_stop_counting_toward_the_limit(user, app):
    dead = [
        _stale_analysis(app, "ada@example.com", attempts=2, with_upload=False)
        for _ in range(rules.MAX_ANALYSES_IN_PROGRESS)
    ]
    assert upload(user, zip_of(LARAVEL_SHOP)).status_code == 302
    with app.app_context():
        for analysis_id in dead:
            assert db.session.get(CodeAnalysis, analysis_id).status == "failed"


def test_the_limit_counts_only_ones_own_analyses(user, app, new_device):
    for _ in range(rules.MAX_ANALYSES_IN_PROGRESS):
        assert upload(user, zip_of(LARAVEL_SHOP)).status_code == 302
    other = new_device()
    other.register(email="eve@example.com", name="Eve")
    assert upload(other, zip_of(LARAVEL_SHOP)).status_code == 302


def test_a_day_allows_only_so_many_started_analyses(user, app):
    app.config["THROTTLE_ANALYSIS_START"] = (2, 24 * 60 * 60)
    for _ in range(2):
        response = upload(user, zip_of(LARAVEL_SHOP))
        assert response.status_code == 302
        _set_status(app, response.headers["Location"], "failed")  # not in progress
    refused = upload(user, zip_of(LARAVEL_SHOP))
    assert refused.status_code == 429
    message = rules.ANALYSES_TODAY_USED.format(wait="24 hours")
    assert f'id="file-error">{message}' in refused.get_data(as_text=True)
    assert len(uploads(app)) == 2  # the two started; the refused upload is not kept


def test_the_daily_limit_is_read_from_the_environment():
    from portfolio import config

    assert config.THROTTLE_RULES["THROTTLE_ANALYSIS_START"] == (50, 86400)
    found = config.from_environment({"THROTTLE_ANALYSIS_START": "5/3600"})
    assert found["THROTTLE_ANALYSIS_START"] == (5, 3600)


# --- finding one's analyses again ------------------------------------------------------


def test_the_list_of_analyses_shows_ones_own_newest_first(user, app, new_device):
    first = upload(user, zip_of(LARAVEL_SHOP), "first-shop.zip").headers["Location"]
    second = upload(user, zip_of(LARAVEL_SHOP), "second-shop.zip").headers["Location"]
    other = new_device()
    other.register(email="eve@example.com", name="Eve")
    upload(other, zip_of(LARAVEL_SHOP), "eves-secret.zip")
    projects = user.client.get("/projects/").get_data(as_text=True)
    assert 'href="/analyses/">Your analyses</a>' in projects
    response = user.client.get("/analyses/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.index("second-shop.zip") < page.index("first-shop.zip")
    assert f'href="{first}"' in page and f'href="{second}"' in page
    assert "Waiting: Waiting for a worker" in page and "Archive" in page
    assert "eves-secret.zip" not in page
    # While one waits or runs the list refreshes itself; once none does, it stops.
    assert 'http-equiv="refresh"' in page and ">Refresh</a>" in page
    _set_status(app, first, "failed")
    _set_status(app, second, "done")
    assert 'http-equiv="refresh"' not in user.client.get("/analyses/").get_data(as_text=True)


def test_the_list_caps_at_fifty_analyses(user, app):
    from portfolio.analyses import service

    with app.app_context():
        owner = db.session.scalars(select(User)).one()
        for number in range(service.LIST_LIMIT + 2):
            when = utcnow() + timedelta(seconds=number)
            label = f"https://example.com/r{number}"
            db.session.add(
                CodeAnalysis(user_id=owner.id, source="url", label=label, emails=[],
                             status="failed", created_at=when)
            )  # fmt: skip
        db.session.commit()
    page = user.client.get("/analyses/").get_data(as_text=True)
    assert page.count("https://example.com/r") == service.LIST_LIMIT
    assert "https://example.com/r51<" in page and "https://example.com/r1<" not in page
    assert "the latest 50" in page


def test_a_project_with_analyses_links_to_them(user, app, new_device):
    user.add_project(title="Booking API")
    with app.app_context():
        project_id = db.session.scalars(select(Project.id)).one()
    detail = user.client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "Analyses of its code" not in detail
    path = f"/analyses/new?project={project_id}"
    location = upload(user, zip_of(LARAVEL_SHOP), "booking.zip", path=path).headers["Location"]
    detail = user.client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert f'href="/analyses/?project={project_id}">Analyses of its code</a>' in detail
    page = user.client.get(f"/analyses/?project={project_id}").get_data(as_text=True)
    assert f'href="{location}"' in page and "Booking API" in page
    other = new_device()
    other.register(email="eve@example.com", name="Eve")
    assert other.client.get(f"/analyses/?project={project_id}").status_code == 404


# --- languages and authors, honestly labelled ---------------------------------------------


def _sample_bundle(tmp_path: Path) -> bytes:
    from tests.git_helpers import make_bundle, sample_repo

    return make_bundle(sample_repo(tmp_path / "repo"), tmp_path / "repo.bundle").read_bytes()


def test_with_history_no_own_commits_means_no_languages_counted_as_yours(
    user, app, worker, tmp_path
):
    from portfolio.models import ProjectCodeEvidence

    response = upload(user, _sample_bundle(tmp_path), "repo.bundle", emails="nobody@example.com")
    assert response.status_code == 302
    location = response.headers["Location"]
    page = wait_until_finished(user.client, location)
    assert "0 of 6 commits are yours" in page
    assert rules.LANGUAGES_NONE_YOURS in page
    assert rules.LANGUAGES_FROM_YOUR_COMMITS not in page
    assert '<table class="languages">' not in page  # not the whole tree's languages
    # No commits of theirs: no dates to propose, so the owner gives the start.
    response = confirm(user, location, page, create="Create a project", start="2024-05")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        proof = db.session.scalars(select(ProjectCodeEvidence)).one()
        assert proof.languages == [] and proof.commits_yours == 0
        assert proof.commit_authors == []


def test_the_owners_commit_authors_show_on_every_output(user, app, worker, tmp_path):
    from tests.git_helpers import SAMPLE

    location, page = analyse(user, _sample_bundle(tmp_path), "repo.bundle")
    mine, total = SAMPLE["commits_ada"], SAMPLE["commits_total"]
    assert f"{mine} of {total} commits are yours</strong> (by Ada Lovelace)" in page
    assert rules.LANGUAGES_FROM_YOUR_COMMITS in page
    assert "Ruby" not in page.split("Languages, by lines of code", 1)[1].split("Practices")[0]
    response = confirm(user, location, page, create="Create a project")
    assert response.status_code == 302
    project_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    expected = f"{mine} of {total} commits by Ada Lovelace"
    detail = user.client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert expected in detail
    with app.app_context():
        db.session.get(Project, project_id).public = True
        db.session.commit()
    public = user.client.get(share(user)).get_data(as_text=True)
    assert expected in public
    html = user.client.get("/share/download/portfolio.html").get_data(as_text=True)
    assert expected in html
    resume = json.loads(user.client.get("/share/download/resume.json").data)
    code = resume["projects"][0]["x-evidence"]["code"]
    assert code["authors"] == ["Ada Lovelace"] and code["commitsByAuthor"] == mine
    # Names a reader can check, never the commit emails.
    for output in (public, html, json.dumps(resume)):
        assert "ada@example.com" not in output and "bob@example.org" not in output


def test_two_starts_at_once_cannot_both_take_the_last_place(user, app):
    """A start counts the analyses in progress with the portfolio locked.

    Another transaction holds the lock while it adds the third analysis; the upload
    started meanwhile must wait for it, then count three and be refused. On PostgreSQL
    the test sees the upload waiting on the row lock before letting the other commit
    (without the lock the upload would get through first, and the test fails).
    """
    import threading

    from sqlalchemy import text

    from portfolio.projects.services import lock_portfolio

    for _ in range(rules.MAX_ANALYSES_IN_PROGRESS - 1):
        assert upload(user, zip_of(LARAVEL_SHOP)).status_code == 302
    locked, go = threading.Event(), threading.Event()

    def hold_the_lock_and_add_one() -> None:
        with app.app_context():
            owner = db.session.scalars(select(User)).one()
            lock_portfolio(owner)
            db.session.add(CodeAnalysis(user_id=owner.id, source="url", label="https://x/r",
                                        emails=[], status="queued"))  # fmt: skip
            db.session.flush()
            locked.set()
            go.wait(120)
            db.session.commit()
            db.session.remove()

    holder = threading.Thread(target=hold_the_lock_and_add_one)
    holder.start()
    assert locked.wait(120)
    token = user.token("/analyses/new")  # read before the upload has to wait
    answer: list = []

    def start_one() -> None:
        payload = {"file": (io.BytesIO(zip_of(LARAVEL_SHOP)), "shop.zip"),
                   "emails": "ada@example.com", "csrf_token": token}  # fmt: skip
        answer.append(user.client.post("/analyses/new", data=payload,
                                       content_type="multipart/form-data"))  # fmt: skip

    starter = threading.Thread(target=start_one)
    starter.start()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        with app.app_context():
            waiting = 0
            while not waiting and starter.is_alive():
                waiting = db.session.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted"))
                db.session.rollback()
            db.session.remove()
        assert waiting, "the upload did not wait for the portfolio's lock"
    go.set()
    holder.join(120)
    starter.join(120)
    assert answer[0].status_code == 422
    assert rules.TOO_MANY_ANALYSES in answer[0].get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(CodeAnalysis.id))) == 3
