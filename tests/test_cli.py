"""The command line, driven in-process through typer's CliRunner (and once as a subprocess)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT
from lpr_lint import __version__
from lpr_lint.cli import app
from lpr_lint.load import data as resources
from lpr_lint.report import REPORTERS
from lpr_lint.rules.compose import excluded

runner = CliRunner()
COMPLIANT = str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")
VENDOR_DEFAULT = str(EXAMPLES / "noncompliant" / "vendor-default-30-days.json")
LINE = re.compile(r"^\S+:\d+:\d+: (CRITICAL|HIGH|MEDIUM|LOW|INFO) [A-Z]+(-[A-Z0-9]+)+ .+$")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_compliant_export_exits_zero() -> None:
    code, out, _ = run("check", COMPLIANT)
    assert code == 0
    assert out.startswith("1 file checked: 1 passed, 0 failed; 0 findings; baseline ct ")


def test_text_findings_have_file_line_col_severity_rule_and_citation() -> None:
    code, out, _ = run("check", VENDOR_DEFAULT, "--as-of", "2027-02-01")
    assert code == 1
    *findings, summary = out.rstrip("\n").split("\n")
    assert all(LINE.match(line) for line in findings), findings
    assert findings[0] == (
        f"{VENDOR_DEFAULT}:15:5: CRITICAL CT-RET-001 /retention/plate_reads_days: plate reads "
        "are kept 30 days; Connecticut allows at most 21 [PA 26-14 § 13(b)(2); Law Enforcement "
        "Digest (May 2026)]")
    assert summary.startswith("1 file checked: 0 passed, 1 failed; 6 findings (4 critical, 2 high)")


def test_json_report_is_valid_and_sorted() -> None:
    code, out, _ = run("check", "--baseline", "auto", str(EXAMPLES), "--format", "json",
                       "--as-of", "2027-02-01")
    assert code == 1
    report = json.loads(out)
    jsonschema.Draft202012Validator(resources.load_json_schema("report.schema.json"),
                                    format_checker=jsonschema.FormatChecker()).validate(report)
    assert report["tool"] == {"name": "lpr-lint", "version": __version__}
    assert report["baseline"]["id"] == "auto" and len(report["baseline"]["sha256"]) == 64
    paths = [f["path"] for f in report["files"]]
    assert paths == sorted(paths)
    states = len(list((EXAMPLES / "states").iterdir()))
    assert report["summary"]["files"] == len(paths) == 8 + states
    chosen = {f["path"].split("/")[-1]: f["baseline"]["id"] for f in report["files"]}
    assert chosen["ca-mesa-verde-pd.yaml"] == "ca" and chosen["lakeside-ct-pd.yaml"] == "ct"
    assert all(c == "ct" or name.startswith(c + "-") for name, c in chosen.items())
    assert all(f["citations"] for f in report["findings"] if f["rule_id"].startswith("CT-"))


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_output_is_byte_identical_across_runs(fmt: str) -> None:
    first = run("check", str(EXAMPLES), "--format", fmt, "--as-of", "2027-02-01")
    second = run("check", str(EXAMPLES), "--format", fmt, "--as-of", "2027-02-01")
    assert first == second


def _choices(command: list[str], flag: str) -> list[str]:
    """The ``[a|b|c]`` choices ``--help`` shows for an option."""
    result = CliRunner().invoke(app, [*command, "--help"], terminal_width=200)
    line = next(x for x in result.stdout.splitlines() if flag in x)
    return line.split("[", 1)[1].split("]", 1)[0].split("|")


def _registries() -> list[tuple[list[str], str, list[str]]]:
    from lpr_lint.adapters import ADAPTERS
    from lpr_lint.cli.check import ENCODINGS, RULE_LISTINGS
    from lpr_lint.cli.common import GATES
    from lpr_lint.cli.history import LEDGER_FORMATS
    from lpr_lint.cli.setup import CONFIG_FORMATS
    from lpr_lint.report import (
        CERTIFICATE_RENDERERS,
        DRIFT_REPORTERS,
        HISTORY_REPORTERS,
    )

    return [(["check"], "--format", list(REPORTERS)), (["check"], "--from", list(ADAPTERS)),
            (["drift"], "--format", list(DRIFT_REPORTERS)), (["drift"], "--fail-on", list(GATES)),
            (["history"], "--format", list(HISTORY_REPORTERS)),
            (["history"], "--fail-on", list(GATES)),
            (["certify"], "--format", list(CERTIFICATE_RENDERERS)),
            (["rules"], "--format", list(RULE_LISTINGS)),
            (["convert"], "--format", list(ENCODINGS)),
            (["config"], "--format", list(CONFIG_FORMATS)),
            (["ledger", "show"], "--format", list(LEDGER_FORMATS))]


@pytest.mark.parametrize(("command", "flag", "names"), _registries(),
                         ids=lambda x: "-".join(x) if isinstance(x, list) else str(x))
def test_choices_are_read_from_the_registries(command: list[str], flag: str,
                                              names: list[str]) -> None:
    assert _choices(command, flag) == names
    bad = CliRunner().invoke(app, [*command, flag, "no-such-choice"])
    assert bad.exit_code == 2 and "is not one of" in bad.stderr
    assert all(repr(n) in bad.stderr for n in names)


def test_choices_accept_any_case() -> None:
    code, out, _ = run("rules", "--format", "JSON")
    assert code == 0 and json.loads(out)["baseline"]["id"] == "ct"


@pytest.mark.parametrize(("flag", "code"), [("critical", 1), ("high", 1), ("medium", 1)])
def test_fail_on(flag: str, code: int) -> None:
    assert run("check", VENDOR_DEFAULT, "--fail-on", flag)[0] == code


def test_fail_on_above_every_finding_passes() -> None:
    path = str(EXAMPLES / "noncompliant" / "holds-and-hotlists.yaml")
    code, out, _ = run("check", path, "--fail-on", "critical", "--as-of", "2027-02-01")
    assert code == 0 and "8 findings" in out


def test_strict_reports_unknown_keys(tmp_path: Path) -> None:
    text = Path(COMPLIANT).read_text(encoding="utf-8")
    export = tmp_path / "typo.yaml"
    export.write_text(text.replace("  plate_reads_days: 21", "  plate_read_days: 21"),
                      encoding="utf-8")
    code, out, _ = run("check", str(export))
    assert code == 1 and "CT-RET-001 unknown: /retention/plate_reads_days is missing" in out
    assert "LPR-STRICT" not in out
    code, out, _ = run("check", str(export), "--strict")
    assert f"{export}:16:3: HIGH LPR-STRICT /retention/plate_read_days: unknown key " in out


def test_allow_unknown() -> None:
    path = str(EXAMPLES / "noncompliant" / "partial-export.yaml")
    assert run("check", path)[0] == 1
    code, out, _ = run("check", path, "--allow-unknown")
    assert code == 0 and "24 unknown" in out and "unknowns allowed" in out


def test_usage_errors_exit_two() -> None:
    assert run("check")[0] == 2
    assert run("check", COMPLIANT, "--as-of", "tomorrow")[0] == 2
    assert run("check", COMPLIANT, "--format", "xml")[0] == 2
    assert run("check", COMPLIANT, "--fail-on", "severe")[0] == 2
    assert run("check", COMPLIANT, "--max-file-size", "lots")[0] == 2


def test_unknown_baseline_is_a_config_error() -> None:
    code, _, err = run("check", COMPLIANT, "--baseline", "tx")
    assert code == 3 and "no built-in baseline of that name (built-in: ar, ca, ct" in err


def test_rules_lists_every_rule(ct_baseline: object) -> None:
    code, out, _ = run("rules")
    assert code == 0
    for rule in ct_baseline.rules:  # type: ignore[attr-defined]
        assert re.search(rf"^{rule.id}\s+{rule.severity}\s", out, re.M)
    assert "LPR-SCHEMA" in out and "LPR-STRICT" in out
    data = json.loads(run("rules", "--format", "json")[1])
    assert [r["id"] for r in data["rules"]] == [r.id for r in ct_baseline.rules]  # type: ignore[attr-defined]


def test_explain_shows_basis_citations_and_fix() -> None:
    code, out, _ = run("explain", "ct-shr-002")
    assert code == 0
    assert out.startswith("CT-SHR-002: New York, Rhode Island and Massachusetts recipients")
    assert "basis: statute" in out and "PA 26-14 § 13(d) (third-party summary" in out
    assert "Fix: Obtain and record the signed declaration" in out
    assert "Not legal advice" in out
    code, out, _ = run("explain", "CT-CON-001")
    assert "UNVERIFIED" in out
    assert run("explain", "LPR-SCHEMA")[0] == 0


def test_explain_unknown_rule_suggests_close_ids() -> None:
    code, _, err = run("explain", "CT-SHR-02")
    assert code == 2 and "did you mean CT-SHR-002" in err


def test_schema_prints_the_composed_schema(ct_baseline: object) -> None:
    code, out, _ = run("schema", "--baseline", "ct", "--as-of", "2027-02-01")
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    comments = [part.get("$comment", "") for part in schema["allOf"]]
    assert any(c.startswith("CT-SHR-002 (critical)") for c in comments)
    assert not any(c.startswith("CT-HOT-002") for c in comments)  # medium: below --fail-on high
    everything = json.loads(run("schema", "--fail-on", "info", "--as-of", "2027-02-01")[1])
    left_out = excluded(ct_baseline)  # type: ignore[arg-type]
    assert len(everything["allOf"]) == 1 + len(ct_baseline.rules) - len(left_out)  # type: ignore[attr-defined]
    assert "enforced by lpr-lint check alone: CT-ACC-005" in everything["description"]


def test_version() -> None:
    assert run("--version") == (0, f"lpr-lint {__version__}\n", "")


def test_python_dash_m_runs_the_cli() -> None:
    proc = subprocess.run([sys.executable, "-m", "lpr_lint", "check", COMPLIANT],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "1 passed" in proc.stdout


def test_internal_errors_are_one_line(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    import lpr_lint.rules.run

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("simulated")

    monkeypatch.setattr(lpr_lint.rules.run, "run_check", boom)
    from lpr_lint.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["check", COMPLIANT])
    assert exc.value.code == 3
    err = capsys.readouterr().err
    assert err.startswith("lpr-lint: internal error: RuntimeError: simulated")
    assert "Traceback" not in err
