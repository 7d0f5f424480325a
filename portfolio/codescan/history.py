"""Read a repository's history: how many commits are the user's, when, and in which languages.

The history comes from a git bundle (``git bundle create repo.bundle --all``) or from a
fetch (``fetch.py``); either way the objects land in a temporary object store that is
always removed, and nothing is checked out, run or configured from the repository.

The rules, as the findings page states them:

* A commit is the user's when its **author** email (not its committer's) is one of the
  emails the user gave, compared without case. Emails are self-asserted: anyone can
  write any email into a commit, so this counts, it does not prove.
* Every commit reachable from any ref (branch or tag) counts once, merges included,
  newest first; at ``max_commits`` the walk stops and the result says ``truncated``.
* The first and last dates are the author dates of the user's commits, in the author's
  own time zone (a commit at 00:30 in Berlin is dated that day, not the day before).
* Languages are counted from the lines the user's own commits **added** (compared with
  the first parent; a root commit adds all its lines), never from the whole tree, so other
  people's code does not count as theirs. A changed file adds the lines its new version
  has that its old one had not, counted as a multiset (a line moved within the file is
  not new); blank lines do not count. Merges add no lines of their own, nor does a
  commit at the edge of a shallow fetch (its parent was not fetched). Vendored,
  generated, minified and binary files do not count, as in the archive analysis.
* The files handed to the stack analysis are those of the tip commit's tree: ``HEAD``,
  else ``main``/``master``, else the most recently committed branch; with the same file
  count, size and path limits as an archive (symlinks and submodules are skipped).

A bundle or pack is hostile input: ``packs.py`` checks it before anything is stored.
"""

from __future__ import annotations

import os
import stat
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from heapq import heappop, heappush
from typing import Any

from dulwich.diff_tree import tree_changes
from dulwich.errors import ApplyDeltaError, ChecksumMismatch, ObjectFormatException
from dulwich.object_store import DiskObjectStore
from dulwich.objects import Commit, Tag, Tree

from portfolio.codescan.archive import MEGABYTE, ArchiveLimits, RepoFile, safe_path
from portfolio.codescan.findings import LanguageShare
from portfolio.codescan.languages import count_lines, excluded, language_of
from portfolio.codescan.packs import (
    REFUSE_DAMAGED,
    REFUSE_NO_COMMITS,
    REFUSE_SLOW,
    RepositoryRefused,
    check_pack,
    is_bundle,
    object_store,
    read_bundle_header,
    size_text,
    store_pack,
)

Progress = Callable[[str], None] | None


# User-facing refusals, one sentence each, shown next to the field.
REFUSE_UPLOAD = "The bundle is larger than {limit}; upload at most {limit}."
REFUSE_FILES = "The repository holds more than {limit:,} files, the most that is read."
REFUSE_UNPACKED = "The repository's files add up to more than {limit}, the most that is read."
REFUSE_PATH = "The repository has a file whose path leaves its folder: {path}."

#: How many author names of the user's commits a history keeps.
AUTHORS_SHOWN = 3
_TREE_DEPTH_MAX = 64
_LINK = 0o120000
_GITLINK = 0o160000


@dataclass(frozen=True)
class HistoryLimits:
    """How much history is fetched and read before stopping or refusing."""

    max_commits: int = 20_000
    max_fetch_bytes: int = 200 * MEGABYTE
    fetch_timeout_seconds: float = 120
    analysis_seconds: float = 300


