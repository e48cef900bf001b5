"""Repeated search IDs, found exactly, the same way on every run, in bounded memory.

An ID is remembered by its *key* (:func:`id_key`), never by Python's ``hash()``: that is
salted per process (``PYTHONHASHSEED``), so two different IDs whose hashes collided would
make one search drop out of an audit on some runs and not on others. The key of an ID is
computed from its UTF-8 bytes, the cheapest way that keeps it within 64 bytes of memory
(64-bit CPython):

* up to :data:`SHORT_BYTES` bytes: those bytes (exact);
* up to :data:`EXACT_BYTES` bytes (a UUID is 36), not starting with a NUL byte: the integer
  they spell, ``int.from_bytes(utf8, "big")`` (exact; at least 2**248);
* any longer ID (or one starting with NUL): the integer of its 16-byte keyed BLAKE2b digest
  (:data:`KEY` is the key; below 2**128, so it never equals an exact key; two such IDs
  share one with probability 2**-128).

So the window of :data:`WINDOW` to ``2 ×`` WINDOW keys (plus one chunk) is bounded whatever
the IDs' lengths: 42 MB when full of UUIDs, set tables included. :func:`id_keys` computes a
chunk's keys with C-level ``map`` calls. Measured on 1M IDs: short ones cost what ``hash()``
did; UUIDs about 0.1 s more (``int.from_bytes``, for 16 bytes less per key than their
bytes); a keyed digest of every ID would have cost 0.6 s more, 15% of an audit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Literal

WINDOW = 200_000
"""Duplicates are found among the most recent WINDOW to ``2 ×`` WINDOW searches."""
SHORT_BYTES = 31
"""The longest ID (in bytes of UTF-8) kept as its bytes (a ``bytes`` of 31 takes 64 bytes)."""
EXACT_BYTES = 37
"""The longest ID kept as an integer (an int of 37 bytes takes 64 bytes of memory)."""
KEY = b"lpr-lint audit: search ID"
"""The BLAKE2b key of long IDs' digests (fixed: the same log gives the same result on
every run and every machine)."""

Key = bytes | int
"""An ID's bytes, or an integer (its bytes', or its digest's)."""
_BIG: Literal["big"] = "big"


def id_key(rid: str) -> Key:
    """The key of one search ID (see the module docstring)."""
    return _key(rid.encode("utf-8", "surrogatepass"))


def _key(raw: bytes) -> Key:
    if len(raw) <= SHORT_BYTES:
        return raw
    if len(raw) <= EXACT_BYTES and raw[0]:
        return int.from_bytes(raw, _BIG)
    return int.from_bytes(hashlib.blake2b(raw, digest_size=16, key=KEY).digest(), _BIG)


def id_keys(ids: Sequence[str]) -> Sequence[Key]:
    """``[id_key(rid) for rid in ids]``, with C-level ``map`` calls when the IDs of the chunk
    are all short, or all of UUID length."""
    try:
        raw = list(map(str.encode, ids))
    except UnicodeEncodeError:  # a lone surrogate (a log decoded from UTF-7, say)
        return list(map(id_key, ids))
    if not raw:
        return []
    longest = max(map(len, raw))
    if longest <= SHORT_BYTES:
        return raw
    if (longest <= EXACT_BYTES and min(map(len, raw)) > SHORT_BYTES
            and min(raw) >= b"\x01"):
        return list(map(int.from_bytes, raw, repeat(_BIG)))
    return list(map(_key, raw))


class Dedupe:
    """Which searches repeat the ID of a recent one; :attr:`duplicates` counts them.

    IDs in ``no_id`` (and the empty ID) stand for a missing ID: never a duplicate."""

    def __init__(self, no_id: Iterable[str], window: int = WINDOW) -> None:
        self.window = window
        self.duplicates = 0
        self._seen: set[Key] = set()
        self._before: set[Key] = set()
        self._no_id = frozenset(no_id) | {""}
        self._no_key = frozenset(map(id_key, self._no_id))

    def keep(self, ids: Sequence[str]) -> list[bool] | None:
        """Which rows are not repeats of a recent search ID (None: all of them)."""
        keys = id_keys(ids)
        new = set(keys)
        seen, before = self._seen, self._before
        if (len(new) == len(ids) and new.isdisjoint(self._no_key)
                and new.isdisjoint(seen) and new.isdisjoint(before)):
            seen |= new
            if len(seen) >= self.window:
                self._before, self._seen = seen, set()
            return None
        keep = []
        no_id = self._no_id
        for rid, key in zip(ids, keys, strict=True):  # the exact, row-by-row path: repeats
            if rid not in no_id:  # or missing IDs in this chunk
                if key in seen or key in before:
                    self.duplicates += 1
                    keep.append(False)
                    continue
                seen.add(key)
                if len(seen) >= self.window:
                    self._before = before = seen
                    self._seen = seen = set()
            keep.append(True)
        return keep
