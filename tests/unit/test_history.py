"""History from git bundles: whose commits, when, which languages; hostile bundles refused."""

from __future__ import annotations

import hashlib
import io
import zlib
from datetime import date
from pathlib import Path

import pytest
from dulwich.object_format import DEFAULT_OBJECT_FORMAT
from dulwich.objects import Blob, Commit, Tree
from dulwich.pack import write_pack_objects

from portfolio.codescan.archive import ArchiveLimits
from portfolio.codescan.findings import LanguageShare
from portfolio.codescan.history import (
    History,
    HistoryLimits,
    RepositoryRefused,
    analyse_bundle,
    is_bundle,
)
from tests.git_helpers import (
    ADA,
    BOB,
    SAMPLE,
    CommitSpec,
    git,
    lines,
    make_bundle,
    make_repo,
    sample_repo,
    temp_folder_left_empty,  # noqa: F401 - an autouse fixture
)


@pytest.fixture(scope="module")
def sample_bundle(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    return make_bundle(sample_repo(root / "repo"), root / "repo.bundle")


def languages(history: History) -> dict[str, int]:
    return {share.name: share.lines for share in history.languages_yours}


def test_counts_the_users_commits_and_dates_by_author_email(sample_bundle):
    _, history = analyse_bundle(sample_bundle, ["  ADA@Example.com "])
    assert history.commits_total == SAMPLE["commits_total"]
    assert history.commits_yours == SAMPLE["commits_ada"]
    # Dates are the author's own day: 00:30 at +01:00 and 18:00 at -07:00.
    assert history.first_yours == date.fromisoformat(SAMPLE["first_ada"])
    assert history.last_yours == date.fromisoformat(SAMPLE["last_ada"])
    assert history.emails_matched == ("ada@example.com",)
    assert history.truncated is False


def test_languages_come_from_lines_the_user_added_only(sample_bundle):
    _, history = analyse_bundle(sample_bundle, ["ada@example.com"])
    # Not Bob's Ruby or Python, not the vendored jQuery copy; merges add nothing.
    assert languages(history) == {
        "Python": SAMPLE["ada_python_lines"],
        "JavaScript": SAMPLE["ada_javascript_lines"],
    }
    assert LanguageShare("Python", SAMPLE["ada_python_lines"], 1) in history.languages_yours


def test_another_author_gets_their_own_lines(sample_bundle):
    _, history = analyse_bundle(sample_bundle, ["bob@example.org", "nobody@example.net"])
    assert history.commits_yours == SAMPLE["commits_bob"]
    assert history.emails_matched == ("bob@example.org",)
    assert languages(history)["Ruby"] == 30
    assert languages(history)["Python"] == 20


def test_no_matching_email_counts_nothing_as_yours(sample_bundle):
    _, history = analyse_bundle(sample_bundle, ["someone@example.com"])
    assert history.commits_total == SAMPLE["commits_total"]
    assert history.commits_yours == 0
    assert history.first_yours is None and history.last_yours is None
    assert history.languages_yours == ()
    assert history.emails_matched == ()


def test_files_are_the_tip_commits_tree(sample_bundle):
    files, _ = analyse_bundle(sample_bundle, ["ada@example.com"])
    by_path = {file.path: file.data for file in files}
    assert set(by_path) == {
        "app.py",
        "bob.py",
        "tool.rb",
        "README.md",
        "static/lib.js",
        "vendor/jquery/jquery.js",
    }
    # The merge brought the feature branch's version of app.py.
    assert b"x = 3  # changed\n" in by_path["app.py"]
    assert b"y = 4\n" in by_path["app.py"]


def test_history_stops_at_max_commits_newest_first(sample_bundle):
    _, history = analyse_bundle(sample_bundle, ["ada@example.com"], HistoryLimits(max_commits=3))
    assert history.truncated is True
    assert history.commits_total == 3
    # The three newest: Ada's merge, Bob's README, Ada's feature commit.
    assert history.commits_yours == 2
    assert history.first_yours == date(2024, 2, 1)


def test_history_is_not_truncated_at_exactly_its_size(sample_bundle):
    limits = HistoryLimits(max_commits=SAMPLE["commits_total"])
    _, history = analyse_bundle(sample_bundle, ["ada@example.com"], limits)
    assert history.truncated is False
    assert history.commits_total == SAMPLE["commits_total"]


def test_committer_alone_does_not_make_a_commit_yours(tmp_path):
    repo = make_repo(
        tmp_path / "repo",
        [
            CommitSpec({"a.py": lines(3)}, author=BOB, committer=ADA),
            CommitSpec({"b.py": lines(2)}, author=ADA, date="2024-05-05T10:00:00+00:00"),
        ],
    )
    _, history = analyse_bundle(make_bundle(repo, tmp_path / "r.bundle"), ["ada@example.com"])
    assert (history.commits_total, history.commits_yours) == (2, 1)
    assert languages(history) == {"Python": 2}


def test_history_reads_every_branch_and_tag(tmp_path):
    repo = make_repo(
        tmp_path / "repo",
        [
            CommitSpec({"a.py": lines(3)}),
            CommitSpec({"b.py": lines(2)}, branch="side", date="2024-05-05T10:00:00+00:00"),
        ],
    )
    git(repo, "tag", "-a", "v1", "-m", "One", "side")
    git(repo, "branch", "-D", "side")
    _, history = analyse_bundle(make_bundle(repo, tmp_path / "r.bundle"), ["ada@example.com"])
    assert history.commits_total == 2
    assert history.last_yours == date(2024, 5, 5)


def test_authors_are_the_names_of_the_users_commits_most_first(tmp_path):
    ada_at_work = "Ada King <ada@work.example>"
    repo = make_repo(
        tmp_path / "repo",
        [
            CommitSpec({"a.py": lines(3)}),
            CommitSpec({"b.py": lines(2)}, author=ada_at_work, date="2024-05-05T10:00:00+00:00"),
            CommitSpec({"c.py": lines(2)}, date="2024-05-06T10:00:00+00:00"),
            CommitSpec({"d.py": lines(2)}, author=BOB, date="2024-05-07T10:00:00+00:00"),
        ],
    )
    bundle = make_bundle(repo, tmp_path / "r.bundle")
    _, history = analyse_bundle(bundle, ["ada@example.com", "ada@work.example"])
    # Names only, never the emails; Bob's commit is not the user's.
    assert history.authors_matched == ("Ada Lovelace", "Ada King")
    _, nobody = analyse_bundle(bundle, ["someone@example.com"])
    assert nobody.authors_matched == ()


def test_at_most_three_author_names_are_kept(tmp_path):
    people = [f"Person {n} <p{n}@example.com>" for n in range(4)]
    specs = [
        CommitSpec(
            {f"f{n}_{k}.py": lines(1)}, author=person, date=f"2024-0{n + 1}-0{k + 1}T10:00:00+00:00"
        )
        for n, person in enumerate(people)
        for k in range(n + 1)
    ]
    repo = make_repo(tmp_path / "repo", specs)
    emails = [f"p{n}@example.com" for n in range(4)]
    _, history = analyse_bundle(make_bundle(repo, tmp_path / "r.bundle"), emails)
    assert history.commits_yours == 10
    assert history.authors_matched == ("Person 3", "Person 2", "Person 1")


def test_a_history_stored_before_authors_were_kept_still_reads(sample_bundle):
    _, history = analyse_bundle(sample_bundle, ["ada@example.com"])
    stored = history.to_json()
    assert stored["authors_matched"] == ["Ada Lovelace"]
    del stored["authors_matched"]
    assert History.from_json(stored).authors_matched == ()


def test_history_round_trips_through_json(sample_bundle):
    _, history = analyse_bundle(sample_bundle, ["ada@example.com"])
    assert History.from_json(history.to_json()) == history
    assert history.to_json()["first_yours"] == SAMPLE["first_ada"]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"# v2 git bundle\nabc", True),
        (b"# v3 git bundle\n@object-format=sha1\n", True),
        (b"PK\x03\x04", False),
        (b"# v4 git bundle\n", False),
        (b"", False),
    ],
)
def test_is_bundle_reads_the_header(head, expected):
    assert is_bundle(head) is expected


