"""The auditor's edits that once passed `check` and read as neutral in `drift` (issue 12):
each must now be a finding of the rule named, and a loosening change."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from conftest import AS_OF, EXAMPLES
from lpr_lint.history.drift import compute_drift
from lpr_lint.history.kinds import Direction
from lpr_lint.load.files import Document, load_document
from lpr_lint.rules.engine import Checker, Options

LAKESIDE = load_document(str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")).data


def _role(d: Any, name: str) -> dict[str, Any]:
    return next(r for r in d["access"]["roles"] if r["name"] == name)


def _partner(d: Any, name: str) -> dict[str, Any]:
    return next(p for p in d["sharing"]["partners"] if p["name"] == name)


SCENARIOS: list[tuple[str, Callable[[Any], None], str]] = [
    ("patrol gains export and bulk export",
     lambda d: _role(d, "Patrol")["permissions"].extend(["export", "bulk_export"]), "CT-ACC-005"),
    ("a large role gains user_manage",
     lambda d: _role(d, "Detective")["permissions"].append("user_manage"), "CT-ACC-003"),
    ("an in-state partner gains video and analytics",
     lambda d: _partner(d, "Westport CT PD")["permissions"].extend(
         ["vms", "vms_download", "analytics"]), "CT-SHR-008"),
    ("the approver role does not exist",
     lambda d: d["exports"].update(approver_role="Captain"), "CT-ACC-007"),
    ("100,000 records without approval",
     lambda d: d["exports"].update(max_records_without_approval=100_000), "CT-EXP-002"),
    ("no out-of-state sampling",
     lambda d: d["audit"].update(out_of_state_sample_rate=0), "CT-AUD-007"),
    ("no escalation contact", lambda d: d["audit"].pop("escalation_contact"), "CT-AUD-008"),
    ("the vendor is an independent user",
     lambda d: d["contract"].update(vendor_role="independent"), "CT-CON-008"),
    ("a monthly review last done ten months before",
     lambda d: d["audit"]["keyword_review"].update(frequency="monthly",
                                                   last_completed="2026-04-01"), "CT-AUD-009"),
    ("an extended hold expired months ago",
     lambda d: d["retention"]["extended_holds"][0].update(expires="2026-09-30"), "CT-RET-006"),
    ("the policy last reviewed in 2023",
     lambda d: d["policy"].update(last_reviewed="2023-05-01"), "CT-POL-005"),
    ("a partner past its expiry",
     lambda d: _partner(d, "Port Chester NY PD").update(expires="2026-12-31"), "CT-SHR-009"),
    ("immigration enforcement both authorized and prohibited",
     lambda d: d["policy"]["authorized_purposes"].append("immigration_enforcement"),
     "CT-POL-007"),
    ("an ICE detainer hotlist",
     lambda d: d["hotlists"]["sources"].append("ICE ERO Detainer List"), "CT-HOT-004"),
    ("the roles removed", lambda d: d["access"].pop("roles"), "CT-ACC-003"),
]


def _findings(data: Any) -> set[tuple[str, str]]:
    doc = Document("x.yaml", data, "0" * 64, "yaml", lambda p: (1, 1))
    return {(f.rule_id, f.outcome.value) for f in Checker(
        _baseline(), Options(as_of=AS_OF)).check(doc).findings}


def _baseline() -> Any:
    from lpr_lint.rules.baseline import load_baseline

    return load_baseline("ct")


def test_the_compliant_example_has_no_finding() -> None:
    assert _findings(LAKESIDE) == set()


@pytest.mark.parametrize(("name", "edit", "rule"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_each_edit_is_a_finding_and_a_loosening(name: str, edit: Callable[[Any], None],
                                                  rule: str) -> None:
    changed = copy.deepcopy(LAKESIDE)
    edit(changed)
    assert rule in {r for r, _ in _findings(changed)}, name
    changes = compute_drift(LAKESIDE, changed, _baseline(), AS_OF)
    assert changes and all(c.direction is Direction.LOOSENING for c in changes), [
        (c.pointer, c.direction) for c in changes]


def test_a_partner_that_starts_searching_our_data_too_is_a_loosening() -> None:
    changed = copy.deepcopy(LAKESIDE)
    _partner(changed, "Connecticut State Police")["direction"] = "both"
    [change] = compute_drift(LAKESIDE, changed, _baseline(), AS_OF)
    assert change.direction is Direction.LOOSENING