@dataclass(frozen=True)
class History:
    """What a repository's history says about the user's own commits."""

    commits_total: int
    commits_yours: int
    first_yours: date | None
    last_yours: date | None
    emails_matched: tuple[str, ...]
    languages_yours: tuple[LanguageShare, ...]  # from lines ADDED in the user's own commits
    truncated: bool  # max_commits reached: older commits were not read
    # The author names of the user's commits, most commits first (at most
    # AUTHORS_SHOWN): what a reader of the public repository can check, never the emails.
    authors_matched: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return a plain JSON-able dict with stable keys."""
        return {
            "commits_total": self.commits_total,
            "commits_yours": self.commits_yours,
            "first_yours": self.first_yours.isoformat() if self.first_yours else None,
            "last_yours": self.last_yours.isoformat() if self.last_yours else None,
            "emails_matched": list(self.emails_matched),
            "languages_yours": [share.to_json() for share in self.languages_yours],
            "truncated": self.truncated,
            "authors_matched": list(self.authors_matched),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> History:
        """Rebuild a history from ``to_json``'s dict."""
        first, last = data.get("first_yours"), data.get("last_yours")
        return cls(
            commits_total=int(data["commits_total"]),
            commits_yours=int(data["commits_yours"]),
            first_yours=date.fromisoformat(first) if first else None,
            last_yours=date.fromisoformat(last) if last else None,
            emails_matched=tuple(str(email) for email in data.get("emails_matched", ())),
            languages_yours=tuple(
                LanguageShare.from_json(item) for item in data.get("languages_yours", ())
            ),
            truncated=bool(data.get("truncated", False)),
            authors_matched=tuple(str(name) for name in data.get("authors_matched", ())),
        )


def analyse_bundle(
    path: str | os.PathLike[str],
    emails: Iterable[str],
    limits: HistoryLimits = HistoryLimits(),
    progress: Progress = None,
    archive_limits: ArchiveLimits | None = None,
) -> tuple[list[RepoFile], History]:
    """Return the tip's files and the history of a bundle file, or raise RepositoryRefused."""
    archive_limits = archive_limits or ArchiveLimits()
    with open(path, "rb") as bundle, object_store() as store:
        if os.fstat(bundle.fileno()).st_size > archive_limits.max_upload_bytes:
            limit = size_text(archive_limits.max_upload_bytes)
            raise RepositoryRefused(REFUSE_UPLOAD.format(limit=limit))
        refs = read_bundle_header(bundle)
        start = bundle.tell()
        check_pack(bundle, start, archive_limits.max_unpacked_bytes, limits.analysis_seconds)
        bundle.seek(start)
        store_pack(store, bundle.read, REFUSE_DAMAGED)
        return analyse_store(store, refs, emails, limits, progress, archive_limits)


def analyse_store(
    store: DiskObjectStore,
    refs: Mapping[bytes, bytes],
    emails: Iterable[str],
    limits: HistoryLimits,
    progress: Progress = None,
    archive_limits: ArchiveLimits | None = None,
) -> tuple[list[RepoFile], History]:
    """Return the tip's files and the history of the objects in ``store`` under ``refs``."""
    archive_limits = archive_limits or ArchiveLimits()
    deadline = time.monotonic() + limits.analysis_seconds
    try:
        heads = {name: commit for name, sha in refs.items() if (commit := _peel(store, sha))}
        if not heads:
            raise RepositoryRefused(REFUSE_NO_COMMITS)
        tip = _tip(heads)
        files = tip_files(store, tip.tree, archive_limits)
        history = _walk(store, heads.values(), emails, limits, deadline, progress)
    except RepositoryRefused:
        raise
    except (
        KeyError,
        ValueError,
        AssertionError,
        zlib.error,
        ObjectFormatException,
        ApplyDeltaError,
        ChecksumMismatch,
    ) as error:
        # A ref or tree that names a missing or broken object.
        raise RepositoryRefused(REFUSE_DAMAGED) from error
    return files, history


def _peel(store: DiskObjectStore, sha: bytes) -> Commit | None:
    """Return the commit a ref points at through annotated tags, or None."""
    for _ in range(10):
        if sha not in store:
            return None
        obj = store[sha]
        if isinstance(obj, Commit):
            return obj
        if not isinstance(obj, Tag):
            return None
        sha = obj.object[1]
    return None


