"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit in a temporary repository.

pre-commit builds the hook's environment from this repository's last commit (pip installs
it), so this test needs the registry and takes a minute; it runs in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, ROOT

PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
pytestmark = pytest.mark.skipif(not Path(PRE_COMMIT).exists(),
                                reason="pre-commit is not installed (pip install -e '.[test]')")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def head() -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    repo = tmp_path_factory.mktemp("agency")
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "it@example.gov")
    git(repo, "config", "user.name", "Agency IT")
    (repo / "exports").mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    return repo, env


def pre_commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PRE_COMMIT, *args], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=600, check=False)


def test_hooks_file_declares_both_hooks() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["lpr-lint-check"]["types_or"] == ["json", "yaml"]
    assert hooks["lpr-lint-drift"]["pass_filenames"] is False
    assert hooks["lpr-lint-drift"]["require_serial"] is True


def test_check_hook_passes_compliant_and_fails_noncompliant_with_file_line(
        workspace: tuple[Path, dict[str, str]]) -> None:
    repo, env = workspace
    shutil.copy(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml", repo / "exports" / "town.yaml")
    (repo / "notes.yaml").write_text("not: an export\n", encoding="utf-8")  # outside exports/
    git(repo, "add", "-A")
    ok = pre_commit(repo, env, "try-repo", str(ROOT), "lpr-lint-check", "--ref", head(),
                    "--all-files")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "lpr-lint check" in ok.stdout and "Passed" in ok.stdout
    shutil.copy(EXAMPLES / "noncompliant" / "vendor-default-30-days.json",
                repo / "exports" / "vendor.json")
    git(repo, "add", "-A")
    bad = pre_commit(repo, env, "try-repo", str(ROOT), "lpr-lint-check", "--ref", head(),
                     "--all-files")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert ("exports/vendor.json:15:5: CRITICAL CT-RET-001 /retention/plate_reads_days"
            in bad.stdout)
    assert "exports/town.yaml:" not in bad.stdout  # the compliant export has no finding
    assert "notes.yaml" not in bad.stdout  # outside exports/: not checked


def test_drift_hook_fails_on_loosening(workspace: tuple[Path, dict[str, str]]) -> None:
    repo, env = workspace
    current = repo / "exports" / "current.yaml"
    shutil.copy(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml", current)
    subprocess.run([sys.executable, "-m", "lpr_lint", "approve", str(current), "--by", "Sgt. R",
                    "--store", str(repo / ".lpr-lint")], check=True, capture_output=True)
    config = {"repos": [{"repo": str(ROOT), "rev": head(), "hooks": [
        {"id": "lpr-lint-drift", "args": ["exports/current.yaml"]}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(repo, "add", "-A")
    same = pre_commit(repo, env, "run", "lpr-lint-drift", "--all-files")
    assert same.returncode == 0, same.stdout + same.stderr
    current.write_text(current.read_text(encoding="utf-8").replace(
        "national_lookup: false", "national_lookup: true"), encoding="utf-8")
    git(repo, "add", "-A")
    looser = pre_commit(repo, env, "run", "lpr-lint-drift", "--all-files")
    assert looser.returncode == 1, looser.stdout + looser.stderr
    assert "~ /sharing/national_lookup: false → true" in looser.stdout
    assert "LOOSENING; compliant → violating; CT-SHR-004" in looser.stdout
