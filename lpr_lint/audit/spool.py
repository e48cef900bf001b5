"""The spool of flagged rows in an anonymous temporary file: each row's JSON object on one
line, stored after ``,\n    `` so that the JSON report copies the file as it is.

Every flagged row is one JSON object with sorted keys on one line; the JSON report indents
these lines as they are, and the other reports parse them back, one at a time, so a report
never holds every flagged row in memory.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress, repeat
from json.encoder import encode_basestring as _q
from operator import add, is_, itemgetter
from typing import IO, Any

from lpr_lint.audit.cache import Cache
from lpr_lint.audit.logs import count, iso_time

_HEAD = itemgetter(slice(0, 10))
_ISO_HOUR = itemgetter(slice(10, 14))  # "T04:" of 2026-03-10T04:31:52
_ISO_MMSS = itemgetter(slice(14, 19))  # "31:52"
_US_HOUR = itemgetter(slice(10, 15))  # ", 01:" of 01/25/2024, 01:27:03 PM UTC
_US_HALF = itemgetter(slice(20, 23))  # " PM"
_US_MMSS = itemgetter(slice(15, 20))  # "27:03"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_US_DAY = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_ISO_HOUR_KEY = re.compile(r"[T ](\d{2}):")
_US_HOUR_KEY = re.compile(r", (\d{2}): ([AP])M")
_MMSS = re.compile(r"\d{2}:\d{2}")


def _iso_day(head: str) -> str:
    """``"YYYY-MM-DDT`` for the first 10 characters of an ISO time, else ""."""
    return f'"{head}T' if _ISO_DAY.fullmatch(head) else ""


def _us_day(head: str) -> str:
    """``"YYYY-MM-DDT`` for the first 10 characters of a Flock (US) time, else ""."""
    m = _US_DAY.fullmatch(head)
    return f'"{m[3]}-{m[1]}-{m[2]}T' if m else ""


def _iso_hour(key: str) -> str:
    """``HH:`` for ``T04:`` (the hour of an ISO time), else ""."""
    m = _ISO_HOUR_KEY.fullmatch(key)
    return f"{m[1]}:" if m else ""


def _us_hour(key: str) -> str:
    """``HH:`` (24-hour) for ``, 01: PM`` (the hour and half-day of a Flock time), else ""."""
    m = _US_HOUR_KEY.fullmatch(key)
    return f'{int(m[1]) % 12 + (12 if m[2] == "P" else 0):02d}:' if m else ""


def _minutes(key: str) -> str:
    """``MM:SSZ"`` for the minutes-and-seconds slice of a fixed-width time, else ""."""
    return f'{key}Z"' if _MMSS.fullmatch(key) else ""


