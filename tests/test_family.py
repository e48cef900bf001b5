"""Baselines that extend one another: what an overlay inherits and changes, the composed
sha256, and every way a family can be wrong (exit 3 with the file, line and what is wrong)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import AS_OF, EXAMPLES
from lpr_lint.cli import app
from lpr_lint.errors import BaselineError
from lpr_lint.load.files import load_document
from lpr_lint.rules.baseline import load_baseline
from lpr_lint.rules.engine import Checker, Options

COMPLIANT = str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _error(path: str) -> str:
    with pytest.raises(BaselineError) as excinfo:
        load_baseline(path)
    return str(excinfo.value)


OVERLAY = """\
baseline: town
version: "1"
extends: ct
title: Town of Lakeside overlay
set:
  elevated_role_max_users: 3
drop: [CT-SHR-007]
amend:
  CT-RET-001:
    check: {type: integer, minimum: 0, maximum: 7}
    message: plate reads are kept {value} days; the town's policy allows at most 7
rules:
  - id: TOWN-RET-001
    title: Hotlist hits are kept no longer than 7 days
    severity: high
    basis: best_practice
    citations:
      - source: lasd-550-40
        claim: Stands in for the town's own policy in this test.
    rationale: The town's policy.
    remediation: Lower it.
    effective: 2026-01-01
    effective_reason: The town's policy date.
    pointer: /retention/hotlist_hits_days
    check: {type: integer, maximum: 7}
    drift: {loosening: increase}
