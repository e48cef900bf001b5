"""Human-readable rule listings and explanations (returned as strings)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from typing import Any

from lpr_lint.baseline import Baseline, Rule
from lpr_lint.engine import FORMAT_RULES, FormatRule
from lpr_lint.errors import LprLintError

RELIABILITY_LABELS = {
    "primary": "primary source",
    "secondary": "secondary source (news, bill tracker)",
    "third_party_summary": "third-party summary of the official text; not yet checked against it",
    "unverified": "UNVERIFIED: no source confirms it",
}


class UnknownRule(LprLintError):
    """No rule has the requested id."""


def rule_table(baseline: Baseline, format_rules: Iterable[FormatRule] = FORMAT_RULES) -> str:
    """One line per rule: id, severity, basis, effective date, title."""
    rows = [(r.id, r.severity.value, r.basis_label, r.effective.isoformat(), r.title)
            for r in baseline.rules]
    rows += [(f.id, f.severity.value, "export format", "-", f.title) for f in format_rules]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"{baseline.title} — baseline {baseline.id} {baseline.version}, {len(rows)} rules"]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
              for row in rows]
    return "\n".join(lines) + "\n"


def _rule_data(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id, "title": rule.title, "severity": rule.severity.value,
        "basis": rule.basis, "effective": rule.effective.isoformat(),
        "citations": [{"cite": c.cite, "reliability": c.reliability, "url": c.url}
                      for c in rule.citations],
        "rationale": rule.rationale, "remediation": rule.remediation,
        "pointer": rule.pointer, "scope": rule.scope, "when": dict(rule.when),
        "check": rule.check, "missing": rule.missing, "drift": dict(rule.drift),
    }


def rules_json(baseline: Baseline) -> str:
    """Every rule as JSON."""
    data = {"baseline": {"id": baseline.id, "version": baseline.version,
                         "sha256": baseline.sha256, "title": baseline.title},
            "rules": [_rule_data(r) for r in baseline.rules]}
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def explain_rule(baseline: Baseline, rule_id: str) -> str:
    """The full text of one rule (or an export-format rule)."""
    wanted = rule_id.strip().upper()
    for fmt in FORMAT_RULES:
        if fmt.id == wanted:
            return (f"{fmt.id}: {fmt.title}\nseverity: {fmt.severity}    basis: export format v1"
                    f"\n\nWhy: {fmt.rationale}\nFix: {fmt.remediation}\n")
    rule = baseline.rule(wanted)
    if rule is None:
        ids = [r.id for r in baseline.rules] + [f.id for f in FORMAT_RULES]
        close = difflib.get_close_matches(wanted, ids, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `lpr-lint rules` lists them"
        raise UnknownRule(f"no rule {rule_id!r} in baseline {baseline.id}{hint}")
    lines = [
        f"{rule.id}: {rule.title}",
        f"severity: {rule.severity}    basis: {rule.basis_label}    in effect from: "
        f"{rule.effective.isoformat()}",
        f"governs: {rule.pointer}",
        "",
        f"Why: {rule.rationale}",
        f"Fix: {rule.remediation}",
        "",
        "Legal and policy sources:",
    ]
    for c in rule.citations:
        lines.append(f"  - {c.cite} ({RELIABILITY_LABELS.get(c.reliability, c.reliability)})")
        if c.url:
            lines.append(f"    {c.url}")
    lines += ["", "What is checked (JSON Schema):"]
    if rule.when:
        lines.append(f"  applies when (relative to {rule.scope or 'the document'}):")
        lines += [f"    {p or '(the item itself)'}: {json.dumps(s, ensure_ascii=False)}"
                  for p, s in rule.when]
    lines.append(f"  {rule.pointer} must match: {json.dumps(rule.check, ensure_ascii=False)}")
    lines.append("  if it is missing: " + ("the rule fails" if rule.missing == "fail" else
                                           "unknown, which fails unless --allow-unknown"))
    drift = dict(rule.drift)
    lines.append(f"  drift: loosening = {drift['loosening']}"
                 + (f" (tightest → loosest: {', '.join(map(str, drift['order']))})"
                    if "order" in drift else ""))
    lines += ["", baseline.disclaimer or "Not legal advice."]
    return "\n".join(lines) + "\n"