class Spool:
    """Flagged rows as JSON lines, in file/row order; :meth:`lines` reads them back."""

    def __init__(self, flags: Sequence[str]) -> None:
        self._flags = tuple(flags)
        self._fh = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._numbers: Cache[str] = Cache(key_length=64)
        self._us: tuple[Cache[str], ...] = (Cache(), Cache(), Cache())
        """Day, hour and minutes caches of Flock (US) times; _iso_parts: of ISO times."""
        self._iso_parts: tuple[Cache[str], ...] = (Cache(), Cache(), Cache())
        self._flag_json: dict[int, str] = {}
        """Flag mask → JSON list (at most 2 ** len(flags) entries)."""

    def write(self, file_enc: str, rows: Iterable[int], ids: Iterable[str],
              cases: Iterable[str | None], networks: Iterable[str], devices: Iterable[str],
              times: Sequence[str], reasons: Iterable[str], offenses: Iterable[str],
              orgs: Iterable[tuple[Any, ...]], reasons_info: Iterable[tuple[Any, ...]],
              masks: Iterable[int]) -> None:
        """Append one line per row; the arguments are columns of the flagged rows only.

        ``file_enc`` is the file name as JSON; ``cases`` holds None when the log does not
        record case numbers; ``orgs`` and ``reasons_info`` are the auditor's cached
        organisation and reason entries (declared-partner JSON at [3], org JSON at [4];
        matches JSON at [1]); ``masks`` the flag bit masks."""
        num, num_of = self._numbers, self._number
        flags, flags_of = self._flag_json, self._flags_of
        self._fh.write("".join([
            f',\n    {{"case_number":{"null" if case is None else _q(case)},'
            f'"declared_partner":{oi[3]},"devices":{num.get(d) or num_of(d)},'
            f'"file":{file_enc},"flags":{flags.get(m) or flags_of(m)},'
            f'"id":{_q(rid) if rid else "null"},"matches":{ri[1]},'
            f'"networks":{num.get(nt) or num_of(nt)},'
            f'"offense_type":{_q(off) if off else "null"},{oi[4]},"reason":{_q(reason)},'
            f'"row":{n},"search_time":{t}}}'
            for n, rid, case, nt, d, t, reason, off, oi, ri, m in zip(
                rows, ids, cases, networks, devices, self._iso_column(times), reasons,
                offenses, orgs, reasons_info, masks, strict=False)]))

    def flag_names(self, mask: int) -> list[str]:
        """The flags of a bit mask, in report order."""
        return [f for i, f in enumerate(self._flags) if mask >> i & 1]

    def _flags_of(self, mask: int) -> str:
        text = self._flag_json[mask] = json.dumps(self.flag_names(mask), separators=(",", ":"))
        return text

    def _number(self, raw: str) -> str:
        """A count cell as a JSON number (or null), cached."""
        value = count(raw)
        return self._numbers.put(raw, "null" if value is None else str(value))

    def _iso_column(self, times: Sequence[str]) -> list[str]:
        """Each search time as a JSON ISO string (or null): equal to :meth:`_iso` of each.

        The two fixed-width formats (``2026-03-10T04:31:52.901Z`` and Flock's ``01/25/2024,
        01:27:03 PM UTC``; the first time of the list tells which to try) are converted in
        three parts (day, hour, minutes and seconds), each looked up in a small cache of
        that format by a slice of the text; together the parts check the whole fixed-width
        prefix. A row whose slices do not all check goes through :meth:`_iso`."""
        if not times:
            return []
        first = times[0]
        if len(first) > 10 and first[10] == ",":
            converters, caches = (_us_day, _us_hour, _minutes), self._us
            hour_keys = list(map(add, map(_US_HOUR, times), map(_US_HALF, times)))
            minute_keys = list(map(_US_MMSS, times))
        else:
            converters, caches = (_iso_day, _iso_hour, _minutes), self._iso_parts
            hour_keys = list(map(_ISO_HOUR, times))
            minute_keys = list(map(_ISO_MMSS, times))
        parts = []
        for cache, keys, convert in zip(caches, (list(map(_HEAD, times)), hour_keys,
                                                 minute_keys), converters, strict=True):
            found: list[Any] = list(map(cache.get, keys))
            if not all(found):  # a miss (None), or not this fixed-width format ("")
                for i in compress(range(len(times)), map(is_, found, repeat(None))):
                    found[i] = cache.put(keys[i], convert(keys[i]))
            parts.append(found)
        days, hours, minutes = parts
        if not (all(days) and all(hours) and all(minutes)):
            for i, t in enumerate(times):  # the general path for any other format
                if not (days[i] and hours[i] and minutes[i]):
                    days[i], hours[i], minutes[i] = self._iso(t), "", ""
        return list(map(add, map(add, days, hours), minutes))

    @staticmethod
    def _iso(t: str) -> str:
        """:func:`~lpr_lint.audit.logs.iso_time` as JSON (null when unreadable)."""
        when = iso_time(t)
        return _q(when) if when else "null"

    def lines(self) -> Iterator[str]:
        """Every row written so far, as its JSON text, in order."""
        self._fh.flush()
        self._fh.seek(0)
        for line in self._fh:
            record = line.strip().rstrip(",")
            if record:
                yield record

    def copy_to(self, out: IO[str]) -> bool:
        """Write every row to ``out`` as the items of a JSON array indented by 4 (the
        first preceded by a newline, the others by a comma and a newline); False when
        there are none. Bytes are copied as they are when ``out`` is UTF-8 text over a
        binary buffer."""
        self._fh.flush()
        raw: Any = self._fh.buffer
        if raw.seek(0, os.SEEK_END) == 0:
            return False
        raw.seek(1)  # the rows are stored each after ",\n    ": the first comma is not wanted
        target = getattr(out, "buffer", None)
        encoding = str(getattr(out, "encoding", "") or "").lower().replace("-", "")
        if target is not None and encoding in ("utf8", "utf8sig"):
            out.flush()
            shutil.copyfileobj(raw, target, 1 << 20)
            target.flush()
        else:
            text = io.TextIOWrapper(raw, encoding="utf-8")
            shutil.copyfileobj(text, out, 1 << 20)
            text.detach()
        return True

    def close(self) -> None:
        self._fh.close()
