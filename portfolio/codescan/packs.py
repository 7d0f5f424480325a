"""Git bundles and packs as hostile input: read them into a temporary store, or refuse.

A pack is checked before any object is stored: every object is inflated in small chunks
(never more than it declares), and its size, or a delta's declared result size, must not
pass the most an archive may unpack, so a small pack cannot expand into gigabytes in
memory. A bundle must be complete (no prerequisite commits) and use SHA-1 names. Objects
go into an on-disk object store in a temporary folder that is removed on leaving
``object_store()``, whatever happens; nothing is checked out.
"""

from __future__ import annotations

import os
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from dulwich.object_store import DiskObjectStore

from portfolio.codescan.archive import MEGABYTE

BUNDLE_HEADERS = (b"# v2 git bundle\n", b"# v3 git bundle\n")

# User-facing refusals, one sentence each, shown next to the field.
REFUSE_NOT_BUNDLE = "This is not a git bundle (make one with: git bundle create repo.bundle --all)."
REFUSE_DAMAGED = "The bundle could not be read: it is damaged or incomplete."
REFUSE_PARTIAL = (
    "This bundle needs commits it does not carry; "
    "make a complete one with: git bundle create repo.bundle --all."
)
REFUSE_SHA256 = "Repositories with SHA-256 object names are not supported yet."
REFUSE_NO_COMMITS = "The repository has no commits on any branch."
REFUSE_OBJECT = "The repository holds a file larger than {limit}, the most that is read."
REFUSE_SLOW = "The history took longer than {seconds:g} seconds to analyse; try a smaller one."

_CHUNK = 64 * 1024
_HEADER_MAX = 4 * MEGABYTE  # bundle header: the list of refs


class RepositoryRefused(ValueError):
    """A bundle or repository URL that is not read; ``str(error)`` is a sentence for the field."""


def is_bundle(head: bytes) -> bool:
    """Return whether a file's first bytes are a git bundle's header (v2 or v3)."""
    return head.startswith(BUNDLE_HEADERS)


@contextmanager
def object_store() -> Iterator[DiskObjectStore]:
    """Yield a temporary on-disk object store, removed with everything in it on exit."""
    with tempfile.TemporaryDirectory(prefix="history-") as folder:
        store = DiskObjectStore.init(os.path.join(folder, "objects"))
        try:
            yield store
        finally:
            store.close()


def read_bundle_header(bundle: BinaryIO) -> dict[bytes, bytes]:
    """Read a bundle's header up to its pack; return its refs."""
    first = bundle.readline(64)
    if first not in BUNDLE_HEADERS:
        raise RepositoryRefused(REFUSE_NOT_BUNDLE)
    refs: dict[bytes, bytes] = {}
    read = len(first)
    while True:
        line = bundle.readline(_CHUNK)
        read += len(line)
        if read > _HEADER_MAX or not line.endswith(b"\n"):
            raise RepositoryRefused(REFUSE_DAMAGED)
        if line == b"\n":
            break
        if line.startswith(b"@"):  # v3 capability
            if line.startswith(b"@object-format=") and line.strip() != b"@object-format=sha1":
                raise RepositoryRefused(REFUSE_SHA256)
            continue
        if line.startswith(b"-"):
            raise RepositoryRefused(REFUSE_PARTIAL)
        sha, _, name = line.rstrip(b"\n").partition(b" ")
        if len(sha) != 40 or not name or any(c not in b"0123456789abcdef" for c in sha):
            raise RepositoryRefused(REFUSE_DAMAGED)
        refs[name] = sha
    if not refs:
        raise RepositoryRefused(REFUSE_NO_COMMITS)
    return refs


def store_pack(store: DiskObjectStore, read: Callable[[int], bytes], refusal: str) -> None:
    """Index a checked pack into ``store``, turning any failure into a refusal."""
    try:
        store.add_thin_pack(read, None)
    except RepositoryRefused:
        raise
    except Exception as error:  # hostile input: any failure to parse is a damaged pack
        raise RepositoryRefused(refusal) from error


