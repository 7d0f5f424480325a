"""Read an uploaded repository archive into memory, treating it as hostile input.

``read_archive`` takes a .zip, .tar.gz/.tgz, .tar.bz2, .tar.xz or plain .tar, chosen by
its magic bytes (never by its name alone), and returns its regular files as
``RepoFile``s. Nothing is extracted to disk and nothing from the archive is ever run.

It refuses the whole archive, with a sentence fit to show next to the upload field
(``ArchiveRefused``), when:

* a member's path leaves the folder: ``../``, an absolute path, a drive letter, a
  backslash, a NUL;
* a member is a symbolic link, a hard link, a device or a FIFO (the archive is refused
  rather than the member skipped: a link is how a path escapes, and a repository that
  needs one to read right is not what an upload of code is for);
* it holds more than ``max_files`` files, or unpacks to more than
  ``max_unpacked_bytes`` (counted from the bytes actually decompressed, and for tar from
  the sizes the stream itself is laid out by, before skipping over them);
* a member, or the archive overall, unpacks to more than ``max_ratio`` times its
  compressed size once past ``RATIO_FLOOR`` bytes (a zip bomb);
* it is encrypted, corrupt, truncated, empty, or not an archive at all.

Archives inside the archive are never opened: they are just binary files. A file larger
than ``max_file_bytes`` is not read: it is returned with ``oversize=True`` and no data,
so the analysis counts it as skipped. When every file sits under one top folder
("repo-main/"), that folder is stripped from the paths.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import stat
import struct
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

MEGABYTE = 1024 * 1024

#: The longest reading and analysing a full archive (``max_files`` files) may take, in
#: seconds on one core; the benchmark (tests/benchmarks/bench_codescan.py) checks it.
ANALYSIS_TIME_LIMIT = 20.0

#: Below this many unpacked bytes the compression ratio is not checked: small text
#: files of repeated characters compress far better than 100:1 and are harmless.
RATIO_FLOOR = MEGABYTE

_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class RepoFile:
    """One file of a repository: a relative POSIX path and its bytes."""

    path: str
    data: bytes
    #: True when the file was larger than the reading limit and its bytes were not read.
    oversize: bool = False


@dataclass(frozen=True)
class ArchiveLimits:
    """How much of an archive is read before it is refused."""

    max_upload_bytes: int = 50 * MEGABYTE
    max_unpacked_bytes: int = 200 * MEGABYTE
    max_files: int = 20_000
    max_ratio: int = 100  # unpacked / compressed, per member and overall
    max_file_bytes: int = 2 * MEGABYTE  # larger files are counted and skipped, not read


class ArchiveRefused(ValueError):
    """An archive that is not read; ``str(error)`` is a sentence for the form field."""


# User-facing refusals. Kept here, with the limits they explain, so the upload form, the
# API and the tests all say the same thing.
REFUSE_UNKNOWN = "This is not a .zip or .tar.gz archive of a repository."
REFUSE_CORRUPT = "The archive could not be read: it is damaged or incomplete."
REFUSE_ENCRYPTED = "The archive is encrypted; upload it without a password."
REFUSE_EMPTY = "The archive holds no files."
REFUSE_UPLOAD = "The archive is larger than {limit}; upload at most {limit}."
REFUSE_UNPACKED = "The archive unpacks to more than {limit}, the most that is read."
REFUSE_FILES = "The archive holds more than {limit:,} files, the most that is read."
REFUSE_RATIO = (
    "The archive unpacks to more than {ratio} times its size ({where}); "
    "it looks like a zip bomb and is not read."
)
REFUSE_PATH = "The archive has a file whose path leaves its folder: {path}."
REFUSE_LINK = "The archive has a link or special file, which is not read: {path}."


def size_text(limit: int) -> str:
    """Return a size in bytes as people read it: "50 MB" or "102,400 bytes"."""
    if limit >= MEGABYTE and limit % MEGABYTE == 0:
        return f"{limit // MEGABYTE} MB"
    return f"{limit:,} bytes"


def read_archive(
    fileobj: BinaryIO, filename: str, limits: ArchiveLimits | None = None
) -> list[RepoFile]:
    """Return the regular files of an uploaded archive, or raise ArchiveRefused."""
    limits = limits or ArchiveLimits()
    raw = fileobj.read(limits.max_upload_bytes + 1)
    if len(raw) > limits.max_upload_bytes:
        raise ArchiveRefused(REFUSE_UPLOAD.format(limit=size_text(limits.max_upload_bytes)))
    reader = _Reader(limits, len(raw))
    try:
        if raw[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
            files = reader.read_zip(raw)
        elif raw[:2] == b"\x1f\x8b" or raw[:3] == b"BZh" or raw[:6] == b"\xfd7zXZ\x00":
            files = reader.read_tar(raw, compressed=True)
        elif len(raw) >= 512 and raw[257:262] == b"ustar":
            files = reader.read_tar(raw, compressed=False)
        else:
            raise ArchiveRefused(REFUSE_UNKNOWN)
    except ArchiveRefused:
        raise
    except RuntimeError as error:  # zipfile's word for "needs a password"
        if "encrypt" in str(error).lower() or "password" in str(error).lower():
            raise ArchiveRefused(REFUSE_ENCRYPTED) from None
        raise ArchiveRefused(REFUSE_CORRUPT) from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        tarfile.TarError,
        EOFError,
        OSError,
        zlib.error,
        lzma.LZMAError,
        ValueError,
        NotImplementedError,
        OverflowError,
        UnicodeError,
        KeyError,
        IndexError,
        struct.error,
    ):
        raise ArchiveRefused(REFUSE_CORRUPT) from None
    if not files:
        raise ArchiveRefused(REFUSE_EMPTY)
    return _strip_top_folder(files)


def safe_path(name: str) -> str | None:
    """Return a member name as a clean relative POSIX path, or None if it leaves the folder.

    An empty result ("" for "./") is returned as "" and means "the folder itself".
    """
    if "\x00" in name or "\\" in name or name.startswith("/") or _DRIVE.match(name):
        return None
    parts = []
    for part in name.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            return None
        parts.append(part)
    return "/".join(parts)


class _Reader:
    """Reads members while counting files, unpacked bytes and the compression ratio."""

    def __init__(self, limits: ArchiveLimits, compressed: int) -> None:
        self.limits = limits
        self.compressed = max(compressed, 1)
        self.unpacked = 0
        self.count = 0
        self.seen: set[str] = set()
        self.files: list[RepoFile] = []

    def _path(self, name: str) -> str:
        path = safe_path(name)
        if path is None:
            raise ArchiveRefused(REFUSE_PATH.format(path=_shown(name)))
        return path

    def _count_file(self) -> None:
        self.count += 1
        if self.count > self.limits.max_files:
            raise ArchiveRefused(REFUSE_FILES.format(limit=self.limits.max_files))

    def _add_unpacked(self, amount: int) -> None:
        self.unpacked += amount
        if self.unpacked > self.limits.max_unpacked_bytes:
            raise ArchiveRefused(
                REFUSE_UNPACKED.format(limit=size_text(self.limits.max_unpacked_bytes))
            )
        if self.unpacked > RATIO_FLOOR and self.unpacked > self.limits.max_ratio * self.compressed:
            raise ArchiveRefused(REFUSE_RATIO.format(ratio=self.limits.max_ratio, where="overall"))

    def _keep(self, path: str, data: bytes | None) -> None:
        if not path or path in self.seen:
            return
        self.seen.add(path)
        if data is None:
            self.files.append(RepoFile(path, b"", oversize=True))
        else:
            self.files.append(RepoFile(path, data))

    def read_zip(self, raw: bytes) -> list[RepoFile]:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
            # The central directory is read already; count before decompressing anything.
            regular = [info for info in members if not info.is_dir()]
            if len(regular) > self.limits.max_files:
                raise ArchiveRefused(REFUSE_FILES.format(limit=self.limits.max_files))
            for info in members:
                path = self._path(info.filename)
                if info.flag_bits & 0x1:
                    raise ArchiveRefused(REFUSE_ENCRYPTED)
                # Unix file types live in the high bits; archives made elsewhere leave them 0.
                kind = stat.S_IFMT(info.external_attr >> 16)
                if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
                    raise ArchiveRefused(REFUSE_LINK.format(path=_shown(info.filename)))
                if info.is_dir():
                    continue
                self._count_file()
                self._keep(path, self._read_zip_member(archive, info))
        return self.files

    def _read_zip_member(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
        # Decompress in chunks and count what actually comes out: the sizes in the
        # headers are the archive's word, and a bomb lies.
        keep = info.file_size <= self.limits.max_file_bytes
        chunks: list[bytes] = []
        read = 0
        floor = max(info.compress_size, 1)
        with archive.open(info) as member:
            while True:
                chunk = member.read(_CHUNK)
                if not chunk:
                    break
                read += len(chunk)
                self._add_unpacked(len(chunk))
                if read > RATIO_FLOOR and read > self.limits.max_ratio * floor:
                    raise ArchiveRefused(
                        REFUSE_RATIO.format(
                            ratio=self.limits.max_ratio, where=_shown(info.filename)
                        )
                    )
                if keep:
                    if read > self.limits.max_file_bytes:
                        keep = False
                        chunks.clear()
                    else:
                        chunks.append(chunk)
        return b"".join(chunks) if keep else None

    def read_tar(self, raw: bytes, *, compressed: bool) -> list[RepoFile]:
        source = _decompressed(raw) if compressed else io.BytesIO(raw)
        # Stream mode over a reader that counts every decompressed byte: even a tar header
        # claiming a huge long name cannot make the reader inflate past the limits.
        stream = _Bounded(source, self)
        with tarfile.open(fileobj=stream, mode="r|") as archive:
            for member in archive:
                path = self._path(member.name)
                if member.isdir():
                    continue
                if not member.isreg():
                    raise ArchiveRefused(REFUSE_LINK.format(path=_shown(member.name)))
                self._count_file()
                # A tar member's size is how much of the stream it takes, so it is what
                # must be decompressed to pass it, read or not: count it before moving on.
                self._add_unpacked(member.size)
                if member.size > self.limits.max_file_bytes:
                    self._keep(path, None)
                    continue
                handle = archive.extractfile(member)
                data = handle.read() if handle is not None else b""
                if len(data) != member.size:
                    raise ArchiveRefused(REFUSE_CORRUPT)
                self._keep(path, data)
        return self.files


def _decompressed(raw: bytes) -> io.BufferedIOBase:
    """Return a stream of a compressed tar's bytes, by its magic (gzip, bzip2 or xz)."""
    if raw[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=io.BytesIO(raw))
    if raw[:2] == b"BZ":
        return bz2.BZ2File(io.BytesIO(raw))
    return lzma.LZMAFile(io.BytesIO(raw))