def _tip(heads: Mapping[bytes, Commit]) -> Commit:
    for name in (b"HEAD", b"refs/heads/main", b"refs/heads/master"):
        if name in heads:
            return heads[name]
    branches = [commit for name, commit in heads.items() if name.startswith(b"refs/heads/")]
    return max(branches or heads.values(), key=_time)


def tip_files(store: DiskObjectStore, tree_id: bytes, limits: ArchiveLimits) -> list[RepoFile]:
    """Return the regular files of a tree, with an archive's limits; skip links, submodules."""
    files: list[RepoFile] = []
    unpacked = 0
    stack: list[tuple[bytes, str, int]] = [(tree_id, "", 0)]
    while stack:
        sha, prefix, depth = stack.pop()
        tree = store[sha]
        if not isinstance(tree, Tree) or depth > _TREE_DEPTH_MAX:
            raise RepositoryRefused(REFUSE_DAMAGED)
        for entry in tree.iteritems():
            path = _entry_path(prefix, entry.path)
            mode = entry.mode
            if stat.S_ISDIR(mode):
                stack.append((entry.sha, path + "/", depth + 1))
                continue
            if mode & 0o170000 in (_LINK, _GITLINK):
                continue
            if len(files) >= limits.max_files:
                raise RepositoryRefused(REFUSE_FILES.format(limit=limits.max_files))
            data = store[entry.sha].as_raw_string()
            unpacked += len(data)
            if unpacked > limits.max_unpacked_bytes:
                raise RepositoryRefused(
                    REFUSE_UNPACKED.format(limit=size_text(limits.max_unpacked_bytes))
                )
            if len(data) > limits.max_file_bytes:
                files.append(RepoFile(path, b"", oversize=True))
            else:
                files.append(RepoFile(path, data))
    return sorted(files, key=lambda file: file.path)


def _entry_path(prefix: str, name: bytes) -> str:
    text = prefix + name.decode("utf-8", "replace")
    clean = safe_path(text)
    if not clean or clean != text or b"/" in name or name.lower() == b".git":
        shown = "".join(char if char.isprintable() else "?" for char in text)[:120]
        raise RepositoryRefused(REFUSE_PATH.format(path=shown))
    return clean


def _author_email(commit: Commit) -> str:
    _, _, rest = (commit.author or b"").rpartition(b"<")
    return rest.rstrip().rstrip(b">").decode("utf-8", "replace").strip().lower()


def _author_name(commit: Commit) -> str:
    name, _, _ = (commit.author or b"").rpartition(b"<")
    return " ".join(name.decode("utf-8", "replace").split())


def _most_common_names(commits: Iterable[Commit]) -> tuple[str, ...]:
    """Return the commits' author names, most commits first (then by name), at most 3."""
    counts = Counter(name for commit in commits if (name := _author_name(commit)))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(name for name, _ in ranked[:AUTHORS_SHOWN])


def _author_date(commit: Commit) -> date | None:
    """Return the author date in the author's own time zone (UTC if it is nonsense)."""
    try:
        zone = timezone(timedelta(seconds=commit.author_timezone or 0))
    except ValueError:
        zone = UTC
    try:
        return datetime.fromtimestamp(commit.author_time, zone).date()
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _time(commit: Commit) -> int:
    return commit.commit_time if isinstance(commit.commit_time, int) else 0


