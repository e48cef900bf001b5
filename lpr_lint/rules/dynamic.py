"""Rule checks that depend on the date judged (``--as-of``) or on another value of the export.

Two forms a baseline may write inside a rule's ``check``:

- ``notBefore`` / ``notAfter`` with ``{days: N}`` (relative to as-of: a date no earlier than
  as-of minus N days, no later than as-of plus N days) or ``{date: YYYY-MM-DD}`` (a fixed
  date). For one as-of date each bound is an ordinary ``pattern`` over ``YYYY-MM-DD`` strings
  (ISO dates sort as text), so ``lpr-lint schema --as-of D`` carries it exactly.
- ``{"$data": "/pointer"}`` in place of a value: the value at that pointer of the same export
  (``*`` gathers a list: ``/access/roles/*/name``). JSON Schema has no such reference, so
  rules that use it are left out of the composed schema and ``check`` alone enforces them.
  A referenced value that is missing makes the rule unknown: it cannot be shown.

:func:`concretise` turns such a check into plain JSON Schema for one as-of date and one
export; compiled validators are cached by the concrete schema.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from lpr_lint.jsondata import is_type
from lpr_lint.pointer import MISSING, NOT_A_LIST, WILDCARD, expand, split
from lpr_lint.rules.keywords import RULE_KEYWORDS
from lpr_lint.rules.validator import Validator

DATE_KEYWORDS = ("notBefore", "notAfter")
DATA = "$data"
_NUMBERS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
PROBE: Any = object()
"""Pass as the export to :func:`concretise` to stand in a value of the right type for every
``$data`` (the baseline loader compiles each dynamic check once this way)."""


class Unresolved(Exception):
    """A ``$data`` reference points at nothing usable in this export."""

    def __init__(self, pointer: str, why: str = "missing") -> None:
        super().__init__(pointer)
        self.pointer = pointer
        self.why = why


def walk_fragments(node: Any) -> Iterator[Any]:
    """Every dict, list and value inside a fragment."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def uses_dates(fragment: Any) -> bool:
    """Does the fragment hold an as-of-relative or fixed date bound?"""
    return any(isinstance(n, dict) and any(k in n for k in DATE_KEYWORDS)
               for n in walk_fragments(fragment))


def data_pointers(fragment: Any) -> list[str]:
    """Every ``$data`` pointer the fragment reads, in a stable order."""
    return sorted({n[DATA] for n in walk_fragments(fragment)
                   if isinstance(n, dict) and set(n) == {DATA} and isinstance(n[DATA], str)})


def bound(spec: Any, as_of: _dt.date, later: bool) -> _dt.date:
    """The date a ``{days: N}`` or ``{date: D}`` bound stands for on ``as_of``."""
    if "date" in spec:
        return _dt.date.fromisoformat(str(spec["date"]))
    days = _dt.timedelta(days=int(spec["days"]))
    return as_of + days if later else as_of - days


def _pattern(limit: _dt.date, at_least: bool) -> str:
    """A regex matched by the ``YYYY-MM-DD`` strings at or after (``at_least``) or at or
    before ``limit``: equal, or larger (smaller) at the first position that differs."""
    text = limit.isoformat()
    alternatives = [text]
    for i, ch in enumerate(text):
        if not ch.isdigit():
            continue
        d = int(ch)
        if at_least and d < 9:
            digits = f"[{d + 1}-9]" if d < 8 else "9"
        elif not at_least and d > 0:
            digits = f"[0-{d - 1}]" if d > 1 else "0"
        else:
            continue
        alternatives.append(text[:i] + digits + "." * (len(text) - i - 1))
    return "^(" + "|".join(alternatives) + ")$"


def _resolve(pointer: str, doc: Any) -> Any:
    segs = split(pointer)
    if WILDCARD not in segs:
        found = [v for _, v in expand(doc, segs)]
        if not found or found[0] is MISSING:
            raise Unresolved(pointer)
        return found[0]
    values = []
    for where, value in expand(doc, segs):
        if value is NOT_A_LIST:
            raise Unresolved(where, "not a list")
        if value is MISSING:
            raise Unresolved(where)
        values.append(value)
    return values


def concretise(fragment: Any, as_of: _dt.date, doc: Any = None) -> tuple[Any, _dt.date | None]:
    """Plain JSON Schema for one as-of date (and, for ``$data``, one export), and the first
    date bound it holds (shown as ``{limit}`` in messages). Raises :class:`Unresolved`."""
    limits: list[_dt.date] = []

    def walk(node: Any, keyword: str = "") -> Any:
        if isinstance(node, list):
            return [walk(x) for x in node]
        if not isinstance(node, dict):
            return node
        if set(node) == {DATA} and isinstance(node[DATA], str):
            if doc is None:
                raise Unresolved(node[DATA], "not resolvable without an export")
            if doc is PROBE:  # a stand-in of the right type, to compile the fragment once
                return 0 if keyword in _NUMBERS else [] if keyword == "enum" else None
            value = _resolve(node[DATA], doc)
            if keyword in _NUMBERS and not is_type(value, "number"):
                raise Unresolved(node[DATA], "not a number")
            if keyword == "enum" and not isinstance(value, list):
                raise Unresolved(node[DATA], "not a list")
            return value
        out = {k: walk(v, k) for k, v in node.items() if k not in DATE_KEYWORDS}
        extra = []
        for key in DATE_KEYWORDS:
            if key in node:
                limit = bound(node[key], as_of, later=key == "notAfter")
                limits.append(limit)
                extra.append({"type": "string", "format": "date",
                              "pattern": _pattern(limit, at_least=key == "notBefore")})
        if extra:
            out["allOf"] = [*out.get("allOf", []), *extra]
        return out

    return walk(fragment), (limits[0] if limits else None)


@lru_cache(maxsize=4096)
def _compiled(key: str) -> Validator:
    return Validator(json.loads(key), extensions=RULE_KEYWORDS)


_READY: dict[tuple[str, _dt.date, str], tuple[Validator, _dt.date | None]] = {}
_READY_MAX = 4096


def validator(fragment: Any, as_of: _dt.date, doc: Any = None, key: str = "",
              refs: tuple[str, ...] = ()) -> tuple[Validator, _dt.date | None]:
    """The compiled validator of a dynamic check for this as-of date and export, and its first
    date bound. ``key`` names the fragment (its JSON) and ``refs`` its ``$data`` pointers: with
    them, the work is done once per date and per set of referenced values."""
    if key:
        values = json.dumps([_resolve(r, doc) for r in refs], sort_keys=True) if refs else ""
        ready = _READY.get((key, as_of, values))
        if ready is not None:
            return ready
    concrete, limit = concretise(fragment, as_of, doc)
    made = _compiled(json.dumps(concrete, sort_keys=True)), limit
    if key:
        if len(_READY) >= _READY_MAX:
            _READY.clear()
        _READY[(key, as_of, values)] = made
    return made