def size_text(limit: int) -> str:
    """Return a limit in bytes as people read it: "200 MB" or "50,000 bytes"."""
    if limit >= MEGABYTE and limit % MEGABYTE == 0:
        return f"{limit // MEGABYTE} MB"
    return f"{limit:,} bytes"


def check_pack(pack: BinaryIO, start: int, max_object_bytes: int, seconds: float) -> None:
    """Walk a pack's objects without storing them; refuse bombs, oversize and damage.

    Every object is inflated in bounded chunks and its size checked against
    ``max_object_bytes``; a delta's declared result size is checked the same way, so
    applying it later cannot build a larger object. Refuses after ``seconds``.
    """
    cap = max_object_bytes
    deadline = time.monotonic() + seconds
    pack.seek(start)
    header = pack.read(12)
    if len(header) != 12 or header[:4] != b"PACK" or header[4:8] not in (b"\0\0\0\2", b"\0\0\0\3"):
        raise RepositoryRefused(REFUSE_DAMAGED)
    count = int.from_bytes(header[8:12], "big")
    offset = start + 12
    for _ in range(count):
        if time.monotonic() >= deadline:
            raise RepositoryRefused(REFUSE_SLOW.format(seconds=seconds))
        pack.seek(offset)
        head = pack.read(64)
        kind, size, used = _object_header(head)
        if size > cap:
            raise RepositoryRefused(REFUSE_OBJECT.format(limit=size_text(cap)))
        if kind == 6:  # offset delta: a varint offset follows
            while used < len(head) and head[used] & 0x80:
                used += 1
            used += 1
        elif kind == 7:  # reference delta: a 20-byte object name follows
            used += 20
        elif kind not in (1, 2, 3, 4):
            raise RepositoryRefused(REFUSE_DAMAGED)
        inflated, first, offset = _inflate(pack, offset + used, size)
        if inflated != size:
            raise RepositoryRefused(REFUSE_DAMAGED)
        if kind in (6, 7):
            _, used_base = _delta_varint(first, 0)
            result_size, _ = _delta_varint(first, used_base)
            if result_size > cap:
                raise RepositoryRefused(REFUSE_OBJECT.format(limit=size_text(cap)))


def _object_header(head: bytes) -> tuple[int, int, int]:
    if not head:
        raise RepositoryRefused(REFUSE_DAMAGED)
    byte = head[0]
    kind = (byte >> 4) & 7
    size = byte & 0x0F
    shift, used = 4, 1
    while byte & 0x80:
        if used >= len(head) or shift > 60:
            raise RepositoryRefused(REFUSE_DAMAGED)
        byte = head[used]
        size |= (byte & 0x7F) << shift
        shift += 7
        used += 1
    return kind, size, used


def _delta_varint(data: bytes, at: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if at >= len(data) or shift > 60:
            raise RepositoryRefused(REFUSE_DAMAGED)
        byte = data[at]
        value |= (byte & 0x7F) << shift
        shift += 7
        at += 1
        if not byte & 0x80:
            return value, at


def _inflate(pack: BinaryIO, start: int, expected: int) -> tuple[int, bytes, int]:
    """Inflate the zlib stream at ``start``, never past ``expected + 1`` bytes.

    Return (inflated size, its first 32 bytes, offset just past the stream).
    """
    inflater = zlib.decompressobj()
    pack.seek(start)
    position, size, first = start, 0, b""
    step = 1024  # most objects are small: read a little first, then more and more
    try:
        while not inflater.eof:
            chunk = pack.read(step)
            step = min(step * 4, _CHUNK * 4)
            if not chunk:
                raise RepositoryRefused(REFUSE_DAMAGED)
            position += len(chunk)
            data = chunk
            while data and not inflater.eof:
                out = inflater.decompress(data, _CHUNK)
                size += len(out)
                if len(first) < 32:
                    first += out[: 32 - len(first)]
                if size > expected:
                    raise RepositoryRefused(REFUSE_DAMAGED)
                data = inflater.unconsumed_tail
    except zlib.error as error:
        raise RepositoryRefused(REFUSE_DAMAGED) from error
    return size, first, position - len(inflater.unused_data)
