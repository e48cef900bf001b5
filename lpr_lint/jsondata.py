"""The JSON data model as lpr-lint sees loaded values: types, equality, plain rendering."""

from __future__ import annotations

import datetime as _dt
import json
import re
from typing import Any

TYPE_WORDS = {
    "null": "null",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "array": "a list",
    "object": "a mapping",
}


def json_type(value: Any) -> str:
    """The JSON type name of a loaded value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def is_type(value: Any, name: str) -> bool:
    if name == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return json_type(value) == name


def json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON Schema defines it (``true`` is not ``1``; ``1`` is ``1.0``)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def render(value: Any, limit: int = 60) -> str:
    """A short, plain rendering of a value for messages."""
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return clip(text, limit)


def clip(text: str, limit: int, at_word: bool = False) -> str:
    """``text`` cut to at most ``limit`` characters, ending in ``…``; with ``at_word``, at the
    last space in the second half of the cut, so no word is split."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not at_word:
        return cut + "…"
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;") + "…"


def brief(value: Any, items: int = 3) -> str:
    """Compact JSON in which a list of more than ``items`` objects is shown as its count
    (``[312 objects]``): a whole sharing list is a number to a reader, not a page of text."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {brief(v, items)}"
                               for k, v in sorted(value.items())) + "}"
    if isinstance(value, list):
        if len(value) > items and any(isinstance(v, dict) for v in value):
            return f"[{len(value)} objects]"
        return "[" + ", ".join(brief(v, items) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def describe(value: Any) -> str:
    """``text "21"``, ``true``, ``a list``: what a user sees when a type is wrong."""
    t = json_type(value)
    if t in ("null", "boolean"):
        return render(value)
    if t in ("integer", "number"):
        return f"the number {render(value)}"
    if t == "string":
        return f"text {render(value)}"
    return TYPE_WORDS.get(t, t)


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def is_date(value: str) -> bool:
    if not _DATE_RE.fullmatch(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
