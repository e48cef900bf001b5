"""RFC 6901 JSON Pointers, plus ``*`` pattern segments that stand for every list item."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

MISSING: Any = object()
"""Sentinel for 'no value at this pointer'."""
NOT_A_LIST: Any = object()
"""Sentinel yielded by :func:`expand` where ``*`` meets a value that is not a list."""

WILDCARD = "*"


def escape(segment: str) -> str:
    """Escape one reference token (``~`` → ``~0``, ``/`` → ``~1``)."""
    return segment.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """Undo :func:`escape`."""
    return token.replace("~1", "/").replace("~0", "~")


def split(pointer: str) -> list[str]:
    """``/a/b~1c`` → ``["a", "b/c"]``; the root pointer ``""`` → ``[]``."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer must start with '/': {pointer!r}")
    return [unescape(t) for t in pointer[1:].split("/")]


def join(segments: list[str] | tuple[str, ...]) -> str:
    """Inverse of :func:`split`."""
    return "".join("/" + escape(str(s)) for s in segments)


def child(pointer: str, segment: str | int) -> str:
    """The pointer one level below ``pointer``."""
    return f"{pointer}/{escape(str(segment))}"


def is_index(segment: str) -> bool:
    """Whether a segment is an array index as RFC 6901 writes one: ASCII digits, no leading
    zero (``"²"`` and ``"٣"`` are digits to Python, not indices; ``"01"`` is no index)."""
    return (segment.isascii() and segment.isdigit()
            and (segment == "0" or not segment.startswith("0")))


def resolve(document: Any, segments: Sequence[str]) -> Any:
    """The value at ``segments`` or :data:`MISSING` (wrong container types count as missing)."""
    node = document
    for seg in segments:
        if isinstance(node, dict):
            node = node.get(seg, MISSING)
        elif isinstance(node, list) and is_index(seg):
            i = int(seg)
            node = node[i] if i < len(node) else MISSING
        else:
            return MISSING
        if node is MISSING:
            return MISSING
    return node


def expand(document: Any, segments: list[str], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every concrete (pointer, value) matching a pattern with ``*`` segments.

    A ``*`` over a list yields each item. Where a key is absent, the pattern's pointer (up to
    its next ``*``) is yielded with :data:`MISSING`; where ``*`` meets something that is not
    a list, its pointer is yielded with :data:`NOT_A_LIST`. Callers report *unknown* there instead
    of silently skipping it.
    """
    node = document
    for i, seg in enumerate(segments):
        if seg == WILDCARD:
            if not isinstance(node, list):
                yield prefix, NOT_A_LIST
                return
            rest = segments[i + 1:]
            for n, item in enumerate(node):
                yield from expand(item, rest, f"{prefix}/{n}")
            return
        if isinstance(node, dict) and seg in node:
            node = node[seg]
            prefix = child(prefix, seg)
        else:
            rest = segments[i:]
            if WILDCARD in rest:
                rest = rest[: rest.index(WILDCARD)]
            yield prefix + join(rest), MISSING
            return
    yield prefix, node


def overlaps(pattern: str, pointer: str) -> bool:
    """Is one of the two a prefix of the other (``*`` matching any one segment)?"""
    p, c = split(pattern), split(pointer)
    return all(a in (WILDCARD, b) for a, b in zip(p, c, strict=False))
