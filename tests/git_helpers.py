"""Real Git repositories, bundles and an HTTPS Git server for tests.

* ``make_repo(path, commits)`` builds a repository with the ``git`` CLI from
  ``CommitSpec``/``MergeSpec`` steps (authors, dates, branches, merges), hooks off.
* ``sample_repo(path)`` builds the standard two-author repository the history tests
  (and the web tests) use; ``SAMPLE`` says what it holds.
* ``make_bundle(repo_path, bundle_path)`` runs ``git bundle create BUNDLE --all``.
* ``temp_folder_left_empty`` (a fixture: import it into a test module, it is autouse)
  points ``tempfile`` at a folder of the test's own and fails the test if anything is
  left in it.
* ``https_git_server(repo_path)`` serves a repository over HTTPS on 127.0.0.1 with
  dulwich's WSGI app and a test certificate from trustme for ``localhost`` and
  ``git.test``; it yields ``(url, ca_path)``. The client must trust ``ca_path`` and allow
  the host (``allow_hosts=("localhost",)``), since loopback is refused otherwise.

Nothing here talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trustme
from dulwich.repo import Repo
from dulwich.server import DictBackend
from dulwich.web import make_wsgi_chain
from werkzeug.serving import make_server

from tests.conftest import missing_system_package

#: Author of the sample repository's "own" commits.
ADA = "Ada Lovelace <ada@example.com>"
#: Someone else who committed to the sample repository.
BOB = "Bob Other <bob@example.org>"


@dataclass(frozen=True)
class CommitSpec:
    """One commit: files to write (``None`` deletes), by whom, when, on which branch."""

    files: Mapping[str, bytes | str | None]
    author: str = ADA
    date: str = "2024-01-01T12:00:00+00:00"
    message: str = "Change things"
    branch: str = "main"
    committer: str | None = None  # defaults to the author


@dataclass(frozen=True)
class MergeSpec:
    """A ``--no-ff`` merge of ``branch`` into ``into``."""

    branch: str
    author: str = ADA
    date: str = "2024-01-01T12:00:00+00:00"
    into: str = "main"
    message: str = field(default="")


def _split(identity: str) -> tuple[str, str]:
    name, _, email = identity.partition(" <")
    return name, email.rstrip(">")


def git(repo: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """Run ``git`` in ``repo`` with hooks and the user's configuration off; return stdout."""
    if shutil.which("git") is None:
        missing_system_package("The git program", "git")
    run_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(repo),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "LC_ALL": "C",
        **_identity_env("Test <test@example.com>", None, "2024-01-01T12:00:00+00:00"),
        **(env or {}),
    }
    done = subprocess.run(
        ["git", "-c", "core.hooksPath=" + os.devnull, "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        env=run_env,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


def _identity_env(author: str, committer: str | None, date: str) -> dict[str, str]:
    author_name, author_email = _split(author)
    committer_name, committer_email = _split(committer or author)
    return {
        "GIT_AUTHOR_NAME": author_name,
        "GIT_AUTHOR_EMAIL": author_email,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_NAME": committer_name,
        "GIT_COMMITTER_EMAIL": committer_email,
        "GIT_COMMITTER_DATE": date,
    }


def make_repo(path: Path, commits: Sequence[CommitSpec | MergeSpec]) -> Path:
    """Build a repository at ``path`` from the steps in order; return ``path``.

    A commit on a branch that does not exist yet starts it from the current ``main``.
    """
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    branches = {"main"}
    current = "main"
    for step in commits:
        if isinstance(step, MergeSpec):
            git(path, "checkout", "-q", step.into)
            current = step.into
            env = _identity_env(step.author, None, step.date)
            message = step.message or f"Merge branch '{step.branch}'"
            git(path, "merge", "-q", "--no-ff", "-m", message, step.branch, env=env)
            continue
        if step.branch not in branches:
            git(path, "checkout", "-q", "-b", step.branch, "main")
            branches.add(step.branch)
        elif step.branch != current:
            git(path, "checkout", "-q", step.branch)
        current = step.branch
        for name, content in step.files.items():
            target = path / name
            if content is None:
                git(path, "rm", "-q", name)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode() if isinstance(content, str) else content
            target.write_bytes(data)
            git(path, "add", name)
        env = _identity_env(step.author, step.committer, step.date)
        git(path, "commit", "-q", "--allow-empty", "-m", step.message, env=env)
    if commits:
        git(path, "checkout", "-q", "main")
    return path


def lines(count: int, text: str = "x = {n}") -> str:
    """Return ``count`` distinct lines of code (``text`` formatted with ``n``)."""
    return "".join(text.format(n=n) + "\n" for n in range(count))


#: What ``sample_repo`` holds, for assertions.
SAMPLE = {
    "commits_total": 6,  # four by Ada (one a merge), two by Bob
    "commits_ada": 4,
    "commits_bob": 2,
    "first_ada": "2023-03-04",
    "last_ada": "2024-06-30",
    # Lines Ada added, by language: app.py 10, then 5 more and 1 changed; lib.js 4.
    "ada_python_lines": 16,
    "ada_javascript_lines": 4,
}


def sample_repo(path: Path) -> Path:
    """Build the standard repository: Ada's Python and JS, Bob's Ruby, a vendored folder.

    Ada: 10 lines of ``app.py`` (2023-03-04 00:30 at +01:00, the 3rd in UTC), a vendored
    jQuery copy and ``lib.js`` (4 lines), 5 more lines and one changed line in ``app.py``
    on a branch, the merge of that branch (2024-06-30 18:00 at -07:00, July 1st in UTC).
    Bob: 30 lines of Ruby and 20 lines of ``bob.py``, and a README. Ada's own lines are
    16 Python and 4 JavaScript; the vendored file and Bob's files are not hers.
    """
    app_v1 = lines(10)
    app_v2 = app_v1.replace("x = 3\n", "x = 3  # changed\n") + lines(5, "y = {n}")
    return make_repo(
        path,
        [
            CommitSpec({"app.py": app_v1}, date="2023-03-04T00:30:00+01:00", message="Start"),
            CommitSpec(
                {"tool.rb": lines(30, "puts {n}"), "bob.py": lines(20, "z = {n}")},
                author=BOB,
                date="2023-05-01T09:00:00+00:00",
            ),
            CommitSpec(
                {
                    "vendor/jquery/jquery.js": lines(200, "var v{n} = {n};"),
                    "static/lib.js": lines(4, "let a{n} = {n};"),
                },
                date="2023-06-01T09:00:00+00:00",
            ),
            CommitSpec({"app.py": app_v2}, branch="feature", date="2024-02-01T10:00:00+00:00"),
            CommitSpec(
                {"README.md": "# Tool\n\nBob's notes.\n"},
                author=BOB,
                date="2024-03-01T10:00:00+00:00",
            ),
            MergeSpec("feature", date="2024-06-30T18:00:00-07:00"),
        ],
    )


def make_bundle(repo_path: Path, bundle_path: Path) -> Path:
    """Write ``git bundle create BUNDLE --all`` of ``repo_path``; return ``bundle_path``."""
    git(repo_path, "bundle", "create", "-q", str(bundle_path), "--all")
    return bundle_path


@contextmanager
def https_git_server(
    repo_path: Path,
    wrap: Callable[[Callable], Callable] | None = None,
    dumb: bool = False,
) -> Iterator[tuple[str, str]]:
    """Serve ``repo_path`` over HTTPS on 127.0.0.1; yield ``(url, ca_path)``.

    The URL is ``https://localhost:PORT/repo.git``; the certificate also names
    ``git.test`` and ``127.0.0.1``. ``wrap`` may wrap the WSGI app (to add a redirect);
    ``dumb`` serves only Git's old "dumb" HTTP protocol.
    """
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "git.test", "127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    # A name of its own: two servers of one repository must not share a CA file.
    ca_path = repo_path.parent / f"{repo_path.name}-ca-{uuid.uuid4().hex[:12]}.pem"
    ca.cert_pem.write_to_path(str(ca_path))

    repo = Repo(str(repo_path))
    app = make_wsgi_chain(DictBackend({"/repo.git": repo}), dumb=dumb)
    if wrap is not None:
        app = wrap(app)
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://localhost:{server.server_port}/repo.git", str(ca_path)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        repo.close()
        ca_path.unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def temp_folder_left_empty(tmp_path, monkeypatch) -> Iterator[Path]:
    """Point temporary files at a folder of this test's own; fail if any is left behind."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    assert list(folder.iterdir()) == [], "temporary files were left behind"