def _walk(
    store: DiskObjectStore,
    heads: Iterable[Commit],
    emails: Iterable[str],
    limits: HistoryLimits,
    deadline: float,
    progress: Progress,
) -> History:
    """Walk every commit from ``heads`` newest first; count and measure the user's."""
    if isinstance(emails, str):
        emails = [emails]
    wanted = {email.strip().lower() for email in emails if email and email.strip()}
    queue: list[tuple[int, bytes]] = []
    seen: set[bytes] = set()
    for commit in heads:
        if commit.id not in seen:
            seen.add(commit.id)
            heappush(queue, (-_time(commit), commit.id))
    total = 0
    yours: list[Commit] = []
    matched: set[str] = set()
    truncated = False
    while queue:
        if total >= limits.max_commits:
            truncated = True
            break
        _check_time(deadline, limits)
        commit = store[heappop(queue)[1]]
        if not isinstance(commit, Commit):
            raise RepositoryRefused(REFUSE_DAMAGED)
        total += 1
        if progress and total % 1000 == 0:
            progress(f"Reading {total:,} commits")
        email = _author_email(commit)
        if email in wanted:
            yours.append(commit)
            matched.add(email)
        for parent in commit.parents:
            # A shallow fetch's oldest commits name parents that were not fetched.
            if parent not in seen and parent in store:
                seen.add(parent)
                heappush(queue, (-_time(store[parent]), parent))
    if progress:
        progress(f"Reading {total:,} commits")
        progress("Analysing languages")
    dates = [day for commit in yours if (day := _author_date(commit)) is not None]
    return History(
        commits_total=total,
        commits_yours=len(yours),
        first_yours=min(dates, default=None),
        last_yours=max(dates, default=None),
        emails_matched=tuple(sorted(matched)),
        languages_yours=_languages_added(store, yours, limits, deadline),
        truncated=truncated,
        authors_matched=_most_common_names(yours),
    )


def _check_time(deadline: float, limits: HistoryLimits) -> None:
    if time.monotonic() >= deadline:
        raise RepositoryRefused(REFUSE_SLOW.format(seconds=limits.analysis_seconds))


def _languages_added(
    store: DiskObjectStore, commits: Iterable[Commit], limits: HistoryLimits, deadline: float
) -> tuple[LanguageShare, ...]:
    """Count, by language, the lines these (non-merge) commits added over their first parent."""
    lines: Counter[str] = Counter()
    paths: dict[str, set[str]] = {}
    for commit in commits:
        if len(commit.parents) > 1:
            continue  # a merge's lines were counted in the commits it merges
        parent_tree = None
        if commit.parents:
            if commit.parents[0] not in store:
                continue  # the edge of a shallow fetch: what it added is not known
            parent_tree = store[commit.parents[0]].tree
        for change in tree_changes(store, parent_tree, commit.tree):
            _check_time(deadline, limits)
            new = change.new
            if new is None or new.path is None or new.mode is None or new.sha is None:
                continue  # a deletion adds nothing
            if not stat.S_ISREG(new.mode):
                continue
            path = safe_path(new.path.decode("utf-8", "replace"))
            language = language_of(path) if path else None
            if not path or language is None:
                continue
            data = store[new.sha].as_raw_string()
            if excluded(path, data) is not None:
                continue
            old = change.old
            before = b""
            if old is not None and old.sha is not None and old.mode and stat.S_ISREG(old.mode):
                before = store[old.sha].as_raw_string()
            added = _added_lines(before, data)
            count = count_lines(added) if added else 0
            if count:
                lines[language] += count
                paths.setdefault(language, set()).add(path)
    shares = [LanguageShare(name, count, len(paths[name])) for name, count in lines.items()]
    return tuple(sorted(shares, key=lambda share: (-share.lines, share.name)))


def _added_lines(before: bytes, after: bytes) -> bytes:
    """Return the lines of ``after`` that ``before`` did not have (as a multiset)."""
    added = Counter(after.splitlines()) - Counter(before.splitlines())
    if not added:
        return b""
    # Keep the file's order so count_lines sees lines as they were written.
    kept: list[bytes] = []
    for line in after.splitlines():
        if added[line] > 0:
            kept.append(line)
            added[line] -= 1
    return b"\n".join(kept) + b"\n"


__all__ = [
    "History",
    "HistoryLimits",
    "RepositoryRefused",
    "analyse_bundle",
    "analyse_store",
    "is_bundle",
    "tip_files",
]
