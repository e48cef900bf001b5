"""Drift properties: an export never drifts from itself, whatever the order of its lists, and
one partner added, removed or edited is exactly one change; duplicates, unknown collections and
large same-named lists; every real portal snapshot against itself and its own permutation."""

from __future__ import annotations

import copy
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import AS_OF, EXAMPLES
from lpr_lint.adapters.load import load_input
from lpr_lint.cli import app
from lpr_lint.history.diff import canonical, match_items
from lpr_lint.history.drift import compute_drift
from lpr_lint.history.records import Change
from lpr_lint.load import data as resources
from lpr_lint.load.files import load_document
from lpr_lint.rules.validator import Validator

PARTNERS = "/sharing/partners"
IDENTITY = (("ori",), ("name", "state"), ("name",))  # as in the Connecticut baseline
SCHEMA = Validator(resources.load_json_schema("export-v1.schema.json"))
COMPLIANT = load_document(str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")).data
PROPERTIES = settings(max_examples=120, deadline=None, database=None,
                      suppress_health_check=[HealthCheck.too_slow])

# --- strategies: schema-valid exports in the export-format-v1 vocabulary ------------------
# Small pools on purpose: names, ORIs and dates repeat, so duplicates and twins are common.

NAMES = ("Demo", "NCRIC", "Shasta County SO", "Westport CT PD", "Houston TX PD",
         "[Federal] FBI New Haven Field Office")
ORIS = ("CT0016200", "NY0550000", "TX1010100")
STATES = ("CT", "NY", "TX", "CA", "US")
KINDS = ("municipal", "county", "state", "federal", "tribal", "university", "private", "vendor")
DIRECTIONS = ("outbound", "inbound", "both")
PARTNER_PERMISSIONS = ("search", "hotlist", "vms", "vms_download", "analytics")
ROLE_PERMISSIONS = ("search", "hotlist_view", "hotlist_manage", "export", "bulk_export",
                    "share_manage", "user_manage", "retention_manage", "audit_view", "admin")
NCIC = ("stolen_vehicle", "stolen_plate", "missing_person", "wanted_person", "gang_or_terrorist",
        "protection_order", "sex_offender", "immigration_violator")
PURPOSES = ("immigration_enforcement", "reproductive_care_investigation",
            "gender_affirming_care_investigation", "first_amendment_activity",
            "protected_characteristics")
SOURCES = ("NCIC", "NCMEC Amber Alert", "CT DMV Stolen", "California SVS")
DATES = st.sampled_from(("2026-10-02", "2027-01-31", "2027-10-01"))


def subset(values: tuple[str, ...], max_size: int = 4) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), unique=True, max_size=max_size)


declarations = st.fixed_dictionaries({}, optional={
    "reference": st.sampled_from(("DECL-2026-014", "DECL-2026-015")),
    "signed_on": DATES,
    "covers": subset(("immigration", "reproductive_care", "gender_affirming_care")),
})
partners = st.fixed_dictionaries({"name": st.sampled_from(NAMES)}, optional={
    "ori": st.sampled_from(ORIS),
    "state": st.sampled_from(STATES),
    "kind": st.sampled_from(KINDS),
    "direction": st.sampled_from(DIRECTIONS),
    "permissions": subset(PARTNER_PERMISSIONS, 3),
    "declaration": declarations,
    "warrant_only": st.booleans(),
    "expires": DATES,
})
roles = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(("Patrol", "Detective", "ALPR Administrator")),
    "permissions": subset(ROLE_PERMISSIONS),
    "users": st.integers(0, 30),
    "requires_training": st.booleans(),
})
holds = st.fixed_dictionaries({}, optional={
    "basis": st.sampled_from(("warrant", "court_order", "active_investigation", "highway_fee")),
    "case_number": st.sampled_from(("26-01234", "26-9", "HHD-CR26-0601")),
    "approved_by": st.just("Sgt. A. Rivera"),
    "expires": DATES,
})