# Hostile bundles -----------------------------------------------------------------------


def refusal(path: Path, **limits) -> str:
    with pytest.raises(RepositoryRefused) as refused:
        analyse_bundle(path, ["ada@example.com"], archive_limits=ArchiveLimits(**limits))
    return str(refused.value)


def bundle_of(path: Path, tree: Tree, *objects) -> Path:
    """Write a bundle of one commit of ``tree`` holding ``objects``, built with dulwich."""
    commit = Commit()
    commit.tree = tree.id
    commit.author = commit.committer = ADA.encode()
    commit.author_time = commit.commit_time = 1_700_000_000
    commit.author_timezone = commit.commit_timezone = 0
    commit.message = b"Hostile\n"
    pack = io.BytesIO()
    write_pack_objects(pack.write, [commit, tree, *objects], DEFAULT_OBJECT_FORMAT)
    header = b"# v2 git bundle\n" + commit.id + b" refs/heads/main\n\n"
    path.write_bytes(header + pack.getvalue())
    return path


def test_text_that_is_not_a_bundle_is_refused(tmp_path):
    path = tmp_path / "x.bundle"
    path.write_bytes(b"PK\x03\x04 not a bundle at all")
    assert "not a git bundle" in refusal(path)


def test_a_damaged_bundle_is_refused(sample_bundle, tmp_path):
    data = bytearray(sample_bundle.read_bytes())
    pack_at = data.index(b"PACK")
    data[pack_at + 40 : pack_at + 60] = b"\xff" * 20
    path = tmp_path / "damaged.bundle"
    path.write_bytes(bytes(data))
    assert "damaged or incomplete" in refusal(path)


