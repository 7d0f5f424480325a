"""Time reading a bundle's history for 1,000 to 25,000 commits (run it directly).

    .venv/bin/python tests/benchmarks/bench_history.py

Each repository is built with ``git fast-import``: two authors take turns, each commit
adds one line to one of 200 Python files. The walk is linear in the number of commits,
so the time per commit should stay roughly flat; at 25,000 commits the walk stops at the
default ``max_commits`` (20,000) and says so. The last column is the time per commit
relative to the smallest run. Needs the ``git`` program.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run from anywhere: make the repository importable without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from portfolio.codescan.history import analyse_bundle

SIZES = (1_000, 5_000, 20_000, 25_000)
FILES = 200
AUTHORS = ("Ada Lovelace <ada@example.com>", "Bob Other <bob@example.org>")


def fast_import_stream(commits: int) -> bytes:
    """Return a fast-import stream of ``commits`` commits on main."""
    contents = [b""] * FILES
    out: list[bytes] = []
    start = 1_600_000_000
    for n in range(commits):
        index = n % FILES
        contents[index] += b"value_%d = %d\n" % (n, n)
        who = AUTHORS[n % 2].encode()
        when = b"%d +0000" % (start + n * 3600)
        message = b"Commit %d\n" % n
        data = contents[index]
        out.append(b"commit refs/heads/main\nmark :%d\n" % (n + 1))
        out.append(b"author " + who + b" " + when + b"\ncommitter " + who + b" " + when + b"\n")
        out.append(b"data %d\n%s" % (len(message), message))
        if n:
            out.append(b"from :%d\n" % n)
        out.append(b"M 100644 inline src/module_%d.py\ndata %d\n%s\n" % (index, len(data), data))
    return b"".join(out)


def build_bundle(folder: Path, commits: int) -> Path:
    """Build a repository of ``commits`` commits in ``folder``; return its bundle."""
    repo = folder / f"repo-{commits}"
    subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True)
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=repo, input=fast_import_stream(commits), check=True
    )
    bundle = folder / f"repo-{commits}.bundle"
    subprocess.run(["git", "bundle", "create", "-q", str(bundle), "--all"], cwd=repo, check=True)
    return bundle


def main() -> None:
    """Print the time to analyse each bundle, per commit and relative to the smallest."""
    columns = ("commits", 8), ("read", 7), ("yours", 6), ("MB", 6), ("seconds", 8)
    print(" ".join(f"{name:>{width}}" for name, width in columns), f"{'ms/commit':>10} ratio")
    base = None
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            bundle = build_bundle(Path(folder), size)
            started = time.perf_counter()
            files, history = analyse_bundle(bundle, ["ada@example.com"])
            elapsed = time.perf_counter() - started
            per_commit = elapsed / history.commits_total * 1000
            base = base or per_commit
            megabytes = bundle.stat().st_size / 1024 / 1024
            print(
                f"{size:>8,} {history.commits_total:>7,} {history.commits_yours:>6,} "
                f"{megabytes:>6.1f} {elapsed:>8.2f} {per_commit:>10.3f} {per_commit / base:>6.2f}"
                + ("  truncated" if history.truncated else "")
            )
            assert len(files) == min(size, FILES)


if __name__ == "__main__":
    main()
