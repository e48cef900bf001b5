"""A log's records as columns, :data:`CHUNK_ROWS` records at a time, read in this process
or, for a large file, in a helper process beside it, so that parsing the CSV and flagging
the searches run on two cores at once.

The helper is this module run as ``python -P -m lpr_lint.audit.columns PATH ENCODING
MAPPING INDEX SHARED DAY`` (the last four as JSON: the ``--map`` mapping, the columns to
read, which of them repeat values, which is the search time), from the package's parent
directory. It opens the log with
:func:`~lpr_lint.audit.logs.open_reader`, exactly as the parent did, and writes frames to
its standard output, each a 4-byte little-endian length and a :mod:`marshal` payload (plain
data only; both ends are the same interpreter):

* ``("layout", format, [[field, column], ...], header)``, first;
* ``("rows", first_number | [numbers], [column, ...], [day key, ...] | None,
  position | None)``, one per chunk;
* ``("error", message)``: the one-line reading error, the same as in this process;
* ``("end",)``.

Either way the file's SHA-256 is computed by a thread of this process meanwhile.

A helper that cannot start, or stops before its first frame, means reading in this
process instead; one that stops later is an error (nothing is ever silently skipped).
"""

from __future__ import annotations

import csv
import hashlib
import json
import marshal
import os
import sys
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from operator import itemgetter
from typing import IO, Any

from lpr_lint.audit.logs import LogReader, file_size, open_reader
from lpr_lint.errors import InputError

CHUNK_ROWS = 512
"""Records per chunk (small enough to stay in the CPU cache while it is processed)."""
PARALLEL_MIN_BYTES = 16 << 20
"""Files at least this large are parsed in a helper process (when there are two cores)."""
PROGRESS_EVERY = 16
"""Chunks between two readings of how far through the file reading has got."""
POOL_LIMIT = 100_000
POOL_LENGTH = 1_000
"""The helper sends equal cells of the ``shared`` columns as one object (marshal writes a
reference to it); it forgets them when it knows more than POOL_LIMIT, and a chunk with a
cell longer than POOL_LENGTH is sent as it is."""
_READ_ERRORS = (UnicodeError, csv.Error, OSError, EOFError, zlib.error)
"""What reading a log can raise (zlib.error: corrupt gzip data); see LogReader.failure."""

Chunk = tuple[Sequence[int], Sequence[tuple[str, ...]], Sequence[str] | None]
"""Spreadsheet row numbers, one tuple of cells per requested column, and the day keys."""
_HEAD = itemgetter(slice(0, 10))


def _cores() -> int:
    """The CPU cores this process may run on (a helper on one core only adds work)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def padded(numbers: Iterable[int], records: Iterable[list[str]],
           width: int) -> tuple[list[int], list[list[str]]]:
    """Blank records dropped (their numbers too) and short ones padded with empty cells."""
    kept_numbers: list[int] = []
    kept: list[list[str]] = []
    for n, record in zip(numbers, records, strict=False):
        if not record:
            continue
        if len(record) < width:
            record = record + [""] * (width - len(record))
        kept_numbers.append(n)
        kept.append(record)
    return kept_numbers, kept


def chunks(reader: LogReader, index: Sequence[int],
           day: int | None = None) -> Iterator[Chunk]:
    """The records of ``reader`` as columns ``index`` (blank records skipped), and when
    ``day`` is given (a position in ``index``), that column's first 10 characters: the key
    searches are counted by.

    Reading errors propagate as they are (see :meth:`LogReader.failure`)."""
    get = itemgetter(*index, index[0])  # a spare column: a tuple even for one field
    width = max(index) + 1
    n, records = reader.records()
    while chunk := list(islice(records, CHUNK_ROWS)):
        numbers: Sequence[int] = range(n, n + len(chunk))
        n += len(chunk)
        if min(map(len, chunk)) < width:
            numbers, chunk = padded(numbers, chunk, width)
            if not chunk:
                continue
        cols = list(zip(*map(get, chunk), strict=True))[:-1]
        yield numbers, cols, None if day is None else list(map(_HEAD, cols[day]))


class Columns:
    """The column chunks of one open log; iterate once. :attr:`position` tells how far
    through the file reading has got (0..1, None when unknown)."""

    def __init__(self, reader: LogReader, index: Sequence[int], parallel: bool | None = None,
                 shared: Sequence[int] = (), day: int | None = None) -> None:
        self.reader = reader
        self.index = list(index)
        self.day = day
        self.position: float | None = None
        self.sha256: str | None = None
        """The file's SHA-256 (hex), once every chunk was read (None if it could not be)."""
        self._args = [os.path.abspath(reader.path), reader.encoding,
                      json.dumps(dict(reader.mapping or {})), json.dumps(self.index),
                      json.dumps(list(shared)), json.dumps(day)]
        if parallel is None:
            parallel = file_size(reader.path) >= PARALLEL_MIN_BYTES and _cores() > 1
        self.parallel = parallel
        self.mode = ""
        """How the records were read: "helper" (a helper process) or "local"."""

    def __iter__(self) -> Iterator[Chunk]:
        digest = Digest(self.reader.path)  # a thread beside the reading, in either mode
        try:
            yield from self._helper() if self.parallel else ()
            if self.mode != "helper":
                yield from self._local()
        except BaseException:  # an error, closed early, or interrupted
            digest.cancel()
            raise
        self.sha256 = digest.result()

    def _helper(self) -> Iterator[Chunk]:
        helper = _Helper(self._args)
        try:
            if helper.start(self.reader):
                self.mode = "helper"
                yield from helper.chunks(self)
        finally:
            helper.stop()

    def _local(self) -> Iterator[Chunk]:
        reader = self.reader
        self.mode = "local"
        try:
            for i, chunk in enumerate(chunks(reader, self.index, self.day)):
                if not i % PROGRESS_EVERY:
                    self.position = reader.position()
                yield chunk
        except _READ_ERRORS as exc:
            raise reader.failure(exc) from None


