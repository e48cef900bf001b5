"""Positions in text: what every parser and every reader of a parsed document shares.

A leaf module (it imports nothing of lpr-lint), so the file reader and the two parsers depend
on it rather than on each other.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

MAX_DEPTH = 64
"""Deepest nesting accepted. Export format v1 nests five levels."""

Locator = Callable[[str], "tuple[int, int]"]
"""1-based (line, column) of a JSON Pointer, or of its nearest existing ancestor."""


def line_starts(text: str) -> list[int]:
    """Offsets at which each line begins (for offset → line/column conversion)."""
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def line_col(starts: list[int], offset: int) -> tuple[int, int]:
    """1-based (line, column) of an offset, given :func:`line_starts`."""
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1
