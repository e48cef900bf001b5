"""Human-readable rule listings and explanations (returned as strings)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from typing import Any

from lpr_lint.errors import LprLintError
from lpr_lint.report.markdown import md_code, md_escape
from lpr_lint.rules.baseline import Baseline, Rule
from lpr_lint.rules.engine import FORMAT_RULES, FormatRule

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
        "effective_reason": rule.effective_reason, "reference_ids": list(rule.reference_ids),
        "citations": [{"cite": c.cite, "reliability": c.reliability, "url": c.url,
                       "claim": c.claim} for c in rule.citations],
        "rationale": rule.rationale, "remediation": rule.remediation,
        "pointer": rule.pointer, "scope": rule.scope, "when": dict(rule.when),
        "check": rule.check, "missing": rule.missing, "drift": dict(rule.drift),
        "cases": None if rule.check is not None else [
            {"when": dict(c.when), "check": c.check} for c in rule.cases],
        "parameters": list(rule.parameters), "compares_with": list(rule.data_refs),
        "in_composed_schema": not (rule.data_refs or rule.extended),
    }


def _checks(rule: Rule) -> list[str]:
    """What the rule's value must match, case by case."""
    if rule.check is not None:
        return [f"{rule.pointer} must match: {json.dumps(rule.check, ensure_ascii=False)}"]
    out = [f"{rule.pointer} must match the first case whose condition holds:"]
    for c in rule.cases:
        cond = ", ".join(f"{p or '(the item)'} matches {json.dumps(f, ensure_ascii=False)}"
                         for p, f in c.when)
        out.append(f"  when {cond}: {json.dumps(c.check, ensure_ascii=False)}")
    return out


def _notes(baseline: Baseline, rule: Rule) -> list[str]:
    """Parameters, dates relative to --as-of, values compared with, schema exceptions."""
    out = [f"parameter {name} = {json.dumps(baseline.parameters[name].value)}: "
           f"{baseline.parameters[name].description}" for name in rule.parameters]
    if rule.dated:
        out.append("notBefore/notAfter {days: N}: a date no earlier (later) than the date "
                   "judged (--as-of) minus (plus) N days; {date: D}: a fixed date")
    if rule.data_refs:
        out.append(f"compared with the export's own {', '.join(rule.data_refs)} ($data)")
    if rule.data_refs or rule.extended:
        out.append("not in the composed schema (lpr-lint schema): JSON Schema cannot say it, "
                   "so check alone enforces it")
    return out


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
        f"  (why that date: {rule.effective_reason})",
        f"governs: {rule.pointer}",
        *([f"in the law reference's candidate list as: {', '.join(rule.reference_ids)}"]
          if rule.reference_ids else []),
        "",
        f"Why: {rule.rationale}",
        f"Fix: {rule.remediation}",
        "",
        "Legal and policy sources, and what each is relied on for:",
    ]
    for c in rule.citations:
        lines.append(f"  - {c.cite} ({RELIABILITY_LABELS.get(c.reliability, c.reliability)})")
        lines.append(f"    relied on for: {c.claim}")
        if c.url:
            lines.append(f"    {c.url}")
    lines += ["", "What is checked (JSON Schema):"]
    if rule.when:
        lines.append(f"  applies when (relative to {rule.scope or 'the document'}):")
        lines += [f"    {p or '(the item itself)'}: {json.dumps(s, ensure_ascii=False)}"
                  for p, s in rule.when]
    lines += [f"  {line}" for line in _checks(rule)]
    lines += [f"  {note}" for note in _notes(baseline, rule)]
    lines.append("  if it is missing: " + ("the rule fails" if rule.missing == "fail" else
                                           "unknown, which fails unless --allow-unknown"))
    drift = dict(rule.drift)
    lines.append(f"  drift: loosening = {drift['loosening']}"
                 + (f" (tightest → loosest: {', '.join(map(str, drift['order']))})"
                    if "order" in drift else ""))
    lines += ["", baseline.disclaimer or "Not legal advice."]
    return "\n".join(lines) + "\n"


def rules_markdown(baseline: Baseline) -> str:
    """The rule reference (``docs/rules.md``): a table, then every rule in full."""
    lines = [
        f"# Rule reference: {md_escape(baseline.title)}",
        "",
        f"Baseline `{baseline.id}` version {baseline.version}. Generated by "
        "`lpr-lint rules --format markdown > docs/rules.md`; do not edit by hand.",
        "",
        f"> {md_escape(baseline.disclaimer or 'Not legal advice.')}",
        "",
        "| Rule | Severity | Basis | In effect | Title |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| [{r.id}](#{r.id.lower()}) | {r.severity} | {r.basis_label} | "
              f"{r.effective.isoformat()} | {md_escape(r.title)} |" for r in baseline.rules]
    lines += [f"| {f.id} | {f.severity} | export format | - | {md_escape(f.title)} |"
              for f in FORMAT_RULES]
    for r in baseline.rules:
        lines += ["", f"## {r.id}", "", f"**{md_escape(r.title)}**", "",
                  f"- Severity: {r.severity}; basis: {r.basis_label}; in effect from "
                  f"{r.effective.isoformat()} ({md_escape(r.effective_reason)})",
                  *([f"- In the law reference's candidate list as: "
                     f"{', '.join(r.reference_ids)}"] if r.reference_ids else []),
                  f"- Governs: `{r.pointer}`" + (" (when " + ", ".join(
                      f"`{p or '(the item)'}` matches `{json.dumps(s, ensure_ascii=False)}`"
                      for p, s in r.when) + ")" if r.when else ""),
                  *(f"- Check: {md_code(line.strip(), table=False)}" if i == 0 else
                    f"  - {md_code(line.strip(), table=False)}"
                    for i, line in enumerate(_checks(r))),
                  f"- If missing: {'fails' if r.missing == 'fail' else 'unknown (fails closed)'}",
                  *(f"- {md_escape(note)}" for note in _notes(baseline, r)),
                  "", f"Why: {md_escape(r.rationale)}", "", f"Fix: {md_escape(r.remediation)}", "",
                  "Sources:"]
        for c in r.citations:
            link = f" <{c.url}>" if c.url else ""
            label = RELIABILITY_LABELS.get(c.reliability, c.reliability)
            lines.append(f"- {md_escape(c.cite)} ({label}){link}: {md_escape(c.claim)}")
    return "\n".join(lines) + "\n"
