"""Compliance-aware drift between two exports (an approved snapshot and the current export).

1. Volatile values (the baseline's ``drift.ignore`` plus any the caller adds) are dropped.
2. :mod:`lpr_lint.history.diff` finds the differences, matching list items by identity.
3. Each change gets the rules that govern it (its value, their conditions, the values they
   compare with), compliance before → after, by evaluating those rules on the item concerned
   in each document, and its direction (loosening / tightening / neutral):

   a. compliance first: a change after which a governing rule fails or cannot be shown where
      it did not before (a failing or unknown result ``check`` did not report) loosens, and so
      does one that leaves a value outside export format v1;
   b. else a whole list item added or removed: the collection's direction (an item matching
      its ``neutral_when``, an inbound partner, is neutral, and so is any change inside one);
   c. else the drift hints of the rules that govern exactly that value;
   d. else the field table (:mod:`lpr_lint.history.directions`), which gives every leaf of the
      export format a direction: a value taken out loosens, only descriptive values are
      neutral.

   A change that ends a violation and is otherwise neutral tightens. A section or list gone
   unknown (a portal page that did not load; the report carries the adapter's warning)
   loosens like any value taken out: what it showed can no longer be shown.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from lpr_lint.history.diff import RawDifference, raw_differences, without
from lpr_lint.history.directions import combine, field_table, format_direction
from lpr_lint.history.records import Change, ChangeKind, Compliance, Direction
from lpr_lint.jsondata import is_type
from lpr_lint.model import Outcome
from lpr_lint.pointer import MISSING, WILDCARD, child, is_index, join, overlaps, resolve, split
from lpr_lint.rules.baseline import Baseline, Rule
from lpr_lint.rules.engine import evaluate_node, evaluate_rule

LOOSENING, TIGHTENING, NEUTRAL = Direction.LOOSENING, Direction.TIGHTENING, Direction.NEUTRAL


# --- classification ----------------------------------------------------------------------


def _fields(schema: Any) -> set[str]:
    """Top-level member names a schema reads (``properties`` and ``required``, through
    ``allOf``/``anyOf``/``oneOf``/``not``/``if``/``then``/``else``)."""
    if not isinstance(schema, dict):
        return set()
    found = set(schema.get("properties", {})) | set(schema.get("required", []))
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key, []):
            found |= _fields(sub)
    for key in ("not", "if", "then", "else"):
        found |= _fields(schema.get(key))
    return found


def _watched(rule: Rule) -> list[str]:
    """Pointers whose change can change the rule's outcome: its value, its conditions and
    those of its cases, and the values it compares with (``$data``)."""
    out = [rule.pointer]
    for rel, schema in (*rule.when, *(c for case in rule.cases for c in case.when)):
        names = _fields(schema) if rel == "" else set()
        out += [child(rule.scope, n) for n in sorted(names)] or [rule.scope + rel]
    return list(dict.fromkeys([*out, *rule.data_refs]))


_BAD = (Outcome.FAIL, Outcome.UNKNOWN)
Judged = tuple[Outcome, Counter[tuple[Outcome, str]]]
"""A rule's outcome where a change is, and its failing or unknown results there (by outcome
and pointer, list indices inside the rule's scope replaced by ``*``)."""


def _within(segs: list[str], scope: tuple[str, ...]) -> bool:
    return len(segs) >= len(scope) and all(s in (WILDCARD, x) for s, x in zip(scope, segs,
                                                                                 strict=False))


