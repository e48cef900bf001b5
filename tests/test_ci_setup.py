"""Waivers, configuration, multiple outputs, ``init`` and the generated rule reference."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT
from lpr_lint.cli import app
from lpr_lint.cli.starter import FILL_IN, REPOSITORY, REV, STARTER_FILES

HOLDS = EXAMPLES / "noncompliant" / "holds-and-hotlists.yaml"  # high + medium findings
GATING = ["CT-RET-004", "CT-RET-005", "CT-RET-006", "CT-SRC-001", "CT-SRC-002"]  # high
BARE_INSTALL = re.compile(r"pip install\s+['\"]?lpr-lint\b")  # by name, from a package index


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with one export under exports/, as the working directory."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "exports").mkdir()
    shutil.copy(HOLDS, tmp_path / "exports" / "oak-hill.yaml")
    monkeypatch.chdir(tmp_path)
    for key in ("LPR_LINT_FAIL_ON", "LPR_LINT_STRICT", "LPR_LINT_WAIVERS"):
        monkeypatch.delenv(key, raising=False)
    return tmp_path


def waiver(rule: str, **extra: str) -> dict[str, str]:
    return {"rule": rule, "justification": "Vendor fix scheduled under the maintenance contract.",
            "approved_by": "Lt. M. Chen", "approved_on": "2027-01-10", "expires": "2027-04-01",
            **extra}


def write_waivers(repo: Path, *waivers: dict[str, str]) -> None:
    (repo / ".lpr-lint-waivers.yaml").write_text(yaml.safe_dump({"waivers": list(waivers)}),
                                                 encoding="utf-8")


# --- waivers ------------------------------------------------------------------------------


def test_waived_findings_are_reported_but_do_not_fail(repo: Path) -> None:
    write_waivers(repo, *(waiver(r) for r in GATING))
    code, out, _ = run("check", "exports", "--as-of", "2027-02-01")
    assert code == 0, out
    assert "— waived until 2027-04-01 by Lt. M. Chen: Vendor fix" in out
    assert ", 6 waived;" in out  # CT-RET-005 fails at one hold and is unknown at the other
    code, out, _ = run("check", "exports", "--as-of", "2027-02-01", "--format", "json")
    report = json.loads(out)
    waived = [f for f in report["findings"] if f["waiver"]]
    assert sorted({f["rule_id"] for f in waived}) == sorted(GATING)
    assert all(not f["gating"] for f in waived) and report["summary"]["waived"] == 6


def test_waivers_narrow_by_file_glob_and_pointer(repo: Path) -> None:
    write_waivers(repo, waiver("CT-RET-005", files="exports/*.yaml",
                               pointer="/retention/extended_holds/0"),
                  waiver("CT-SRC-001", files="other/*.yaml"))
    report = json.loads(run("check", "exports", "--as-of", "2027-02-01", "-f", "json")[1])
    by_rule = {(f["rule_id"], f["pointer"]): f["waiver"] is not None for f in report["findings"]}
    assert by_rule[("CT-RET-005", "/retention/extended_holds/0")] is True
    assert by_rule[("CT-RET-005", "/retention/extended_holds/1/basis")] is False
    assert by_rule[("CT-SRC-001", "/search_controls/reason_required")] is False
    assert any(f["rule_id"] == "LPR-WAIVER-UNUSED" for f in report["findings"])


def test_expired_unused_and_expiring_waivers(repo: Path) -> None:
    write_waivers(repo, waiver("CT-RET-004", approved_on="2026-07-15", expires="2026-12-31"),
                  waiver("CT-SHR-004"),
                  waiver("CT-SRC-001", expires="2027-02-10"))
    code, out, _ = run("check", "exports", "--as-of", "2027-02-01")
    assert code == 1
    lines = out.splitlines()
    assert any(line.startswith(".lpr-lint-waivers.yaml:2:1: HIGH LPR-WAIVER-EXPIRED")
               and "expired on 2026-12-31" in line for line in lines)
    assert any("LOW LPR-WAIVER-UNUSED waiver for CT-SHR-004 matches no finding" in line
               for line in lines)
    assert any("INFO LPR-WAIVER-EXPIRING waiver for CT-SRC-001 expires on 2027-02-10 (9 days)"
               in line for line in lines)
    expired_rule = [line for line in lines if "CT-RET-004" in line and "exports/" in line]
    assert expired_rule and "waived" not in expired_rule[0]  # expired: no longer waives


@pytest.mark.parametrize(("change", "message"), [
    ({"justification": None}, "#1 (CT-RET-004): field 'justification'"),
    ({"expires": "2027-13-01"}, "field 'expires': expected a date"),
    ({"expires": "2027-12-31"}, "field 'expires': is 355 days after approval; a waiver may "
                                "last at most 180 days"),
    ({"expires": "2026-12-01"}, "field 'expires': is before approved_on"),
    ({"rule": "CT-XYZ-999"}, "field 'rule': no such rule in the baseline"),
    ({"pointer": "retention"}, "field 'pointer'"),
    ({"reason": "extra"}, "unknown key 'reason'"),
])
def test_malformed_waivers_are_exit_3_naming_waiver_and_field(repo: Path, change: dict[str, str],
                                                               message: str) -> None:
    w = waiver("CT-RET-004")
    for key, value in change.items():
        if value is None:
            del w[key]
        else:
            w[key] = value
    write_waivers(repo, w)
    code, _, err = run("check", "exports", "--as-of", "2027-02-01")
    assert code == 3
    assert err.startswith("lpr-lint: .lpr-lint-waivers.yaml:") and message in err, err


def test_waiver_window_is_configurable_and_explicit_files_must_exist(repo: Path) -> None:
    write_waivers(repo, waiver("CT-RET-004", expires="2027-12-31"))
    (repo / ".lpr-lint.yaml").write_text("waiver_max_days: 365\n", encoding="utf-8")
    assert run("check", "exports", "--as-of", "2027-02-01")[0] == 1  # loads; others still fail
    code, _, err = run("check", "exports", "--waivers", "missing.yaml")
    assert code == 3 and "missing.yaml" in err and "no such file" in err


# --- configuration ------------------------------------------------------------------------


def test_precedence_flags_over_env_over_file(repo: Path) -> None:
    (repo / ".lpr-lint.yaml").write_text("fail_on: critical\nstrict: true\n", encoding="utf-8")
    assert run("check", "exports", "--as-of", "2027-02-01")[0] == 0  # only high findings
    assert run("check", "exports", "--as-of", "2027-02-01",
               env={"LPR_LINT_FAIL_ON": "high"})[0] == 1
    assert run("check", "exports", "--as-of", "2027-02-01", "--fail-on", "critical",
               env={"LPR_LINT_FAIL_ON": "high"})[0] == 0
    code, out, _ = run("config", env={"LPR_LINT_FAIL_ON": "medium"})
    assert code == 0
    assert "fail_on          medium  (env LPR_LINT_FAIL_ON)" in out
    assert "strict           true  (.lpr-lint.yaml)" in out
    assert "baseline         ct  (default)" in out
    data = json.loads(run("config", "--format", "json")[1])
    assert data["fail_on"] == {"value": "critical", "source": ".lpr-lint.yaml"}


def test_pyproject_table_is_read(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.lpr-lint]\nfail-on = "critical"\n',
                                         encoding="utf-8")
    data = json.loads(run("config", "--format", "json")[1])
    assert data["fail_on"] == {"value": "critical", "source": "pyproject.toml"}


@pytest.mark.parametrize(("text", "env", "message"), [
    ("fail_level: high\n", {}, ".lpr-lint.yaml:1:1: unknown setting 'fail_level'"),
    ("fail_on: severe\n", {}, ".lpr-lint.yaml:1:1: setting 'fail_on': expected one of"),
    ("strict: yes\n", {}, "setting 'strict': expected true or false"),
    ("", {"LPR_LINT_STRICT": "maybe"}, "LPR_LINT_STRICT='maybe': expected true or false"),
    ("# only a comment\n", {"LPR_LINT_COLOUR": "1"}, "LPR_LINT_COLOUR: unknown setting"),
    ("outputs: [xml]\n", {}, "invalid configuration: 'xml' (.lpr-lint.yaml): unknown format"),
])
def test_invalid_configuration_is_exit_3(repo: Path, text: str, env: dict[str, str],
                                         message: str) -> None:
    (repo / ".lpr-lint.yaml").write_text(text, encoding="utf-8")
    code, _, err = run("check", "exports", env=env)
    assert code == 3 and message in err, err


# --- outputs ------------------------------------------------------------------------------


def test_one_run_writes_several_reports(repo: Path) -> None:
    code, out, err = run("check", "exports", "--as-of", "2027-02-01", "--output", "text",
                         "--output", "json:reports/lpr.json")
    assert code == 1 and "CT-SRC-001" in out
    report = json.loads((repo / "reports" / "lpr.json").read_text(encoding="utf-8"))
    assert report["summary"]["files"] == 1 and err == ""
    code, out, err = run("check", "exports", "-o", "json:a.json", "-o", "text:b.txt")
    assert out == "" and "1 file checked" in err  # all to files: the summary goes to stderr
    assert (repo / "b.txt").read_text(encoding="utf-8").startswith("exports/oak-hill.yaml:")


@pytest.mark.parametrize("args", [["-o", "text", "-o", "json"], ["-f", "json", "-o", "text:-"],
                                  ["-o", "xml:out.xml"]])
def test_output_usage_errors(repo: Path, args: list[str]) -> None:
    assert run("check", "exports", *args)[0] == 2


# --- init and docs ------------------------------------------------------------------------


def test_init_writes_starter_files_and_never_overwrites(repo: Path) -> None:
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    code, out, _ = run("init", "site")
    assert code == 0 and out.count("created") == 4
    code, out, _ = run("init", ".")
    assert "kept     ./.pre-commit-config.yaml (exists; not overwritten)" in out
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos: []\n"
    again = run("init", "site")[1]
    assert again.count("kept") == 4 and "created" not in again
    assert "Next steps:" in again  # printed whether or not anything was created
    for rel, content in STARTER_FILES:
        assert (repo / "site" / rel).read_text(encoding="utf-8") == content
        assert yaml.safe_load(content) is not None  # every generated file parses as YAML
    workflow = yaml.safe_load((repo / "site/.github/workflows/lpr-lint.yml").read_text("utf-8"))
    steps = workflow["jobs"]["lpr-lint"]["steps"]
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    assert workflow["permissions"]["security-events"] == "write"
    shutil.copy(repo / "site/.lpr-lint.yaml", repo / ".lpr-lint.yaml")
    shutil.copy(repo / "site/.lpr-lint-waivers.yaml", repo / ".lpr-lint-waivers.yaml")
    assert run("config")[0] == 0
    assert run("check", "exports", "--fail-on", "critical", "--as-of", "2027-02-01")[0] == 0


def test_init_prints_the_next_steps_after_the_files(repo: Path) -> None:
    code, out, _ = run("init", ".")
    assert code == 0
    lines = out.splitlines()
    steps = lines.index("Next steps:")
    assert all(not line.startswith(("created", "kept")) for line in lines[steps:])
    assert [line[:5] for line in lines[steps + 1:] if not line.startswith("     ")] == [
        "  1. ", "  2. ", "  3. ", "  4. ", "  5. "]
    text = " ".join(line.strip() for line in lines[steps:])
    assert "--sign-key" in text and "ledger verify --allowed-signers" in text  # signing, 3 lines
    fifth = next(i for i, line in enumerate(lines) if line.startswith("  5. "))
    assert len(lines) - fifth == 3
    assert "OWNER and REV" in text
    assert ".pre-commit-config.yaml and .github/workflows/lpr-lint.yml" in text
    assert "exports/current.yaml" in text
    assert 'lpr-lint approve exports/current.yaml --by "NAME"' in text
    assert "git add .lpr-lint" in text
    assert "pre-commit install (it installs the pre-commit and pre-push hook types" in text
    assert "pre-commit install --hook-type pre-push" in text


def test_init_pre_commit_config_installs_lpr_lint_from_its_repository(repo: Path) -> None:
    run("init", ".")
    text = (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    config = yaml.safe_load(text)
    assert "repo: local" not in text and "language: system" not in text
    assert not BARE_INSTALL.search(text)  # pre-commit installs lpr-lint (language: python)
    [source] = config["repos"]
    assert source["repo"] == REPOSITORY == "https://github.com/OWNER/lpr-lint"
    assert source["rev"] == REV == "REV"
    assert f"# {FILL_IN}\n" in text
    for placeholder in (f"repo: {REPOSITORY}", f"rev: {REV}"):  # each marked where it is
        [line] = [line for line in text.splitlines() if placeholder in line]
        assert "# FILL IN" in line, line
    hooks = {h["id"]: h for h in source["hooks"]}
    assert set(hooks) == {"lpr-lint-check", "lpr-lint-drift"}
    assert all("language" not in h and "entry" not in h for h in hooks.values())
    drift = hooks["lpr-lint-drift"]
    assert drift["args"] == ["exports/current.yaml"]
    assert drift["always_run"] is True and "pre-push" in drift["stages"]
    assert set(config["default_install_hook_types"]) == {"pre-commit", "pre-push"}


def workflow_steps(repo: Path) -> tuple[str, list[dict[str, str]]]:
    text = (repo / ".github/workflows/lpr-lint.yml").read_text(encoding="utf-8")
    return text, yaml.safe_load(text)["jobs"]["lpr-lint"]["steps"]


def test_init_workflow_installs_lpr_lint_from_its_repository(repo: Path) -> None:
    run("init", ".")
    text, steps = workflow_steps(repo)
    assert not BARE_INSTALL.search(text)
    installs = [s["run"] for s in steps if "pip install" in s.get("run", "")]
    assert installs == [f'pip install "git+{REPOSITORY}@{REV}"']
    assert installs[0].startswith('pip install "git+https://')
    assert f"# {FILL_IN}\n" in text
    names = [s.get("name", s.get("uses", "")) for s in steps]
    check = names.index("lpr-lint check")
    drift = next(i for i, s in enumerate(steps) if "lpr-lint drift" in s.get("run", ""))
    assert check < drift < next(i for i, n in enumerate(names) if "upload-sarif" in n)
    assert "exports/current.yaml --format markdown" in steps[drift]["run"]
    assert "$GITHUB_STEP_SUMMARY" in steps[drift]["run"]
    assert "failure" in steps[drift]["if"]  # a failed check does not hide a loosening
    assert steps[check]["id"] in steps[drift]["if"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_init_workflow_drift_step_keeps_the_drift_exit_code(repo: Path) -> None:
    """Run the drift step's script as GitHub does (``bash -e``, no pipefail of its own)."""
    run("init", ".")
    _, steps = workflow_steps(repo)
    [script] = [s["run"] for s in steps if "lpr-lint drift" in s.get("run", "")]
    (repo / "step.sh").write_text(script, encoding="utf-8")
    current = repo / "exports" / "current.yaml"
    shutil.copy(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml", current)
    assert run("approve", "exports/current.yaml", "--by", "Sgt. R")[0] == 0
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env = {k: v for k, v in env.items() if not k.startswith("LPR_LINT_")}

    def step() -> tuple[int, str]:
        summary = repo / "summary.md"
        summary.write_text("", encoding="utf-8")
        proc = subprocess.run(["bash", "-e", "step.sh"], cwd=repo, capture_output=True,
                              text=True, check=False,
                              env={**env, "GITHUB_STEP_SUMMARY": str(summary)})
        assert "command not found" not in proc.stderr, proc.stderr
        return proc.returncode, summary.read_text(encoding="utf-8")

    code, summary = step()
    assert code == 0 and summary.strip()
    current.write_text(current.read_text(encoding="utf-8").replace(
        "national_lookup: false", "national_lookup: true"), encoding="utf-8")
    code, summary = step()
    assert code == 1, summary  # the gate fails the step although tee succeeded
    assert "/sharing/national_lookup" in summary


def test_rule_reference_is_up_to_date() -> None:
    generated = run("rules", "--format", "markdown")[1]
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert generated == current, (
        "docs/rules.md is stale; regenerate it with: "
        "lpr-lint rules --format markdown > docs/rules.md")


def test_recursing_skips_hidden_files_and_directories(repo: Path) -> None:
    run("init", ".")  # .lpr-lint.yaml, .lpr-lint-waivers.yaml, .pre-commit-config.yaml, .github/
    (repo / ".lpr-lint").mkdir()
    (repo / ".lpr-lint" / "snapshot.json").write_text("{}", encoding="utf-8")
    code, out, _ = run("check", ".", "--fail-on", "critical", "--as-of", "2027-02-01")
    assert code == 0 and out.splitlines()[-1].startswith("1 file checked")
    code, out, _ = run("check", ".pre-commit-config.yaml")  # named explicitly: checked
    assert code == 1 and "LPR-SCHEMA" in out
