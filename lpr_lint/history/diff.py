"""Find the differences between two exports: identity matching, canonical lists, DeepDiff.

Lists named in the baseline's ``drift.collections`` are matched item by item by identity, so
reordering is no change and an edited item is one change per edited field. Matched items and
the rest of the document are compared for equality first (cheap); only what differs goes to
DeepDiff. Any other list is compared as a whole value, ignoring order.

Matching (:func:`match_items`) guarantees that an item always pairs with an identical twin, so
two equal exports never differ, whatever the order of their lists and whatever fields their
items carry. A collection missing on one side (not an empty list: absent, which is unknown) is
one change of the whole collection, not a removal of every item.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict, deque
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from lpr_lint.history.records import ItemRef
from lpr_lint.pointer import MISSING, WILDCARD, child, join, resolve, split
from lpr_lint.rules.baseline import Collection

MAX_SCAN = 64
"""Candidates looked at per item when items that share a key must be told apart (bounds the
work on adversarial lists of thousands of same-named items)."""

# --- canonical form ----------------------------------------------------------------------


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def canonical(value: Any) -> Any:
    """Order carries no meaning in a list: plain values become a sorted set, objects and lists
    a sorted list (duplicates kept)."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [canonical(v) for v in value]
        if all(not isinstance(v, (dict, list)) for v in items):
            unique = {_dump(v): v for v in items}
            return [unique[k] for k in sorted(unique)]
        keyed = sorted(((_dump(v), n) for n, v in enumerate(items)))
        return [items[n] for _, n in keyed]
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


def _key(item: Any, keys: tuple[str, ...]) -> Hashable | None:
    """An item's key under one key set: None where the item is not an object or lacks a field
    of the set (null and "" count as lacking it). Strings are the usual case and the fast one;
    other values are kept apart by type (``1``, ``true`` and ``"1"`` differ)."""
    if type(item) is not dict:
        return None
    if len(keys) == 1:
        value = item.get(keys[0])
        if type(value) is str:
            return value or None
        return None if value is None else _dump([value])
    values = tuple(item.get(k) for k in keys)
    if all(type(v) is str and v for v in values):
        return values
    if any(v is None or v == "" for v in values):
        return None
    return _dump(list(values))


def _level_keys(items: Sequence[Any], keys: tuple[str, ...]) -> list[Hashable | None]:
    """:func:`_key` for every item (the one-field and two-field sets inlined: they are the
    ones baselines use, over lists of up to hundreds of thousands of items)."""
    if len(keys) == 1:
        k = keys[0]
        return [v if type(v) is str and v else None if v is None or v == ""
                else _key(item, keys)
                for item in items
                for v in (item.get(k) if type(item) is dict else None,)]
    if len(keys) == 2:
        k1, k2 = keys
        out: list[Hashable | None] = []
        append = out.append
        for item in items:
            if type(item) is not dict:
                append(None)
                continue
            a, b = item.get(k1), item.get(k2)
            if type(a) is str and type(b) is str and a and b:
                append((a, b))
            else:
                append(_key(item, keys))
        return out
    return [_key(item, keys) for item in items]


def _twin_key(item: Any) -> str:
    return _dump(canonical(item))


class KeyTable:
    """The keys of one list's items under each key set, computed when first needed."""

    def __init__(self, items: Sequence[Any], identity: tuple[tuple[str, ...], ...]) -> None:
        self.items = items
        self.identity = identity
        self._levels: dict[int, list[Hashable | None]] = {}
        self._counts: dict[int | None, Counter[Hashable]] = {}

    def level(self, n: int) -> list[Hashable | None]:
        """Every item's key under key set ``n``."""
        if n not in self._levels:
            self._levels[n] = _level_keys(self.items, self.identity[n])
        return self._levels[n]

    def first(self, i: int) -> tuple[int, Hashable] | None:
        """The first key set item ``i`` has in full, and its key there."""
        for n in range(len(self.identity)):
            key = self.level(n)[i]
            if key is not None:
                return n, key
        return None

    def duplicates(self, i: int) -> int:
        """How many items of the list share item ``i``'s identity (1: it is unique): its key
        under the first key set it has (the whole item when it has none)."""
        first = self.first(i)
        level, key = first if first is not None else (None, _twin_key(self.items[i]))
        if level not in self._counts:
            if level is None:
                self._counts[level] = Counter(
                    _twin_key(item) for n, item in enumerate(self.items) if self.first(n) is None)
            else:  # only items whose first key set this is (not those a stronger set identifies)
                stronger = [self.level(m) for m in range(level)]
                self._counts[level] = Counter(
                    k for n, k in enumerate(self.level(level))
                    if k is not None and all(keys[n] is None for keys in stronger))
        return self._counts[level][key]


