"""Compliance-aware drift between two exports (an approved snapshot and the current export).

1. Volatile values (the baseline's ``drift.ignore`` plus any the caller adds) are dropped.
2. Lists named in the baseline's ``drift.collections`` (partners, roles, extended holds) are
   matched item by item by identity (ORI, else name and state, …), so reordering is no change
   and an edited partner is one change, not a removal plus an addition.
3. Matched items and the rest of the document are compared for equality first (cheap), and
   only what differs is handed to DeepDiff, with lists of plain values compared as sets.
4. Each change gets the rules that govern it, its direction (loosening / tightening / neutral,
   from the rules' drift hints) and compliance before → after, by evaluating those rules on
   the item concerned in each document.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from lpr_lint.baseline import Baseline, Collection, Rule
from lpr_lint.engine import evaluate_node, evaluate_rule
from lpr_lint.jsondata import is_type
from lpr_lint.model import Outcome
from lpr_lint.pointer import MISSING, WILDCARD, child, join, resolve, split

LOOSENING, TIGHTENING, NEUTRAL = "loosening", "tightening", "neutral"
GATES = ("loosening", "violation", "any", "never")
"""``--fail-on`` choices for drift."""


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between the approved and the current export."""

    pointer: str
    """Where, in the current export (in the approved one for a removal)."""
    kind: str
    """added, removed or changed."""
    before: Any
    after: Any
    direction: str
    rules: tuple[str, ...]
    compliance_before: str | None
    """compliant or violating; None when no rule governs the value."""
    compliance_after: str | None
    label: str = ""
    """A readable name for a list item (``Harris County TX SO (TX)``)."""

    @property
    def section(self) -> str:
        """The export section the change is in (``sharing``, ``retention``, …)."""
        segs = split(self.pointer)
        return segs[0] if segs else "(document)"

    @property
    def compliance(self) -> str:
        """compliant→violating, violating→compliant, unchanged or ungoverned."""
        if self.compliance_before is None:
            return "ungoverned"
        if self.compliance_before == self.compliance_after:
            return "unchanged"
        return f"{self.compliance_before}→{self.compliance_after}"

    @property
    def new_violation(self) -> bool:
        """Did this change make a compliant value violate a rule?"""
        return self.compliance_before == "compliant" and self.compliance_after == "violating"


def gate_fails(changes: Iterable[Change], fail_on: str) -> bool:
    """Does the drift fail the gate? ``loosening`` (default): any loosening or new violation."""
    changes = list(changes)
    if fail_on == "never":
        return False
    if fail_on == "any":
        return bool(changes)
    if fail_on == "violation":
        return any(c.new_violation for c in changes)
    return any(c.direction == LOOSENING or c.new_violation for c in changes)


# --- canonical form ----------------------------------------------------------------------


def canonical(value: Any) -> Any:
    """Lists of plain values become sorted, de-duplicated lists: their order carries no meaning."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [canonical(v) for v in value]
        if all(not isinstance(v, (dict, list)) for v in items):
            unique = {json.dumps(v, sort_keys=True): v for v in items}
            return [unique[k] for k in sorted(unique)]
        return items
    return value


def _drop(node: Any, segs: list[str]) -> Any:
    """``node`` without the values at a pattern; untouched subtrees are shared, not copied."""
    if not segs:
        return MISSING
    head, rest = segs[0], segs[1:]
    if head == WILDCARD and isinstance(node, list):
        return [_keep(_drop(item, rest), item) for item in node]
    if isinstance(node, dict) and head in node:
        out = dict(node)
        sub = _drop(node[head], rest)
        if sub is MISSING:
            del out[head]
        else:
            out[head] = sub
        return out
    return node


def _keep(new: Any, old: Any) -> Any:
    return old if new is MISSING else new


def without(data: Any, patterns: Iterable[str]) -> Any:
    """A view of ``data`` with every value at the given pointer patterns removed."""
    for pattern in patterns:
        data = _keep(_drop(data, split(pattern)), data)
    return data


# --- matching ----------------------------------------------------------------------------


def _identity(item: Any, keys: tuple[str, ...]) -> str | None:
    if not isinstance(item, dict) or any(k not in item for k in keys):
        return None
    return json.dumps([item[k] for k in keys], sort_keys=True)


def match_items(old: list[Any], new: list[Any], identity: tuple[tuple[str, ...], ...]
                ) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair items by identity: (pairs of indices, removed old indices, added new indices).

    Key sets are tried in order, each over the items still unpaired, so an item that gained
    an ORI still pairs by name and state. Duplicates pair in order of appearance. Linear time.
    """
    pairs: list[tuple[int, int]] = []
    left_old, left_new = list(range(len(old))), list(range(len(new)))
    for keys in identity:
        index: dict[str, deque[int]] = defaultdict(deque)
        for j in left_new:
            key = _identity(new[j], keys)
            if key is not None:
                index[key].append(j)
        taken: set[int] = set()
        still_old = []
        for i in left_old:
            key = _identity(old[i], keys)
            bucket = index.get(key) if key is not None else None
            if bucket:
                j = bucket.popleft()
                pairs.append((i, j))
                taken.add(j)
            else:
                still_old.append(i)
        left_old = still_old
        left_new = [j for j in left_new if j not in taken]
    return sorted(pairs, key=lambda p: p[1]), left_old, left_new


