"""Which files a survey reads, and as which agency's snapshots.

A file is read as given. A folder is walked: a folder whose data files are all named by date
(``2026-04-29.json``: a portal crawl of one agency) is that agency's snapshots, of which only
the latest is read unless every snapshot is wanted; any other folder's data files are read
one by one; sub-folders are walked the same way. Hidden files and folders are skipped, and
everything is sorted, so the order never depends on the file system.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lpr_lint.load.files import EXTENSIONS

DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})")
"""A snapshot's file name: its date first."""


@dataclass(frozen=True, slots=True)
class Source:
    """One file to read."""

    path: str
    snapshot: str | None
    """The date its name gives, if any."""


def _dated(name: str) -> str | None:
    m = DATED.match(name)
    return m.group(1) if m else None


def _walk(folder: str, every: bool, out: list[Source]) -> None:
    try:
        entries = sorted(e for e in os.listdir(folder) if not e.startswith("."))
    except OSError:
        return
    files = [e for e in entries if os.path.splitext(e)[1].lower() in EXTENSIONS
             and os.path.isfile(os.path.join(folder, e))]
    if files and all(_dated(f) for f in files):  # one agency's snapshots
        files.sort(key=lambda f: (_dated(f), f))
        files = files if every else files[-1:]
    out += [Source(os.path.normpath(os.path.join(folder, f)), _dated(f)) for f in files]
    for entry in entries:
        path = os.path.join(folder, entry)
        if os.path.isdir(path):
            _walk(path, every, out)


def gather(paths: Iterable[str], every: bool = False) -> tuple[list[Source], list[str]]:
    """The files to read under ``paths`` (each once), and the folders in which none was found.

    A path that does not exist is kept: reading it reports the error."""
    sources: dict[str, Source] = {}
    empty: list[str] = []
    for given in paths:
        found: list[Source] = []
        if os.path.isdir(given):
            _walk(given, every, found)
            if not found:
                empty.append(os.path.normpath(given))
        else:
            found.append(Source(os.path.normpath(given), _dated(os.path.basename(given))))
        for source in found:
            sources.setdefault(source.path, source)
    return sorted(sources.values(), key=lambda s: s.path), empty