def _conflict(a: KeyTable, i: int, b: KeyTable, j: int, level: int) -> bool:
    """Do two items differ on a stronger key set that both of them have?"""
    for n in range(level):
        x, y = a.level(n)[i], b.level(n)[j]
        if x is not None and y is not None and x != y:
            return True
    return False


def match_items(old: Sequence[Any], new: Sequence[Any], identity: tuple[tuple[str, ...], ...]
                ) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair items by identity: (pairs of indices, removed old indices, added new indices).

    Two items are the same item when they agree on the first key set both of them have in full
    (so a partner that gained an ORI still pairs by name and state, while two partners whose
    ORIs differ never pair by name). Key sets are tried in order, each over the items still
    unpaired. Where several items share a key, identical twins pair first, the rest in order
    of appearance. Items with no key set at all pair with identical twins only. Linear time
    for lists whose keys are unique.
    """
    return match_tables(KeyTable(old, identity), KeyTable(new, identity))


def match_tables(ko: KeyTable, kn: KeyTable) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """:func:`match_items` over key tables (which the caller may reuse)."""
    old, new = ko.items, kn.items
    pairs: list[tuple[int, int]] = []
    left_old, left_new = list(range(len(old))), list(range(len(new)))
    for level in range(len(ko.identity)):
        if not left_old or not left_new:
            break
        keys_old, keys_new = ko.level(level), kn.level(level)
        by_new: dict[Hashable, list[int]] = {}
        for j in left_new:
            key = keys_new[j]
            if key is not None:
                by_new.setdefault(key, []).append(j)
        by_old: dict[Hashable, list[int]] = {}
        for i in left_old:
            key = keys_old[i]
            if key is not None and key in by_new:
                by_old.setdefault(key, []).append(i)
        taken_old: set[int] = set()
        taken_new: set[int] = set()
        for key, olds in by_old.items():
            news = by_new[key]
            if len(olds) == 1 and len(news) == 1:
                i, j = olds[0], news[0]
                if level == 0 or not _conflict(ko, i, kn, j, level):
                    pairs.append((i, j))
                    taken_old.add(i)
                    taken_new.add(j)
                continue
            for i, j in _pair_group(ko, kn, olds, news, level):
                pairs.append((i, j))
                taken_old.add(i)
                taken_new.add(j)
        if taken_old:
            left_old = [i for i in left_old if i not in taken_old]
            left_new = [j for j in left_new if j not in taken_new]
    # items without any identity: identical twins only
    bare_old = [i for i in left_old if ko.first(i) is None]
    if bare_old and left_new:
        bare: dict[str, deque[int]] = defaultdict(deque)
        for j in left_new:
            if kn.first(j) is None:
                bare[_twin_key(new[j])].append(j)
        twins: set[int] = set()
        paired: set[int] = set()
        for i in bare_old:
            bucket = bare.get(_twin_key(old[i]))
            if bucket:
                j = bucket.popleft()
                pairs.append((i, j))
                twins.add(j)
                paired.add(i)
        left_old = [i for i in left_old if i not in paired]
        left_new = [j for j in left_new if j not in twins]
    return sorted(pairs, key=lambda p: p[1]), left_old, left_new


def _pair_group(ko: KeyTable, kn: KeyTable, olds: list[int], news: list[int],
                level: int) -> Iterator[tuple[int, int]]:
    """Pairs among items sharing one key: identical twins first, then in order of appearance,
    never across a conflict on a stronger key set."""
    twins: dict[str, deque[int]] = defaultdict(deque)
    for j in news:
        twins[_twin_key(kn.items[j])].append(j)
    used: set[int] = set()
    rest = []
    for i in olds:
        bucket = twins.get(_twin_key(ko.items[i]))
        if bucket:
            j = bucket.popleft()
            used.add(j)
            yield i, j
        else:
            rest.append(i)
    free = [j for j in news if j not in used]
    for i in rest:
        for n, j in enumerate(free[:MAX_SCAN]):
            if not _conflict(ko, i, kn, j, level):
                del free[n]
                yield i, j
                break


# --- differences -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawDifference:
    before_ptr: str | None
    """Where the value is in the old document (None: an item that was added)."""
    after_ptr: str | None
    """Where it is in the new document (None: an item that was removed)."""
    before: Any
    after: Any
    collection: Collection | None = None
    """The collection the difference is in, if any."""
    item: ItemRef | None = None
    whole_item: bool = False
    """The difference is a whole collection item added or removed."""


def _diff_values(old: Any, new: Any, before_base: str, after_base: str,
                 collection: Collection | None = None,
                 item: ItemRef | None = None) -> Iterator[RawDifference]:
    """Leaf-level differences of two values; lists are compared as whole values."""
    if old == new:
        return
    old_c, new_c = canonical(old), canonical(new)
    if old_c == new_c:
        return
    if not isinstance(old_c, dict) or not isinstance(new_c, dict):
        yield RawDifference(before_base, after_base, old, new, collection, item)
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
                                resolve(new_c, segs), collection, item)


def _truncate(path: list[Any], old: Any, new: Any) -> list[Any]:
    """Cut a DeepDiff path at the first list: a list is one value."""
    a, b = old, new
    for n, seg in enumerate(path):
        if isinstance(a, list) or isinstance(b, list):
            return path[:n]
        a = a.get(seg, MISSING) if isinstance(a, dict) else MISSING
        b = b.get(seg, MISSING) if isinstance(b, dict) else MISSING
    return path


def _ref(coll: Collection, item: Any, before: int | None, after: int | None,
         duplicates: int) -> ItemRef:
    name = ""
    details: tuple[tuple[str, Any], ...] = ()
    if isinstance(item, dict) and coll.label:
        first = item.get(coll.label[0])
        name = "" if first is None else str(first)
        details = tuple((f, item[f]) for f in coll.label[1:]
                        if f in item and item[f] not in (None, "", []))
    return ItemRef(coll.pointer, before, after, name, details, duplicates)


def raw_differences(old: Any, new: Any,
                    collections: Iterable[Collection]) -> Iterator[RawDifference]:
    """Every difference, collections matched by identity."""
    handled = []
    for coll in collections:
        segs = split(coll.pointer)
        a, b = resolve(old, segs), resolve(new, segs)
        if not isinstance(a, list) or not isinstance(b, list):
            continue  # absent (unknown) or not a list on a side: compared as one value below
        handled.append(coll.pointer)
        ta, tb = KeyTable(a, coll.identity), KeyTable(b, coll.identity)
        pairs, removed, added = match_tables(ta, tb)
        for i in removed:
            ref = _ref(coll, a[i], i, None, ta.duplicates(i))
            yield RawDifference(child(coll.pointer, i), None, a[i], MISSING, coll, ref, True)
        for j in added:
            ref = _ref(coll, b[j], None, j, tb.duplicates(j))
            yield RawDifference(None, child(coll.pointer, j), MISSING, b[j], coll, ref, True)
        for i, j in pairs:
            if a[i] == b[j]:
                continue
            ref = _ref(coll, b[j], i, j, max(ta.duplicates(i), tb.duplicates(j)))
            yield from _diff_values(a[i], b[j], child(coll.pointer, i), child(coll.pointer, j),
                                    coll, ref)
    yield from _diff_values(without(old, handled), without(new, handled), "", "")