def _judge(rule: Rule, doc: Any, pointer: str | None, where: str, as_of: _dt.date) -> Judged:
    """The rule on the item the change at ``where`` is in, or over the whole document for a
    rule that is not about that item. ``pointer`` is the change's pointer in ``doc``: None
    where the item is absent, which gives ``not_applicable`` for rules about the item."""
    if as_of < rule.effective:
        return Outcome.NOT_APPLICABLE, Counter()
    scope = rule.scope_segments
    if scope and _within(split(where), scope):
        if pointer is None:
            return Outcome.NOT_APPLICABLE, Counter()
        concrete = split(pointer)[: len(scope)]
        node = resolve(doc, concrete)
        if node is MISSING:
            return Outcome.NOT_APPLICABLE, Counter()
        base = join(concrete)
        outcome, at, _ = evaluate_node(rule, node, base, as_of, doc)
        return outcome, Counter([(outcome, rule.scope + at[len(base):])] if outcome in _BAD
                                else [])
    results = evaluate_rule(rule, doc, as_of)
    outcomes = {o for o, _, _ in results}
    bad = Counter((o, _general(p, scope)) for o, p, _ in results if o in _BAD)
    for worst in (Outcome.FAIL, Outcome.UNKNOWN, Outcome.PASS):
        if worst in outcomes:
            return worst, bad
    return Outcome.NOT_APPLICABLE, bad


def _general(pointer: str, scope: tuple[str, ...]) -> str:
    """A result's pointer with the list indices of the rule's scope replaced by ``*``, so
    reordered or re-indexed items give the same results."""
    segs = split(pointer)
    return join([*scope, *segs[len(scope):]]) if scope and _within(segs, scope) else pointer


_HINT_DIRECTIONS = {"increase": 1, "decrease": -1}


def _hint_direction(rule: Rule, before: Any, after: Any) -> Direction:
    hint = rule.drift.get("loosening")
    if before is MISSING or after is MISSING:
        if hint == "remove":
            return LOOSENING if after is MISSING else TIGHTENING
        return NEUTRAL
    if hint in _HINT_DIRECTIONS:
        if is_type(before, "number") and is_type(after, "number") and before != after:
            bigger = after > before
            return LOOSENING if bigger == (_HINT_DIRECTIONS[hint] > 0) else TIGHTENING
        return NEUTRAL
    if hint in ("enable", "disable") and isinstance(before, bool) and isinstance(after, bool):
        if before == after:
            return NEUTRAL
        return LOOSENING if after == (hint == "enable") else TIGHTENING
    if hint in ("add", "remove") and isinstance(before, list) and isinstance(after, list):
        old_set = {json.dumps(x, sort_keys=True) for x in before}
        new_set = {json.dumps(x, sort_keys=True) for x in after}
        grew, shrank = bool(new_set - old_set), bool(old_set - new_set)
        loosening = grew if hint == "add" else shrank
        tightening = shrank if hint == "add" else grew
        return LOOSENING if loosening else TIGHTENING if tightening else NEUTRAL
    if hint == "order":
        order = [json.dumps(x) for x in rule.drift["order"]]
        b, a = json.dumps(before), json.dumps(after)
        if b in order and a in order and a != b:
            return LOOSENING if order.index(a) > order.index(b) else TIGHTENING
        return NEUTRAL
    if hint == "check" and rule.check_validator is not None:
        was, now = rule.check_validator.is_valid(before), rule.check_validator.is_valid(after)
        return LOOSENING if was and not now else TIGHTENING if now and not was else NEUTRAL
    return NEUTRAL


def _inside_neutral_item(raw: RawDifference, old: Any, new: Any) -> bool:
    """Is the change inside a list item that matches its collection's ``neutral_when`` (an
    inbound partner) before and after the change?"""
    coll, item = raw.collection, raw.item
    if coll is None or coll.neutral_when is None or item is None or raw.whole_item:
        return False
    if item.before is None or item.after is None:
        return False
    segs = split(coll.pointer)
    before = resolve(old, [*segs, str(item.before)])
    after = resolve(new, [*segs, str(item.after)])
    return coll.neutral_when.is_valid(before) and coll.neutral_when.is_valid(after)


