"""Drift reports: a ``terraform plan``-like text, a pull-request Markdown comment, and JSON.

Every format names what was compared (the approval by number, approver, date and entry hash,
or the earlier file), the notices about the inputs (a failed page load, another agency), and
for each change: where, which list item (a partner by name, state, kind, direction and
permissions), before → after, its direction, compliance before → after and the rules.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from lpr_lint import TOOL_NAME, __version__
from lpr_lint.history.records import Change, ChangeKind, Direction, DriftReport
from lpr_lint.jsondata import brief, clip
from lpr_lint.report.markdown import md_code, md_escape, md_opening

SYMBOLS = {ChangeKind.ADDED: "+", ChangeKind.REMOVED: "-", ChangeKind.CHANGED: "~"}
VALUE_WIDTH = 60
"""Longest before or after value shown in text and Markdown (cut at a word boundary)."""


class DriftReporter(abc.ABC):
    """Renders a whole drift report as one string."""

    @abc.abstractmethod
    def render(self, report: DriftReport) -> str:
        """The complete output, ending in a newline."""


def counts(changes: Sequence[Change]) -> dict[str, int]:
    """How many changes of each direction, new violations and resolved ones."""
    return {
        "changes": len(changes),
        **{d.value: sum(1 for c in changes if c.direction is d) for d in Direction},
        "new_violations": sum(1 for c in changes if c.new_violation),
        "resolved_violations": sum(1 for c in changes if c.resolved_violation),
    }


def summary(report: DriftReport) -> dict[str, int]:
    """Counts shared by every format."""
    return counts(report.changes)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def counts_text(changes: Sequence[Change]) -> str:
    """``12 changes: 5 loosening, 6 tightening, 1 neutral; 5 new violations, 1 resolved``."""
    s = counts(changes)
    return (f"{_plural(s['changes'], 'change')}: {s['loosening']} loosening, "
            f"{s['tightening']} tightening, {s['neutral']} neutral; "
            f"{_plural(s['new_violations'], 'new violation')}, "
            f"{s['resolved_violations']} resolved")


def gate_text(fail_on: str, failed: bool) -> str:
    """``Gate (--fail-on loosening): FAILED``."""
    return f"Gate (--fail-on {fail_on}): {'FAILED' if failed else 'passed'}"


def verdict(report: DriftReport) -> str:
    """``12 changes: …; 5 new violations, 1 resolved. Gate (…): FAILED``."""
    return f"{counts_text(report.changes)}. {gate_text(report.fail_on, report.gate_failed)}"


def legend(report: DriftReport) -> str:
    """What the symbols mean and which export each pointer is in."""
    earlier = "the approved snapshot" if report.approval else "the earlier export"
    return f"(+ added, ~ changed: pointers in the current export; - removed: pointers in {earlier})"


def value_text(value: Any, width: int = VALUE_WIDTH) -> str:
    """A before or after value, compact, long lists of objects counted, cut at a word."""
    return clip(brief(value), width, at_word=True)


def describe_item(c: Change) -> str:
    """``Blue Lake Rancheria Tribal PD (tribal, outbound; permissions: search, vms)``.

    A detail the name already shows (the state in ``Harris County TX SO``) and the field that
    the change itself is about are left out.
    """
    if c.item is None:
        return ""
    field = None if c.whole_item else c.pointer.rsplit("/", 1)[-1]
    words = set(c.item.name.replace("(", " ").replace(")", " ").split())
    scalars, lists = [], []
    for key, value in c.item.details:
        if key == field:
            continue
        if isinstance(value, list):
            lists.append(f"{key}: {', '.join(str(v) for v in value)}")
        elif isinstance(value, (dict, bool)):
            scalars.append(f"{key} {json.dumps(value, sort_keys=True)}")
        elif str(value) not in words:
            scalars.append(f"{value} {key}" if isinstance(value, (int, float)) else str(value))
    parts = "; ".join(p for p in (", ".join(scalars), "; ".join(lists)) if p)
    name = c.item.name or "(unnamed item)"
    return name + (f" ({parts})" if parts else "")


def compliance_text(c: Change) -> str:
    """``compliant → violating``; empty for a change no rule governs."""
    return "" if c.compliance_before is None else (
        f"{c.compliance_before} → {c.compliance_after}")


def rules_text(c: Change) -> str:
    """The rules that fail after the change (else before it), else every governing rule
    (none for a whole list item that no rule fails: its compliance says it all)."""
    if c.whole_item and not (c.failing_after or c.failing_before):
        return ""
    return ", ".join(c.failing_after or c.failing_before or c.rules)


def _notes(c: Change) -> list[str]:
    if c.item is not None and c.item.duplicates > 1:
        return [f"duplicate: {c.item.duplicates} entries with this identity"]
    return []


def change_line(c: Change, indent: str = "  ") -> str:
    """One change as a line of text: symbol, where, what, direction, compliance, rules."""
    item = describe_item(c)
    if c.whole_item:
        what = f"{c.pointer} {item}"
    else:
        value = (f"{value_text(c.before)} → {value_text(c.after)}"
                 if c.kind is ChangeKind.CHANGED else
                 value_text(c.after if c.kind is ChangeKind.ADDED else c.before, 2 * VALUE_WIDTH))
        what = f"{c.pointer}{f' of {item}' if item else ''}: {value}"
    tags = [c.direction.value.upper() if c.direction is Direction.LOOSENING
            else c.direction.value]
    tags += [t for t in (compliance_text(c), rules_text(c)) if t] + _notes(c)
    return f"{indent}{SYMBOLS[c.kind]} {what}  [{'; '.join(tags)}]"


def section_lines(changes: Sequence[Change], indent: str, gap: str | None = None) -> list[str]:
    """Changes under their section names (``sharing``), each section followed by ``gap``
    (no line when None)."""
    lines = []
    for section, group in groupby(changes, key=lambda c: c.section):
        lines.append(f"{indent}{section}")
        lines.extend(change_line(c, indent + "  ") for c in group)
        if gap is not None:
            lines.append(gap)
    return lines


MD_HEADER = ["| | Change | Item | Before | After | Direction | Compliance | Rules |",
             "|---|---|---|---|---|---|---|---|"]


def change_row(c: Change) -> str:
    """One change as a Markdown table row (every cell escaped)."""
    direction = (f"**{c.direction}**" if c.direction is Direction.LOOSENING
                 else c.direction.value)
    item = md_escape("; ".join([describe_item(c), *_notes(c)]).strip("; "))
    before = "" if c.before is None or c.whole_item else md_code(value_text(c.before))
    after = "" if c.after is None or c.whole_item else md_code(value_text(c.after))
    return (f"| {SYMBOLS[c.kind]} | {md_code(c.pointer)} | {item} | {before} | {after} | "
            f"{direction} | {md_escape(compliance_text(c))} | {md_escape(rules_text(c))} |")


def _item_json(c: Change) -> dict[str, Any] | None:
    if c.item is None:
        return None
    return {"collection": c.item.collection, "name": c.item.name,
            "details": dict(c.item.details), "before_index": c.item.before,
            "after_index": c.item.after, "duplicates": c.item.duplicates,
            "whole": c.whole_item}


def change_json(c: Change) -> dict[str, Any]:
    """One change as JSON data."""
    return {"pointer": c.pointer, "section": c.section, "label": c.label, "kind": c.kind,
            "item": _item_json(c), "before": c.before, "after": c.after,
            "direction": c.direction, "rules": list(c.rules), "compliance": c.compliance,
            "compliance_before": c.compliance_before, "compliance_after": c.compliance_after,
            "failing_before": list(c.failing_before), "failing_after": list(c.failing_after)}


class TextDriftReporter(DriftReporter):
    """Grouped by section, loosening changes first, with + / - / ~ like ``terraform plan``."""

    def render(self, report: DriftReport) -> str:
        lines = [f"Drift of {report.after_path} from {report.before_label}",
                 f"baseline {report.baseline.id} {report.baseline.version}, as of "
                 f"{report.as_of}"]
        lines += [f"note: {n}" for n in report.notices]
        lines += [legend(report), ""]
        if not report.changes:
            lines += ["No changes.", ""]
        lines += section_lines(report.changes, "", "")
        lines.append(verdict(report))
        return "\n".join(lines) + "\n"


class MarkdownDriftReporter(DriftReporter):
    """A pull-request comment: a verdict line, then one table per section."""

    def render(self, report: DriftReport) -> str:
        icon = "❌" if report.gate_failed else "✅"
        lines = md_opening(f"lpr-lint drift: {md_code(report.after_path, table=False)}",
                           f"Compared with {md_escape(report.before_label)} under baseline "
                           f"{md_code(report.baseline.id, table=False)} "
                           f"{md_escape(report.baseline.version)}, as of {report.as_of}.",
                           report.notices)
        lines += [f"{icon} **{md_escape(verdict(report))}**", ""]
        for section, changes in groupby(report.changes, key=lambda c: c.section):
            lines += [f"#### {md_escape(section)}", "", *MD_HEADER]
            lines.extend(change_row(c) for c in changes)
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"


class JsonDriftReporter(DriftReporter):
    """``changes[]`` with pointer, kind, before, after, direction, rules and compliance."""

    def render(self, report: DriftReport) -> str:
        approval = report.approval
        data = {
            "tool": {"name": TOOL_NAME, "version": __version__},
            "baseline": {"id": report.baseline.id, "version": report.baseline.version,
                         "sha256": report.baseline.sha256},
            "as_of": report.as_of,
            "before": {"label": report.before_label, "sha256": report.before_sha256,
                       "approval": None if approval is None else {
                           "seq": approval.seq, "hash": approval.hash,
                           "approver": approval.approver, "timestamp": approval.timestamp,
                           "path": approval.path}},
            "after": {"path": report.after_path, "sha256": report.after_sha256},
            "notices": list(report.notices),
            "fail_on": report.fail_on,
            "gate_failed": report.gate_failed,
            "changes": [change_json(c) for c in report.changes],
            "summary": summary(report),
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