class _Bounded(io.RawIOBase):
    """A read-only stream that refuses the archive once too much has been decompressed."""

    def __init__(self, source: io.RawIOBase | io.BufferedIOBase, reader: _Reader) -> None:
        self.source = source
        self.reader = reader
        limits = reader.limits
        # Tar headers and padding take up to about 1 KB a member beyond the files' bytes.
        self.limit = limits.max_unpacked_bytes + 1024 * limits.max_files + MEGABYTE
        self.count = 0

    def readable(self) -> bool:
        """Return True: the stream is read-only."""
        return True

    def read(self, size: int = -1) -> bytes:
        """Return up to ``size`` decompressed bytes, refusing the archive past the limits."""
        wanted = self.limit - self.count + 1
        data = self.source.read(wanted if size is None or size < 0 else min(size, wanted))
        self.count += len(data)
        limits = self.reader.limits
        if self.count > self.limit:
            raise ArchiveRefused(REFUSE_UNPACKED.format(limit=size_text(limits.max_unpacked_bytes)))
        if self.count > RATIO_FLOOR and self.count > limits.max_ratio * self.reader.compressed:
            raise ArchiveRefused(REFUSE_RATIO.format(ratio=limits.max_ratio, where="overall"))
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Read into a buffer, as tarfile's stream reader may ask."""
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _shown(name: str) -> str:
    """Return a member name safe to put in a message: printable and short."""
    text = "".join(char if char.isprintable() else "?" for char in name)
    return text if len(text) <= 120 else text[:117] + "..."


def _strip_top_folder(files: list[RepoFile]) -> list[RepoFile]:
    """Drop one folder every file sits under ("repo-main/"), as repository downloads add."""
    tops = {file.path.split("/", 1)[0] for file in files}
    if len(tops) != 1 or any("/" not in file.path for file in files):
        return files
    cut = len(tops.pop()) + 1
    return [RepoFile(file.path[cut:], file.data, file.oversize) for file in files]


__all__ = [
    "ArchiveLimits",
    "ArchiveRefused",
    "RepoFile",
    "read_archive",
    "safe_path",
    "size_text",
]
