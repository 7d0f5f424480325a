"""Evidence from the code itself: read a repository archive and detect its stack.

Pure: no Flask, no database. ``read_archive`` turns an upload into ``RepoFile``s,
``analyse_files`` turns files into ``Findings`` with the line that proves each part.
"""

from portfolio.codescan.analyse import analyse_files
from portfolio.codescan.archive import ArchiveLimits, ArchiveRefused, RepoFile, read_archive
from portfolio.codescan.findings import (
    EvidenceLine,
    Findings,
    LanguageShare,
    PracticeFinding,
    TechnologyFinding,
)

__all__ = [
    "ArchiveLimits",
    "ArchiveRefused",
    "EvidenceLine",
    "Findings",
    "LanguageShare",
    "PracticeFinding",
    "RepoFile",
    "TechnologyFinding",
    "analyse_files",
    "read_archive",
]
