"""Drift reports: a ``terraform plan``-like text, a pull-request Markdown comment, and JSON."""

from __future__ import annotations

import abc
import json
from itertools import groupby
from typing import Any

from lpr_lint import TOOL_NAME, __version__
from lpr_lint.drift import LOOSENING, NEUTRAL, TIGHTENING, Change
from lpr_lint.report.markdown import md_escape
from lpr_lint.workflow import DriftReport, render_value

SYMBOLS = {"added": "+", "removed": "-", "changed": "~"}


class DriftReporter(abc.ABC):
    """Renders a whole drift report as one string."""

    @abc.abstractmethod
    def render(self, report: DriftReport) -> str:
        """The complete output, ending in a newline."""


def summary(report: DriftReport) -> dict[str, int]:
    """Counts shared by every format."""
    changes = report.changes
    return {
        "changes": len(changes),
        "loosening": sum(1 for c in changes if c.direction == LOOSENING),
        "tightening": sum(1 for c in changes if c.direction == TIGHTENING),
        "neutral": sum(1 for c in changes if c.direction == NEUTRAL),
        "new_violations": sum(1 for c in changes if c.new_violation),
        "resolved_violations": sum(
            1 for c in changes
            if c.compliance_before == "violating" and c.compliance_after == "compliant"),
    }


def _short(value: Any, limit: int = 72) -> str:
    text = render_value(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _verdict(report: DriftReport) -> str:
    s = summary(report)
    counts = (f"{s['changes']} change{'s' if s['changes'] != 1 else ''}: {s['loosening']} "
              f"loosening, {s['tightening']} tightening, {s['neutral']} neutral; "
              f"{s['new_violations']} new violation{'s' if s['new_violations'] != 1 else ''}")
    gate = "FAILED" if report.gate_failed else "passed"
    return f"{counts}. Gate (--fail-on {report.fail_on}): {gate}"


class TextDriftReporter(DriftReporter):
    """Grouped by section, loosening changes first, with + / - / ~ like ``terraform plan``."""

    def render(self, report: DriftReport) -> str:
        lines = [f"Drift of {report.after_path} from {report.before_label}",
                 f"baseline {report.baseline.id} {report.baseline.version}, as of "
                 f"{report.as_of}",
                 "(+ added, - removed: pointer in the approved export, ~ changed)", ""]
        if not report.changes:
            lines.append("No changes.")
        for section, changes in groupby(report.changes, key=lambda c: c.section):
            lines.append(section)
            lines.extend(self._line(c) for c in changes)
            lines.append("")
        lines.append(_verdict(report))
        return "\n".join(lines) + "\n"

    @staticmethod
    def _line(c: Change) -> str:
        what = f'{c.pointer} "{c.label}"' if c.label else c.pointer
        if c.kind == "changed":
            value = f"{_short(c.before, 36)} → {_short(c.after, 36)}"
        else:
            value = _short(c.after if c.kind == "added" else c.before)
        tags = [c.direction.upper() if c.direction == LOOSENING else c.direction]
        if c.compliance != "ungoverned":
            tags.append(c.compliance.replace("→", " → "))
        if c.rules:
            tags.append(", ".join(c.rules))
        return f"  {SYMBOLS[c.kind]} {what}: {value}  [{'; '.join(tags)}]"


def _code(value: Any) -> str:
    if value is None:
        return ""
    text = _short(value, 60).replace("|", "\\|").replace("`", "'")
    return f"`{text}`"


class MarkdownDriftReporter(DriftReporter):
    """A pull-request comment: a verdict line, then one table per section."""

    def render(self, report: DriftReport) -> str:
        icon = "❌" if report.gate_failed else "✅"
        lines = [f"### lpr-lint drift: `{report.after_path}`",
                 "",
                 f"Compared with {md_escape(report.before_label)} under baseline "
                 f"`{report.baseline.id}` {report.baseline.version}, as of {report.as_of}.",
                 "",
                 f"{icon} **{md_escape(_verdict(report))}**", ""]
        for section, changes in groupby(report.changes, key=lambda c: c.section):
            lines += [f"#### {md_escape(section)}", "",
                      "| | Change | Before | After | Direction | Compliance | Rules |",
                      "|---|---|---|---|---|---|---|"]
            for c in changes:
                what = f"`{c.pointer}`" + (f" {md_escape(c.label)}" if c.label else "")
                direction = f"**{c.direction}**" if c.direction == LOOSENING else c.direction
                compliance = "" if c.compliance == "ungoverned" else c.compliance.replace(
                    "→", " → ")
                lines.append(f"| {SYMBOLS[c.kind]} | {what} | {_code(c.before)} | "
                             f"{_code(c.after)} | {direction} | {compliance} | "
                             f"{', '.join(c.rules)} |")
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"


class JsonDriftReporter(DriftReporter):
    """``changes[]`` with pointer, kind, before, after, direction, rules and compliance."""

    def render(self, report: DriftReport) -> str:
        data = {
            "tool": {"name": TOOL_NAME, "version": __version__},
            "baseline": {"id": report.baseline.id, "version": report.baseline.version,
                         "sha256": report.baseline.sha256},
            "as_of": report.as_of,
            "before": {"label": report.before_label, "sha256": report.before_sha256},
            "after": {"path": report.after_path, "sha256": report.after_sha256},
            "fail_on": report.fail_on,
            "gate_failed": report.gate_failed,
            "changes": [
                {"pointer": c.pointer, "section": c.section, "label": c.label, "kind": c.kind,
                 "before": c.before, "after": c.after, "direction": c.direction,
                 "rules": list(c.rules), "compliance": c.compliance,
                 "compliance_before": c.compliance_before,
                 "compliance_after": c.compliance_after}
                for c in report.changes],
            "summary": summary(report),
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


DRIFT_REPORTERS: dict[str, type[DriftReporter]] = {
    "text": TextDriftReporter,
    "json": JsonDriftReporter,
    "markdown": MarkdownDriftReporter,
}