def test_a_truncated_bundle_is_refused(sample_bundle, tmp_path):
    path = tmp_path / "short.bundle"
    path.write_bytes(sample_bundle.read_bytes()[:-200])
    assert "damaged or incomplete" in refusal(path)


def test_a_bundle_without_its_prerequisites_is_refused(tmp_path):
    repo = make_repo(tmp_path / "repo", [CommitSpec({"a.py": "a = 1\n"}), CommitSpec({})])
    git(repo, "bundle", "create", "-q", str(tmp_path / "part.bundle"), "main~1..main")
    assert "--all" in refusal(tmp_path / "part.bundle")


@pytest.mark.parametrize("name", [b"..", b"../evil.py", b"/etc", b".git", b""])
def test_a_tree_path_that_leaves_the_folder_is_refused(tmp_path, name):
    blob = Blob.from_string(b"print('hi')\n")
    tree = Tree()
    tree.add(name, 0o100644, blob.id)
    message = refusal(bundle_of(tmp_path / "evil.bundle", tree, blob))
    assert "path leaves its folder" in message


def test_a_nested_dotdot_folder_is_refused(tmp_path):
    blob = Blob.from_string(b"print('hi')\n")
    inner = Tree()
    inner.add(b"passwd", 0o100644, blob.id)
    outer = Tree()
    outer.add(b"..", 0o040000, inner.id)
    message = refusal(bundle_of(tmp_path / "evil.bundle", outer, inner, blob))
    assert "path leaves its folder: .." in message


def test_symlinks_and_submodules_are_skipped_not_read(tmp_path):
    target = Blob.from_string(b"/etc/passwd")
    code = Blob.from_string(b"print('hi')\n")
    tree = Tree()
    tree.add(b"link", 0o120000, target.id)
    tree.add(b"module", 0o160000, b"1" * 40)  # a submodule's commit, never fetched
    tree.add(b"app.py", 0o100644, code.id)
    files, _ = analyse_bundle(bundle_of(tmp_path / "b.bundle", tree, target, code), [])
    assert [file.path for file in files] == ["app.py"]


def test_a_bundle_with_too_many_files_is_refused(sample_bundle):
    assert "more than 3 files" in refusal(sample_bundle, max_files=3)


def test_a_bundle_whose_files_unpack_too_large_is_refused(sample_bundle):
    files, _ = analyse_bundle(sample_bundle, [])
    sizes = [len(file.data) for file in files]
    limit = max(sizes) + 10  # every object fits, all the files together do not
    assert sum(sizes) > limit
    assert "add up to more than" in refusal(sample_bundle, max_unpacked_bytes=limit)


def test_a_compressed_bomb_is_refused_before_it_is_inflated(tmp_path):
    bomb = Blob.from_string(b"\0" * 3_000_000)  # compresses to a few kilobytes
    tree = Tree()
    tree.add(b"bomb.bin", 0o100644, bomb.id)
    path = bundle_of(tmp_path / "bomb.bundle", tree, bomb)
    assert path.stat().st_size < 20_000
    assert "larger than 1 MB" in refusal(path, max_unpacked_bytes=1024 * 1024)


def test_an_object_larger_than_it_declares_is_refused(tmp_path):
    blob = Blob.from_string(b"print('hi')\n")
    tree = Tree()
    tree.add(b"app.py", 0o100644, blob.id)
    path = bundle_of(tmp_path / "b.bundle", tree, blob)
    data = path.read_bytes()
    # Rewrite the blob's zlib stream (same length is not needed: the pack is parsed in order).
    stream = zlib.compress(b"print('hi')\n")
    assert stream in data
    longer = zlib.compress(b"print('hi')\n" * 50)
    path.write_bytes(data.replace(stream, longer))
    assert "damaged or incomplete" in refusal(path)