# --- differences -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Raw:
    before_ptr: str | None
    """Where the value is in the old document (None: an item that was added)."""
    after_ptr: str | None
    """Where it is in the new document (None: an item that was removed)."""
    before: Any
    after: Any
    item: Collection | None = None
    """Set for a whole collection item added or removed."""
    label: str = ""


def _diff_values(old: Any, new: Any, before_base: str, after_base: str,
                 label: str = "") -> Iterator[_Raw]:
    """Leaf-level differences of two values; plain-value lists are compared as sets."""
    if old == new:
        return
    old_c, new_c = canonical(old), canonical(new)
    if old_c == new_c:
        return
    if not isinstance(old_c, dict) or not isinstance(new_c, dict):
        yield _Raw(before_base, after_base, old, new, label=label)
        return
    from deepdiff import DeepDiff  # imported only when something differs

    seen: set[tuple[Any, ...]] = set()
    tree = DeepDiff(old_c, new_c, view="tree", verbose_level=0)
    for report_type in sorted(tree):
        for level in tree[report_type]:
            path = _truncate(level.path(output_format="list"), old_c, new_c)
            key = tuple(path)
            if key in seen:
                continue
            seen.add(key)
            rel = join([str(p) for p in path])
            yield _Raw(before_base + rel, after_base + rel, resolve(old_c, [str(p) for p in path]),
                       resolve(new_c, [str(p) for p in path]), label=label)


def _truncate(path: list[Any], old: Any, new: Any) -> list[Any]:
    """Cut a DeepDiff path at the first list: a list of plain values is one value."""
    a, b = old, new
    for n, seg in enumerate(path):
        if isinstance(a, list) or isinstance(b, list):
            return path[:n]
        a = a.get(seg, MISSING) if isinstance(a, dict) else MISSING
        b = b.get(seg, MISSING) if isinstance(b, dict) else MISSING
    return path


def _label(item: Any, fields: tuple[str, ...]) -> str:
    if not isinstance(item, dict):
        return ""
    parts = [str(item[f]) for f in fields if f in item and item[f] not in (None, "")]
    if not parts:
        return ""
    return parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")


def raw_differences(old: Any, new: Any, collections: Iterable[Collection]) -> Iterator[_Raw]:
    """Every difference, collections matched by identity."""
    handled = []
    for coll in collections:
        segs = split(coll.pointer)
        a, b = resolve(old, segs), resolve(new, segs)
        if not isinstance(a if a is not MISSING else [], list) or not isinstance(
                b if b is not MISSING else [], list):
            continue  # not lists here: compared as plain values below
        handled.append(coll.pointer)
        a_items = a if a is not MISSING else []
        b_items = b if b is not MISSING else []
        pairs, removed, added = match_items(a_items, b_items, coll.identity)
        for i in removed:
            yield _Raw(child(coll.pointer, i), None, a_items[i], MISSING, coll,
                       _label(a_items[i], coll.label))
        for j in added:
            yield _Raw(None, child(coll.pointer, j), MISSING, b_items[j], coll,
                       _label(b_items[j], coll.label))
        for i, j in pairs:
            yield from _diff_values(a_items[i], b_items[j], child(coll.pointer, i),
                                    child(coll.pointer, j), _label(b_items[j], coll.label))
    yield from _diff_values(without(old, handled), without(new, handled), "", "")


# --- classification ----------------------------------------------------------------------


def _overlaps(pattern: str, pointer: str) -> bool:
    """Is one of the two a prefix of the other (``*`` matching any one segment)?"""
    p, c = split(pattern), split(pointer)
    return all(a in (WILDCARD, b) for a, b in zip(p, c, strict=False))


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
    """Pointers whose change can change the rule's outcome: its value and its conditions."""
    out = [rule.pointer]
    for rel, schema in rule.when:
        names = _fields(schema) if rel == "" else set()
        out += [child(rule.scope, n) for n in sorted(names)] or [rule.scope + rel]
    return out


