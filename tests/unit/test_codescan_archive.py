"""Reading an uploaded archive: hostile archives are refused with a sentence, never a crash."""

from __future__ import annotations

import contextlib
import io
import stat
import tarfile
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio.codescan import ArchiveLimits, ArchiveRefused, RepoFile, read_archive
from portfolio.codescan.archive import safe_path


def make_zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def make_tar(members: dict[str, bytes], mode: str = "w:gz") -> io.BytesIO:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    return buffer


def refused(buffer: io.BytesIO, filename: str = "repo.zip", **limits: int) -> str:
    with pytest.raises(ArchiveRefused) as caught:
        read_archive(buffer, filename, ArchiveLimits(**limits))
    return str(caught.value)


# Reading what is fine


def test_zip_files_are_read_with_their_top_folder_stripped() -> None:
    buffer = make_zip(
        {"repo-main/": b"", "repo-main/app.py": b"print(1)\n", "repo-main/a/b.txt": b"x"}
    )
    files = read_archive(buffer, "repo-main.zip")
    assert files == [RepoFile("app.py", b"print(1)\n"), RepoFile("a/b.txt", b"x")]


@pytest.mark.parametrize("mode", ["w:gz", "w:bz2", "w:xz", "w"])
def test_tar_archives_are_read_by_their_magic_bytes(mode: str) -> None:
    buffer = make_tar({"src/main.go": b"package main\n", "go.mod": b"module x\n"}, mode)
    files = read_archive(buffer, "upload.bin")  # the name says nothing; the bytes do
    assert {file.path for file in files} == {"src/main.go", "go.mod"}


def test_top_folder_is_kept_when_files_sit_beside_it() -> None:
    files = read_archive(make_zip({"README": b"x", "src/a.py": b"y"}), "r.zip")
    assert [file.path for file in files] == ["README", "src/a.py"]


def test_files_over_the_reading_limit_are_counted_but_not_read() -> None:
    buffer = make_zip({"big.sql": b"x" * 5000, "small.py": b"y"})
    files = read_archive(buffer, "r.zip", ArchiveLimits(max_file_bytes=1000))
    assert files == [RepoFile("big.sql", b"", oversize=True), RepoFile("small.py", b"y")]


def test_a_nested_archive_is_a_file_and_never_opened() -> None:
    inner = make_zip({"../../evil": b"x"}).getvalue()
    files = read_archive(make_zip({"vendor.zip": inner}), "r.zip")
    assert files == [RepoFile("vendor.zip", inner)]


# Refusing what is not


@pytest.mark.parametrize(
    "name", ["../evil.py", "a/../../evil.py", "/etc/passwd", "C:/Windows/x", "a\\..\\b"]
)
def test_paths_leaving_the_folder_are_refused_in_zip(name: str) -> None:
    message = refused(make_zip({"ok.py": b"1", name: b"2"}))
    assert "leaves its folder" in message


@pytest.mark.parametrize("name", ["../evil.py", "/abs/evil.py", "a/../../evil.py"])
def test_paths_leaving_the_folder_are_refused_in_tar(name: str) -> None:
    assert "leaves its folder" in refused(make_tar({name: b"x"}), "r.tar.gz")


def test_symlinks_in_zip_are_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ok.py", b"1")
        link = zipfile.ZipInfo("config/secrets")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/shadow")
    buffer.seek(0)
    assert "link or special file" in refused(buffer)


@pytest.mark.parametrize(
    "kind", [tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.CHRTYPE, tarfile.FIFOTYPE]
)
def test_links_and_devices_in_tar_are_refused(kind: bytes) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("repo/link")
        info.type = kind
        info.linkname = "/etc/passwd"
        archive.addfile(info)
    buffer.seek(0)
    assert "link or special file" in refused(buffer, "r.tgz")


def test_zip_bomb_is_refused_by_its_ratio() -> None:
    # 20 MB of zeros deflates to about 20 KB: a ratio near 1000.
    buffer = make_zip({"bomb.txt": b"\0" * (20 * 1024 * 1024)})
    assert "zip bomb" in refused(buffer)


def test_tar_gz_bomb_is_refused_by_its_ratio() -> None:
    buffer = make_tar({"bomb.txt": b"\0" * (20 * 1024 * 1024)})
    assert "zip bomb" in refused(buffer, "r.tar.gz")


def test_tar_header_claiming_a_huge_long_name_is_refused_before_inflating_it() -> None:
    import gzip

    header = tarfile.TarInfo("././@LongLink")
    header.type = tarfile.GNUTYPE_LONGNAME
    header.size = 50 * 1024 * 1024
    body = header.tobuf(format=tarfile.GNU_FORMAT) + b"a" * (5 * 1024 * 1024)
    buffer = io.BytesIO(gzip.compress(body))
    message = refused(buffer, "r.tgz", max_unpacked_bytes=1024 * 1024, max_files=10)
    assert "unpacks to more than" in message


