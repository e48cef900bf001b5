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


def new_repo(repo: Path) -> Path:
    repo.mkdir(exist_ok=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "it@example.gov")
    git(repo, "config", "user.name", "Agency IT")
    (repo / "exports").mkdir()
    return repo


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One pre-commit home for the module: the hook environment is built once."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    return {k: v for k, v in env.items() if not k.startswith(("LPR_LINT_", "GIT_"))}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory,
              env: dict[str, str]) -> tuple[Path, dict[str, str]]:
    return new_repo(tmp_path_factory.mktemp("agency")), env


def pre_commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PRE_COMMIT, *args], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=600, check=False)


def approve(export: Path, store: Path) -> None:
    subprocess.run([sys.executable, "-m", "lpr_lint", "approve", str(export), "--by", "Sgt. R",
                    "--store", str(store)], check=True, capture_output=True)


def loosen(export: Path) -> None:
    export.write_text(export.read_text(encoding="utf-8").replace(
        "national_lookup: false", "national_lookup: true"), encoding="utf-8")


def assert_loosening_reported(proc: subprocess.CompletedProcess[str]) -> None:
    """Stable parts of drift's report (its exact lines may change)."""
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "/sharing/national_lookup" in output and "LOOSENING" in output, output


def test_hooks_file_declares_both_hooks() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["lpr-lint-check"]["types_or"] == ["json", "yaml"]
    assert all(h["language"] == "python" for h in hooks.values())  # pre-commit installs it
    drift = hooks["lpr-lint-drift"]
    assert drift["pass_filenames"] is False and drift["require_serial"] is True
    assert drift["always_run"] is True  # even when no file of the push matches
    assert drift["stages"] == ["pre-push", "manual"]
    assert drift["minimum_pre_commit_version"] >= "3.2.0"  # stage names match hook types


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
    approve(current, repo / ".lpr-lint")
    config = {"repos": [{"repo": str(ROOT), "rev": head(), "hooks": [
        {"id": "lpr-lint-drift", "args": ["exports/current.yaml"]}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(repo, "add", "-A")
    on_commit = pre_commit(repo, env, "run", "lpr-lint-drift", "--all-files")
    assert on_commit.returncode == 1 and "lpr-lint drift" not in on_commit.stdout  # not staged
    same = pre_commit(repo, env, "run", "--hook-stage", "manual", "lpr-lint-drift", "--all-files")
    assert same.returncode == 0, same.stdout + same.stderr
    loosen(current)
    git(repo, "add", "-A")
    assert_loosening_reported(pre_commit(repo, env, "run", "--hook-stage", "manual",
                                         "lpr-lint-drift", "--all-files"))


def test_init_config_runs_drift_at_pre_push(tmp_path: Path, env: dict[str, str]) -> None:
    """The config ``lpr-lint init`` writes, with its OWNER/REV placeholders filled in."""
    from lpr_lint.cli.starter import REPOSITORY, REV

    repo = new_repo(tmp_path / "agency")
    subprocess.run([sys.executable, "-m", "lpr_lint", "init", str(repo)], check=True,
                   capture_output=True)
    path = repo / ".pre-commit-config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    [source] = config["repos"]
    assert (source["repo"], source["rev"]) == (REPOSITORY, REV)
    source["repo"], source["rev"] = str(ROOT), head()
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    current = repo / "exports" / "current.yaml"
    shutil.copy(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml", current)
    approve(current, repo / ".lpr-lint")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "approved export")
    same = pre_commit(repo, env, "run", "--hook-stage", "pre-push", "lpr-lint-drift",
                      "--all-files")
    assert same.returncode == 0, same.stdout + same.stderr
    assert "lpr-lint drift" in same.stdout and "Passed" in same.stdout

    # A plain `pre-commit install` installs the pre-push hook too (default_install_hook_types),
    # and a push of a loosened export fails.
    installed = pre_commit(repo, env, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (repo / ".git" / "hooks" / "pre-push").exists()
    loosen(current)
    git(repo, "commit", "-q", "--no-verify", "-am", "share nationally")
    assert_loosening_reported(pre_commit(repo, env, "run", "--hook-stage", "pre-push",
                                         "lpr-lint-drift", "--all-files"))
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    push = subprocess.run(["git", "push", "-q", "origin", "HEAD:refs/heads/main"], cwd=repo,
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert push.returncode != 0, push.stdout + push.stderr
    assert "LOOSENING" in push.stdout + push.stderr
    assert subprocess.run(["git", "ls-remote", "--heads", str(remote)], capture_output=True,
                          text=True, check=True).stdout == ""  # nothing was pushed
