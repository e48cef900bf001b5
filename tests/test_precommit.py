"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit in temporary repositories.

pre-commit builds a hook's environment from this repository's last commit (it pip installs
it), so these tests need the registry; they run in CI. Building that environment is nearly all
of their cost, so it is built once: every test uses the same pre-commit home and the same
(repository, revision), and both hooks share that one environment. (``pre-commit try-repo``
is not used: it builds a new environment in a temporary store on every call.) The tests then
run as few hooks as prove the behaviour: six hook runs in all, two of them real pushes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, ROOT

PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
pytestmark = pytest.mark.skipif(not Path(PRE_COMMIT).exists(),
                                reason="pre-commit is not installed (pip install -e '.[test]')")
COMPLIANT = EXAMPLES / "compliant" / "lakeside-ct-pd.yaml"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def new_repo(repo: Path) -> Path:
    repo.mkdir(exist_ok=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "it@example.gov")
    git(repo, "config", "user.name", "Agency IT")
    (repo / "exports").mkdir()
    return repo


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One pre-commit home for the module: the hook environment is built once.

    pip skips compiling every installed module to bytecode (``PIP_COMPILE=false``, a third of
    the build; the hooks compile the few modules they import on first use).
    """
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1", "PIP_COMPILE": "false"}
    env.pop("PYTHONPATH", None)
    return {k: v for k, v in env.items() if not k.startswith(("LPR_LINT_", "GIT_"))}


@pytest.fixture(scope="module")
def source() -> dict[str, str]:
    """This repository at its last commit, read once: one (repo, rev), one environment."""
    return {"repo": str(ROOT), "rev": git(ROOT, "rev-parse", "HEAD")}


def configure(repo: Path, source: dict[str, str], *hooks: dict[str, Any]) -> None:
    config = {"repos": [{**source, "hooks": list(hooks)}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")


def pre_commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PRE_COMMIT, *args], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=600, check=False)


def approve(export: Path, store: Path) -> None:
    subprocess.run([sys.executable, "-m", "lpr_lint", "approve", str(export), "--by", "Sgt. R",
                    "--store", str(store)], check=True, capture_output=True)


def loosen(export: Path) -> None:
    export.write_text(export.read_text(encoding="utf-8").replace(
        "national_lookup: false", "national_lookup: true"), encoding="utf-8")


def assert_loosening_reported(output: str) -> None:
    """Stable parts of drift's report (its exact lines may change)."""
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
        tmp_path: Path, env: dict[str, str], source: dict[str, str]) -> None:
    repo = new_repo(tmp_path / "agency")
    configure(repo, source, {"id": "lpr-lint-check"},
              {"id": "lpr-lint-drift", "args": ["exports/current.yaml"]})
    shutil.copy(COMPLIANT, repo / "exports" / "town.yaml")
    (repo / "notes.yaml").write_text("not: an export\n", encoding="utf-8")  # outside exports/
    git(repo, "add", "-A")
    ok = pre_commit(repo, env, "run", "--all-files")  # the commit stage
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "lpr-lint check" in ok.stdout and "Passed" in ok.stdout
    # drift is a pre-push and manual hook: on commit it does not run (here it would fail, as
    # nothing was ever approved)
    assert "lpr-lint drift" not in ok.stdout
    shutil.copy(EXAMPLES / "noncompliant" / "vendor-default-30-days.json",
                repo / "exports" / "vendor.json")
    git(repo, "add", "-A")
    bad = pre_commit(repo, env, "run", "lpr-lint-check", "--all-files")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert ("exports/vendor.json:15:5: CRITICAL CT-RET-001 /retention/plate_reads_days"
            in bad.stdout)
    assert "exports/town.yaml:" not in bad.stdout  # the compliant export has no finding
    assert "notes.yaml" not in bad.stdout  # outside exports/: not checked


def test_drift_hook_fails_on_loosening_at_the_manual_stage(
        tmp_path: Path, env: dict[str, str], source: dict[str, str]) -> None:
    repo = new_repo(tmp_path / "agency")
    current = repo / "exports" / "current.yaml"
    shutil.copy(COMPLIANT, current)
    approve(current, repo / ".lpr-lint")
    configure(repo, source, {"id": "lpr-lint-drift", "args": ["exports/current.yaml"]})
    git(repo, "add", "-A")
    same = pre_commit(repo, env, "run", "--hook-stage", "manual", "lpr-lint-drift", "--all-files")
    assert same.returncode == 0, same.stdout + same.stderr
    assert "lpr-lint drift" in same.stdout and "Passed" in same.stdout
    loosen(current)
    git(repo, "add", "-A")
    loosened = pre_commit(repo, env, "run", "--hook-stage", "manual", "lpr-lint-drift",
                          "--all-files")
    assert loosened.returncode == 1, loosened.stdout + loosened.stderr
    assert_loosening_reported(loosened.stdout + loosened.stderr)


def test_init_config_installs_drift_at_pre_push_and_a_loosening_push_is_refused(
        tmp_path: Path, env: dict[str, str], source: dict[str, str]) -> None:
    """The config ``lpr-lint init`` writes, with its OWNER/REV placeholders filled in: a plain
    ``pre-commit install`` installs the pre-push hook too (default_install_hook_types); a push
    of the approved export goes through, a push of a loosened one is refused."""
    from lpr_lint.cli.starter import REPOSITORY, REV

    repo = new_repo(tmp_path / "agency")
    subprocess.run([sys.executable, "-m", "lpr_lint", "init", str(repo)], check=True,
                   capture_output=True)
    path = repo / ".pre-commit-config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    [hooks] = config["repos"]
    assert (hooks["repo"], hooks["rev"]) == (REPOSITORY, REV)
    hooks.update(source)
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    current = repo / "exports" / "current.yaml"
    shutil.copy(COMPLIANT, current)
    approve(current, repo / ".lpr-lint")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "approved export")
    approved = git(repo, "rev-parse", "HEAD")

    installed = pre_commit(repo, env, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (repo / ".git" / "hooks" / "pre-push").exists()
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))

    def push() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "push", "origin", "HEAD:refs/heads/main"], cwd=repo,
                              env=env, capture_output=True, text=True, timeout=600, check=False)

    same = push()
    output = same.stdout + same.stderr
    assert same.returncode == 0, output
    assert "lpr-lint drift" in output and "Passed" in output  # the hook ran, at pre-push
    loosen(current)
    git(repo, "commit", "-q", "--no-verify", "-am", "share nationally")
    refused = push()
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert_loosening_reported(refused.stdout + refused.stderr)
    assert git(remote, "rev-parse", "main") == approved  # the loosened commit was not pushed