class _Helper:
    """The helper process, seen from the parent."""

    def __init__(self, args: list[str]) -> None:
        self._args = args
        self._proc: Any = None

    def start(self, reader: LogReader) -> bool:
        """Start the helper; False when it cannot start or disagrees about the layout."""
        import subprocess

        import lpr_lint

        # The helper imports this very package (PYTHONPATH) and nothing from the current
        # directory: it runs in the package's parent directory, with -P where there is one.
        root = os.path.dirname(os.path.dirname(os.path.abspath(lpr_lint.__file__)))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        safe = ["-P"] if sys.version_info >= (3, 11) else []
        try:
            self._proc = subprocess.Popen(
                [sys.executable, *safe, "-m", "lpr_lint.audit.columns", *self._args],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                cwd=root, env=env)
            frame = _receive(self._proc.stdout)
        except (OSError, ValueError, EOFError, TypeError):
            return False
        layout = reader.layout
        return frame == ("layout", layout.format, sorted(layout.columns.items()),
                         layout.header) or _failed(reader, frame)

    def chunks(self, columns: Columns) -> Iterator[Chunk]:
        path = columns.reader.path
        while True:
            try:
                frame = _receive(self._proc.stdout)
            except (OSError, ValueError, EOFError, TypeError):
                code = self._proc.poll()
                raise InputError(path, "reading stopped unexpectedly (the reading process "
                                 f"ended{'' if code is None else f' with code {code}'})"
                                 ) from None
            kind = frame[0]
            if kind == "rows":
                _, numbers, cols, keys, position = frame
                if position is not None:
                    columns.position = position
                if isinstance(numbers, int):
                    numbers = range(numbers, numbers + len(cols[0]))
                yield numbers, cols, keys
            elif kind == "end":
                return
            else:
                _failed(columns.reader, frame)

    def stop(self) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()


def _failed(reader: LogReader, frame: Any) -> bool:
    """Raise the helper's reading error; any other frame means "read here instead"."""
    if isinstance(frame, tuple) and len(frame) == 2 and frame[0] == "error":
        raise InputError(reader.path, str(frame[1]))
    return False


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(4)
    if len(head) < 4:
        raise EOFError
    size = int.from_bytes(head, "little")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return marshal.loads(data)


def _send(stream: IO[bytes], frame: Any) -> None:
    data = marshal.dumps(frame)
    stream.write(len(data).to_bytes(4, "little"))
    stream.write(data)


PIPE_BYTES = 1 << 20
"""The pipe buffer asked for (Linux), so the reader can run several chunks ahead."""


def _widen_pipe(stream: IO[bytes]) -> None:
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError, ValueError):
        pass  # not Linux, or not a pipe: the default buffer works, a little less smoothly


def _helper(argv: list[str], out: IO[bytes]) -> int:
    """The helper process: read the log and write frames (see the module docstring)."""
    path, encoding, mapping, index = argv[0], argv[1], json.loads(argv[2]), json.loads(argv[3])
    shared, day = json.loads(argv[4]), json.loads(argv[5])
    pool: dict[str, str] = {}
    try:
        reader = open_reader(path, encoding, mapping or None)
    except InputError as exc:
        _send(out, ("error", exc.message))
        return 0
    _widen_pipe(out)
    with reader:
        layout = reader.layout
        _send(out, ("layout", layout.format, sorted(layout.columns.items()), layout.header))
        try:
            for i, (numbers, chunk_cols, keys) in enumerate(chunks(reader, index, day)):
                cols = list(chunk_cols)
                first = numbers.start if isinstance(numbers, range) else list(numbers)
                position = reader.position() if not i % PROGRESS_EVERY else None
                if len(pool) > POOL_LIMIT:
                    pool.clear()
                for k in shared:  # equal values as one object: sent once, hashed once
                    if max(map(len, cols[k])) <= POOL_LENGTH:
                        cols[k] = tuple(map(pool.setdefault, cols[k], cols[k]))
                if keys is not None:
                    keys = list(map(pool.setdefault, keys, keys))
                _send(out, ("rows", first, cols, keys, position))
        except _READ_ERRORS as exc:
            _send(out, ("error", reader.failure(exc).message))
            return 0
    _send(out, ("end",))
    return 0


class Digest:
    """The SHA-256 of a file, computed in a background thread (hashlib and file reads
    release the GIL, so it runs beside the scan on another core)."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._value: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lpr-lint-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        digest = hashlib.sha256()
        try:
            with open(self._path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    if self._stop.is_set():
                        return
                    digest.update(chunk)
        except OSError:
            return
        self._value = digest.hexdigest()

    def result(self) -> str | None:
        """The hex digest (None when the file could not be read), once it is done."""
        self._thread.join()
        return self._value

    def cancel(self) -> None:
        self._stop.set()
        self._thread.join()


if __name__ == "__main__":  # pragma: no cover - run as the helper process
    try:
        code = _helper(sys.argv[1:], sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except (KeyboardInterrupt, BrokenPipeError):
        code = 130
    except Exception as exc:
        try:
            _send(sys.stdout.buffer, ("error", f"cannot read: {exc}"))
            sys.stdout.buffer.flush()
        except OSError:
            pass
        code = 1
    os._exit(code)