def exports(with_partners: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Exports with every section optional; ``with_partners``: /sharing/partners is a list."""
    sharing_optional: dict[str, st.SearchStrategy[Any]] = {
        "national_lookup": st.booleans(),
        "statewide_network": st.booleans(),
        "radius_sharing_miles": st.integers(0, 50),
    }
    partner_list = st.lists(partners, max_size=8)
    if with_partners:
        sharing = st.fixed_dictionaries({"partners": partner_list}, optional=sharing_optional)
    else:
        sharing = st.fixed_dictionaries({}, optional={**sharing_optional,
                                                      "partners": partner_list})
    sections: dict[str, st.SearchStrategy[Any]] = {
        "exported_at": st.sampled_from(("2026-11-20T14:03:00Z", "2026-11-27T09:00:00+01:00")),
        "agency": st.just({"name": "Lakeside Police Department", "ori": "CT0012300",
                           "state": "CT"}),
        "retention": st.fixed_dictionaries({}, optional={
            "plate_reads_days": st.integers(0, 400),
            "hotlist_hits_days": st.integers(0, 400),
            "extended_holds": st.lists(holds, max_size=4),
        }),
        "access": st.fixed_dictionaries({}, optional={
            "mfa_required": st.booleans(),
            "shared_accounts": st.integers(0, 3),
            "roles": st.lists(roles, max_size=4),
        }),
        "hotlists": st.fixed_dictionaries({}, optional={
            "sources": st.lists(st.sampled_from(SOURCES), max_size=4),  # duplicates too
            "ncic_topics": subset(NCIC),
            "custom_entries_expire_days": st.integers(0, 90),
        }),
        "policy": st.fixed_dictionaries({}, optional={
            "prohibited_purposes": subset(PURPOSES, 5),
            "authorized_purposes": subset(("stolen_vehicle", "wanted_person", "missing_person")),
            "published_url": st.just("https://lakeside.example.gov/alpr"),
        }),
        "search_controls": st.fixed_dictionaries({}, optional={
            "reason_required": st.booleans(), "case_number_required": st.booleans()}),
    }
    required: dict[str, st.SearchStrategy[Any]] = {"format_version": st.just("1.0")}
    if with_partners:
        required["sharing"] = sharing
    else:
        sections["sharing"] = sharing
    return st.fixed_dictionaries(required, optional=sections)


def shuffled(value: Any, rnd: random.Random) -> Any:
    """A copy with every list (and every object's keys) in another order, at any depth."""
    if isinstance(value, dict):
        keys = list(value)
        rnd.shuffle(keys)
        return {k: shuffled(value[k], rnd) for k in keys}
    if isinstance(value, list):
        items = [shuffled(v, rnd) for v in value]
        rnd.shuffle(items)
        return items
    return value


def same(a: Any, b: Any) -> bool:
    return bool(canonical(a) == canonical(b))


def twins(items: list[Any], item: Any) -> int:
    return sum(same(x, item) for x in items)


def drift(ct_baseline: Any, old: Any, new: Any) -> list[Change]:
    return list(compute_drift(old, new, ct_baseline, AS_OF))


# --- properties --------------------------------------------------------------------------


@PROPERTIES
@given(doc=exports(), rnd=st.randoms(use_true_random=False))
def test_an_export_never_drifts_from_itself_in_any_order(ct_baseline: Any, doc: dict[str, Any],
                                                         rnd: random.Random) -> None:
    assert SCHEMA.errors(doc) == []
    permuted = shuffled(doc, rnd)
    assert SCHEMA.errors(permuted) == []
    assert drift(ct_baseline, doc, doc) == []
    assert drift(ct_baseline, doc, copy.deepcopy(doc)) == []
    assert drift(ct_baseline, doc, permuted) == []
    assert drift(ct_baseline, permuted, doc) == []


@PROPERTIES
@given(doc=exports(with_partners=True), partner=partners, where=st.integers(0, 8),
       rnd=st.randoms(use_true_random=False))
def test_one_partner_added_or_removed_is_one_change_at_that_partner(
        ct_baseline: Any, doc: dict[str, Any], partner: dict[str, Any], where: int,
        rnd: random.Random) -> None:
    old = doc["sharing"]["partners"]
    where %= len(old) + 1
    grown = copy.deepcopy(doc)
    grown["sharing"]["partners"].insert(where, copy.deepcopy(partner))
    new = grown["sharing"]["partners"]

    for after in (grown, shuffled(grown, rnd)):
        [change] = drift(ct_baseline, doc, after)
        assert (change.kind, change.whole_item, change.item is not None) == ("added", True, True)
        assert change.item is not None and change.item.collection == PARTNERS
        assert change.item.before is None and change.item.after is not None
        assert change.pointer == f"{PARTNERS}/{change.item.after}"
        assert same(after["sharing"]["partners"][change.item.after], partner)
        assert same(change.after, partner) and change.before is None
        assert change.label == partner["name"]
    [change] = drift(ct_baseline, doc, grown)
    assert change.item is not None
    if twins(new, partner) == 1:  # no identical twin: the added one is the one inserted
        assert change.item.after == where

    # and the other way round: exactly one removal, of that partner
    for before in (grown, shuffled(grown, rnd)):
        [change] = drift(ct_baseline, before, doc)
        assert (change.kind, change.whole_item) == ("removed", True)
        assert change.item is not None and change.item.collection == PARTNERS
        assert change.item.after is None and change.item.before is not None
        assert change.pointer == f"{PARTNERS}/{change.item.before}"
        assert same(before["sharing"]["partners"][change.item.before], partner)
        assert same(change.before, partner) and change.after is None


@PROPERTIES
@given(doc=exports(with_partners=True), which=st.integers(0, 7),
       rnd=st.randoms(use_true_random=False))
def test_one_partner_removed_is_one_change(ct_baseline: Any, doc: dict[str, Any], which: int,
                                           rnd: random.Random) -> None:
    old = doc["sharing"]["partners"]
    if not old:
        old.append({"name": "Demo"})
    which %= len(old)
    shrunk = copy.deepcopy(doc)
    gone = shrunk["sharing"]["partners"].pop(which)
    for after in (shrunk, shuffled(shrunk, rnd)):
        [change] = drift(ct_baseline, doc, after)
        assert (change.kind, change.whole_item) == ("removed", True)
        assert change.item is not None and change.item.collection == PARTNERS
        assert change.pointer == f"{PARTNERS}/{change.item.before}"
        assert same(old[change.item.before], gone) and same(change.before, gone)
        if twins(old, gone) == 1:
            assert change.item.before == which
        assert change.label == gone["name"]


EDITABLE: dict[str, st.SearchStrategy[Any]] = {
    "direction": st.sampled_from(DIRECTIONS),
    "permissions": subset(PARTNER_PERMISSIONS, 3),
    "warrant_only": st.booleans(),
    "kind": st.sampled_from(KINDS),
    "expires": DATES,
    # identity fields: editable without changing the partner only when it has an ORI
    "name": st.sampled_from((*NAMES, "Renamed PD")),
    "state": st.sampled_from(STATES),
}


@PROPERTIES
@given(doc=exports(with_partners=True), which=st.integers(0, 7),
       field=st.sampled_from(sorted(EDITABLE)), delete=st.booleans(), data=st.data())
def test_one_partner_edited_in_one_field_is_one_change(
        ct_baseline: Any, doc: dict[str, Any], which: int, field: str, delete: bool,
        data: st.DataObject) -> None:
    old = doc["sharing"]["partners"]
    if not old:
        old.append({"name": "Demo", "ori": "CT0016200"})
    which %= len(old)
    partner = old[which]
    if field in ("name", "state") and "ori" not in partner:
        partner["ori"] = ORIS[0]
    edited = copy.deepcopy(doc)
    target = edited["sharing"]["partners"][which]
    if field == "name" or not (delete and field in partner):  # a name is never deleted
        target[field] = data.draw(EDITABLE[field].filter(
            lambda v: canonical(v) != canonical(partner.get(field))), label="value")
        kind = "changed" if field in partner else "added"
    else:
        del target[field]
        kind = "removed"
    new = edited["sharing"]["partners"]

    [change] = drift(ct_baseline, doc, edited)
    assert change.item is not None and change.item.collection == PARTNERS
    assert not change.whole_item and change.kind == kind
    before, after = change.item.before, change.item.after
    assert before is not None and after is not None
    assert change.pointer == f"{PARTNERS}/{after}/{field}"
    assert same(old[before], partner) and same(new[after], target)
    if twins(old, partner) == 1 and twins(new, target) == 1:
        assert (before, after) == (which, which)
    assert same(change.after, target.get(field)) and same(change.before, partner.get(field))
    # the same edit in a new export whose lists are all reordered: still that one change
    [again] = drift(ct_baseline, doc, shuffled(edited, data.draw(st.randoms(
        use_true_random=False), label="rnd")))
    assert (again.kind, again.pointer.rsplit("/", 1)[1]) == (kind, field)


@PROPERTIES
@given(old=st.lists(partners, max_size=10), new=st.lists(partners, max_size=10))
def test_matching_pairs_only_items_that_agree_on_the_first_key_set_both_have(
        old: list[dict[str, Any]], new: list[dict[str, Any]]) -> None:
    pairs, removed, added = match_items(old, new, IDENTITY)
    # every item is paired, removed or added, exactly once
    assert sorted([i for i, _ in pairs] + removed) == list(range(len(old)))
    assert sorted([j for _, j in pairs] + added) == list(range(len(new)))
    for i, j in pairs:
        a, b = old[i], new[j]
        common = next(ks for ks in IDENTITY if all(k in a and k in b for k in ks))
        assert [a[k] for k in common] == [b[k] for k in common], (a, b)


def _write(folder: Path, name: str, data: Any) -> str:
    path = folder / name
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return str(path)


@settings(max_examples=4, deadline=None, database=None)
@given(doc=exports(with_partners=True), partner=partners, rnd=st.randoms(use_true_random=False))
def test_the_properties_through_the_cli(tmp_path_factory: pytest.TempPathFactory,
                                        doc: dict[str, Any], partner: dict[str, Any],
                                        rnd: random.Random) -> None:
    folder = tmp_path_factory.mktemp("cli")
    export = _write(folder, "export.json", doc)
    permuted = _write(folder, "permuted.json", shuffled(doc, rnd))
    grown = copy.deepcopy(doc)
    grown["sharing"]["partners"].append(partner)
    added = _write(folder, "added.json", grown)
    runner = CliRunner()
    for path in (export, permuted):
        result = runner.invoke(app, ["drift", path, "--against", export,
                                     "--as-of", AS_OF.isoformat()])
        assert result.exit_code == 0, result.stdout + result.stderr
        assert "No changes." in result.stdout
    result = runner.invoke(app, ["drift", added, "--against", permuted, "--as-of",
                                 AS_OF.isoformat(), "--format", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.stdout + result.stderr
    [change] = json.loads(result.stdout)["changes"]
    assert change["kind"] == "added" and change["pointer"].startswith(f"{PARTNERS}/")


# --- duplicates, unknown collections, large lists ----------------------------------------


def with_partners(*items: dict[str, Any]) -> dict[str, Any]:
    return {"format_version": "1.0", "sharing": {"partners": [dict(p) for p in items]}}


def test_duplicates_pair_in_order_and_a_surplus_one_is_one_change(ct_baseline: Any) -> None:
    demo = {"name": "Demo", "direction": "outbound"}
    one, two = with_partners(demo), with_partners(demo, demo)
    [added] = drift(ct_baseline, one, two)
    assert (added.kind, added.pointer, added.whole_item) == ("added", f"{PARTNERS}/1", True)
    assert added.item is not None and added.item.duplicates == 2
    [removed] = drift(ct_baseline, two, one)
    assert (removed.kind, removed.pointer, removed.whole_item) == (
        "removed", f"{PARTNERS}/1", True)
    assert removed.item is not None and removed.item.duplicates == 2
    # same name, no twins: paired in order of appearance, each edit one change
    old = with_partners({"name": "Demo", "expires": "2027-01-01"},
                        {"name": "Demo", "expires": "2027-02-01"})
    new = with_partners({"name": "Demo", "expires": "2027-03-01"},
                        {"name": "Demo", "expires": "2027-04-01"})
    changes = drift(ct_baseline, old, new)
    assert [(c.kind, c.pointer, c.before, c.after) for c in changes] == [
        ("changed", f"{PARTNERS}/0/expires", "2027-01-01", "2027-03-01"),
        ("changed", f"{PARTNERS}/1/expires", "2027-02-01", "2027-04-01")]
    assert all(c.item is not None and c.item.duplicates == 2 for c in changes)
    # identical twins pair first, whatever their order; the odd one out is the change
    old = with_partners({"name": "Demo", "direction": "outbound"},
                        {"name": "Demo", "direction": "inbound"})
    new = with_partners({"name": "Demo", "direction": "inbound"},
                        {"name": "Demo", "direction": "both"},
                        {"name": "Demo", "direction": "outbound"})
    [surplus] = drift(ct_baseline, old, new)
    assert (surplus.kind, surplus.pointer, surplus.after) == (
        "added", f"{PARTNERS}/1", {"name": "Demo", "direction": "both"})
    assert surplus.item is not None and surplus.item.duplicates == 3


def test_duplicates_count_only_entries_identified_by_the_same_key_set(ct_baseline: Any) -> None:
    """An entry's identity is its key under the first key set it has in full: a name-only
    "Washington PD" does not share it with the Connecticut and Pennsylvania ones (identified
    by name and state), nor a name-only "Demo" with a "Demo" that has an ORI."""
    old = with_partners({"name": "Washington PD", "state": "CT"},
                        {"name": "Washington PD", "state": "PA"},
                        {"name": "Demo", "ori": "CT0016200"})
    new = copy.deepcopy(old)
    new["sharing"]["partners"] += [{"name": "Washington PD"}, {"name": "Demo"}]
    changes = drift(ct_baseline, old, new)
    assert [(c.kind, c.pointer) for c in changes] == [
        ("added", f"{PARTNERS}/3"), ("added", f"{PARTNERS}/4")]
    assert [c.item.duplicates for c in changes if c.item is not None] == [1, 1]
    # the same the other way round, and symmetric: each of a pair counts the other
    doubled = copy.deepcopy(new)
    doubled["sharing"]["partners"] += [{"name": "Demo", "direction": "inbound"}]
    [extra] = drift(ct_baseline, new, doubled)
    assert extra.item is not None and extra.item.duplicates == 2
    gone = drift(ct_baseline, new, old)
    assert [(c.kind, c.item.duplicates if c.item else None) for c in gone] == [
        ("removed", 1), ("removed", 1)]


@pytest.mark.parametrize(("section", "key"), [
    ("sharing", "partners"), ("access", "roles"), ("retention", "extended_holds")])
def test_a_collection_absent_on_one_side_is_one_change(ct_baseline: Any, section: str,
                                                       key: str) -> None:
    assert len(COMPLIANT[section][key]) >= 2
    unknown = copy.deepcopy(COMPLIANT)
    del unknown[section][key]
    pointer = f"/{section}/{key}"
    [gone] = drift(ct_baseline, COMPLIANT, unknown)
    assert (gone.kind, gone.pointer, gone.item) == ("removed", pointer, None)
    assert same(gone.before, COMPLIANT[section][key])  # the whole list, in canonical order
    [back] = drift(ct_baseline, unknown, COMPLIANT)
    assert (back.kind, back.pointer, back.item) == ("added", pointer, None)
    # an empty list is known: absent → [] is still one change, of the whole collection
    empty = copy.deepcopy(COMPLIANT)
    empty[section][key] = []
    [known] = drift(ct_baseline, unknown, empty)
    assert (known.kind, known.pointer, known.after) == ("added", pointer, [])
    # a whole section absent: one change at the section
    no_section = copy.deepcopy(COMPLIANT)
    del no_section[section]
    [whole] = drift(ct_baseline, COMPLIANT, no_section)
    assert (whole.kind, whole.pointer) == ("removed", f"/{section}")


def test_thousands_of_same_named_items_are_matched_with_bounded_work() -> None:
    states = ("CA", "NY", "TX", "CT", "WA", "OR", "NV", "AZ")
    n = 5000
    old = [{"name": "Demo", "state": states[i % 8], "n": i} for i in range(n)]
    # reordered: every item pairs with its identical twin
    pairs, removed, added = match_items(old, old[::-1], IDENTITY)
    assert (removed, added) == ([], [])
    assert sorted(pairs) == [(i, n - 1 - i) for i in range(n)]
    # states that all differ: nothing pairs by the name alone
    moved = [{"name": "Demo", "state": ("MA", "RI")[i % 2], "n": i} for i in range(n)]
    pairs, removed, added = match_items(old, moved, IDENTITY)
    assert (pairs, removed, added) == ([], list(range(n)), list(range(n)))
    # a state dropped: each item pairs by name with the first free one, in order
    stateless = [{"name": "Demo", "n": i} for i in range(n)]
    pairs, removed, added = match_items(old, stateless, IDENTITY)
    assert (sorted(pairs), removed, added) == ([(i, i) for i in range(n)], [], [])


# --- real portal snapshots ---------------------------------------------------------------

_DATE_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")


def test_every_real_snapshot_has_no_drift_against_itself_or_its_permutation(
        shared_data: Path, ct_baseline: Any, tmp_path: Path) -> None:
    files = sorted((shared_data / "flock-portal").glob("*/*.json"))
    assert len(files) == 703
    rnd = random.Random(20260417)
    problems: list[str] = []
    reordered = 0
    for folder in sorted({f.parent for f in files}):
        # the whole folder, every sharing list shuffled: neighbours (failed loads) read the same
        copy_dir = tmp_path / folder.name
        copy_dir.mkdir()
        for path in sorted(folder.glob("*.json")):
            src = json.loads(path.read_text(encoding="utf-8"))
            for key in ("sharing_outbound", "sharing_inbound"):
                if isinstance(src.get(key), list):
                    rnd.shuffle(src[key])
            (copy_dir / path.name).write_text(json.dumps(src), encoding="utf-8")
        for path in sorted(folder.glob("*.json")):
            assert _DATE_FILE.match(path.name)
            data = load_input(str(path)).document.data
            permuted = load_input(str(copy_dir / path.name)).document.data
            reordered += data.get("sharing") != permuted.get("sharing")
            for label, after in (("itself", data), ("its permutation", permuted)):
                changes = compute_drift(data, after, ct_baseline, AS_OF)
                if changes:
                    problems.append(f"{path} against {label}: {len(changes)} changes, first "
                                    f"{changes[0].kind} {changes[0].pointer}")
    assert problems == []
    assert reordered > 500  # the permutation did reorder the converted partners
