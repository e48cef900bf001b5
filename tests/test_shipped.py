"""``lpr-lint baselines`` and finding a rule's baseline by its id."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from lpr_lint.cli import app
from lpr_lint.rules.baseline import load_baseline
from lpr_lint.rules.registry import BUILTIN_BASELINES
from lpr_lint.rules.shipped import on_primary


def test_every_baseline_is_listed_with_its_share_on_primary_sources() -> None:
    result = CliRunner().invoke(app, ["baselines", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = {b["id"]: b for b in json.loads(result.stdout)}
    assert sorted(listed) == sorted(BUILTIN_BASELINES)
    assert listed["core"]["abstract"] is True
    for bid, item in listed.items():
        if item["abstract"]:
            continue
        base = load_baseline(bid)
        assert item["version"] == base.version and item["rules"] == len(base.rules)
        assert item["rules_on_primary_sources"] == sum(on_primary(r, base) for r in base.rules)
        assert item["extends"] == (base.chain[1] if len(base.chain) > 1 else None)
    assert listed["ca"]["extends"] == "core"
    ct = load_baseline("ct")
    # CT-RET-001 rests on a third-party summary of the act: not on a primary source
    assert not on_primary(ct.rule("CT-RET-001"), ct)  # type: ignore[arg-type]


def test_the_text_and_markdown_listings() -> None:
    text = CliRunner().invoke(app, ["baselines"]).stdout
    assert "ca    2026.12.0" in text and "% on primary sources" in text
    assert "not checked against" in text and "Not legal advice." in text
    md = CliRunner().invoke(app, ["baselines", "-f", "markdown"]).stdout
    assert md.startswith("# Baselines that ship") and "| `ct` |" in md


def test_explain_finds_a_rule_of_another_states_baseline() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["explain", "CA-SHR-001"])
    assert result.exit_code == 0 and result.stdout.startswith("CA-SHR-001: ")
    result = runner.invoke(app, ["explain", "CA-SHR-001", "--baseline", "ct"])
    assert result.exit_code == 2  # asked for Connecticut's: not there
    result = runner.invoke(app, ["explain", "CT-RET-001", "--baseline", "auto"])
    assert result.exit_code == 0 and result.stdout.startswith("CT-RET-001: ")


def test_the_baselines_reference_is_up_to_date() -> None:
    from conftest import ROOT

    current = (ROOT / "docs" / "baselines.md").read_text(encoding="utf-8")
    assert current == CliRunner().invoke(app, ["baselines", "-f", "markdown"]).stdout, (
        "docs/baselines.md is stale; regenerate it with: "
        "lpr-lint baselines --format markdown > docs/baselines.md")
