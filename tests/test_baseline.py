"""Baselines: the built-in one is complete and honest; custom ones are validated with file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT
from lpr_lint.cli import app
from lpr_lint.errors import BaselineError
from lpr_lint.rules.baseline import load_baseline

CT = (ROOT / "baselines" / "ct.yaml").read_text(encoding="utf-8")
COMPLIANT = str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")


def test_every_rule_is_fully_described(ct_baseline: Any) -> None:
    assert len(ct_baseline.rules) >= 40
    for rule in ct_baseline.rules:
        assert rule.citations and rule.rationale and rule.remediation, rule.id
        assert rule.basis in ("statute", "derived", "best_practice")
        assert rule.drift["loosening"]


def test_statutory_rules_cite_the_act_and_sources_are_honest(ct_baseline: Any) -> None:
    for rule in ct_baseline.rules:
        if rule.basis == "statute":
            assert any(c.cite.startswith("PA 26-14") for c in rule.citations), rule.id
    reliability = {k: v["reliability"] for k, v in ct_baseline.sources.items()}
    # the reference calls these unverified; the baseline must not promote them
    assert reliability["pa26-14-s14"] == "unverified"
    assert reliability["sb4-2026"] == "unverified"
    # every Public Act 26-14 pinpoint comes from a third-party summary of the act
    assert {v for k, v in reliability.items() if k.startswith("pa26-14-s13")} == {
        "third_party_summary"}


def test_issue_coverage(ct_baseline: Any) -> None:
    governed = {r.pointer for r in ct_baseline.rules}
    for pointer in ("/retention/plate_reads_days", "/retention/vendor_backup_days",
                    "/sharing/national_lookup", "/sharing/partners/*/state",
                    "/sharing/partners/*/declaration", "/sharing/partners/*/warrant_only",
                    "/sharing/partners/*/kind", "/hotlists/ncic_topics",
                    "/search_controls/reason_required", "/search_controls/case_number_required",
                    "/exports/bulk_export_requires_approval", "/access/mfa_required",
                    "/access/shared_accounts", "/audit/search_logging",
                    "/audit/settings_change_logging", "/audit/keyword_review/frequency",
                    "/audit/keyword_review/covers_inbound_network_searches",
                    "/retention/audit_log_days", "/policy/published_url", "/policy/adopted_on",
                    "/policy/prohibited_purposes", "/contract/data_sale_prohibited",
                    "/contract/affiliate_sharing_allowed", "/contract/federal_pilots_allowed",
                    "/contract/vendor_retention_days", "/contract/agency_can_obtain_complete_logs",
                    "/contract/incident_notification_hours"):
        assert pointer in governed, pointer


def test_a_custom_baseline_file(tmp_path: Path) -> None:
    custom = tmp_path / "stricter.yaml"
    custom.write_text(CT.replace("baseline: ct", "baseline: ct-town", 1).replace(
        "check: {type: integer, minimum: 0, maximum: 21}\n    message: plate reads",
        "check: {type: integer, minimum: 0, maximum: 14}\n    message: plate reads", 1),
        encoding="utf-8")
    result = CliRunner().invoke(app, ["check", COMPLIANT, "--baseline", str(custom)])
    assert result.exit_code == 1
    assert "CT-RET-001 /retention/plate_reads_days: plate reads are kept 21 days" in result.stdout
    assert "baseline ct-town 2026.12.0" in result.stdout


@pytest.mark.parametrize(("old", "new", "message"), [
    ("- source: pa26-14-s13b2", "- source: nowhere", "cites unknown source 'nowhere'"),
    ("- id: CT-RET-002", "- id: CT-RET-001", "rule id CT-RET-001 is used twice"),
    ("pointer: /retention/plate_reads_days", "pointer: /retention/plate_reads_days\n"
     "    scope: /sharing", "does not contain pointer"),
    ("message: plate reads are kept {value} days", "message: kept {days} days",
     "unknown message placeholder {days}"),
    ("check: {type: integer, minimum: 0, maximum: 21}\n    message: plate reads",
     "check: {type: integer, multipleOf: 7}\n    message: plate reads",
     "/rules/0/check"),
    ("severity: critical", "severity: severe", "/rules/0/severity"),
    ("effective: 2026-10-01", "effective: 2026-13-01", "/rules/0/effective"),
])
def test_invalid_baselines_name_file_line_and_problem(tmp_path: Path, old: str, new: str,
                                                      message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(BaselineError, match=message.replace("{", r"\{").replace("}", r"\}")) as exc:
        load_baseline(str(bad))
    assert str(exc.value).startswith(f"{bad}:")
    assert ": invalid baseline: " in str(exc.value)
    line = int(str(exc.value).split(":")[1])
    assert line > 1
