"""Which files count as the repository's own code, in which language, and how many lines.

A file does not count (``excluded`` says why) when it is:

* ``vendored``: someone else's code copied in (``vendor/``, ``node_modules/``,
  ``third_party/``, ``bower_components/``, ``wwwroot/lib/``, ``static/lib/``, copies of
  jQuery and Bootstrap, a virtualenv, ``.git/``);
* ``generated``: lock files, build output (``dist/``, ``build/``, ``target/``, ``obj/``),
  protobuf and designer output, files whose first lines say they are generated;
* ``minified``: ``*.min.js``/``*.min.css``, or script and style files whose lines average
  more than ``MINIFIED_LINE`` characters;
* ``binary``: images, fonts, archives, compiled code, or bytes with a NUL in them.

Languages come from the catalogue's rules (``extensions``), so "Java" is ``.java`` and
never ``.js``. Lines of code are non-blank lines.
"""

from __future__ import annotations

import re

from portfolio.codescan.rules import get_rules

#: Average line length above which a script or style file is taken as minified.
MINIFIED_LINE = 300
#: How many leading bytes are looked at for a NUL (binary) or a "generated" banner.
SNIFF_BYTES = 8000

_VENDORED_DIRS = frozenset(
    {
        "vendor",
        "vendors",
        "node_modules",
        "bower_components",
        "jspm_packages",
        "third_party",
        "third-party",
        "thirdparty",
        "site-packages",
        ".venv",
        "venv",
        ".tox",
        ".bundle",
        "Pods",
        "Carthage",
        ".git",
        ".yarn",
    }
)
_VENDORED_PATHS = re.compile(
    r"(?:^|/)(?:wwwroot|static|public|assets|web)/(?:lib|libs|vendor)/"
    r"|(?:^|/)jquery[^/]*\.js$"
    r"|(?:^|/)bootstrap[^/]*\.(?:js|css|less|scss)$"
    r"|(?:^|/)(?:html5shiv|respond|modernizr|popper|normalize)[^/]*\.(?:js|css)$",
    re.IGNORECASE,
)
_GENERATED_DIRS = frozenset(
    {"dist", "build", "target", "obj", "out", "__pycache__", ".next", ".nuxt", "coverage"}
)
_GENERATED_NAMES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "composer.lock",
        "Gemfile.lock",
        "Pipfile.lock",
        "poetry.lock",
        "Cargo.lock",
        "go.sum",
        "packages.lock.json",
    }
)
_GENERATED_SUFFIXES = (
    ".pb.go",
    "_pb2.py",
    "_pb2_grpc.py",
    ".designer.cs",
    ".g.cs",
    ".g.dart",
    ".freezed.dart",
    ".map",
)
_GENERATED_BANNER = re.compile(
    rb"@generated|generated .{0,80}do not edit|auto-?generated (?:file|code)",
    re.IGNORECASE,
)
_MINIFIED_SUFFIXES = (".min.js", ".min.css", "-min.js", ".min.mjs")
_MINIFIABLE = (".js", ".mjs", ".cjs", ".css")
_BINARY_SUFFIXES = frozenset(
    {
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".bmp",
        ".ico",
        ".webp",
        ".tif",
        ".tiff",
        ".psd",
        ".svgz",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".7z",
        ".rar",
        ".tar",
        ".jar",
        ".war",
        ".ear",
        ".whl",
        ".egg",
        ".nupkg",
        ".gem",
        ".class",
        ".pyc",
        ".pyo",
        ".o",
        ".obj",
        ".a",
        ".so",
        ".dll",
        ".dylib",
        ".exe",
        ".bin",
        ".wasm",
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".odt",
        ".mp3",
        ".mp4",
        ".wav",
        ".ogg",
        ".webm",
        ".mov",
        ".avi",
        ".flac",
        ".sqlite",
        ".sqlite3",
        ".db",
        ".mdb",
        ".dat",
        ".pkl",
        ".npy",
        ".parquet",
        ".split",
    }
)


def language_of(path: str) -> str | None:
    """Return the catalogue language of a path by its name or extension, or None."""
    return get_rules().language(path)


def excluded(path: str, data: bytes | None = None) -> str | None:
    """Return why a file does not count as the repository's code, or None if it does."""
    parts = path.split("/")
    name = parts[-1]
    lower = name.lower()
    folders = parts[:-1]
    if any(folder in _VENDORED_DIRS for folder in folders) or _VENDORED_PATHS.search(path):
        return "vendored"
    if lower.endswith(_MINIFIED_SUFFIXES):
        return "minified"
    if any(folder in _GENERATED_DIRS for folder in folders) or name in _GENERATED_NAMES:
        return "generated"
    if lower.endswith(_GENERATED_SUFFIXES):
        return "generated"
    dot = lower.rfind(".")
    if dot > 0 and lower[dot:] in _BINARY_SUFFIXES:
        return "binary"
    if data is None:
        return None
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        return "binary"
    if _GENERATED_BANNER.search(head[:400]):
        return "generated"
    if lower.endswith(_MINIFIABLE) and len(data) > 2 * MINIFIED_LINE:
        lines = data.count(b"\n") + 1
        if len(data) / lines > MINIFIED_LINE:
            return "minified"
    return None


def count_lines(data: bytes) -> int:
    """Return the number of non-blank lines."""
    return sum(1 for line in data.splitlines() if line.strip())
