"""Drift semantics: identity matching, canonical lists, directions, compliance, gates."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import AS_OF, EXAMPLES
from lpr_lint.cli import app
from lpr_lint.history.diff import match_items, without
from lpr_lint.history.drift import compute_drift
from lpr_lint.history.records import gate_fails
from lpr_lint.load.files import load_document

COMPLIANT = load_document(str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")).data
IDENTITY = (("ori",), ("name", "state"), ("name",))  # as in the Connecticut baseline


def drift(ct_baseline: Any, change: Any) -> list[tuple[str, str, str, str]]:
    new = copy.deepcopy(COMPLIANT)
    change(new)
    return [(c.kind, c.pointer, c.direction, c.compliance)
            for c in compute_drift(COMPLIANT, new, ct_baseline, AS_OF)]


def test_identical_exports_have_no_drift(ct_baseline: Any) -> None:
    assert drift(ct_baseline, lambda d: None) == []


def test_volatile_and_reordered_values_are_not_changes(ct_baseline: Any) -> None:
    def change(d: Any) -> None:
        d["exported_at"] = "2030-01-01T00:00:00Z"
        d["sharing"]["partners"].reverse()
        d["access"]["roles"].reverse()
        d["retention"]["extended_holds"].reverse()
        d["policy"]["prohibited_purposes"].reverse()
        d["sharing"]["partners"][0]["permissions"].reverse()
    assert drift(ct_baseline, change) == []


def test_ignore_patterns_drop_values_without_copying_the_rest() -> None:
    doc = {"a": 1, "l": [{"x": 1, "y": 2}, {"x": 3}], "keep": {"deep": [1]}}
    out = without(doc, ["/a", "/l/*/x", "/missing/path"])
    assert out == {"l": [{"y": 2}, {}], "keep": {"deep": [1]}}
    assert out["keep"] is doc["keep"]  # untouched subtrees are shared
    assert doc["a"] == 1 and doc["l"][0] == {"x": 1, "y": 2}  # the input is not modified


@pytest.mark.parametrize(("old", "new", "pairs", "removed", "added"), [
    # reordering pairs everything
    ([{"ori": "A"}, {"ori": "B"}], [{"ori": "B"}, {"ori": "A"}], [(1, 0), (0, 1)], [], []),
    # renamed partner with an ORI: still the same partner
    ([{"ori": "A", "name": "Old"}], [{"ori": "A", "name": "New"}], [(0, 0)], [], []),
    # renamed without an ORI: a removal and an addition (nothing else identifies it)
    ([{"name": "Old", "state": "CT"}], [{"name": "New", "state": "CT"}], [], [0], [0]),
    # ORI added later: paired by name and state in the second pass
    ([{"name": "P", "state": "CT"}], [{"name": "P", "state": "CT", "ori": "CT1"}], [(0, 0)],
     [], []),
    # same name in two states: different partners
    ([{"name": "Washington PD", "state": "CT"}], [{"name": "Washington PD", "state": "PA"}],
     [], [0], [0]),
    # duplicate names pair in order of appearance; the extra one is added
    ([{"name": "D", "state": "CT", "n": 1}],
     [{"name": "D", "state": "CT", "n": 1}, {"name": "D", "state": "CT", "n": 2}],
     [(0, 0)], [], [1]),
    # items without any identity pair with identical twins only
    (["x", {"n": 1}], [{"n": 1}, "x"], [(0, 1), (1, 0)], [], []),
    (["x", {"n": 1}], ["y", {"n": 2}], [], [0, 1], [0, 1]),
    # a name alone identifies a partner with no ORI and no state (many real vendor files)
    ([{"name": "NCRIC", "direction": "outbound"}], [{"name": "NCRIC", "direction": "both"}],
     [(0, 0)], [], []),
    # ... and a partner that gained a state still pairs by name
    ([{"name": "NCRIC"}], [{"name": "NCRIC", "state": "CA"}], [(0, 0)], [], []),
    # two ORIs that differ are two partners, whatever their names
    ([{"ori": "A", "name": "P", "state": "CT"}], [{"ori": "B", "name": "P", "state": "CT"}],
     [], [0], [0]),
    # same name, states that differ: no pairing by the name alone
    ([{"name": "Washington PD", "state": "CT"}], [{"name": "Washington PD"},
                                                  {"name": "Washington PD", "state": "PA"}],
     [(0, 0)], [], [1]),
    # duplicates: identical twins pair first, whatever the order
    ([{"name": "D", "n": 1}, {"name": "D", "n": 2}], [{"name": "D", "n": 2}],
     [(1, 0)], [0], []),
])
def test_match_items(old: list[Any], new: list[Any], pairs: list[tuple[int, int]],
                     removed: list[int], added: list[int]) -> None:
    got_pairs, got_removed, got_added = match_items(old, new, IDENTITY)
    assert sorted(got_pairs) == sorted(pairs)
    assert (got_removed, got_added) == (removed, added)


def test_an_edited_partner_is_one_change_not_a_removal_and_an_addition(ct_baseline: Any) -> None:
    def change(d: Any) -> None:
        d["sharing"]["partners"].insert(0, d["sharing"]["partners"].pop(2))
        d["sharing"]["partners"][0]["permissions"] = ["search", "hotlist"]
    assert drift(ct_baseline, change) == [  # a partner permission added loosens (CT-SHR-008)
        ("changed", "/sharing/partners/0/permissions", "loosening", "compliant→compliant")]


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["retention"].update(plate_reads_days=30),
     [("changed", "/retention/plate_reads_days", "loosening", "compliant→violating")]),
    (lambda d: d["retention"].update(plate_reads_days=14),
     [("changed", "/retention/plate_reads_days", "tightening", "compliant→compliant")]),
    (lambda d: d["retention"].update(audit_log_days=2000),
     [("changed", "/retention/audit_log_days", "tightening", "compliant→compliant")]),
    (lambda d: d["sharing"].update(national_lookup=True),
     [("changed", "/sharing/national_lookup", "loosening", "compliant→violating")]),
    (lambda d: d["search_controls"].update(reason_required=False),
     [("changed", "/search_controls/reason_required", "loosening", "compliant→violating")]),
    (lambda d: d["hotlists"]["ncic_topics"].append("immigration_violator"),
     [("changed", "/hotlists/ncic_topics", "loosening", "compliant→violating")]),
    (lambda d: d["hotlists"]["ncic_topics"].remove("stolen_plate"),
     [("changed", "/hotlists/ncic_topics", "tightening", "compliant→compliant")]),
    # monthly is a tighter frequency, but the last review is then overdue: a new violation
    (lambda d: d["audit"]["keyword_review"].update(frequency="monthly"),
     [("changed", "/audit/keyword_review/frequency", "loosening", "compliant→violating")]),
    (lambda d: d["policy"]["prohibited_purposes"].remove("first_amendment_activity"),
     [("changed", "/policy/prohibited_purposes", "loosening", "compliant→violating")]),
    (lambda d: d["agency"].update(name="Lakeside Town PD"),
     [("changed", "/agency/name", "neutral", "ungoverned")]),
    (lambda d: d["access"]["roles"][2].update(users=9),
     [("changed", "/access/roles/2/users", "loosening", "compliant→violating")]),
    # Patrol: CT-ACC-003 does not apply, but more people holding a role loosens (field table)
    (lambda d: d["access"]["roles"][0].update(users=500),
     [("changed", "/access/roles/0/users", "loosening", "compliant→compliant")]),
    (lambda d: d["sharing"]["partners"][4].update(direction="both"),  # Texas, now outbound
     [("changed", "/sharing/partners/4/direction", "loosening", "compliant→violating")]),
    (lambda d: d["sharing"]["partners"][3].update(warrant_only=False),
     [("changed", "/sharing/partners/3/warrant_only", "loosening", "compliant→violating")]),
    (lambda d: d["sharing"]["partners"].append(
        {"name": "Fort Worth TX PD", "state": "TX", "direction": "inbound"}),
     [("added", "/sharing/partners/5", "neutral", "absent→compliant")]),
    (lambda d: d["sharing"]["partners"].append({"name": "Mystery PD", "state": "TX"}),
     [("added", "/sharing/partners/5", "loosening", "absent→violating")]),
    (lambda d: d["sharing"]["partners"].pop(1),
     [("removed", "/sharing/partners/1", "tightening", "compliant→absent")]),
    (lambda d: d["retention"]["extended_holds"].append(
        {"basis": "warrant", "case_number": "26-9", "expires": "2027-06-01"}),
     [("added", "/retention/extended_holds/2", "loosening", "absent→compliant")]),
    # a value that stays violating says so (it used to read "unchanged")
    (lambda d: d["retention"].update(plate_reads_days=30) or d["retention"].update(
        hotlist_hits_days=40),
     [("changed", "/retention/hotlist_hits_days", "loosening", "compliant→violating"),
      ("changed", "/retention/plate_reads_days", "loosening", "compliant→violating")]),
    # a whole collection dropped from the export is one change, and unknown fails closed
    (lambda d: d["access"].pop("roles"),
     [("removed", "/access/roles", "loosening", "compliant→violating")]),
    (lambda d: d.pop("contract"),  # a section dropped from the export: unknown fails closed
     [("removed", "/contract", "loosening", "compliant→violating")]),
    (lambda d: d.pop("access"),
     [("removed", "/access", "loosening", "compliant→violating")]),
    # no rule governs these: the field table gives the direction
    (lambda d: d["sharing"]["partners"][1].update(direction="both"),  # outbound → both
     [("changed", "/sharing/partners/1/direction", "loosening", "compliant→compliant")]),
    (lambda d: d["sharing"]["partners"][0].update(direction="outbound"),  # both → outbound
     [("changed", "/sharing/partners/0/direction", "tightening", "compliant→compliant")]),
    (lambda d: d["access"].update(sso=False),
     [("changed", "/access/sso", "loosening", "ungoverned")]),
    (lambda d: d["access"].pop("sso"),  # a value taken out is no longer known
     [("removed", "/access/sso", "loosening", "ungoverned")]),
    (lambda d: d["sharing"].update(statewide_network=False),
     [("changed", "/sharing/statewide_network", "tightening", "ungoverned")]),
    (lambda d: d.pop("platform"),  # descriptive only
     [("removed", "/platform", "neutral", "ungoverned")]),
    # a rule's check that still passes cannot tell: a later expiry keeps the share open longer
    (lambda d: d["sharing"]["partners"][2].update(expires="2028-10-01"),
     [("changed", "/sharing/partners/2/expires", "loosening", "compliant→compliant")]),
    (lambda d: d["audit"]["keyword_review"].update(last_completed="2026-12-15"),
     [("changed", "/audit/keyword_review/last_completed", "tightening",
       "compliant→compliant")]),
    # anything inside an inbound partner is neutral (it receives none of our data)
    (lambda d: d["sharing"]["partners"][4].update(permissions=["search", "analytics"]),
     [("changed", "/sharing/partners/4/permissions", "neutral", "compliant→compliant")]),
    # a value check reports as outside the format loosens, though no rule fails
    (lambda d: d["access"].update(shared_accounts=-1),
     [("changed", "/access/shared_accounts", "loosening", "compliant→compliant")]),
    (lambda d: d["sharing"]["partners"][4].update(direction="Outbound"),  # no rule applies
     [("changed", "/sharing/partners/4/direction", "loosening", "compliant→compliant")]),
    # a rule that compares with the value governs it ($data): the approver role must be small
    (lambda d: d["exports"].update(approver_role="Detective"),
     [("changed", "/exports/approver_role", "loosening", "compliant→violating")]),
])
def test_direction_and_compliance(ct_baseline: Any, change: Any,
                                  expected: list[tuple[str, str, str, str]]) -> None:
    assert drift(ct_baseline, change) == expected


def test_changes_are_grouped_by_section_with_loosening_first(ct_baseline: Any) -> None:
    def change(d: Any) -> None:
        d["agency"]["name"] = "Renamed"
        d["retention"]["plate_reads_days"] = 14
        d["sharing"]["national_lookup"] = True
    assert [(k, p) for k, p, _, _ in drift(ct_baseline, change)] == [
        ("changed", "/sharing/national_lookup"),
        ("changed", "/agency/name"),
        ("changed", "/retention/plate_reads_days"),
    ]


@pytest.mark.parametrize(("fail_on", "looser", "tighter"), [
    ("loosening", True, False), ("violation", True, False), ("any", True, True),
    ("never", False, False)])
def test_gates(ct_baseline: Any, fail_on: str, looser: bool, tighter: bool) -> None:
    new = copy.deepcopy(COMPLIANT)
    new["retention"]["plate_reads_days"] = 30
    assert gate_fails(compute_drift(COMPLIANT, new, ct_baseline, AS_OF), fail_on) is looser
    new["retention"]["plate_reads_days"] = 14
    assert gate_fails(compute_drift(COMPLIANT, new, ct_baseline, AS_OF), fail_on) is tighter
    assert gate_fails((), fail_on) is False


def test_drift_cli_exit_codes(tmp_path: Any) -> None:
    runner = CliRunner()
    compliant = str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")
    worse = str(EXAMPLES / "noncompliant" / "vendor-default-30-days.json")
    same = runner.invoke(app, ["drift", compliant, "--against", compliant])
    assert same.exit_code == 0 and "No changes." in same.stdout
    other = runner.invoke(app, ["drift", worse, "--against", compliant])
    assert other.exit_code == 3 and "describe different agencies" in other.stderr
    assert "--allow-other-agency" in other.stderr and not other.stdout
    bad = runner.invoke(app, ["drift", worse, "--against", compliant, "--allow-other-agency"])
    assert bad.exit_code == 1 and "Gate (--fail-on loosening): FAILED" in bad.stdout
    assert "describe different agencies (compared with --allow-other-agency)" in bad.stdout
    assert runner.invoke(app, ["drift", worse, "--against", compliant, "--allow-other-agency",
                               "--fail-on", "never"]).exit_code == 0
    broken = tmp_path / "broken.json"
    broken.write_text('{"a": 1, "a": 2}', encoding="utf-8")
    result = runner.invoke(app, ["drift", str(broken), "--against", compliant])
    assert result.exit_code == 3 and "duplicate key 'a'" in result.stderr
    ignored = runner.invoke(app, ["drift", worse, "--against", compliant, "--allow-other-agency",
                                  "--ignore", "/sharing",
                                  "--ignore", "/retention", "--ignore", "/contract",
                                  "--ignore", "/agency", "--ignore", "/policy/published_url",
                                  "--fail-on", "any"])
    assert ignored.exit_code == 0 and "No changes." in ignored.stdout


def test_markdown_escapes_table_cells(ct_baseline: Any) -> None:
    from lpr_lint.history.records import DriftReport
    from lpr_lint.report.drift import MarkdownDriftReporter

    new = copy.deepcopy(COMPLIANT)
    new["agency"]["name"] = "A | B `C` *D*"
    changes = compute_drift(COMPLIANT, new, ct_baseline, AS_OF)
    report = DriftReport("snapshot #1", "0" * 64, "x.yaml", "1" * 64, ct_baseline.info(),
                         AS_OF.isoformat(), "loosening", changes)
    row = next(line for line in MarkdownDriftReporter().render(report).splitlines()
               if "/agency/name" in line)
    assert '`` "A \\| B `C` *D*" ``' in row  # a code span that holds the backticks
    assert len(re.findall(r"(?<!\\)\|", row)) == 9  # 8 columns: no cell spills over
