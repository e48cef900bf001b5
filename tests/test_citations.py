"""Every citation supports its rule: claims, bases no stronger than their sources, dates with
reasons, the sources reference and the mapping to the law reference's candidate ids."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from lpr_lint.cli import app
from lpr_lint.errors import BaselineError
from lpr_lint.rules.baseline import basis_problem, load_baseline
from lpr_lint.rules.explain import explain_rule
from lpr_lint.rules.sources import KIND_LABELS

CT = (ROOT / "baselines" / "ct.yaml").read_text(encoding="utf-8").replace(
    "baseline: ct\n", "baseline: ct-copy\n", 1)  # a copy takes an id of its own
STRONG = ("statute", "derived")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


def test_every_citation_says_what_it_is_relied_on_for(ct_baseline: Any) -> None:
    for rule in ct_baseline.rules:
        claims = [c.claim for c in rule.citations]
        assert all(len(c) >= 30 and c[0].isupper() and c.endswith((".", ")")) for c in claims), (
            rule.id, claims)
        assert len(set(claims)) == len(claims), rule.id
        assert len({c.source for c in rule.citations}) == len(rule.citations), rule.id


def test_no_basis_is_stronger_than_its_sources(ct_baseline: Any) -> None:
    sources = ct_baseline.sources
    for rule in ct_baseline.rules:
        cited = [sources[c.source] for c in rule.citations]
        assert basis_problem(rule.basis, cited) is None, rule.id
        checked = [s for s in cited if s["reliability"] != "unverified"]
        if rule.basis in STRONG:
            assert any(s["kind"] == "statute" for s in checked), rule.id
        assert checked, rule.id


def test_unverified_sources_never_carry_a_rule(ct_baseline: Any) -> None:
    """law.md: unverified items must not be presented as statutory. Every rule that cites one
    has another source that is not unverified, and says in the claim that it is unverified."""
    for rule in ct_baseline.rules:
        for c in rule.citations:
            if c.reliability == "unverified":
                assert "unverified" in c.claim, (rule.id, c.cite)
                assert any(o.reliability != "unverified" for o in rule.citations), rule.id


def test_models_and_reports_never_make_a_rule_statutory(ct_baseline: Any) -> None:
    sources = ct_baseline.sources
    for rule in ct_baseline.rules:
        if rule.basis == "best_practice":
            continue
        for c in rule.citations:
            kind = sources[c.source]["kind"]
            if kind in ("model_law", "model_policy"):
                assert c.claim.startswith("Model"), (rule.id, c.cite)


def test_every_source_is_cited_and_declared_kinds_are_known(ct_baseline: Any) -> None:
    cited = {c.source for r in ct_baseline.rules for c in r.citations}
    assert set(ct_baseline.sources) == cited
    assert {s["kind"] for s in ct_baseline.sources.values()} <= set(KIND_LABELS)


def test_effective_dates_have_reasons(ct_baseline: Any) -> None:
    for rule in ct_baseline.rules:
        reason = rule.effective_reason
        if rule.basis == "best_practice":
            assert reason.startswith("Best practice with no legal date"), rule.id
            assert rule.effective.isoformat() >= "2026-11-25", rule.id
        else:
            assert "§ 13(" in reason, rule.id
    # the usage policy's content is checked from the § 13(f) deadline for adopting it
    for rid in ("CT-USE-001", "CT-USE-002", "CT-USE-003", "CT-POL-001", "CT-POL-002",
                "CT-POL-006"):
        assert ct_baseline.rule(rid).effective.isoformat() == "2027-01-01", rid


def test_the_rules_the_review_named_now_cite_what_they_check(ct_baseline: Any) -> None:
    def cites(rid: str) -> set[str]:
        return {c.source for c in ct_baseline.rule(rid).citations}

    assert "ne-60-3204" not in cites("CT-EXP-001") and "visaverge-2026" in cites("CT-EXP-001")
    aud6 = cites("CT-AUD-006")
    assert {"nc-20-183-31", "wa-sb6002", "mt-46-5-118"} <= aud6
    assert "or-sb1516" not in cites("CT-CON-005") | cites("CT-CON-007")
    assert "72 hours" in ct_baseline.rule("CT-CON-005").rationale
    assert cites("CT-POL-004") != {"pa26-14-s13d"}
    assert "cal-1798-90-52" not in cites("CT-SRC-003")
    assert "lexipol-462-3" in cites("CT-ACC-003")
    shr1 = {c.source: c.claim for c in ct_baseline.rule("CT-SHR-001").citations}
    assert "allows NY, RI and MA" in shr1["hb8004"]
    bases = {rid: ct_baseline.rule(rid).basis for rid in (
        "CT-CON-001", "CT-CON-003", "CT-SRC-002", "CT-USE-001", "CT-USE-002", "CT-USE-003")}
    assert bases == {"CT-CON-001": "best_practice", "CT-CON-003": "best_practice",
                     "CT-SRC-002": "best_practice", "CT-USE-001": "derived",
                     "CT-USE-002": "derived", "CT-USE-003": "derived"}


def _one_rule_baseline(tmp_path: Path, basis: str, sources: list[str]) -> Path:
    """The CT baseline with CT-RET-001's basis and citations replaced."""
    start = CT.index("  - id: CT-RET-001")
    end = CT.index("    rationale:", start)
    block = CT[start:end]
    cited = "".join(f"      - source: {s}\n        claim: Relied on for this test's purpose.\n"
                    for s in sources)
    new = re.sub(r"    basis: .*\n    citations:\n(?:      .*\n)+",
                 f"    basis: {basis}\n    citations:\n{cited}", block)
    path = tmp_path / "b.yaml"
    path.write_text(CT[:start] + new + CT[end:], encoding="utf-8")
    return path


