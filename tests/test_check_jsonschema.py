"""check-jsonschema accepts `lpr-lint schema` and agrees with `lpr-lint check` on examples/."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT
from lpr_lint.cli import app
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
    files = discover([str(EXAMPLES)])
    ours = json.loads(runner.invoke(app, ["check", *files, "--as-of", as_of,
                                          "--format", "json"]).stdout)
    lpr_pass = {f["path"]: f["status"] == "pass" for f in ours["files"]}
    proc = subprocess.run([CHECK_JSONSCHEMA, "--schemafile", str(schema),
                           "--output-format", "json", *files],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    result = json.loads(proc.stdout)
    failed = {e["filename"] for e in result.get("errors", [])}
    failed |= {e["filename"] for e in result.get("parse_errors", [])}
    theirs = {f: f not in failed for f in files}
    assert theirs == lpr_pass
    assert sum(lpr_pass.values()) == 1  # only the compliant example passes
