"""Golden outputs: check reports, the composed schema, and drift reports in each format.

Regenerate after an intended change with:  python -m pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from lpr_lint.cli import app

GOLDEN = ROOT / "tests" / "golden"
CASES = {
    "check-examples.txt": ["check", "--baseline", "auto", "examples", "--as-of", "2027-02-01"],
    "check-examples.json": ["check", "--baseline", "auto", "examples", "--as-of", "2027-02-01",
                            "--format", "json"],
    "check-examples-strict.txt": ["check", "--baseline", "auto", "examples", "--as-of",
                                  "2027-02-01", "--strict",
                                  "--fail-on", "info"],
    "schema-ct.json": ["schema", "--as-of", "2027-02-01"],
    "drift-vendor-default.txt": [
        "drift", "examples/noncompliant/vendor-default-30-days.json",
        "--against", "examples/compliant/lakeside-ct-pd.yaml", "--as-of", "2027-02-01",
        "--allow-other-agency"],
    "drift-vendor-default.md": [
        "drift", "examples/noncompliant/vendor-default-30-days.json",
        "--against", "examples/compliant/lakeside-ct-pd.yaml", "--as-of", "2027-02-01",
        "--allow-other-agency", "--format", "markdown"],
    "drift-federal.json": [
        "drift", "examples/noncompliant/federal-ice-assist.json",
        "--against", "examples/compliant/lakeside-ct-pd.yaml", "--as-of", "2027-02-01",
        "--allow-other-agency", "--format", "json"],
    "history-portal.txt": ["history", "tests/data/flock/portal/pinecrest-ca-pd", "--as-of",
                           "2027-02-01"],
    "history-portal.md": ["history", "tests/data/flock/portal/pinecrest-ca-pd", "--as-of",
                          "2027-02-01", "--format", "markdown"],
    "drift-portal-weekly.txt": [
        "drift", "tests/data/flock/portal/pinecrest-ca-pd/2026-04-10.json", "--against",
        "tests/data/flock/portal/pinecrest-ca-pd/2026-04-03.json", "--as-of", "2027-02-01"],
    "drift-portal-weekly.md": [
        "drift", "tests/data/flock/portal/pinecrest-ca-pd/2026-04-10.json", "--against",
        "tests/data/flock/portal/pinecrest-ca-pd/2026-04-03.json", "--as-of", "2027-02-01",
        "--format", "markdown"],
    "access-compliant.txt": ["access", "examples/compliant/lakeside-ct-pd.yaml", "--as-of",
                             "2027-02-01"],
    "access-compliant.md": ["access", "examples/compliant/lakeside-ct-pd.yaml", "--as-of",
                            "2027-02-01", "--format", "markdown"],
    "access-compliant.json": ["access", "examples/compliant/lakeside-ct-pd.yaml", "--as-of",
                              "2027-02-01", "--format", "json"],
    "access-weak-access.txt": ["access", "examples/noncompliant/weak-access-and-contract.yaml",
                               "--as-of", "2027-02-01"],
    "access-weak-access.md": ["access", "examples/noncompliant/weak-access-and-contract.yaml",
                              "--as-of", "2027-02-01", "--format", "markdown"],
    "access-weak-access.json": ["access", "examples/noncompliant/weak-access-and-contract.yaml",
                                "--as-of", "2027-02-01", "--format", "json"],
    "survey-states.txt": ["survey", "examples/states", "tests/data/flock/portal/pinecrest-ca-pd",
                          "--as-of", "2027-02-01"],
    "survey-states.md": ["survey", "examples/states", "tests/data/flock/portal/pinecrest-ca-pd",
                         "--as-of", "2027-02-01", "--format", "markdown"],
    "survey-states.html": ["survey", "examples/states",
                           "tests/data/flock/portal/pinecrest-ca-pd", "--as-of", "2027-02-01",
                           "--format", "html"],
    "survey-states.csv": ["survey", "examples/states", "tests/data/flock/portal/pinecrest-ca-pd",
                          "--as-of", "2027-02-01", "--format", "csv"],
    "survey-states.json": ["survey", "examples/states",
                           "tests/data/flock/portal/pinecrest-ca-pd", "--as-of", "2027-02-01",
                           "--format", "json"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # paths in reports are as given, relative to the repository
    result = CliRunner().invoke(app, CASES[name])
    assert result.exit_code in (0, 1), result.stderr
    path: Path = GOLDEN / name
    if update_golden:
        path.write_text(result.stdout, encoding="utf-8")
    assert path.is_file(), f"missing golden file; run: python -m pytest {__file__} --update-golden"
    assert result.stdout == path.read_text(encoding="utf-8")
