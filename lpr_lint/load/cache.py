"""A cache of checked data files, so a run does not parse and check the same baseline again.

Pre-commit runs ``lpr-lint check`` once per commit, often many times a minute; each run would
otherwise read the baseline and its data files (YAML), and check them against their schemas,
before looking at the export. After one successful load, the checked data is kept as JSON
under the user's cache directory, named by a digest of everything the result depends on: the
file's bytes, the schema's bytes and lpr-lint's version. Another file, another schema or
another version is another name, so an entry is never stale; a missing, unreadable or broken
entry is a miss, and the file is read as if there were no cache.

Where: ``$LPR_LINT_CACHE_DIR`` if set (``off`` turns the cache off), else
``$XDG_CACHE_HOME/lpr-lint``, else ``~/.cache/lpr-lint``. Entries are written atomically
(:mod:`lpr_lint.atomic`), so two processes writing the same entry at once both leave a whole
one; a directory that cannot be written is simply not used. At most :data:`MAX_ENTRIES` are
kept (the oldest go first). Nothing a report shows depends on the cache: the data is the same,
the file's digest is that of its bytes, and a position is found by reading the file again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from lpr_lint import __version__

ENV = "LPR_LINT_CACHE_DIR"
"""Environment variable naming the cache directory; ``off`` turns the cache off."""
MAX_ENTRIES = 64
"""Entries kept; writing one more removes the oldest."""
_SUFFIX = ".json"


def cache_dir() -> Path | None:
    """The directory entries live in, or None when the cache is off."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lpr-lint"


def entry_key(raw: bytes, schema: str, schema_bytes: bytes) -> str:
    """The name of the entry for a file's bytes checked against one schema."""
    digest = hashlib.sha256()
    for part in (__version__.encode(), schema.encode(), schema_bytes, raw):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def read_entry(key: str) -> tuple[bool, Any]:
    """(True, data) for a usable entry; (False, None) otherwise."""
    directory = cache_dir()
    if directory is None:
        return False, None
    try:
        with open(directory / f"{key}{_SUFFIX}", encoding="utf-8") as fh:
            entry = json.load(fh)
    except (OSError, ValueError):
        return False, None
    if not isinstance(entry, dict) or entry.get("key") != key or "data" not in entry:
        return False, None
    return True, entry["data"]


def write_entry(key: str, data: Any) -> None:
    """Keep ``data`` under ``key``; any failure leaves the cache as it was."""
    directory = cache_dir()
    if directory is None:
        return
    from lpr_lint.atomic import write_atomic

    body = json.dumps({"key": key, "data": data}, ensure_ascii=False, separators=(",", ":"))
    with contextlib.suppress(OSError, ValueError):
        directory.mkdir(parents=True, exist_ok=True)
        write_atomic(str(directory / f"{key}{_SUFFIX}"), body.encode("utf-8"))
        _prune(directory)


def _prune(directory: Path) -> None:
    entries = []
    for path in directory.glob(f"*{_SUFFIX}"):
        with contextlib.suppress(OSError):
            entries.append((path.stat().st_mtime_ns, path.name, path))
    for _, _, path in sorted(entries)[:-MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            path.unlink()
