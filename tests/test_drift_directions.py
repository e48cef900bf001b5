"""Every value of export format v1 has a drift direction, and drift never disagrees with check.

* The field table (baselines/data/field-directions.yaml) has exactly one entry for every leaf
  of schemas/export-v1.schema.json, and its orders are exactly the format's vocabularies.
* Rules that govern a leaf with an ordinal hint agree with the table.
* Over hundreds of single-field mutations of the compliant example (every leaf: numbers up and
  down, booleans flipped, set members added and removed, dates shifted, enums moved, the value
  removed; every object, list item and section removed), a change after which ``check``
  reports a failing or unknown finding it did not report before drifts as loosening, and no
  change is neutral except of a descriptive value, inside an inbound partner, within one tier
  of an order, or a value that only has to be there (an escalation contact) replaced by
  another.
"""

from __future__ import annotations

import copy
import datetime as _dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conftest import AS_OF, EXAMPLES
from lpr_lint.history.directions import (
    FieldDirection,
    export_subschema,
    field_table,
    pattern_of,
)
from lpr_lint.history.drift import _watched, compute_drift
from lpr_lint.history.records import Change, ChangeKind, Direction
from lpr_lint.load import data as resources
from lpr_lint.load.files import Document, load_document
from lpr_lint.model import Outcome
from lpr_lint.pointer import MISSING, NOT_A_LIST, WILDCARD, child, expand, join, split
from lpr_lint.rules.engine import Checker, Options

