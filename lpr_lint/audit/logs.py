"""Search-audit log readers: detect a log's format from its header and stream its rows.

Formats (``../shared/reference/vendor-formats.md`` §1.6, §1.7):

* ``flock-audit``: Flock Organization/Network Audit (Insights tab), ``ID, Name, Org Name,
  Total Networks Searched, [Total Devices Searched], Time Frame, License Plate, Reason,
  Case #, Filters, Search Time, Search Type, Text Prompt, Moderation`` or any subset in any
  order; header cells may carry a leading space (`` Name``).
* ``flock-audit-headerless``: the same export without a header, in the standard order
  ``Name, Org Name, Total Networks Searched, Total Devices Searched, Time Frame,
  License Plate, Reason, Case #, Filters, Search Time, Search Type``.
* ``flock-portal``: the Transparency Portal "Public Search Audit" CSV,
  ``id,userId,searchDate,cameraCount,reason`` (2025) and the 2026 variants with
  ``networkCount``, ``caseNumber`` and ``offenseType``.
* ``mapped``: any other CSV, read through ``--map column=field``.

Files may be gzip-compressed (detected by magic bytes), UTF-8 with or without a BOM, with
CRLF line ends. Text that is not valid in the chosen encoding is an :class:`InputError`
naming the file (``--encoding cp1252`` reads a legacy Excel export).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import itertools
import os
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO

from lpr_lint.errors import InputError
from lpr_lint.load.encodings import known_name

FIELDS = ("id", "org", "user", "search_time", "reason", "case_number", "networks", "devices",
          "offense_type")
"""What a row can tell; ``--map column=field`` takes these names."""
UNKNOWN_MARKERS = frozenset({"***", "——", "—", "* * *", "###", "redacted", "[redacted]"})
"""Cell values (lower-cased, stripped) that mean "withheld", not "empty"."""
GZIP_MAGIC = b"\x1f\x8b"

_FLOCK_AUDIT = {
    "id": "id", "name": "user", "org name": "org", "total networks searched": "networks",
    "total devices searched": "devices", "reason": "reason", "case #": "case_number",
    "case number": "case_number", "offense type": "offense_type", "search time": "search_time",
    "search date/time": "search_time",
}
_FLOCK_PORTAL = {
    "id": "id", "userid": "user", "searchdate": "search_time", "cameracount": "devices",
    "networkcount": "networks", "reason": "reason", "casenumber": "case_number",
    "offensetype": "offense_type",
}
HEADERLESS_ORDER = ("user", "org", "networks", "devices", None, None, "reason", "case_number",
                    None, "search_time", None)
"""Field of each column of a header-less audit export (None: not read)."""
_FLOCK_TIME = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{4},\s*\d{1,2}:\d{2}(:\d{2})?\s*[AP]M\b")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_US_DAY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})")
_US = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4}),?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)",
                 re.IGNORECASE)


@dataclass(frozen=True)
class Layout:
    """How to read one log: its format and the column index of each field it records."""

    format: str
    columns: Mapping[str, int]
    """Field → 0-based column index; a field the format does not record is absent."""
    header: bool = True
    """The first record is a header (False: it is already a search)."""
    width: int = 0
    """The number of columns (of the header, or of the first record)."""
    notes: tuple[str, ...] = field(default=())


def _norm(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().lower().split())


def _encoding_hint(codec: str) -> str:
    if codec == "cp1252":
        return ("it is not cp1252 either: find the encoding the file was saved in and pass it "
                "with --encoding")
    return "if Excel saved it, re-save as 'CSV UTF-8' or pass --encoding cp1252"


def _decoding_error(path: str, encoding: str, exc: UnicodeError, line: int | None) -> InputError:
    """The one-line error for text that is not valid in ``encoding``, at the line that holds
    the first bad byte (found by reading the bytes again: the text reader decodes ahead of
    the CSV reader, whose line count lags)."""
    codec = known_name(getattr(exc, "encoding", encoding), encoding)
    found = _bad_line(path, encoding) if isinstance(exc, UnicodeDecodeError) else None
    where = f"line {found or line}: " if (found or line) else ""
    reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
    return InputError(path, f"{where}not valid {codec} text ({reason}); "
                      + _encoding_hint(codec))


def _bad_line(path: str, encoding: str) -> int | None:
    """The line number of the first byte that is not valid ``encoding`` (None: not found)."""
    enc = _codec(encoding)
    try:
        with open(path, "rb") as raw:
            gz = raw.read(2) == GZIP_MAGIC
        with (gzip.open(path, "rb") if gz else open(path, "rb")) as fh:
            decoder = codecs.getincrementaldecoder(enc)()
            line = 1
            while chunk := fh.read(1 << 16):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    return line + chunk[: max(exc.start, 0)].count(b"\n")
                line += chunk.count(b"\n")
            decoder.decode(b"", final=True)
    except (UnicodeDecodeError, OSError, EOFError, LookupError, zlib.error):
        return None
    return None


def _codec(encoding: str) -> str:
    return "utf-8-sig" if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else encoding


def open_log(path: str, encoding: str = "utf-8") -> IO[str]:
    """``path`` as text (gzip detected by its magic bytes), newline="" for the csv module.

    A leading BOM is dropped whatever the encoding. Raises :class:`InputError`.
    """
    enc = _codec(encoding)
    try:
        if not codecs.lookup(enc)._is_text_encoding or codecs.lookup(enc).name == "undefined":
            raise LookupError(enc)
        with open(path, "rb") as fh:
            magic = fh.read(2)
        if magic == GZIP_MAGIC:
            return gzip.open(path, "rt", encoding=enc, newline="")
        return open(path, encoding=enc, newline="")
    except LookupError:
        raise InputError(path, f"unknown encoding {encoding!r}") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


def _mapped(header: list[str], mapping: Mapping[str, str], path: str) -> dict[str, int]:
    names = {_norm(h): i for i, h in reversed(list(enumerate(header)))}
    columns: dict[str, int] = {}
    for column, fld in mapping.items():
        index = names.get(_norm(column))
        if index is None:
            raise InputError(path, f"--map {column}={fld}: the header has no column {column!r} "
                             f"(it has: {', '.join(h.strip() for h in header[:20])})")
        columns[fld] = index
    return columns


def detect(first: list[str], path: str, mapping: Mapping[str, str] | None = None) -> Layout:
    """The layout of a log whose first record is ``first``. Raises :class:`InputError`."""
    cells = [_norm(c) for c in first]
    for fmt, known, required in (
            ("flock-audit", _FLOCK_AUDIT, ("search_time",)),
            ("flock-portal", _FLOCK_PORTAL, ("id", "search_time"))):
        columns: dict[str, int] = {}
        for i, cell in enumerate(cells):
            fld = known.get(cell)
            if fld is not None and fld not in columns:
                columns[fld] = i
        if all(r in columns for r in required) and (
                "reason" in columns or "offense_type" in columns or "org" in columns):
            if mapping:
                columns.update(_mapped(first, mapping, path))
            return Layout(fmt, columns, True, len(first))
    if mapping:
        columns = _mapped(first, mapping, path)
        if "search_time" not in columns and "reason" not in columns:
            raise InputError(path, "--map must name at least the search_time or reason column")
        return Layout("mapped", columns, True, len(first))
    if len(first) >= len(HEADERLESS_ORDER) and _FLOCK_TIME.match(first[9]):
        columns = {f: i for i, f in enumerate(HEADERLESS_ORDER) if f is not None}
        return Layout("flock-audit-headerless", columns, False, len(first))
    shown = ", ".join(c.strip() for c in first[:8]) + (", …" if len(first) > 8 else "")
    raise InputError(path, f"not a search-audit log (first row: {shown[:200]}); expected a "
                     "Flock Organization/Network Audit or portal search-audit CSV, or name "
                     "the columns with --map column=field")


@dataclass
class LogReader:
    """One open log: its layout and its records.

    Row numbers are spreadsheet rows: the header is row 1. Use as a context manager.
    """

    path: str
    layout: Layout
    _fh: IO[str]
    _reader: Iterator[list[str]]
    _first: list[str] | None
    encoding: str = "utf-8"
    mapping: Mapping[str, str] | None = None
    """How the log was opened (to open it again elsewhere, the same way)."""

    def records(self) -> tuple[int, Iterator[list[str]]]:
        """The spreadsheet row number of the first record (the header is row 1), and an
        iterator over every record (blank records included: they keep the numbering).

        The iterator is the ``csv.reader`` itself, so reading stays in C; reading errors
        surface from the caller's loop, which turns them into :class:`InputError` with
        :meth:`failure`.
        """
        if self._first is not None:
            return 1, itertools.chain((self._first,), self._reader)
        return (2 if self.layout.header else 1), self._reader

    def failure(self, exc: Exception) -> InputError:
        """The one-line error for a reading failure raised while iterating :meth:`records`."""
        line = getattr(self._reader, "line_num", None)
        where = f"line {line}: " if line else ""
        if isinstance(exc, UnicodeError):  # UTF-16 without a BOM raises a bare UnicodeError
            return _decoding_error(self.path, self.encoding, exc, line)
        if isinstance(exc, csv.Error):
            return InputError(self.path, f"{where}malformed CSV: {exc}")
        return InputError(self.path, f"{where}cannot read: {exc}")  # a corrupt gzip stream

    def position(self) -> float | None:
        """How far through the file (0..1) reading has got, when that can be told."""
        try:
            raw = self._fh.buffer  # type: ignore[attr-defined]
            raw = getattr(raw, "fileobj", raw)  # gzip: the compressed stream
            size = file_size(self.path)
            return min(1.0, raw.tell() / size) if size else None
        except (AttributeError, OSError, ValueError):
            return None

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> LogReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_reader(path: str, encoding: str = "utf-8",
                mapping: Mapping[str, str] | None = None) -> LogReader:
    """Open ``path``, read its first record and detect its layout. Raises InputError."""
    if os.path.isdir(path):
        raise InputError(path, "is a directory, not a search-audit log")
    fh = open_log(path, encoding)
    try:
        reader = csv.reader(fh)
        first: list[str] | None = None
        for row in reader:
            if row and any(c.strip() for c in row):
                first = row
                break
        if first is None:
            raise InputError(path, "empty file: not a search-audit log")
        layout = detect(first, path, mapping)
    except UnicodeError as exc:
        fh.close()
        raise _decoding_error(path, encoding, exc, None) from None
    except (OSError, EOFError, gzip.BadGzipFile, csv.Error, zlib.error) as exc:
        fh.close()
        raise InputError(path, f"cannot read as CSV: {exc}") from None
    except BaseException:
        fh.close()
        raise
    return LogReader(path, layout, fh, reader, None if layout.header else first, encoding,
                     mapping)


def file_size(path: str) -> int:
    """The size on disk (0 when unknown), for progress reporting."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def partner_key(name: str) -> str:
    """An organisation name as compared with declared partners: stripped, case-folded."""
    return " ".join(name.split()).casefold()


def day_of(raw: str) -> str:
    """The UTC day (YYYY-MM-DD) of a search time in any supported format, or "".

    Only the first 10 characters are needed (callers cache by them)."""
    m = _ISO_DAY.match(raw)
    if m:
        return f"{m[1]}-{m[2]}-{m[3]}"
    m = _US_DAY.match(raw)
    if m:
        return f"{m[3]}-{int(m[1]):02d}-{int(m[2]):02d}"
    return ""


def iso_time(raw: str) -> str | None:
    """A search time as ISO 8601 UTC (``2024-01-25T13:27:03Z``), or None when unreadable."""
    m = _ISO.match(raw)
    if m:
        return f"{m[1]}-{m[2]}-{m[3]}T{m[4]}:{m[5]}:{m[6]}Z"
    m = _US.match(raw)
    if m:
        hour = int(m[4]) % 12 + (12 if m[7].upper() == "PM" else 0)
        return f"{m[3]}-{int(m[1]):02d}-{int(m[2]):02d}T{hour:02d}:{m[5]}:{m[6] or '00'}Z"
    return None


def count(raw: str) -> int | None:
    try:
        return int(raw.strip().replace(",", ""))
    except ValueError:
        return None
