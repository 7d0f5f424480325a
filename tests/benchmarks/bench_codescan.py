"""Time reading and analysing repository archives of 1,000, 5,000 and 20,000 files.

    .venv/bin/python tests/benchmarks/bench_codescan.py

Each archive is a made-up repository in memory, the same mix at every size: source files
in several languages (one in ten a test), vendored and minified copies, manifests, env,
compose and CI files in every package folder. The analysis should be linear in the number
of files, so the time per file should stay roughly flat; the last column shows it relative
to 1,000 files (linear is about 1.0). The 20,000-file wall time is printed against the
limit a full archive must stay within. The name bench_*.py keeps pytest from collecting it.
"""

from __future__ import annotations

import io
import random
import sys
import time
import zipfile
from pathlib import Path

# Run from anywhere: make the repository importable without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from portfolio.codescan import analyse_files, read_archive
from portfolio.codescan.archive import ANALYSIS_TIME_LIMIT, ArchiveLimits

SIZES = (1_000, 5_000, 20_000)
REPEATS = 3
PACKAGE_FILES = 50  # files per package folder; each package has its own manifests

SOURCES = {
    ".py": "import os\n\n\ndef handler_{n}(request):\n    value = os.environ.get('X', '{n}')\n"
    "    return {{'ok': True, 'value': value}}\n",
    ".php": "<?php\n\nnamespace App;\n\nclass Thing{n}\n{{\n    public function run()\n"
    "    {{\n        return {n};\n    }}\n}}\n",
    ".js": "const express = require('express');\nconst router = express.Router();\n"
    "router.get('/{n}', (req, res) => res.json({{ n: {n} }}));\nmodule.exports = router;\n",
    ".java": "package app;\n\npublic class Thing{n} {{\n    public int run() {{\n"
    "        return {n};\n    }}\n}}\n",
    ".rb": "class Thing{n} < ApplicationRecord\n  validates :name, presence: true\nend\n",
}
MANIFESTS = {
    "requirements.txt": "Django==4.2\nmysqlclient==2.2\ngunicorn==21.2\n",
    "package.json": '{"dependencies": {"express": "^4", "mssql": "^9"}, '
    '"devDependencies": {"jest": "^29"}}\n',
    "composer.json": '{"require": {"php": ">=8.1", "laravel/framework": "^10"}}\n',
    ".env.example": "DB_CONNECTION=mysql\nDB_PASSWORD=secret\nDATABASE_URL=mysql://u:p@db/x\n",
    "docker-compose.yml": "services:\n  db:\n    image: mysql:8\n  web:\n    build: .\n",
    "settings.py": "DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql'}}\n",
}


def build(count: int, seed: int = 1) -> bytes:
    """Return a zip of ``count`` files, the same mix at every size."""
    rng = random.Random(seed)
    buffer = io.BytesIO()
    extensions = list(SOURCES)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        written = 0
        package = 0
        while written < count:
            folder = f"repo-main/services/pkg{package}"
            for name, text in MANIFESTS.items():
                if written < count:
                    archive.writestr(f"{folder}/{name}", text)
                    written += 1
            for n in range(PACKAGE_FILES - len(MANIFESTS)):
                if written >= count:
                    break
                roll = rng.random()
                if roll < 0.1:
                    path = f"{folder}/tests/test_{n}.py"
                    body = SOURCES[".py"].format(n=n)
                elif roll < 0.2:
                    path = f"{folder}/node_modules/lib{n}/index.js"
                    body = SOURCES[".js"].format(n=n)
                elif roll < 0.25:
                    path = f"{folder}/public/app{n}.min.js"
                    body = "var a=1;" * 200
                else:
                    ext = rng.choice(extensions)
                    path = f"{folder}/src/file{n}{ext}"
                    body = SOURCES[ext].format(n=n) * rng.randint(1, 6)
                archive.writestr(path, body)
                written += 1
            package += 1
    return buffer.getvalue()


def run(raw: bytes) -> float:
    """Return the seconds one read and analysis of an archive takes."""
    start = time.perf_counter()
    files = read_archive(io.BytesIO(raw), "repo.zip", ArchiveLimits())
    findings = analyse_files(files)
    elapsed = time.perf_counter() - start
    assert findings.technology("MySQL") is not None
    return elapsed


def main() -> None:
    """Print the best-of time per archive size, per file, and the ratio to 1,000 files."""
    print(f"Read and analyse a repository archive, best of {REPEATS} runs")
    print(f"{'files':>7} {'archive (KB)':>13} {'best (s)':>9} {'per file (µs)':>14} {'ratio':>6}")
    baseline = None
    best = 0.0
    for size in SIZES:
        raw = build(size)
        best = min(run(raw) for _ in range(REPEATS))
        per_file = best / size
        baseline = baseline or per_file
        print(
            f"{size:>7,} {len(raw) / 1024:>13,.0f} {best:>9.2f} {per_file * 1e6:>14.1f} "
            f"{per_file / baseline:>6.2f}"
        )
    verdict = "within" if best <= ANALYSIS_TIME_LIMIT else "OVER"
    print(
        f"{SIZES[-1]:,} files took {best:.2f} s: {verdict} the limit of {ANALYSIS_TIME_LIMIT:.0f} s"
    )
    if best > ANALYSIS_TIME_LIMIT:
        sys.exit(1)


if __name__ == "__main__":
    main()
