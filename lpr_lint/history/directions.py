"""The field table: which change of each value of export format v1 loosens compliance.

Data, not code: ``baselines/data/field-directions.yaml`` (schema
``field-directions.schema.json``), read once per process. Drift asks it where no rule's own
drift hint decides: a value no rule governs (``/access/sso``), a rule that does not apply to
the item (the users of a role without configuration permissions), or a hint that cannot tell
(``check``, when the value passes before and after). Every leaf of the export format has one
entry, which ``tests/test_drift_directions.py`` proves.

Beside it, :func:`format_direction`: a change after which a value no longer matches export
format v1 loosens (``check`` reports it as an ``LPR-SCHEMA`` failure), one that mends it
tightens.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from lpr_lint.errors import BaselineError
from lpr_lint.history.kinds import Direction
from lpr_lint.jsondata import is_date, is_type
from lpr_lint.load import data as resources
from lpr_lint.pointer import (
    MISSING,
    NOT_A_LIST,
    WILDCARD,
    expand,
    is_index,
    join,
    resolve,
    split,
)

if TYPE_CHECKING:
    from lpr_lint.rules.validator import Validator

DATA_FILE = "data/field-directions.yaml"
SCHEMA = "field-directions.schema.json"
EXPORT_SCHEMA = "export-v1.schema.json"
LOOSENING, TIGHTENING, NEUTRAL = Direction.LOOSENING, Direction.TIGHTENING, Direction.NEUTRAL
_SIGN = {"increase": 1, "decrease": -1, "enable": 1, "disable": -1, "later": 1, "earlier": -1}
_COMPARABLE = {  # values a word compares by size (true > false; ISO dates order as text)
    "increase": lambda v: is_type(v, "number"), "decrease": lambda v: is_type(v, "number"),
    "enable": lambda v: isinstance(v, bool), "disable": lambda v: isinstance(v, bool),
    "later": lambda v: isinstance(v, str) and is_date(v),
    "earlier": lambda v: isinstance(v, str) and is_date(v),
}


def pattern_of(pointer: str) -> str:
    """The pattern a concrete pointer falls under: list indices become ``*``
    (``/sharing/partners/3/state`` → ``/sharing/partners/*/state``)."""
    return join([WILDCARD if is_index(s) else s for s in split(pointer)])


def combine(directions: Iterator[Direction] | list[Direction]) -> Direction:
    """Loosening if any loosens, else tightening if any tightens, else neutral."""
    found = set(directions)
    return LOOSENING if LOOSENING in found else TIGHTENING if TIGHTENING in found else NEUTRAL


def _compare(grows: bool, shrinks: bool, sign: int) -> Direction:
    """The direction of a value that grew and/or shrank, where ``sign`` 1 says growth loosens."""
    looser, tighter = (grows, shrinks) if sign > 0 else (shrinks, grows)
    return LOOSENING if looser else TIGHTENING if tighter else NEUTRAL


def _members(values: list[Any]) -> set[str]:
    return {json.dumps(v, sort_keys=True) for v in values}


@dataclass(frozen=True, slots=True)
class FieldDirection:
    """One leaf of the export format and which change of it loosens."""

    pattern: str
    loosening: str
    """increase, decrease, enable, disable, add, remove, order, later, earlier or descriptive."""
    order: tuple[tuple[str, ...], ...] = ()
    """For ``order``: tiers of equally loose values, tightest first."""
    why: str = ""

    @property
    def descriptive(self) -> bool:
        """Does the value only say what or who (never loosening by itself)?"""
        return self.loosening == "descriptive"

    def rank(self, value: Any) -> int:
        """An ``order`` value's tier (a value outside the order is the loosest)."""
        for n, tier in enumerate(self.order):
            if isinstance(value, str) and value in tier:
                return n
        return len(self.order)

    def direction(self, before: Any, after: Any) -> Direction:
        """Which way a change of this value moves compliance (either side may be MISSING:
        a value taken out loosens, one put in tightens, unless the value is descriptive)."""
        kind = self.loosening
        if kind == "descriptive" or (before is MISSING and after is MISSING):
            return NEUTRAL
        if after is MISSING:
            return LOOSENING
        if before is MISSING:
            return TIGHTENING
        if kind == "order":
            b, a = self.rank(before), self.rank(after)
            return _compare(a > b, a < b, 1)
        if kind in ("add", "remove"):
            if not (isinstance(before, list) and isinstance(after, list)):
                return NEUTRAL  # a single value put in or taken out is handled above
            old, new = _members(before), _members(after)
            return _compare(bool(new - old), bool(old - new), 1 if kind == "add" else -1)
        if _COMPARABLE[kind](before) and _COMPARABLE[kind](after):
            return _compare(after > before, after < before, _SIGN[kind])
        return NEUTRAL  # values that cannot be compared: the format check decides


@dataclass(frozen=True, slots=True)
class FieldTable:
    """Every leaf of export format v1 with its direction."""

    fields: Mapping[str, FieldDirection]
    """By pointer pattern, in the data file's order."""

    def entry(self, pointer: str) -> FieldDirection | None:
        """The entry of the leaf a concrete pointer (or a pattern) names, if it is a leaf."""
        return self.fields.get(pattern_of(pointer))

    def below(self, pointer: str) -> list[FieldDirection]:
        """The entries of the leaves under a pointer that is not a leaf (a section, a list
        item, a declaration)."""
        prefix = pattern_of(pointer) + "/"
        return [e for p, e in self.fields.items() if p.startswith(prefix)]

    def descriptive(self, pointer: str) -> bool:
        """Is the value descriptive: a descriptive leaf, or only descriptive leaves below?"""
        entry = self.entry(pointer)
        entries = [entry] if entry is not None else self.below(pointer)
        return all(e.descriptive for e in entries)

    def direction(self, pointer: str, before: Any, after: Any) -> Direction:
        """Which way a change at a pointer moves compliance by the table alone."""
        entry = self.entry(pointer)
        if entry is not None:
            return entry.direction(before, after)
        entries = [e for e in self.below(pointer) if not e.descriptive]
        if not entries:  # descriptive only, or outside the format
            return NEUTRAL
        if after is MISSING:
            return LOOSENING if before is not MISSING else NEUTRAL
        if before is MISSING:
            return TIGHTENING
        base = len(split(pointer))
        return combine(_subtree(e, split(e.pattern)[base:], before, after) for e in entries)


def _subtree(entry: FieldDirection, rest: list[str], before: Any, after: Any) -> Direction:
    """One leaf's direction inside a value that changed as a whole (both sides present)."""
    if WILDCARD not in rest:
        return entry.direction(resolve(before, rest), resolve(after, rest))
    # items that cannot be paired here: only whether any such value is known on each side
    had, has = _known(before, rest), _known(after, rest)
    return LOOSENING if had and not has else TIGHTENING if has and not had else NEUTRAL


def _known(value: Any, rest: list[str]) -> bool:
    return any(v is not MISSING and v is not NOT_A_LIST for _, v in expand(value, rest))


@cache
def field_table() -> FieldTable:
    """The shipped table (read and checked once per process)."""
    path, data = resources.load_data_file(DATA_FILE, SCHEMA)
    fields: dict[str, FieldDirection] = {}
    for pattern, raw in data["fields"].items():
        if not isinstance(pattern, str) or not pattern.startswith("/") or pattern_of(
                pattern) != pattern:
            raise BaselineError(f"{path}: {pattern!r} is not a pointer pattern of a leaf "
                                "(/section/field, * for list items)")
        order = tuple(tuple(t) if isinstance(t, list) else (t,) for t in raw.get("order", ()))
        fields[pattern] = FieldDirection(pattern, raw["loosening"], order, raw.get("why", ""))
    return FieldTable(fields)


# --- export format conformance ------------------------------------------------------------


def _inline(node: Any, root: Mapping[str, Any]) -> Any:
    """A schema fragment with its ``#/$defs/...`` references replaced by what they name."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            rest = {k: v for k, v in node.items() if k != "$ref"}
            named = _inline(root["$defs"][ref[len("#/$defs/"):]], root)
            return {"allOf": [named, _inline(rest, root)]} if rest else named
        return {k: _inline(v, root) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, root) for v in node]
    return node


def export_subschema(pattern: str) -> Any:
    """The export format's schema of the values at a pointer pattern (None outside it)."""
    root = resources.load_json_schema(EXPORT_SCHEMA)
    node: Any = root
    for seg in split(pattern):
        node = _inline(node, root)
        node = (node.get("items") if seg == WILDCARD else
                node.get("properties", {}).get(seg)) if isinstance(node, dict) else None
        if node is None:
            return None
    return _inline(node, root)


@cache
def _format(pattern: str) -> tuple[Validator | None, bool]:
    """The validator of the values at a pattern, and whether the value is required."""
    from lpr_lint.rules.validator import Validator

    schema = export_subschema(pattern)
    segs = split(pattern)
    parent = export_subschema(join(segs[:-1])) if segs else None
    required = bool(segs) and isinstance(parent, dict) and segs[-1] in parent.get(
        "required", ())
    return (Validator(schema) if schema is not None else None), required


def _conforms(pattern: str, value: Any) -> bool:
    validator, required = _format(pattern)
    if value is MISSING:
        return not required
    return validator is None or validator.is_valid(value)


def format_direction(pointer: str, before: Any, after: Any) -> Direction:
    """Loosening when the change leaves the value outside export format v1 (a type, a word or
    a required value check reports as an ``LPR-SCHEMA`` failure), tightening when it mends it."""
    pattern = pattern_of(pointer)
    was, now = _conforms(pattern, before), _conforms(pattern, after)
    return _compare(was and not now, now and not was, 1)