"""


def test_an_overlay_inherits_changes_and_adds(tmp_path: Path) -> None:
    ct = load_baseline("ct")
    town = load_baseline(_write(tmp_path, "town.yaml", OVERLAY))
    assert town.id == "town" and town.chain == ("town", "ct")
    assert town.title == "Town of Lakeside overlay" and town.jurisdiction == "CT"
    ids = [r.id for r in town.rules]
    assert "CT-SHR-007" not in ids and ids[-1] == "TOWN-RET-001"
    assert len(ids) == len(ct.rules)  # one dropped, one added
    assert town.parameters["elevated_role_max_users"].value == 3
    assert town.parameters["elevated_role_max_users"].description == \
        ct.parameters["elevated_role_max_users"].description
    amended = town.rule("CT-RET-001")
    assert amended is not None and amended.citations == ct.rule("CT-RET-001").citations  # type: ignore[union-attr]
    result = Checker(town, Options(as_of=AS_OF)).check(load_document(COMPLIANT))
    failed = sorted((f.rule_id, f.pointer) for f in result.findings)
    assert failed == [("CT-RET-001", "/retention/plate_reads_days"),
                      ("TOWN-RET-001", "/retention/hotlist_hits_days")]
    assert "the town's policy allows at most 7" in result.findings[0].message


def test_the_sha256_is_the_composed_baselines(tmp_path: Path) -> None:
    ct = load_baseline("ct")
    same = load_baseline(_write(tmp_path, "same.yaml", 'baseline: same\nversion: "1"\n'
                                "extends: ct\n"))
    town = _write(tmp_path, "town.yaml", OVERLAY)
    commented = _write(tmp_path, "town2.yaml", "# a comment changes nothing\n" + OVERLAY)
    assert same.sha256 != ct.sha256  # its id and version differ
    assert load_baseline(town).sha256 == load_baseline(commented).sha256
    edited = _write(tmp_path, "town3.yaml", OVERLAY.replace("maximum: 7}", "maximum: 8}", 1))
    assert load_baseline(edited).sha256 != load_baseline(town).sha256


def test_a_parent_found_beside_the_overlay(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    _write(tmp_path, "sub/town.yaml", OVERLAY)
    child = _write(tmp_path, "sub/street.yaml", 'baseline: street\nversion: "1"\n'
                   "extends: town.yaml\nset: {elevated_role_max_users: 2}\n")
    street = load_baseline(child)
    assert street.chain == ("street", "town", "ct")
    assert street.parameters["elevated_role_max_users"].value == 2


BAD = [
    ("itself", 'baseline: a\nversion: "1"\nextends: self.yaml\n', "self.yaml",
     ":3:1: invalid baseline: a baseline cannot extend itself"),
    ("unknown parent", 'baseline: a\nversion: "1"\nextends: nope\n', "a.yaml",
     ":3:1: invalid baseline: extends nope: no built-in baseline of that name (built-in: ar, ca"),
    ("unknown parameter", 'baseline: a\nversion: "1"\nextends: ct\nset:\n  retention: 7\n',
     "a.yaml", ":5:3: invalid baseline: cannot set parameter 'retention': ct declares no such "
     "parameter"),
    ("unknown rule dropped", 'baseline: a\nversion: "1"\nextends: ct\ndrop: [CT-RET-01]\n',
     "a.yaml", ":4:8: invalid baseline: ct has no rule CT-RET-01; did you mean CT-RET-001"),
    ("unknown rule amended", 'baseline: a\nversion: "1"\nextends: ct\namend:\n  CT-XYZ-001: '
     '{severity: low}\n', "a.yaml", ":5:3: invalid baseline: ct has no rule CT-XYZ-001"),
    ("dropped and amended", 'baseline: a\nversion: "1"\nextends: ct\ndrop: [CT-RET-001]\n'
     'amend:\n  CT-RET-001: {severity: low}\n', "a.yaml",
     ":6:3: invalid baseline: rule CT-RET-001 is both dropped and amended"),
    ("inherited rule added again", 'baseline: a\nversion: "1"\nextends: ct\nrules:\n'
     "  - {id: CT-RET-001, title: t, severity: low, rationale: r, remediation: r, "
     "pointer: /retention/plate_reads_days, check: {}, drift: {loosening: check}}\n",
     "a.yaml", ":5:6: invalid baseline: rule CT-RET-001 is inherited from ct; change it "
     "with amend:"),
    ("inherited parameter declared again", 'baseline: a\nversion: "1"\nextends: ct\n'
     "parameters:\n  elevated_role_max_users: {value: 3, description: d}\n", "a.yaml",
     ":5:3: invalid baseline: parameter 'elevated_role_max_users' is inherited from ct; "
     "give it a value with set:"),
    ("inherited source redefined", 'baseline: a\nversion: "1"\nextends: ct\nsources:\n'
     "  hb8004: {cite: x, kind: report, reliability: secondary}\n", "a.yaml",
     ":5:3: invalid baseline: source 'hb8004' is inherited from ct"),
    ("same id as its parent", 'baseline: ct\nversion: "1"\nextends: ct\n', "a.yaml",
     ":1:1: invalid baseline: baseline id 'ct' is also the id of"),
    ("a built-in's id", 'baseline: ca\nversion: "1"\nextends: ct\n', "a.yaml",
     ":1:1: invalid baseline: baseline id 'ca' is a built-in baseline's; give this baseline "
     "an id of its own"),
    ("no parent and no rules", 'baseline: a\nversion: "1"\ntitle: t\n', "a.yaml",
     ":1:1: invalid baseline: jurisdiction, export_format, sources, rules missing"),
    ("set without extends", 'baseline: a\nversion: "1"\ntitle: t\njurisdiction: CT\n'
     'export_format: "1"\nsources: {}\nrules: []\nset: {x: 1}\n', "a.yaml",
     ":8:1: invalid baseline: set needs extends"),
    ("a prefix over final ids", 'baseline: a\nversion: "1"\nextends: ct\nrule_prefix: X\n',
     "a.yaml", ":4:1: invalid baseline: rule_prefix applies to the rules of an abstract "
     "baseline; ct is not abstract"),
    ("a choice out of range", 'baseline: a\nversion: "1"\nextends: ca\nset:\n'
     "  federal_sharing: sometimes\n", "a.yaml", ":5:3: invalid baseline: parameter "
     "'federal_sharing' cannot be 'sometimes'"),
    ("a template left without sources", 'baseline: a\nversion: "1"\nextends: core\n'
     "rule_prefix: A\nset: {state: A, state_name: A, retention_limited: false, "
     "out_of_state_sharing: unrestricted, federal_sharing: allowed, private_sharing: allowed, "
     "public_agencies_only: false, immigration_ban: false, repro_ban: false, "
     "search_reason_required: true, access_log_required: false, audit_required: false, "
     "policy_required: false, policy_publication: false}\n", "a.yaml",
     ":3:1: invalid baseline: A-RET-005 (inherited from "),
    ("a parameter a rule needs left unset", 'baseline: a\nversion: "1"\nextends: core\n'
     "rule_prefix: A\nset: {state: A}\n", "a.yaml",
     ":3:1: invalid baseline: A-RET-001 (inherited from "),
]


@pytest.mark.parametrize(("name", "text", "file", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_family_is_refused_with_file_and_line(tmp_path: Path, name: str, text: str,
                                                     file: str, message: str) -> None:
    path = _write(tmp_path, file, text)
    got = _error(path)
    assert message in got, got


def test_a_cycle_names_the_chain(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.yaml", 'baseline: a\nversion: "1"\nextends: b.yaml\n')
    _write(tmp_path, "b.yaml", 'baseline: b\nversion: "1"\nextends: a.yaml\n')
    got = _error(a)
    assert got.startswith(str(tmp_path / "b.yaml") + ":3:1: invalid baseline: extends ")
    assert "(a cycle of extends: a → b → a)" in got


def test_two_files_of_one_chain_with_one_id(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.yaml", 'baseline: x\nversion: "1"\nextends: b.yaml\n')
    _write(tmp_path, "b.yaml", 'baseline: x\nversion: "2"\nextends: ct\n')
    got = _error(a)
    assert got.startswith(a + ":1:1: invalid baseline: baseline id 'x' is also the id of "), got


def test_a_deep_chain_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "b0.yaml", 'baseline: b0\nversion: "1"\nextends: ct\n')
    for i in range(1, 10):
        _write(tmp_path, f"b{i}.yaml", f'baseline: b{i}\nversion: "1"\nextends: b{i - 1}.yaml\n')
    assert "more than 8 baselines extend one another" in _error(str(tmp_path / "b9.yaml"))


def test_an_abstract_baseline_is_not_checked_against(tmp_path: Path) -> None:
    assert "abstract" in _error("core")
    result = CliRunner().invoke(app, ["check", "--baseline", "core", COMPLIANT])
    assert result.exit_code == 3
    assert "baseline core is abstract" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("command", [["rules"], ["schema"], ["explain", "CT-RET-001"]])
def test_the_cli_says_what_is_wrong(tmp_path: Path, command: list[str]) -> None:
    path = _write(tmp_path, "a.yaml", 'baseline: a\nversion: "1"\nextends: ct\n'
                  "drop: [CT-NOPE-001]\n")
    result = CliRunner().invoke(app, [*command, "--baseline", path])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"lpr-lint: {path}:4:8: invalid baseline: ct has no rule "
                                    "CT-NOPE-001")
    assert len(result.stderr.splitlines()) == 1


def test_a_certificate_under_an_overlay_verifies_only_under_it(tmp_path: Path) -> None:
    town = _write(tmp_path, "town.yaml", OVERLAY.replace("maximum: 7}", "maximum: 21}", 1)
                  .replace("maximum: 7\n", "maximum: 21\n"))
    cert = str(tmp_path / "cert.json")
    runner = CliRunner()
    made = runner.invoke(app, ["certify", COMPLIANT, "--vendor", "V", "--baseline", town,
                               "--out", cert, "--as-of", AS_OF.isoformat()])
    assert made.exit_code in (0, 1), made.output
    ok = runner.invoke(app, ["verify-cert", cert, COMPLIANT, "--baseline", town])
    assert ok.exit_code == 0, ok.output
    other = runner.invoke(app, ["verify-cert", cert, COMPLIANT, "--baseline", "ct"])
    assert other.exit_code == 1 and "baseline" in other.output


def test_parameters_fill_rule_texts() -> None:
    ca = load_baseline("ca")
    rule = ca.rule("CA-SHR-001")
    assert rule is not None
    assert rule.title == "Outbound sharing goes only to recipients in California"
    assert "{param." not in rule.message and "California data may go only" in rule.message
    assert set(rule.parameters) >= {"recipient_states", "state_name"}
    assert _dt.date(2016, 1, 1) == rule.effective


def test_the_worked_overlay_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES / "overlay")
    result = CliRunner().invoke(app, ["check", "../compliant/lakeside-ct-pd.yaml", "--as-of",
                                      AS_OF.isoformat(), "-f", "json"])
    assert result.exit_code == 1
    import json

    report = json.loads(result.stdout)
    assert report["baseline"]["id"] == "lakeside"
    assert sorted((f["rule_id"], f["pointer"]) for f in report["findings"]) == [
        ("LAKESIDE-RET-001", "/retention/plate_reads_days"),
        ("LAKESIDE-SHR-001", "/sharing/partners/2/name"),
        ("LAKESIDE-SHR-001", "/sharing/partners/3/name")]
    town = load_baseline(".lpr-lint-baseline.yaml")
    assert town.chain == ("lakeside", "ct")
    assert town.parameters["elevated_role_max_users"].value == 3
    assert town.rule("CT-SHR-008").severity.value == "high"  # type: ignore[union-attr]


def test_the_overlay_files_are_not_taken_for_exports() -> None:
    from lpr_lint.rules.run import discover

    assert [p for p in discover([str(EXAMPLES)]) if "/overlay/" in p] == []
