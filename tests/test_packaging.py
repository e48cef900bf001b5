"""The wheel carries the schemas and baselines, and works from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

pytest.importorskip("hatchling", reason="building the wheel needs hatchling (the test extra)")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    (whl,) = out.glob("lpr_lint-*.whl")
    return whl


def test_wheel_contains_schemas_and_baselines(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("lpr_lint/_data/schemas/export-v1.schema.json",
                     "lpr_lint/_data/schemas/baseline.schema.json",
                     "lpr_lint/_data/schemas/report.schema.json",
                     "lpr_lint/_data/baselines/ct.yaml",
                     "lpr_lint/cli/app.py"):
        assert expected in names


def test_installed_wheel_runs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [sys.executable, "-c", "import lpr_lint.load.data as r; print(r.data_dir('baselines'))"],
        capture_output=True, text=True, cwd=elsewhere, env=env, check=True)
    assert probe.stdout.strip().startswith(str(site))
    proc = subprocess.run(
        [sys.executable, "-m", "lpr_lint", "check", str(EXAMPLES / "compliant"),
         str(EXAMPLES / "noncompliant" / "vendor-default-30-days.json")],
        capture_output=True, text=True, cwd=elsewhere, env=env, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "CT-RET-001" in proc.stdout and "2 files checked: 1 passed, 1 failed" in proc.stdout
