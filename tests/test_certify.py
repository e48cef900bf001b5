"""Vendor self-certification: ``certify`` writes a deterministic, schema-valid certificate and
``verify-cert`` re-runs it, naming every difference."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT
from lpr_lint.cli import app
from lpr_lint.load import data as resources

runner = CliRunner()
COMPLIANT = str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")
PARTIAL = str(EXAMPLES / "noncompliant" / "partial-export.yaml")
VENDOR_DEFAULT = str(EXAMPLES / "noncompliant" / "vendor-default-30-days.json")
ATTEST = str(ROOT / "tests" / "data" / "attestations" / "lakeside.yaml")
AS_OF = ("--as-of", "2027-02-01")
CONTRACT_RULES = [f"CT-CON-00{i}" for i in range(1, 8)] + ["CT-SHR-005"]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No configuration or waivers file of the checkout leaks into a run."""
    monkeypatch.chdir(tmp_path)
    for name in ("LPR_LINT_BASELINE", "LPR_LINT_FAIL_ON", "LPR_LINT_WAIVERS", "LPR_LINT_STRICT"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def certify(export: str, out: Path, *extra: str, vendor: str = "Flock Safety"
            ) -> tuple[int, str, dict[str, Any]]:
    code, stdout, stderr = run("certify", export, "--vendor", vendor, "--out", str(out),
                               *AS_OF, *extra)
    assert out.is_file(), stderr
    return code, stdout + stderr, json.loads(out.read_text(encoding="utf-8"))


def validate(cert: dict[str, Any]) -> None:
    schema = resources.load_json_schema("certificate.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).validate(cert)


def outcomes(cert: dict[str, Any]) -> dict[str, str]:
    return {r["rule_id"]: r["outcome"] for r in cert["rules"]}


def edit(path: Path, change: Any) -> None:
    cert = json.loads(path.read_text(encoding="utf-8"))
    change(cert)
    path.write_text(json.dumps(cert, indent=2, sort_keys=True), encoding="utf-8")


# --- certify ----------------------------------------------------------------------------


def test_compliant_export_is_certified_schema_valid_and_byte_identical(tmp_path: Path) -> None:
    code, out, cert = certify(COMPLIANT, tmp_path / "a" / "cert.json", "--attest", ATTEST)
    assert code == 0, out
    assert out.startswith("certified: ")
    validate(cert)
    assert cert["verdict"] == "certified" and cert["blocking"] == []
    assert cert["certificate_format"] == "1" and cert["as_of"] == "2027-02-01"
    assert cert["export"]["agency"] == "Lakeside Police Department"
    baseline_ids = [r["id"] for r in yaml.safe_load(
        (ROOT / "baselines" / "ct.yaml").read_text(encoding="utf-8"))["rules"]]
    assert [r["rule_id"] for r in cert["rules"]] == baseline_ids  # one entry per rule
    got = outcomes(cert)
    assert set(got.values()) == {"passed", "not_applicable"}
    # not applicable: no non-admin role can change sharing, no partner's expiry or declaration
    # date applies, and no name reads as federal under another label
    assert {r for r, o in got.items() if o == "not_applicable"} <= {
        "CT-ACC-006", "CT-SHR-009", "CT-SHR-010", "CT-SHR-011"}, got
    statuses = {a["control"]: a["status"] for a in cert["attestations"]}
    assert statuses["CT-TRAIN-001"] == "recorded"
    assert statuses["CT-CON-001"] == "not_applied"  # the export already shows the clause
    code2, _, _ = certify(COMPLIANT, tmp_path / "b" / "cert.json", "--attest", ATTEST)
    assert code2 == 0
    first = (tmp_path / "a" / "cert.json").read_bytes()
    assert first == (tmp_path / "b" / "cert.json").read_bytes()
    assert first.endswith(b"\n") and b"exported_at" not in first


def test_unknown_contract_rules_become_attested(tmp_path: Path) -> None:
    code, out, cert = certify(PARTIAL, tmp_path / "cert.json", "--attest", ATTEST)
    validate(cert)
    got = outcomes(cert)
    assert all(got[r] == "attested" for r in CONTRACT_RULES)
    con1 = next(r for r in cert["rules"] if r["rule_id"] == "CT-CON-001")
    assert con1["attestations"] == [0] and con1["findings"][0]["outcome"] == "unknown"
    # what no attestation covers stays unknown, so the export is still not certified
    assert got["CT-AUD-003"] == "unknown" and got["CT-SHR-001"] == "unknown"
    assert code == 1 and cert["verdict"] == "not_certified"
    assert "CT-AUD-003" in cert["blocking"] and "CT-CON-001" not in cert["blocking"]
    assert "NOT CERTIFIED" in out and "CT-AUD-003" in out
    assert cert["counts"]["attested"] == 8
    assert sum(cert["counts"].values()) == len(cert["rules"])
    without = certify(PARTIAL, tmp_path / "plain.json")[2]
    assert outcomes(without)["CT-CON-001"] == "unknown"


def test_a_failed_rule_cannot_be_attested(tmp_path: Path) -> None:
    code, _, cert = certify(VENDOR_DEFAULT, tmp_path / "cert.json", "--attest", ATTEST)
    assert code == 1
    assert outcomes(cert)["CT-CON-002"] == "failed"
    assert "CT-CON-002" in cert["blocking"]
    att = next(a for a in cert["attestations"] if a["control"] == "CT-CON-002")
    assert att["status"] == "not_applied"
    assert "cannot override" in att["reason"]
    validate(cert)


def test_an_attestation_dated_after_as_of_is_not_applied(tmp_path: Path) -> None:
    attest = tmp_path / "late.yaml"
    attest.write_text("attestations:\n  - control: CT-CON-001\n    attested_by: A. B\n"
                      "    role: Counsel\n    date: 2027-06-01\n"
                      "    statement: The contract forbids data sales.\n"
                      "    evidence: Contract s. 7\n", encoding="utf-8")
    _, _, cert = certify(PARTIAL, tmp_path / "cert.json", "--attest", str(attest))
    assert outcomes(cert)["CT-CON-001"] == "unknown"
    assert "after the as-of date" in cert["attestations"][0]["reason"]


def test_fail_on_sets_the_threshold(tmp_path: Path) -> None:
    # partial-export's remaining unknowns are high or critical; at critical only the
    # critical ones block
    _, _, cert = certify(PARTIAL, tmp_path / "cert.json", "--attest", ATTEST,
                         "--fail-on", "critical")
    assert cert["fail_on"] == "critical"
    assert "CT-SHR-001" in cert["blocking"] and "CT-AUD-003" not in cert["blocking"]


def test_malformed_attestation_file_is_exit_3_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("attestations:\n"
                   "  - control: CT-CON-001\n    attested_by: A. B\n    role: Counsel\n"
                   "    date: 2026-11-18\n    statement: The contract forbids data sales.\n"
                   "    evidence: Contract s. 7\n"
                   "  - control: CT-CON-002\n    attested_by: A. B\n    role: Counsel\n"
                   "    date: 18/11/2026\n    statement: Vendor retention is capped.\n"
                   "    evidence: Contract s. 8\n", encoding="utf-8")
    code, _, err = run("certify", COMPLIANT, "--vendor", "V", "--out",
                       str(tmp_path / "c.json"), "--attest", str(bad))
    assert code == 3
    assert f"{bad}:11:" in err
    assert "invalid attestation #2 (CT-CON-002): field 'date'" in err
    assert not (tmp_path / "c.json").exists()
    missing = tmp_path / "missing.yaml"
    missing.write_text("attestations:\n  - control: CT-TRAIN-001\n    attested_by: A. B\n"
                       "    role: Trainer\n    date: 2026-11-18\n"
                       "    statement: Everyone was trained.\n", encoding="utf-8")
    code, _, err = run("certify", COMPLIANT, "--vendor", "V", "--out",
                       str(tmp_path / "c.json"), "--attest", str(missing))
    assert code == 3 and "#1 (CT-TRAIN-001): field 'evidence'" in err
    code, _, err = run("certify", COMPLIANT, "--vendor", "V", "--out",
                       str(tmp_path / "c.json"), "--attest", str(tmp_path / "nope.yaml"))
    assert code == 3 and "nope.yaml" in err


def test_waivers_are_applied_recorded_and_reverified(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - rule: CT-RET-001\n    pointer: /retention\n"
                       "    justification: Migration to 21 days is scheduled for March.\n"
                       "    approved_by: Chief J. Doe\n    approved_on: 2027-01-15\n"
                       "    expires: 2027-03-01\n    files: '**/*.json'\n", encoding="utf-8")
    out = tmp_path / "cert.json"
    _, _, cert = certify(VENDOR_DEFAULT, out, "--waivers", str(waivers))
    validate(cert)
    assert outcomes(cert)["CT-RET-001"] == "waived"
    assert [w["rule"] for w in cert["waivers"]] == ["CT-RET-001"]
    assert "CT-RET-001" not in cert["blocking"]
    assert run("verify-cert", str(out), VENDOR_DEFAULT)[0] == 0
    edit(out, lambda c: c.update(waivers=[]))
    code, stdout, _ = run("verify-cert", str(out), VENDOR_DEFAULT)
    assert code == 1 and "rule CT-RET-001: certificate says waived, re-check says failed" in stdout


# --- verify-cert ------------------------------------------------------------------------


@pytest.fixture
def partial_cert(tmp_path: Path) -> Path:
    out = tmp_path / "partial.json"
    certify(PARTIAL, out, "--attest", ATTEST)
    return out


def test_verify_cert_valid(partial_cert: Path) -> None:
    code, out, _ = run("verify-cert", str(partial_cert), PARTIAL)
    assert code == 0, out
    assert out.startswith("valid: ")


def test_an_edited_outcome_is_a_mismatch_naming_the_rule(partial_cert: Path) -> None:
    def change(c: dict[str, Any]) -> None:
        rule = next(r for r in c["rules"] if r["rule_id"] == "CT-RET-001")
        rule["outcome"] = "failed"

    edit(partial_cert, change)
    code, out, _ = run("verify-cert", str(partial_cert), PARTIAL)
    assert code == 1
    assert "rule CT-RET-001: certificate says failed, re-check says passed" in out


def test_an_edited_verdict_is_a_mismatch(partial_cert: Path) -> None:
    edit(partial_cert, lambda c: c.update(verdict="certified", blocking=[]))
    code, out, _ = run("verify-cert", str(partial_cert), PARTIAL)
    assert code == 1 and "verdict: certificate says certified" in out
    assert "the certificate says CERTIFIED but its findings block it: 15 rule(s)" in out


@pytest.mark.parametrize(("change", "expected"), [
    # the verdict alone: the schema used to refuse it (exit 3, "/blocking: must have at most
    # 0 items"); it is a certificate whose contents were edited
    (lambda c: c.update(verdict="certified"),
     "the certificate says CERTIFIED but its findings block it: 15 rule(s) failed or unknown "
     "at or above high (CT-RET-004 unknown,"),
    (lambda c: c.update(blocking=[]),
     "the certificate's blocking list does not follow from its rules: it lists none; its "
     "rules failed or unknown at or above high are CT-RET-004,"),
    (lambda c: c.update(blocking=["CT-RET-004"]),
     "it lists CT-RET-004; its rules failed or unknown"),
    (lambda c: c["counts"].update(attested=0),
     "counts differ: attested 0 in the certificate, 8 on re-check"),
    (lambda c: next(a for a in c["attestations"] if a["status"] == "applied").update(
        status="not_applied"),
     "certificate says not applied, re-check says applied"),
])
def test_an_edited_certificate_is_a_mismatch_in_words(partial_cert: Path, change: Any,
                                                     expected: str) -> None:
    edit(partial_cert, change)
    code, out, err = run("verify-cert", str(partial_cert), PARTIAL)
    assert code == 1, err
    assert expected in out
    assert "{'" not in out and "['" not in out  # words, never a Python repr


def test_a_not_certified_verdict_its_rules_do_not_support_is_a_mismatch(
        tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    assert certify(COMPLIANT, out)[0] == 0
    edit(out, lambda c: c.update(verdict="not_certified"))
    code, stdout, _ = run("verify-cert", str(out), COMPLIANT)
    assert code == 1
    assert ("the certificate says NOT CERTIFIED but none of its rules blocks it (none is "
            "failed or unknown at or above high)") in stdout


def test_require_certified_refuses_a_valid_certificate_that_is_not_certified(
        partial_cert: Path, tmp_path: Path) -> None:
    code, out, _ = run("verify-cert", str(partial_cert), PARTIAL, "--require-certified")
    assert code == 1
    assert (f"NOT CERTIFIED: {partial_cert} is a valid certificate, but its verdict is not "
            "certified: 15 rule(s) failed or unknown at or above high (CT-RET-004,") in out
    assert run("verify-cert", str(partial_cert), PARTIAL)[0] == 0  # valid without it
    certified = tmp_path / "ok.json"
    certify(COMPLIANT, certified)
    code, out, _ = run("verify-cert", str(certified), COMPLIANT, "--require-certified")
    assert code == 0 and out.startswith("valid: "), out


def test_another_export_is_a_mismatch_naming_the_hash(partial_cert: Path) -> None:
    code, out, _ = run("verify-cert", str(partial_cert), COMPLIANT)
    assert code == 1
    assert "export sha256 differs: certificate " in out


def test_an_edited_baseline_version_is_a_mismatch(partial_cert: Path) -> None:
    edit(partial_cert, lambda c: c["baseline"].update(version="2025.1.0"))
    code, out, _ = run("verify-cert", str(partial_cert), PARTIAL)
    assert code == 1
    assert "baseline version differs: certificate 2025.1.0" in out


def test_another_baseline_file_is_a_mismatch(partial_cert: Path, tmp_path: Path) -> None:
    text = (ROOT / "baselines" / "ct.yaml").read_text(encoding="utf-8")
    other = tmp_path / "ct-next.yaml"
    other.write_text(text.replace("baseline: ct\n", "baseline: ct-next\n", 1)
                     .replace("value: 373", "value: 380", 1), encoding="utf-8")
    code, out, _ = run("verify-cert", str(partial_cert), PARTIAL, "--baseline", str(other))
    assert code == 1 and "baseline sha256 differs" in out
    # a copy may not pass itself off as the built-in baseline: same id, another file
    same_id = tmp_path / "ct-copy.yaml"
    same_id.write_text(text, encoding="utf-8")
    code, _, err = run("verify-cert", str(partial_cert), PARTIAL, "--baseline", str(same_id))
    assert code == 3 and "baseline id 'ct' is a built-in baseline's" in err


def test_a_certificate_records_the_composed_digest(tmp_path: Path) -> None:
    text = (ROOT / "baselines" / "ct.yaml").read_text(encoding="utf-8").replace(
        "baseline: ct\n", "baseline: ct-local\n", 1)
    local = tmp_path / "ct-local.yaml"
    local.write_text(text, encoding="utf-8")
    cert = tmp_path / "c.json"
    code, out, _ = run("certify", COMPLIANT, "--vendor", "V", "--out", str(cert), "--baseline",
                       str(local), "--as-of", "2027-02-01")
    assert code in (0, 1), out
    # the digest is the composed baseline's: a comment or a new layout changes nothing
    same = tmp_path / "ct-local-commented.yaml"
    same.write_text("# a local copy\n" + text.replace("\n\n", "\n"), encoding="utf-8")
    code, out, _ = run("verify-cert", str(cert), COMPLIANT, "--baseline", str(same))
    assert code == 0 and "baseline sha256 differs" not in out, out


def test_a_re_encoded_export_keeps_its_canonical_hash(tmp_path: Path) -> None:
    from lpr_lint.load.files import load_document

    as_json = tmp_path / "lakeside.json"
    as_json.write_text(json.dumps(load_document(COMPLIANT).data, indent=4), encoding="utf-8")
    yaml_cert = certify(COMPLIANT, tmp_path / "y.json")[2]
    json_cert = certify(str(as_json), tmp_path / "j.json")[2]
    assert yaml_cert["export"]["canonical_sha256"] == json_cert["export"]["canonical_sha256"]
    assert yaml_cert["export"]["sha256"] != json_cert["export"]["sha256"]
    # verify-cert accepts the same data re-encoded, and says so
    code, out, _ = run("verify-cert", str(tmp_path / "y.json"), str(as_json))
    assert code == 0, out
    assert "canonical_sha256 matches" in out and out.splitlines()[-1].startswith("valid: ")


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "invalid certificate"),
    ("[]", "invalid certificate"),
    ('{"certificate_format": "1"}', "'tool' is required"),
])
def test_a_malformed_certificate_is_exit_3(tmp_path: Path, content: str, expected: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    code, _, err = run("verify-cert", str(bad), PARTIAL)
    assert code == 3 and expected in err


def test_an_invalid_outcome_word_or_missing_files_are_exit_3(partial_cert: Path) -> None:
    edit(partial_cert, lambda c: c["rules"][0].update(outcome="ok"))
    code, _, err = run("verify-cert", str(partial_cert), PARTIAL)
    assert code == 3 and "/rules/0/outcome" in err
    assert run("verify-cert", str(partial_cert.parent / "none.json"), PARTIAL)[0] == 3
    code, _, err = run("verify-cert", str(partial_cert), str(partial_cert.parent / "none.yaml"))
    assert code == 3


# --- renderings -------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture
def hostile_export(tmp_path: Path) -> Path:
    from lpr_lint.load.files import load_document

    data = load_document(COMPLIANT).data
    data["agency"]["name"] = SCRIPT
    data["sharing"]["partners"].append({
        "name": IMG, "state": "US", "kind": "federal", "direction": "outbound",
        "permissions": ["search"], "warrant_only": False})
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_html_escapes_every_export_and_command_line_string(hostile_export: Path,
                                                           tmp_path: Path) -> None:
    attest = tmp_path / "attest.yaml"
    attest.write_text(yaml.safe_dump({"attestations": [{
        "control": "CT-TRAIN-001", "attested_by": SCRIPT, "role": IMG, "date": "2026-11-18",
        "statement": f"Trained {SCRIPT}", "evidence": "<a href='javascript:x'>e</a>"}]}),
        encoding="utf-8")
    code, out, cert = certify(str(hostile_export), tmp_path / "cert.json", "--format", "html",
                              "--attest", str(attest), vendor=SCRIPT)
    assert code == 1 and "written to" in out and "cert.html" in out
    assert any(IMG in f["message"] for r in cert["rules"] for f in r["findings"])
    page = (tmp_path / "cert.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "<a href" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and "default-src 'none'" in page
    assert "http" not in page.replace("http-equiv", "")  # no external assets
    for section in ("<title>", "banner not_certified", "<h2>Rules</h2>", "<h2>Attestations</h2>",
                    cert["export"]["sha256"], "CT-SHR-003", "FAILED"):
        assert section in page


def test_markdown_escapes_every_export_string(hostile_export: Path, tmp_path: Path) -> None:
    _, _, cert = certify(str(hostile_export), tmp_path / "cert.json", "--format", "markdown",
                         vendor=f"{SCRIPT} | *bold*")
    text = (tmp_path / "cert.md").read_text(encoding="utf-8")
    assert re.search(r"(?<!\\)[<>]", text) is None  # every angle bracket is escaped
    assert "\\<script\\>" in text and "\\<img src=x onerror=alert(1)\\>" in text
    assert "\\| \\*bold\\*" in text
    assert text.startswith("# ❌ Self-certification: ")
    assert cert["export"]["canonical_sha256"] in text


def test_renderers_work_on_a_certificate_read_back(partial_cert: Path) -> None:
    from lpr_lint.certify.certificate import certificate_bytes, load_certificate
    from lpr_lint.report.certificate import certificate_html, certificate_markdown

    cert = load_certificate(str(partial_cert))
    assert certificate_bytes(cert) == partial_cert.read_bytes()  # read back, written the same
    md = certificate_markdown(cert)
    from lpr_lint.certify.records import CertOutcome

    unknown = cert.count(CertOutcome.UNKNOWN)
    assert unknown > 0 and f"0 failed, 0 waived, {unknown} unknown" in md and "attested" in md
    assert "| 1 | CT-CON-001 | M. Okafor |" in md
    assert certificate_html(cert).count("<tr>") > len(cert.rules)


def test_format_rendering_may_not_overwrite_the_certificate(tmp_path: Path) -> None:
    code, _, err = run("certify", COMPLIANT, "--vendor", "V", "--out",
                       str(tmp_path / "cert.md"), "--format", "markdown")
    assert code == 2 and "another name" in err


# --- not-applicable reasons, pointers said once, not legal advice (issue 15) ---------------

FEDERAL = str(EXAMPLES / "noncompliant" / "federal-ice-assist.json")


def test_a_rule_not_yet_in_effect_records_why(tmp_path: Path) -> None:
    _, _, cert = certify(FEDERAL, tmp_path / "cert.json", "--as-of", "2026-11-01")
    validate(cert)
    rules = {r["rule_id"]: r for r in cert["rules"]}
    effective = {r["id"]: str(r["effective"]) for r in yaml.safe_load(
        (ROOT / "baselines" / "ct.yaml").read_text(encoding="utf-8"))["rules"]}
    later = [rid for rid, day in effective.items() if day > "2026-11-01"]
    assert later and all(rules[rid]["outcome"] == "not_applicable" for rid in later)
    assert all(rules[rid]["reason"] == f"not in effect until {effective[rid]}" for rid in later)
    assert all(("reason" in r) == (r["outcome"] == "not_applicable") for r in cert["rules"])


def test_a_rule_whose_condition_holds_for_nothing_says_so(tmp_path: Path) -> None:
    _, _, cert = certify(COMPLIANT, tmp_path / "cert.json")
    reasons = [r["reason"] for r in cert["rules"] if r["outcome"] == "not_applicable"]
    assert reasons and all(r.startswith("its condition (on /") for r in reasons)


def test_reasons_are_verified_and_older_certificates_without_them_still_verify(
        tmp_path: Path) -> None:
    out = tmp_path / "cert.json"
    certify(FEDERAL, out, "--as-of", "2026-11-01")
    edit(out, lambda c: [r.pop("reason", None) for r in c["rules"]])
    code, stdout, _ = run("verify-cert", str(out), FEDERAL)
    assert code == 0, stdout
    certify(FEDERAL, out, "--as-of", "2026-11-01")
    edit(out, lambda c: c["rules"][0].update(reason="not in effect until 2099-01-01"))
    code, stdout, _ = run("verify-cert", str(out), FEDERAL)
    assert code == 1 and "rule CT-RET-001: reason differs" in stdout


def test_renderings_give_the_reason_the_pointer_once_and_not_legal_advice(
        tmp_path: Path) -> None:
    from lpr_lint.certify.certificate import load_certificate
    from lpr_lint.report.certificate import certificate_html, certificate_markdown

    out = tmp_path / "cert.json"
    certify(FEDERAL, out, "--as-of", "2026-11-01")
    cert = load_certificate(str(out))
    md, page = certificate_markdown(cert), certificate_html(cert)
    assert "not applicable: not in effect until 2026-12-01" in md
    assert ('<span class="reason">not in effect until <span class="nowrap">2026-12-01</span>'
            '</span>') in page
    assert "**Not legal advice.**" in md and "<strong>Not legal advice.</strong>" in page
    assert "/sharing/partners/1/warrant\\_only (line " in md
    assert not re.search(r"(/[\w/\\]+) line \d+: \1", md)  # the old "/p line 5: /p: ..."
    assert '<code class="id">CT-SHR-003</code>' in page


def test_a_vendor_file_is_certified_as_check_reads_it(tmp_path: Path) -> None:
    """A portal snapshot is converted by its adapter, as check converts it: the certificate's
    outcomes are check's, not those of the raw file read as export format v1."""
    from lpr_lint.cli import app

    snapshot = str(ROOT / "tests" / "data" / "flock" / "portal" / "pinecrest-ca-pd"
                   / "2026-04-24.json")
    runner = CliRunner()
    checked = json.loads(runner.invoke(app, ["check", "--baseline", "ca", snapshot, "--as-of",
                                             "2027-02-01", "-f", "json"]).stdout)
    cert = tmp_path / "c.json"
    runner.invoke(app, ["certify", snapshot, "--baseline", "ca", "--vendor", "V", "--out",
                        str(cert), "--as-of", "2027-02-01"])
    rules = {r["rule_id"]: r["outcome"] for r in json.loads(cert.read_text())["rules"]}
    assert rules.get("LPR-SCHEMA", "passed") == "passed" and rules["CA-RET-005"] == "passed"
    failed = {f["rule_id"] for f in checked["findings"] if f["outcome"] == "fail"}
    assert {r for r, o in rules.items() if o == "failed"} == failed
    verified = runner.invoke(app, ["verify-cert", str(cert), snapshot])
    assert verified.exit_code == 0, verified.output