def test_too_many_files_are_refused() -> None:
    members = {f"f{n}.txt": b"x" for n in range(11)}
    assert "more than 10 files" in refused(make_zip(members), max_files=10)
    assert "more than 10 files" in refused(make_tar(members), "r.tgz", max_files=10)


def test_too_big_unpacked_is_refused_counting_real_bytes() -> None:
    # 10 KB each, barely compressible, so no ratio check steps in first.
    members = {f"f{n}.txt": bytes(range(256)) * 40 for n in range(5)}
    message = refused(make_zip(members), max_unpacked_bytes=30_000)
    assert "unpacks to more than 30,000 bytes" in message
    assert "unpacks to more than" in refused(make_tar(members), "r.tgz", max_unpacked_bytes=30_000)


def test_zip_headers_that_lie_about_size_do_not_help() -> None:
    data = bytes(range(256)) * 400  # 100 KB, stored
    raw = bytearray(make_zip({"a.bin": data}, compression=zipfile.ZIP_STORED).getvalue())
    # Claim a tiny uncompressed size in the central directory; the bytes read still count.
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24 : central + 28] = (10).to_bytes(4, "little")
    with pytest.raises(ArchiveRefused):
        read_archive(io.BytesIO(bytes(raw)), "r.zip", ArchiveLimits(max_unpacked_bytes=50_000))


def test_upload_over_the_limit_is_refused() -> None:
    assert "larger than 1,000 bytes" in refused(
        io.BytesIO(b"PK\x03\x04" + b"x" * 2000), max_upload_bytes=1000
    )


def test_corrupt_and_truncated_archives_are_refused() -> None:
    whole = make_zip({"a.py": b"print('hello')\n" * 100}).getvalue()
    assert "damaged or incomplete" in refused(io.BytesIO(whole[: len(whole) // 2]))
    tar = make_tar({"a.py": b"print('hello')\n" * 1000}).getvalue()
    assert "damaged or incomplete" in refused(io.BytesIO(tar[: len(tar) // 2]), "r.tgz")


def test_wrong_magic_is_refused_whatever_the_name() -> None:
    assert "not a .zip or .tar.gz" in refused(io.BytesIO(b"%PDF-1.7 not an archive"), "repo.zip")
    assert "not a .zip or .tar.gz" in refused(io.BytesIO(b""), "repo.tar.gz")


def test_a_gzip_that_is_not_a_tar_is_refused() -> None:
    import gzip

    assert "damaged or incomplete" in refused(
        io.BytesIO(gzip.compress(b"just text " * 100)), "r.tgz"
    )


def test_encrypted_zip_is_refused() -> None:
    raw = bytearray(make_zip({"a.py": b"secret"}).getvalue())
    # Set the "encrypted" flag bit, in the local header and the central directory.
    raw[6] |= 0x1
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 8] |= 0x1
    assert "encrypted" in refused(io.BytesIO(bytes(raw)))


def test_empty_archives_are_refused() -> None:
    assert "holds no files" in refused(make_zip({}))
    assert "holds no files" in refused(make_zip({"only/": b""}))
    assert "holds no files" in refused(make_tar({}, "w:gz"), "r.tar.gz")


def test_safe_path_normalises_and_refuses() -> None:
    assert safe_path("./a//b/./c.py") == "a/b/c.py"
    assert safe_path("a/../b") is None
    assert safe_path("\\\\server\\share") is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048), st.sampled_from(["r.zip", "r.tar.gz", "r.tgz", "r"]))
def test_random_bytes_raise_only_archive_refused(data: bytes, filename: str) -> None:
    with contextlib.suppress(ArchiveRefused):
        read_archive(io.BytesIO(data), filename, ArchiveLimits(max_files=50))


PREFIXES = [b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b\x08", b"BZh9", b"\xfd7zXZ\x00"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PREFIXES), st.binary(max_size=2048))
def test_random_bytes_behind_real_magic_raise_only_archive_refused(
    prefix: bytes, rest: bytes
) -> None:
    with contextlib.suppress(ArchiveRefused):
        read_archive(io.BytesIO(prefix + rest), "r.zip")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mangled_real_archives_raise_only_archive_refused(data: st.DataObject) -> None:
    raw = bytearray(make_zip({"a/b.py": b"print(1)\n" * 20, "a/c.txt": b"hello"}).getvalue())
    for _ in range(data.draw(st.integers(1, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    with contextlib.suppress(ArchiveRefused):
        read_archive(io.BytesIO(bytes(raw)), "r.zip")