EXPORT = resources.load_json_schema("export-v1.schema.json")
SOURCE = load_document(str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml"))
COMPLIANT = SOURCE.data
TABLE = field_table()
COLLECTIONS = ("/sharing/partners", "/access/roles", "/retention/extended_holds")


# --- the leaves of the export format -------------------------------------------------------


def schema_leaves(schema: dict[str, Any]) -> list[str]:
    """Every leaf pattern of an export schema: objects are walked by ``properties``, lists of
    objects by ``items`` (``*``), references into ``$defs`` followed; a list of plain values
    is one leaf (a set), and so is any other value."""
    def deref(node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
        return node

    def walk(node: Any, segs: tuple[str, ...]) -> Iterator[str]:
        node = deref(node)
        if "properties" in node:
            for name, sub in node["properties"].items():
                yield from walk(sub, (*segs, name))
            return
        if node.get("type") == "array" and "properties" in deref(node.get("items", {})):
            yield from walk(node["items"], (*segs, WILDCARD))
            return
        yield join(list(segs))

    return list(walk(schema, ()))


LEAVES = schema_leaves(EXPORT)


def test_every_leaf_of_the_export_format_has_exactly_one_direction() -> None:
    assert len(LEAVES) == len(set(LEAVES)) == 74
    assert sorted(set(LEAVES) - set(TABLE.fields)) == []  # leaves without a direction
    assert sorted(set(TABLE.fields) - set(LEAVES)) == []  # entries that match no leaf
    # the walk follows $ref, items and properties: a few leaves it must reach
    assert {"/sharing/partners/*/declaration/covers", "/access/roles/*/permissions",
            "/sharing/partners/*/state", "/retention/extended_holds/*/expires",
            "/hotlists/sources"} <= set(LEAVES)


def test_the_walk_fails_on_a_leaf_without_an_entry_and_an_entry_without_a_leaf() -> None:
    """The comparison above catches both ways of going wrong (a format grown, a typo)."""
    grown = copy.deepcopy(EXPORT)
    grown["properties"]["access"]["properties"]["session_minutes"] = {"type": "integer"}
    leaves = set(schema_leaves(grown))
    assert leaves - set(TABLE.fields) == {"/access/session_minutes"}
    typo = {**TABLE.fields, "/access/mfa_requried": TABLE.fields["/access/mfa_required"]}
    assert set(typo) - leaves == {"/access/mfa_requried"}


def _enum(pattern: str) -> list[Any] | None:
    schema = export_subschema(pattern)
    while isinstance(schema, dict) and "allOf" in schema:
        schema = schema["allOf"][0]
    return schema.get("enum") if isinstance(schema, dict) else None


@pytest.mark.parametrize("pattern", sorted(p for p, e in TABLE.fields.items()
                                           if e.loosening == "order"))
def test_an_order_lists_exactly_the_formats_vocabulary(pattern: str) -> None:
    values = [v for tier in TABLE.fields[pattern].order for v in tier]
    assert len(values) == len(set(values))
    assert sorted(values) == sorted(_enum(pattern) or [])


def test_every_value_the_table_compares_is_of_a_type_its_word_fits() -> None:
    words = {"increase": {"integer", "number"}, "decrease": {"integer", "number"},
             "enable": {"boolean"}, "disable": {"boolean"}, "add": {"array"},
             "later": {"string"}, "earlier": {"string"}}
    for pattern, entry in TABLE.fields.items():
        schema = export_subschema(pattern)
        while "allOf" in schema:
            schema = schema["allOf"][0]
        if entry.loosening in words:
            assert schema.get("type") in words[entry.loosening], pattern
        if entry.loosening in ("later", "earlier"):
            assert schema.get("format") == "date", pattern


def test_rules_with_an_ordinal_hint_agree_with_the_table(ct_baseline: Any) -> None:
    compared = 0
    for rule in ct_baseline.rules:
        entry = TABLE.fields.get(rule.pointer)
        hint = rule.drift["loosening"]
        if entry is None or hint == "check":
            continue
        compared += 1
        if hint == "remove" and not isinstance(export_subschema(rule.pointer).get("items"),
                                               dict):
            # a single value whose removal loosens: so does every value the table directs
            assert not entry.descriptive, rule.id
            continue
        assert hint == entry.loosening, rule.id
        if hint == "order":
            assert [(v,) for v in rule.drift["order"]] == list(entry.order), rule.id
    assert compared >= 40


def test_rules_are_watched_where_they_compare_and_where_their_cases_branch(
        ct_baseline: Any) -> None:
    for rule in ct_baseline.rules:
        watched = _watched(rule)
        assert set(rule.data_refs) <= set(watched), rule.id
        for case in rule.cases:
            for rel, _ in case.when:
                assert rel == "" or rule.scope + rel in watched, rule.id
    by_id = {r.id: _watched(r) for r in ct_baseline.rules}
    assert "/contract/vendor_retention_days" in by_id["CT-RET-007"]
    assert "/access/roles/*/name" in by_id["CT-ACC-007"]
    assert "/audit/keyword_review/frequency" in by_id["CT-AUD-009"]
    # and drift reports them as governing such a change
    new = copy.deepcopy(COMPLIANT)
    new["contract"]["vendor_retention_days"] = 14  # the retention settings are now too long
    [change] = compute_drift(COMPLIANT, new, ct_baseline, AS_OF)
    assert {"CT-CON-002", "CT-RET-007"} <= set(change.rules)
    assert (change.direction, change.failing_after) == (Direction.LOOSENING, ("CT-RET-007",))


# --- leaf directions -----------------------------------------------------------------------


@pytest.mark.parametrize(("pattern", "before", "after", "expected"), [
    ("/retention/plate_reads_days", 21, 30, "loosening"),
    ("/retention/audit_log_days", 1095, 730, "loosening"),
    ("/audit/out_of_state_sample_rate", 0.1, 0.2, "tightening"),
    ("/access/mfa_required", True, False, "loosening"),
    ("/contract/federal_pilots_allowed", False, True, "loosening"),
    ("/sharing/partners/*/permissions", ["search"], ["hotlist", "search"], "loosening"),
    ("/policy/prohibited_purposes", ["a", "b"], ["a"], "loosening"),
    ("/policy/prohibited_purposes", ["a"], ["b"], "loosening"),  # one in, one out
    ("/sharing/partners/*/direction", "inbound", "outbound", "loosening"),
    ("/sharing/partners/*/direction", "outbound", "both", "loosening"),
    ("/sharing/partners/*/direction", "both", "inbound", "tightening"),
    ("/sharing/partners/*/direction", "outbound", "outbond", "loosening"),  # not a value: last
    ("/sharing/partners/*/state", "NY", "MA", "neutral"),  # one tier
    ("/sharing/partners/*/state", "US", "TX", "loosening"),
    ("/sharing/partners/*/kind", "federal", "private", "loosening"),
    ("/contract/vendor_role", "independent", "processor", "tightening"),
    ("/retention/extended_holds/*/expires", "2027-03-31", "2027-04-01", "loosening"),
    ("/policy/last_reviewed", "2026-11-01", "2027-01-01", "tightening"),
    ("/audit/escalation_contact", "Office of the Chief", MISSING, "loosening"),
    ("/audit/escalation_contact", "Office of the Chief", "Legal Counsel", "neutral"),
    ("/retention/plate_reads_days", MISSING, 21, "tightening"),
    ("/retention/plate_reads_days", 21, MISSING, "loosening"),
    ("/agency/name", "Lakeside", MISSING, "neutral"),
    ("/retention/plate_reads_days", "21", 21, "neutral"),  # left to the format check
])
def test_leaf_directions(pattern: str, before: Any, after: Any, expected: str) -> None:
    assert TABLE.fields[pattern].direction(before, after) == expected


def test_objects_sections_and_unknown_keys() -> None:
    declaration = COMPLIANT["sharing"]["partners"][2]["declaration"]
    assert TABLE.direction("/sharing/partners/2/declaration", declaration, MISSING) == "loosening"
    assert TABLE.direction("/sharing/partners/2/declaration", MISSING, declaration) == (
        "tightening")
    assert TABLE.direction("/agency", COMPLIANT["agency"], MISSING) == "neutral"
    assert TABLE.direction("/sharing", COMPLIANT["sharing"], MISSING) == "loosening"
    assert TABLE.direction("/sharing/nickname", "x", MISSING) == "neutral"  # not in the format
    assert TABLE.descriptive("/platform") and not TABLE.descriptive("/sharing/partners/0")
    assert pattern_of("/sharing/partners/12/declaration/covers") == (
        "/sharing/partners/*/declaration/covers")


# --- drift and check never disagree --------------------------------------------------------

Mutation = tuple[str, Callable[[Any], None]]
EXTRA_MEMBERS = {  # set members to add where the format gives no vocabulary
    "/hotlists/sources": ["ICE ERO Detainer List", "Lakeside Local Watch"],
    "/policy/authorized_purposes": ["immigration_enforcement", "traffic_enforcement"],
    "/policy/prohibited_purposes": ["traffic_enforcement"],
    "/sharing/partners/*/declaration/covers": ["traffic_enforcement"],
}


def _parent(doc: Any, pointer: str) -> tuple[Any, str | int]:
    segs = split(pointer)
    node = doc
    for seg in segs[:-1]:
        node = node[int(seg)] if isinstance(node, list) else node[seg]
    last = segs[-1]
    return node, int(last) if isinstance(node, list) else last


def _set(pointer: str, value: Any) -> Callable[[Any], None]:
    def apply(doc: Any) -> None:
        node, key = _parent(doc, pointer)
        node[key] = value
    return apply


def _delete(pointer: str) -> Callable[[Any], None]:
    def apply(doc: Any) -> None:
        node, key = _parent(doc, pointer)
        del node[key]
    return apply


def _numbers(entry: FieldDirection, value: float) -> list[float]:
    if isinstance(value, float):
        return [round(value + 0.05, 4), round(value - 0.05, 4), 0.0, 1.0, 1.5]
    return [value + 1, value - 1, value * 10 + 1, 0]


def _shift(date: str, days: int) -> str:
    return (_dt.date.fromisoformat(date) + _dt.timedelta(days=days)).isoformat()


def _leaf_mutations(entry: FieldDirection, pointer: str, value: Any) -> Iterator[Mutation]:
    yield f"remove {pointer}", _delete(pointer)
    if isinstance(value, bool):
        yield f"flip {pointer}", _set(pointer, not value)
    elif isinstance(value, (int, float)):
        for n in _numbers(entry, value):
            if n != value:
                yield f"{pointer} = {n}", _set(pointer, n)
    elif isinstance(value, list):
        schema = export_subschema(entry.pattern)
        vocabulary = list((schema.get("items") or {}).get("enum") or [])
        for member in vocabulary + EXTRA_MEMBERS.get(entry.pattern, []):
            if member not in value:
                yield f"{pointer} + {member}", _set(pointer, [*value, member])
        for member in value:
            yield f"{pointer} - {member}", _set(pointer, [v for v in value if v != member])
        yield f"{pointer} = []", _set(pointer, [])
    elif entry.loosening == "order":
        for other in (v for tier in entry.order for v in tier):
            if other != value:
                yield f"{pointer} = {other}", _set(pointer, other)
    elif entry.loosening in ("later", "earlier") or pointer.endswith(("_on", "expires")):
        for days in (400, -400, 1, -1):
            yield f"{pointer} {days:+} days", _set(pointer, _shift(value, days))
    elif isinstance(value, str):
        yield f"{pointer} renamed", _set(pointer, f"{value} (changed)")


def mutations(doc: Any) -> Iterator[Mutation]:
    """Single changes of the compliant example: every leaf, object, item and section."""
    for entry in TABLE.fields.values():
        for pointer, value in expand(doc, split(entry.pattern)):
            if value is not MISSING and value is not NOT_A_LIST:
                yield from _leaf_mutations(entry, pointer, value)
    for section in doc:
        yield f"remove section /{section}", _delete(f"/{section}")
    for coll in COLLECTIONS:
        yield f"remove collection {coll}", _delete(coll)
        yield f"empty collection {coll}", _set(coll, [])
        for pointer, item in expand(doc, [*split(coll), WILDCARD]):
            yield f"remove item {pointer}", _delete(pointer)
            for key, sub in item.items():
                if isinstance(sub, dict):
                    yield f"remove object {child(pointer, key)}", _delete(child(pointer, key))
    for pointer in ("/audit/keyword_review",):
        yield f"remove object {pointer}", _delete(pointer)


def _bad(checker: Checker, data: Any) -> set[tuple[str, str, str]]:
    doc = Document(SOURCE.path, data, "0" * 64, "yaml", SOURCE.locate)
    return {(f.rule_id, str(f.outcome), f.pointer) for f in checker.check(doc).findings
            if f.outcome in (Outcome.FAIL, Outcome.UNKNOWN)}


def _inbound(item: Any) -> bool:
    return isinstance(item, dict) and item.get("direction") == "inbound"


def _may_be_neutral(change: Change, old: Any, new: Any) -> bool:
    """Descriptive values, anything to do with an inbound partner, moves within a tier."""
    if TABLE.descriptive(change.pointer):
        return True
    ref = change.item
    if ref is not None and ref.collection == "/sharing/partners":
        before = old["sharing"]["partners"][ref.before] if ref.before is not None else None
        after = new["sharing"]["partners"][ref.after] if ref.after is not None else None
        if all(_inbound(i) for i in (before, after) if i is not None):
            return True
    entry = TABLE.entry(change.pointer)
    if entry is None or change.kind is not ChangeKind.CHANGED:
        return False
    if entry.loosening == "order":  # a move within one tier of equally loose values
        return entry.rank(change.before) == entry.rank(change.after)
    # a value that only has to be there (a contact, a supervisor) replaced by another
    return entry.loosening == "remove" and not isinstance(change.after, list)


VOLATILE = ("/exported_at", "remove /exported_at")


def test_drift_and_check_never_disagree(ct_baseline: Any) -> None:
    checker = Checker(ct_baseline, Options(as_of=AS_OF))
    assert _bad(checker, COMPLIANT) == set()  # the example passes: every finding is new
    seen = 0
    disagreements: list[str] = []
    for name, mutate in mutations(COMPLIANT):
        if name.startswith(VOLATILE):  # never reported by drift, by design (drift.ignore)
            continue
        new = copy.deepcopy(COMPLIANT)
        mutate(new)
        changes = compute_drift(COMPLIANT, new, ct_baseline, AS_OF)
        seen += 1
        found = sorted(_bad(checker, new))
        if found and not any(c.direction is Direction.LOOSENING for c in changes):
            disagreements.append(f"{name}: check finds {found[:2]}, drift says "
                                 f"{[(c.pointer, str(c.direction)) for c in changes]}")
        disagreements.extend(f"{name}: {c.kind} {c.pointer} is neutral" for c in changes
                             if c.direction is Direction.NEUTRAL
                             and not _may_be_neutral(c, COMPLIANT, new))
    assert disagreements == []
    assert seen > 400
