"""Every example under examples/ produces exactly the findings its story names."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import pytest

from conftest import AS_OF, EXAMPLES, ROOT
from lpr_lint.cli.check import exit_code
from lpr_lint.cli.exits import ExitCode
from lpr_lint.load.yamlparse import load_yaml
from lpr_lint.model import Severity
from lpr_lint.rules.engine import Options
from lpr_lint.rules.run import discover, run_check

EXPECTATIONS: dict[str, list[str]] = load_yaml(
    (ROOT / "tests" / "example_expectations.yaml").read_text(encoding="utf-8"), "expectations")[0]
FILES = [Path(p).relative_to(ROOT).as_posix()  # examples/states: test_state_baselines
         for p in discover([str(EXAMPLES / "compliant"), str(EXAMPLES / "noncompliant")])]


def test_every_example_has_expectations() -> None:
    assert sorted(EXPECTATIONS) == sorted(FILES)


@pytest.mark.parametrize("path", FILES)
def test_example_findings(ct_baseline: Any, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    report = run_check([path], ct_baseline, Options(as_of=AS_OF))
    got = sorted(f"{f.rule_id} {f.outcome} {f.pointer}" for f in report.findings)
    assert got == sorted(EXPECTATIONS[path])
    compliant = path.startswith("examples/compliant/")
    assert exit_code(report) is (ExitCode.OK if compliant else ExitCode.FINDINGS)


@pytest.mark.parametrize("as_of", ["2026-09-30", "2026-10-01", "2026-11-25", "2027-01-01"])
def test_compliant_examples_pass_on_any_date(ct_baseline: Any, as_of: str) -> None:
    report = run_check([str(EXAMPLES / "compliant")], ct_baseline,
                       Options(as_of=_dt.date.fromisoformat(as_of)))
    assert report.findings == ()


def test_policy_rules_wait_for_their_date(ct_baseline: Any, tmp_path: Path) -> None:
    text = (EXAMPLES / "compliant" / "lakeside-ct-pd.yaml").read_text(encoding="utf-8")
    export = tmp_path / "no-policy-url.yaml"
    export.write_text(text.replace("  published_url: https://lakeside.example.gov/police/"
                                   "alpr-policy\n", ""), encoding="utf-8")
    before = run_check([str(export)], ct_baseline, Options(as_of=_dt.date(2026, 12, 31)))
    after = run_check([str(export)], ct_baseline, Options(as_of=_dt.date(2027, 1, 1)))
    assert before.findings == ()
    assert [(f.rule_id, f.outcome.value) for f in after.findings] == [("CT-POL-001", "unknown")]


def test_allow_unknown_reports_but_does_not_fail(ct_baseline: Any) -> None:
    path = str(EXAMPLES / "noncompliant" / "partial-export.yaml")
    strict = run_check([path], ct_baseline, Options(as_of=AS_OF))
    lenient = run_check([path], ct_baseline, Options(as_of=AS_OF, allow_unknown=True))
    assert exit_code(strict) is ExitCode.FINDINGS
    assert exit_code(lenient) is ExitCode.OK
    assert lenient.findings == strict.findings


@pytest.mark.parametrize(("fail_on", "code"), [(Severity.CRITICAL, ExitCode.OK),
                                                (Severity.HIGH, ExitCode.FINDINGS),
                                                (Severity.INFO, ExitCode.FINDINGS)])
def test_fail_on_threshold(ct_baseline: Any, fail_on: Severity, code: ExitCode) -> None:
    path = str(EXAMPLES / "noncompliant" / "holds-and-hotlists.yaml")  # high + medium only
    report = run_check([path], ct_baseline, Options(as_of=AS_OF, fail_on=fail_on))
    assert exit_code(report) is code
    gating = {f.rule_id for f in report.findings if report.is_gating(f)}
    assert gating == ({"CT-HOT-002", "CT-HOT-003", "CT-RET-004", "CT-RET-005", "CT-RET-006",
                       "CT-SRC-001", "CT-SRC-002"} if fail_on is Severity.INFO else
                      set() if fail_on is Severity.CRITICAL else
                      {"CT-RET-004", "CT-RET-005", "CT-RET-006", "CT-SRC-001", "CT-SRC-002"})
