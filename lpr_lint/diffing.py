"""Find the differences between two exports: identity matching, canonical lists, DeepDiff.

Lists named in the baseline's ``drift.collections`` are matched item by item by identity, so
reordering is no change and an edited item is one change. Matched items and the rest of the
document are compared for equality first (cheap); only what differs goes to DeepDiff, and a
list of plain values is reported as one value (compared as a set).
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from lpr_lint.baseline import Collection
from lpr_lint.pointer import MISSING, WILDCARD, child, join, resolve, split

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


def _identity(item: Any, keys: tuple[str, ...]) -> Hashable | None:
    if not isinstance(item, dict) or any(k not in item for k in keys):
        return None
    values = tuple(item[k] for k in keys)
    if all(isinstance(v, str) for v in values):  # the usual case, and the fast one
        return values
    return json.dumps(values, sort_keys=True)  # lists, numbers, true and 1 kept apart


def match_items(old: list[Any], new: list[Any], identity: tuple[tuple[str, ...], ...]
                ) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair items by identity: (pairs of indices, removed old indices, added new indices).

    Key sets are tried in order, each over the items still unpaired, so an item that gained
    an ORI still pairs by name and state. Duplicates pair in order of appearance. Linear time.
    """
    pairs: list[tuple[int, int]] = []
    left_old, left_new = list(range(len(old))), list(range(len(new)))
    for keys in identity:
        index: dict[Hashable, deque[int]] = defaultdict(deque)
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
class RawDifference:
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
                 label: str = "") -> Iterator[RawDifference]:
    """Leaf-level differences of two values; plain-value lists are compared as sets."""
    if old == new:
        return
    old_c, new_c = canonical(old), canonical(new)
    if old_c == new_c:
        return
    if not isinstance(old_c, dict) or not isinstance(new_c, dict):
        yield RawDifference(before_base, after_base, old, new, label=label)
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
            segs = [str(p) for p in path]
            rel = join(segs)
            yield RawDifference(before_base + rel, after_base + rel, resolve(old_c, segs),
                                resolve(new_c, segs), label=label)


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


def raw_differences(old: Any, new: Any,
                    collections: Iterable[Collection]) -> Iterator[RawDifference]:
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
            yield RawDifference(child(coll.pointer, i), None, a_items[i], MISSING, coll,
                       _label(a_items[i], coll.label))
        for j in added:
            yield RawDifference(None, child(coll.pointer, j), MISSING, b_items[j], coll,
                       _label(b_items[j], coll.label))
        for i, j in pairs:
            yield from _diff_values(a_items[i], b_items[j], child(coll.pointer, i),
                                    child(coll.pointer, j), _label(b_items[j], coll.label))
    yield from _diff_values(without(old, handled), without(new, handled), "", "")
