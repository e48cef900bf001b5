"""Per-rule cases from tests/rule_cases/*.yaml (``pytest -k CT-RET-001`` runs one rule).

A case file is a list of rule groups judged under the Connecticut baseline, or a mapping
``{baseline: ID, rules: [groups]}`` for another built-in baseline (tests/rule_cases/ca.yaml).

Each case is evaluated by the engine and, independently, by ``jsonschema`` on the rule
composed as plain JSON Schema: the two must agree that the case passes (pass or
not applicable) or fails (fail or unknown).
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import AS_OF, ROOT, shipped_baseline
from lpr_lint.rules.compose import excluded, rule_schema
from lpr_lint.rules.engine import evaluate_rule
from lpr_lint.rules.registry import TEMPLATE_BASELINES

CASE_DIR = ROOT / "tests" / "rule_cases"


def _load_cases() -> list[Any]:
    return [pytest.param(baseline_id, group["rule"], case,
                         id=f"{group['rule']}-{case['name']}")
            for path in sorted(CASE_DIR.glob("*.yaml"))
            for baseline_id, group in _groups(path)
            for case in group["cases"]]


def _groups(path: Path) -> list[tuple[str, Any]]:
    from lpr_lint.load.yamlparse import load_yaml

    data, _ = load_yaml(path.read_text(encoding="utf-8"), str(path))
    if isinstance(data, dict):
        assert set(data) == {"baseline", "rules"}, path
        return [(data["baseline"], g) for g in data["rules"]]
    assert isinstance(data, list), path
    return [("ct", g) for g in data]


CASES = _load_cases()


def _checked() -> list[str]:
    """Every baseline file that is not a template (test_state_baselines holds the registry
    to the same list)."""
    return sorted(p.stem for p in (ROOT / "baselines").glob("*.yaml")
                  if p.stem not in TEMPLATE_BASELINES)


@pytest.mark.parametrize(("baseline_id", "rule_id", "case"), CASES)
def test_rule_case(baseline_id: str, rule_id: str, case: dict[str, Any]) -> None:
    baseline = shipped_baseline(baseline_id)
    rule = baseline.rule(rule_id)
    assert rule is not None, f"unknown rule {rule_id} of {baseline_id} in a case file"
    as_of = _dt.date.fromisoformat(case.get("as_of", AS_OF.isoformat()))
    got = [f"{o.value} {p}" for o, p, _ in evaluate_rule(rule, case["doc"], as_of)]
    assert got == case["expect"]

    if rule in excluded(baseline):  # JSON Schema cannot say it: check alone enforces it
        assert rule.data_refs or rule.extended
        return
    if as_of >= rule.effective:  # the composed schema only holds rules in effect
        expected_valid = all(e.split()[0] in ("pass", "not_applicable") for e in case["expect"])
        validator = jsonschema.Draft202012Validator(
            rule_schema(rule, as_of), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        assert validator.is_valid(case["doc"]) is expected_valid, "jsonschema disagrees"


@pytest.mark.parametrize("baseline_id", _checked())
def test_every_rule_has_passing_and_failing_cases(baseline_id: str) -> None:
    seen: dict[str, set[str]] = {}
    for param in CASES:
        case_baseline, rule_id, case = param.values
        if case_baseline == baseline_id:
            seen.setdefault(rule_id, set()).update(e.split()[0] for e in case["expect"])
    for rule in shipped_baseline(baseline_id).rules:
        outcomes = seen.get(rule.id, set())
        assert "pass" in outcomes or "not_applicable" in outcomes, f"{rule.id} has no passing case"
        if baseline_id == "ct":
            assert "fail" in outcomes or "unknown" in outcomes, f"{rule.id} has no failing case"
        else:  # the state baselines show a failure and an unknown
            assert "fail" in outcomes, f"{rule.id} has no failing case"
            assert "unknown" in outcomes or rule.missing == "fail", \
                f"{rule.id} has no case where a missing value is unknown"
