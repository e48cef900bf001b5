"""Atomic file replacement: a reader sees the old file or the new one, never a mix."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import IO, Any

TMP_PREFIX = ".tmp-"
"""Temporary files are created beside their target with this prefix."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_writer(path: str, mode: str = "w") -> Iterator[IO[Any]]:
    """A handle on a temporary file beside ``path`` that replaces it only if the block ends
    normally (fsync, rename, fsync of the directory); on any error or interruption the
    temporary file is removed and ``path`` is untouched. ``mode`` is ``"w"`` (UTF-8 text,
    newlines as written) or ``"wb"``."""
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=directory)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 would lock out the rest of a team
        text = "b" not in mode
        with os.fdopen(fd, mode, encoding="utf-8" if text else None,
                       newline="" if text else None) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_atomic(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(path, "wb") as fh:
        fh.write(data)