def test_large_files_are_returned_unread(tmp_path):
    repo = make_repo(tmp_path / "repo", [CommitSpec({"big.py": lines(500), "a.py": "a = 1\n"})])
    files, _ = analyse_bundle(
        make_bundle(repo, tmp_path / "r.bundle"),
        [],
        archive_limits=ArchiveLimits(max_file_bytes=100),
    )
    by_path = {file.path: file for file in files}
    assert by_path["big.py"].oversize and by_path["big.py"].data == b""
    assert by_path["a.py"].data == b"a = 1\n"


def test_a_bundle_past_its_analysis_time_is_refused(sample_bundle):
    with pytest.raises(RepositoryRefused, match="longer than 0 seconds to analyse"):
        analyse_bundle(sample_bundle, ["ada@example.com"], HistoryLimits(analysis_seconds=0))


def test_a_commit_without_an_author_is_read_as_nobodys(tmp_path):
    blob = Blob.from_string(b"a = 1\n")
    tree = Tree()
    tree.add(b"a.py", 0o100644, blob.id)
    raw = b"tree " + tree.id + b"\ncommitter x <x@example.com> 1700000000 +0000\n\nodd\n"
    commit = Commit.from_raw_string(Commit.type_num, raw)
    pack = io.BytesIO()
    write_pack_objects(pack.write, [commit, tree, blob], DEFAULT_OBJECT_FORMAT)
    path = tmp_path / "odd.bundle"
    path.write_bytes(b"# v2 git bundle\n" + commit.id + b" HEAD\n\n" + pack.getvalue())
    files, history = analyse_bundle(path, ["ada@example.com"])
    assert [file.path for file in files] == ["a.py"]
    assert (history.commits_total, history.commits_yours) == (1, 0)


def test_a_bundle_larger_than_an_upload_is_refused(sample_bundle):
    size = sample_bundle.stat().st_size
    message = refusal(sample_bundle, max_upload_bytes=size - 1)
    assert (
        message
        == f"The bundle is larger than {size - 1:,} bytes; upload at most {size - 1:,} bytes."
    )


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _pack_entry(kind: int, data: bytes, prefix: bytes = b"") -> bytes:
    size = len(data)
    header = bytearray([(kind << 4) | (size & 0x0F) | (0x80 if size > 15 else 0)])
    size >>= 4
    while size:
        header.append((size & 0x7F) | (0x80 if size > 127 else 0))
        size >>= 7
    return bytes(header) + prefix + zlib.compress(data)


def test_a_delta_that_builds_a_huge_object_is_refused_before_it_is_applied(tmp_path):
    base = Blob.from_string(b"a" * 100)
    # A delta of 200 kB (20 kB packed) whose result is 10 MB: 100 bytes copied 100,000 times.
    delta = _varint(100) + _varint(10_000_000) + bytes([0x90, 100]) * 100_000
    body = _pack_entry(3, base.as_raw_string()) + _pack_entry(
        7, delta, bytes.fromhex(base.id.decode())
    )
    pack = b"PACK" + (2).to_bytes(4, "big") + (2).to_bytes(4, "big") + body
    pack += hashlib.sha1(pack).digest()  # noqa: S324 - git's own checksum
    path = tmp_path / "delta.bundle"
    path.write_bytes(b"# v2 git bundle\n" + b"1" * 40 + b" refs/heads/main\n\n" + pack)
    assert "larger than 1 MB" in refusal(path, max_unpacked_bytes=1024 * 1024)


def test_without_head_or_main_the_latest_branch_is_the_tip(tmp_path):
    repo = make_repo(
        tmp_path / "repo",
        [
            CommitSpec({"old.py": "a = 1\n"}),
            CommitSpec({"new.py": "b = 2\n"}, branch="dev", date="2024-09-09T10:00:00+00:00"),
            CommitSpec({"stale.py": "c = 3\n"}, branch="old", date="2024-01-09T10:00:00+00:00"),
        ],
    )
    git(repo, "bundle", "create", "-q", str(tmp_path / "b.bundle"), "dev", "old")
    files, history = analyse_bundle(tmp_path / "b.bundle", ["ada@example.com"])
    assert sorted(file.path for file in files) == ["new.py", "old.py"]
    assert history.commits_total == 3