def classify(raw: RawDifference, old: Any, new: Any, watched: list[tuple[Rule, list[str]]],
             as_of: _dt.date) -> Change:
    """Give one difference its rules, direction and compliance before → after.

    ``watched`` pairs each rule with the pointers whose change can change its outcome.
    """
    pointer = raw.after_ptr if raw.after_ptr is not None else raw.before_ptr
    assert pointer is not None
    rules = [r for r, ws in watched if any(overlaps(w, pointer) for w in ws)]
    judged = {r.id: (_judge(r, old, raw.before_ptr, pointer, as_of),
                     _judge(r, new, raw.after_ptr, pointer, as_of)) for r in rules}
    outcomes = {i: (b[0], a[0]) for i, (b, a) in judged.items()}
    failing_before = tuple(sorted(i for i, (b, _) in outcomes.items() if b in _BAD))
    failing_after = tuple(sorted(i for i, (_, a) in outcomes.items() if a in _BAD))
    c_before: Compliance | None = None
    c_after: Compliance | None = None
    if rules:
        c_before = Compliance.VIOLATING if failing_before else Compliance.COMPLIANT
        c_after = Compliance.VIOLATING if failing_after else Compliance.COMPLIANT
        if raw.whole_item:
            if raw.before is MISSING:
                c_before = Compliance.ABSENT
            if raw.after is MISSING:
                c_after = Compliance.ABSENT
    if raw.whole_item and raw.collection is not None:
        coll = raw.collection
        item = raw.after if raw.after is not MISSING else raw.before
        neutral = coll.neutral_when is not None and coll.neutral_when.is_valid(item)
        direction = NEUTRAL if neutral else Direction(coll.added if raw.after is not MISSING
                                                       else coll.removed)
    elif _inside_neutral_item(raw, old, new):
        direction = NEUTRAL
    else:
        exact = [r for r in rules if len(split(r.pointer)) == len(split(pointer))
                 and overlaps(r.pointer, pointer)
                 and outcomes[r.id] != (Outcome.NOT_APPLICABLE, Outcome.NOT_APPLICABLE)]
        direction = combine([_hint_direction(r, raw.before, raw.after) for r in exact])
        if direction is NEUTRAL:
            direction = field_table().direction(pointer, raw.before, raw.after)
    worse = any(a[1] - b[1] for b, a in judged.values())  # a result check did not report
    fmt = format_direction(pointer, raw.before, raw.after)
    if worse or fmt is LOOSENING or (c_after is Compliance.VIOLATING
                                     and c_before is not Compliance.VIOLATING):
        direction = LOOSENING  # a new violation, unknown or format error always loosens
    elif direction is NEUTRAL and (fmt is TIGHTENING or (
            c_before is Compliance.VIOLATING and c_after is not Compliance.VIOLATING)):
        direction = TIGHTENING
    kind = (ChangeKind.ADDED if raw.before is MISSING else ChangeKind.REMOVED
            if raw.after is MISSING else ChangeKind.CHANGED)
    return Change(pointer=pointer, kind=kind,
                  before=None if raw.before is MISSING else raw.before,
                  after=None if raw.after is MISSING else raw.after,
                  direction=direction, rules=tuple(sorted(r.id for r in rules)),
                  compliance_before=c_before, compliance_after=c_after,
                  failing_before=failing_before, failing_after=failing_after, item=raw.item)


_ORDER = {LOOSENING: 0, TIGHTENING: 1, NEUTRAL: 2}


def compute_drift(old: Any, new: Any, baseline: Baseline, as_of: _dt.date,
                  ignore: Iterable[str] = ()) -> tuple[Change, ...]:
    """All changes from ``old`` to ``new``: sections with loosening first, then by pointer."""
    patterns = [*baseline.drift.ignore, *ignore]
    old, new = without(old, patterns), without(new, patterns)
    watched = [(rule, _watched(rule)) for rule in baseline.rules]
    changes = [classify(r, old, new, watched, as_of)
               for r in raw_differences(old, new, baseline.drift.collections)]
    loosened = {c.section for c in changes if c.direction == LOOSENING}
    return tuple(sorted(changes, key=lambda c: (
        c.section not in loosened, c.section, _ORDER[c.direction], _sort_pointer(c.pointer))))


def _sort_pointer(pointer: str) -> list[tuple[int, int | str]]:
    return [(0, int(s)) if is_index(s) else (1, s) for s in split(pointer)]
