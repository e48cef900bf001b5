"""JSON loading: values from the C parser, positions from a lazy scan of the text.

``json.loads`` parses the data (fast, exact JSON semantics); duplicate keys, ``NaN`` and
``Infinity`` are refused through its hooks. Positions are only needed for findings, so the
position scan runs the first time a pointer is located (or to place an error).
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from typing import Any

from lpr_lint.errors import InputError
from lpr_lint.jsondata import clip
from lpr_lint.load.duplicates import DuplicateKey
from lpr_lint.load.positions import MAX_DEPTH, Locator, line_col, line_starts
from lpr_lint.pointer import child, split

_WS = re.compile(r"[ \t\n\r]*")
_ATOM = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null"
                   r"|NaN|-?Infinity")
_scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]
_MAX_DIGITS = 4300
"""Python refuses to convert longer integer literals (sys.get_int_max_str_digits)."""
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _Duplicate(Exception):
    pass


class _NonFinite(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Duplicate
    return out


def _constant(name: str) -> Any:
    raise _NonFinite(name)


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NonFinite(text)
    return value


class _Scan:
    """Offsets of every member key / array item, plus the first offending token if any."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offsets: dict[str, int] = {}
        self.duplicate: tuple[str, int, int] | None = None
        self.nonfinite: int | None = None
        self.huge: int | None = None
        self.too_deep: int | None = None
        # text that json.loads gave up on may end early: keep what was seen
        with contextlib.suppress(IndexError):
            self._run()

    def _run(self) -> None:
        text, ws, atom = self.text, _WS, _ATOM
        i = ws.match(text, 0).end()  # type: ignore[union-attr]
        self.offsets[""] = i
        stack: list[list[Any]] = []  # [is_object, pointer, count, {key: offset}]
        ptr = ""
        while True:
            c = text[i]
            if c in "{[":
                if len(stack) >= MAX_DEPTH:  # refused anyway; deeper pointers would cost O(n²)
                    self.too_deep = i
                    return
                i = ws.match(text, i + 1).end()  # type: ignore[union-attr]
                close = "}" if c == "{" else "]"
                if text[i] == close:
                    i += 1
                else:
                    frame: list[Any] = [c == "{", ptr, 0, {}]
                    stack.append(frame)
                    ptr, i = self._member(frame, i)
                    continue
            elif c == '"':
                _, i = _scanstring(text, i + 1)
            else:
                m = atom.match(text, i)
                if m is None:  # pragma: no cover - json.loads accepted the text already
                    return
                tok = m.group()
                if self.huge is None and len(tok) > _MAX_DIGITS and tok.lstrip("-").isdigit():
                    self.huge = i
                elif self.nonfinite is None and (
                    tok in ("NaN", "Infinity", "-Infinity")
                    or (tok[-1].isdigit() and math.isinf(float(tok)))
                ):
                    self.nonfinite = i
                i = m.end()
            while stack:
                i = ws.match(text, i).end()  # type: ignore[union-attr]
                frame = stack[-1]
                if text[i] == ",":
                    i = ws.match(text, i + 1).end()  # type: ignore[union-attr]
                    frame[2] += 1
                    ptr, i = self._member(frame, i)
                    break
                i += 1  # closing bracket
                stack.pop()
            else:
                return

    def _member(self, frame: list[Any], i: int) -> tuple[str, int]:
        text = self.text
        if not frame[0]:
            ptr = child(frame[1], frame[2])
            self.offsets[ptr] = i
            return ptr, i
        key, end = _scanstring(text, i + 1)
        ptr = child(frame[1], key)
        seen: dict[str, int] = frame[3]
        if key in seen and self.duplicate is None:
            self.duplicate = (key, i, seen[key])
        seen.setdefault(key, i)
        self.offsets.setdefault(ptr, i)
        j = _WS.match(text, end).end()  # type: ignore[union-attr]
        return ptr, _WS.match(text, j + 1).end()  # type: ignore[union-attr]


def load_json(text: str, display: str) -> tuple[Any, Locator]:
    """Parse JSON text; return the data and a lazy pointer locator."""
    starts: list[int] | None = None

    def lc(offset: int) -> tuple[int, int]:
        nonlocal starts
        if starts is None:
            starts = line_starts(text)
        return line_col(starts, offset)

    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant,
                          parse_float=_float)
    except json.JSONDecodeError as exc:
        raise InputError(display, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except _Duplicate:
        duplicate = _Scan(text).duplicate
        if duplicate is None:  # pragma: no cover - the hook and the scan agree
            raise InputError(display, "duplicate key") from None
        key, at, first = duplicate
        line, col = lc(at)
        raise DuplicateKey(display, key, lc(first)[0], line, col) from None
    except _NonFinite as exc:
        pos = _Scan(text).nonfinite
        line, col = lc(pos) if pos is not None else (1, 1)
        token = str(exc.args[0])
        token = clip(token, 24)
        raise InputError(display, f"{token} is not a JSON number (NaN and Infinity are "
                         "not allowed)", line, col) from None
    except RecursionError:
        pos = _Scan(text).too_deep
        line, col = lc(pos) if pos is not None else (1, 1)
        raise InputError(display, f"nested too deeply (the limit is {MAX_DEPTH} levels)",
                         line, col) from None
    except ValueError:  # integers beyond Python's digit limit (4300 digits)
        pos = _Scan(text).huge
        line, col = lc(pos) if pos is not None else (1, 1)
        raise InputError(display, "a number has too many digits", line, col) from None

    scan_cache: list[_Scan] = []

    def scan() -> _Scan:
        if not scan_cache:
            scan_cache.append(_Scan(text))
        return scan_cache[0]

    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(data):
        line, col = lc(_lone_escape_offset(text))
        raise InputError(display, "a \\u escape encodes half of a character (a lone UTF-16 "
                         "surrogate); the text is not valid Unicode", line, col)
    if _depth_exceeds(data):
        pos = scan().too_deep
        line, col = lc(pos) if pos is not None else (1, 1)
        raise InputError(display, f"nested too deeply (the limit is {MAX_DEPTH} levels)", line, col)

    def locate(pointer: str) -> tuple[int, int]:
        offsets = scan().offsets
        segs = split(pointer)
        while segs:
            off = offsets.get("".join("/" + s.replace("~", "~0").replace("/", "~1")
                                      for s in segs))
            if off is not None:
                return lc(off)
            segs.pop()
        return lc(offsets.get("", 0))

    return data, locate


def _depth_exceeds(data: Any) -> bool:
    """Does any object or list sit deeper than :data:`MAX_DEPTH` levels? (Level by level, in
    list comprehensions: a 100,000-partner export is a million nodes.)"""
    level = [data] if type(data) is dict or type(data) is list else []
    for _ in range(MAX_DEPTH):
        level = [c for node in level for c in (node.values() if type(node) is dict else node)
                 if type(c) is dict or type(c) is list]
        if not level:
            return False
    return True


def _has_lone_surrogate(data: Any) -> bool:
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if _LONE_SURROGATE.search(node):
                return True
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _lone_escape_offset(text: str) -> int:
    """Offset of the first ``\\uD800``-``\\uDFFF`` escape that is not half of a valid pair."""
    skip_until = -1
    for m in _SURROGATE_ESCAPE.finditer(text):
        if m.start() < skip_until:
            continue
        unit = int(m.group()[2:], 16)
        nxt = _SURROGATE_ESCAPE.match(text, m.end())
        if unit < 0xDC00 and nxt is not None and int(nxt.group()[2:], 16) >= 0xDC00:
            skip_until = nxt.end()
            continue
        return m.start()
    return 0
