"""The bounded look-up cache of the audit's hot paths.

A :class:`Cache` is a ``dict``: the hot paths read it with C-level ``map(cache.get, keys)``
and store with :meth:`Cache.put`, which holds memory to a bound whatever the input: it
forgets everything when it holds :data:`ENTRIES` values, and never keeps a key longer than
its ``key_length`` (a log of distinct megabyte-long reasons makes no entries at all).
"""

from __future__ import annotations

from typing import TypeVar

V = TypeVar("V")

ENTRIES = 100_000
KEY_LENGTH = 1_000
"""Values keyed by longer text are computed each time, not cached."""


class Cache(dict[str, V]):
    """A dict of at most ``limit`` entries keyed by text of at most ``key_length``."""

    def __init__(self, limit: int = ENTRIES, key_length: int = KEY_LENGTH) -> None:
        super().__init__()
        self.limit = limit
        self.key_length = key_length

    def put(self, key: str, value: V) -> V:
        """Store ``value`` under ``key`` (when the key is short enough); return it."""
        if len(key) <= self.key_length:
            if len(self) >= self.limit:
                self.clear()
            self[key] = value
        return value
