"""check-jsonschema accepts `lpr-lint schema` and agrees with `lpr-lint check` on examples/."""

from __future__ import annotations

import datetime as _dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT
from lpr_lint.cli import app
from lpr_lint.load.files import load_document
from lpr_lint.rules.baseline import load_baseline
from lpr_lint.rules.compose import excluded
from lpr_lint.rules.engine import Checker, Options
from lpr_lint.rules.run import discover

CHECK_JSONSCHEMA = shutil.which("check-jsonschema") or str(
    Path(sys.executable).parent / "check-jsonschema")


@pytest.mark.skipif(not Path(CHECK_JSONSCHEMA).exists(),
                    reason="check-jsonschema is not installed (pip install -e '.[test]')")
@pytest.mark.parametrize("as_of", ["2026-11-25", "2027-02-01"])
def test_check_jsonschema_agrees_on_every_example(tmp_path: Path, as_of: str) -> None:
    runner = CliRunner()
    schema = tmp_path / "composed.json"
    schema.write_text(runner.invoke(app, ["schema", "--as-of", as_of]).stdout, encoding="utf-8")
    files = discover([str(EXAMPLES / "compliant"), str(EXAMPLES / "noncompliant")])
    baseline = load_baseline("ct")
    left_out = {r.id for r in excluded(baseline)}  # enforced by check alone (README)
    checker = Checker(baseline, Options(as_of=_dt.date.fromisoformat(as_of)))
    lpr_pass = {}
    for path in files:
        findings = checker.check(load_document(path)).findings
        lpr_pass[path] = not any(checker.is_gating(f) for f in findings
                                 if f.rule_id not in left_out)
    proc = subprocess.run([CHECK_JSONSCHEMA, "--schemafile", str(schema),
                           "--output-format", "json", *files],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    result = json.loads(proc.stdout)
    failed = {e["filename"] for e in result.get("errors", [])}
    failed |= {e["filename"] for e in result.get("parse_errors", [])}
    theirs = {f: f not in failed for f in files}
    assert theirs == lpr_pass
    assert sum(lpr_pass.values()) == 1  # only the compliant example passes