@pytest.mark.parametrize(("basis", "sources", "error"), [
    ("statute", ["cal-1798-90-52"], "basis statute needs a cited statute"),
    ("statute", ["visaverge-2026", "ct-news-2026"], "basis statute needs a cited statute"),
    ("derived", ["pa26-14-s14"], "basis derived needs a cited statute"),
    ("derived", ["sb4-2026", "lexipol-462-4"], "basis derived needs a cited statute"),
    ("best_practice", ["pa26-14-s14", "sb4-2026"], "every cited source is unverified"),
    ("statute", ["pa26-14-s14", "pa26-14-s13b2"], None),
    ("derived", ["hb8004"], None),
    ("best_practice", ["oasps-flock"], None),
])
def test_a_basis_its_sources_cannot_carry_is_refused_at_load(
        tmp_path: Path, basis: str, sources: list[str], error: str | None) -> None:
    path = _one_rule_baseline(tmp_path, basis, sources)
    if error is None:
        assert load_baseline(str(path)).rule("CT-RET-001").basis == basis
        return
    with pytest.raises(BaselineError, match=f"CT-RET-001: {error}") as exc:
        load_baseline(str(path))
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: invalid baseline: ", str(exc.value))


@pytest.mark.parametrize(("old", "new", "where"), [
    ('        claim: "Requires: from 1 Oct 2026', '        claim: ""\n        x: "Requires',
     "/rules/0/citations/0"),
    ("    effective_reason: PA 26-14 § 13(b)(2) applies", "    reason: PA",
     "/rules/0"),
    ("      - source: pa26-14-s13b2\n", "      - pa26-14-s13b2\n      - source: x\n",
     "/rules/0/citations/0"),
    ("    kind: statute\n", "    kind: law\n", "/sources/pa26-14-s13b2/kind"),
])
def test_a_citation_without_a_claim_or_a_date_without_a_reason_is_invalid(
        tmp_path: Path, old: str, new: str, where: str) -> None:
    assert old in CT
    path = tmp_path / "b.yaml"
    path.write_text(CT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(BaselineError, match=re.escape(where)):
        load_baseline(str(path))


def test_explain_shows_every_claim_and_why_the_date(ct_baseline: Any) -> None:
    for rule in ct_baseline.rules:
        text = explain_rule(ct_baseline, rule.id)
        for c in rule.citations:
            assert f"    relied on for: {c.claim}\n" in text, (rule.id, c.cite)
        assert f"(why that date: {rule.effective_reason})" in text
        if rule.reference_ids:
            assert ", ".join(rule.reference_ids) in text


def test_rules_json_carries_claims_and_reasons() -> None:
    code, out = run("rules", "--format", "json")
    assert code == 0
    rules = {r["id"]: r for r in json.loads(out)["rules"]}
    con5 = rules["CT-CON-005"]
    assert con5["effective_reason"].startswith("Best practice")
    assert all(c["claim"] for r in rules.values() for c in r["citations"])
    assert rules["CT-AUD-001"]["reference_ids"] == ["CT-AUD-002"]


def test_sources_listing_in_every_format(ct_baseline: Any) -> None:
    code, text = run("sources")
    assert code == 0 and "36 sources" in text.splitlines()[1]
    block = text.split("PA 26-14 § 13(d)  [pa26-14-s13d]\n", 1)[1].split("\n\n", 1)[0]
    assert "  statute; third-party summary" in block
    assert "  - CT-SHR-001 (statute): Requires: outside Connecticut only" in block
    code, out = run("sources", "--format", "json")
    data = json.loads(out)
    assert data["sources"][0]["kind"] == "statute"
    by_key = {s["key"]: s for s in data["sources"]}
    assert {c["rule"] for c in by_key["hb8004"]["cited_by"]} == {
        "CT-SHR-001", "CT-SHR-003", "CT-SHR-006"}
    assert data["reference_ids"]["CT-SRC-001"] == ["CT-AUD-001"]
    assert run("sources", "--format", "nope")[0] == 2
    assert run("sources", "--baseline", "nope")[0] == 3


def test_sources_reference_is_up_to_date() -> None:
    generated = run("sources", "--format", "markdown")[1]
    current = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    assert generated == current, (
        "docs/sources.md is stale; regenerate it with: "
        "lpr-lint sources --format markdown > docs/sources.md")


def _law_candidates(shared: Path) -> set[str]:
    law = (shared.parent / "reference" / "law.md").read_text(encoding="utf-8")
    section = law.split("## 5. Candidate Connecticut baseline rules", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| (CT-[A-Z]+-\d{3}) \|", section, re.M))


def test_reference_ids_name_candidates_of_the_law_reference(shared_data: Path,
                                                             ct_baseline: Any) -> None:
    candidates = _law_candidates(shared_data)
    assert len(candidates) > 30
    used = {i for r in ct_baseline.rules for i in r.reference_ids}
    assert used <= candidates, used - candidates
    # the ids that differ for the same idea are recorded (law.md § 5 vs shipped ids)
    mapping = {r.id: r.reference_ids for r in ct_baseline.rules}
    assert mapping["CT-RET-004"] == ("CT-RET-002",)
    assert mapping["CT-AUD-006"] == ("CT-AUD-005",)
    assert mapping["CT-POL-003"] == ("CT-OPS-001",)
