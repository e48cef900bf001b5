"""Per-rule cases from tests/rule_cases/*.yaml (``pytest -k CT-RET-001`` runs one rule).

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

from conftest import AS_OF, ROOT
from lpr_lint.rules.compose import excluded, rule_schema
from lpr_lint.rules.engine import evaluate_rule

CASE_DIR = ROOT / "tests" / "rule_cases"


def _load_cases() -> list[Any]:
    return [pytest.param(group["rule"], case, id=f"{group['rule']}-{case['name']}")
            for path in sorted(CASE_DIR.glob("*.yaml"))
            for group in _groups(path)
            for case in group["cases"]]


def _groups(path: Path) -> list[Any]:
    from lpr_lint.load.yamlparse import load_yaml

    data, _ = load_yaml(path.read_text(encoding="utf-8"), str(path))
    assert isinstance(data, list), path
    return data


CASES = _load_cases()


@pytest.mark.parametrize(("rule_id", "case"), CASES)
def test_rule_case(ct_baseline: Any, rule_id: str, case: dict[str, Any]) -> None:
    rule = ct_baseline.rule(rule_id)
    assert rule is not None, f"unknown rule {rule_id} in a case file"
    as_of = _dt.date.fromisoformat(case.get("as_of", AS_OF.isoformat()))
    got = [f"{o.value} {p}" for o, p, _ in evaluate_rule(rule, case["doc"], as_of)]
    assert got == case["expect"]

    if rule in excluded(ct_baseline):  # JSON Schema cannot say it: check alone enforces it
        assert rule.data_refs or rule.extended
        return
    if as_of >= rule.effective:  # the composed schema only holds rules in effect
        expected_valid = all(e.split()[0] in ("pass", "not_applicable") for e in case["expect"])
        validator = jsonschema.Draft202012Validator(
            rule_schema(rule, as_of), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        assert validator.is_valid(case["doc"]) is expected_valid, "jsonschema disagrees"


def test_every_rule_has_passing_and_failing_cases(ct_baseline: Any) -> None:
    seen: dict[str, set[str]] = {}
    for param in CASES:
        rule_id, case = param.values
        seen.setdefault(rule_id, set()).update(e.split()[0] for e in case["expect"])
    for rule in ct_baseline.rules:
        outcomes = seen.get(rule.id, set())
        assert "pass" in outcomes or "not_applicable" in outcomes, f"{rule.id} has no passing case"
        assert "fail" in outcomes or "unknown" in outcomes, f"{rule.id} has no failing case"