_BAD = (Outcome.FAIL, Outcome.UNKNOWN)


def _outcome(rule: Rule, doc: Any, pointer: str | None, as_of: _dt.date) -> Outcome:
    """The rule's outcome on the item the pointer is in (worst over the document for rules
    that are not about list items). An absent item gives ``not_applicable``."""
    if pointer is None or as_of < rule.effective:
        return Outcome.NOT_APPLICABLE
    scope = list(rule.scope_segments)
    segs = split(pointer)
    if scope and len(segs) >= len(scope):
        concrete = segs[: len(scope)]
        node = resolve(doc, concrete)
        if node is MISSING:
            return Outcome.NOT_APPLICABLE
        return evaluate_node(rule, node, join(concrete))[0]
    outcomes = {o for o, _, _ in evaluate_rule(rule, doc, as_of)}
    for worst in (Outcome.FAIL, Outcome.UNKNOWN, Outcome.PASS):
        if worst in outcomes:
            return worst
    return Outcome.NOT_APPLICABLE


_HINT_DIRECTIONS = {"increase": 1, "decrease": -1}


def _hint_direction(rule: Rule, before: Any, after: Any) -> str:
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


def _combine(directions: Iterable[str]) -> str:
    found = set(directions)
    return LOOSENING if LOOSENING in found else TIGHTENING if TIGHTENING in found else NEUTRAL


def classify(raw: _Raw, old: Any, new: Any, baseline: Baseline, as_of: _dt.date) -> Change:
    """Give one difference its rules, direction and compliance before → after."""
    pointer = raw.after_ptr if raw.after_ptr is not None else raw.before_ptr
    assert pointer is not None
    rules = [r for r in baseline.rules if any(_overlaps(w, pointer) for w in _watched(r))]
    outcomes = {r.id: (_outcome(r, old, raw.before_ptr, as_of),
                       _outcome(r, new, raw.after_ptr, as_of)) for r in rules}
    if rules:
        c_before: str | None = ("violating" if any(b in _BAD for b, _ in outcomes.values())
                                else "compliant")
        c_after: str | None = ("violating" if any(a in _BAD for _, a in outcomes.values())
                               else "compliant")
    else:
        c_before = c_after = None
    if raw.item is not None:
        item = raw.after if raw.after is not MISSING else raw.before
        neutral = raw.item.neutral_when is not None and raw.item.neutral_when.is_valid(item)
        direction = NEUTRAL if neutral else (raw.item.added if raw.after is not MISSING
                                             else raw.item.removed)
    else:
        exact = [r for r in rules if len(split(r.pointer)) == len(split(pointer))
                 and _overlaps(r.pointer, pointer)
                 and outcomes[r.id] != (Outcome.NOT_APPLICABLE, Outcome.NOT_APPLICABLE)]
        direction = _combine(_hint_direction(r, raw.before, raw.after) for r in exact)
    if c_before == "compliant" and c_after == "violating":
        direction = LOOSENING  # a new violation always loosens
    elif c_before == "violating" and c_after == "compliant" and direction == NEUTRAL:
        direction = TIGHTENING
    kind = "added" if raw.before is MISSING else "removed" if raw.after is MISSING else "changed"
    return Change(pointer=pointer, kind=kind,
                  before=None if raw.before is MISSING else raw.before,
                  after=None if raw.after is MISSING else raw.after,
                  direction=direction, rules=tuple(sorted(r.id for r in rules)),
                  compliance_before=c_before, compliance_after=c_after, label=raw.label)


_ORDER = {LOOSENING: 0, TIGHTENING: 1, NEUTRAL: 2}


def compute_drift(old: Any, new: Any, baseline: Baseline, as_of: _dt.date,
                  ignore: Iterable[str] = ()) -> tuple[Change, ...]:
    """All changes from ``old`` to ``new``: sections with loosening first, then by pointer."""
    patterns = [*baseline.drift.ignore, *ignore]
    old, new = without(old, patterns), without(new, patterns)
    changes = [classify(r, old, new, baseline, as_of)
               for r in raw_differences(old, new, baseline.drift.collections)]
    loosened = {c.section for c in changes if c.direction == LOOSENING}
    return tuple(sorted(changes, key=lambda c: (
        c.section not in loosened, c.section, _ORDER[c.direction], _sort_pointer(c.pointer))))


def _sort_pointer(pointer: str) -> list[tuple[int, int | str]]:
    return [(0, int(s)) if s.isdigit() else (1, s) for s in split(pointer)]
