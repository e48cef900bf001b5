"""History reports: one agency's snapshots with their verdicts and what changed between them.

Text for a terminal, Markdown for an audit file or a job summary, JSON for tools. Each step's
changes are rendered exactly as ``drift`` renders them (loosening first).
"""

from __future__ import annotations

import abc
import json
from typing import Any

from lpr_lint import TOOL_NAME, __version__
from lpr_lint.history.records import Direction, Snapshot, Step, Timeline
from lpr_lint.report.drift import (
    MD_HEADER,
    change_json,
    change_row,
    counts,
    counts_text,
    gate_text,
    section_lines,
)
from lpr_lint.report.markdown import md_code, md_escape, md_opening, md_quotes

LEGEND = ("(+ added, ~ changed: pointers in the later snapshot; - removed: pointers in the "
          "earlier one)")


class HistoryReporter(abc.ABC):
    """Renders a whole timeline as one string."""

    @abc.abstractmethod
    def render(self, timeline: Timeline) -> str:
        """The complete output, ending in a newline."""


def verdict_text(s: Snapshot) -> str:
    """``FAIL: 7 failing (3 critical, 4 high), 30 unknown`` or ``pass``."""
    failing = sum(n for _, n in s.failing)
    detail = [f"{failing} failing ({', '.join(f'{n} {sev}' for sev, n in s.failing)})"
              if failing else "", f"{s.unknown} unknown" if s.unknown else ""]
    detail = [d for d in detail if d]
    return s.status.upper() + (f": {', '.join(detail)}" if detail else "")


def _when(s: Snapshot) -> str:
    return s.date or "undated"


def _loosened(timeline: Timeline) -> list[Step]:
    return [st for st in timeline.steps
            if any(c.direction is Direction.LOOSENING for c in st.changes)]


def closing(timeline: Timeline) -> str:
    """``4 snapshots, 3 steps; loosening in 2 (2026-04-10, 2026-04-24); 6 changes: …``."""
    steps = timeline.steps
    loosened = _loosened(timeline)
    where = (f" ({', '.join(_when(timeline.snapshots[st.after]) for st in loosened)})"
             if loosened else "")
    every = tuple(c for st in steps for c in st.changes)
    return (f"{len(timeline.snapshots)} snapshot{'s' if len(timeline.snapshots) != 1 else ''}, "
            f"{len(steps)} step{'s' if len(steps) != 1 else ''}, loosening in "
            f"{len(loosened)}{where}; {counts_text(every)}. "
            f"{gate_text(timeline.fail_on, timeline.gate_failed)}")


def _span(timeline: Timeline) -> str:
    dates = [s.date for s in timeline.snapshots if s.date]
    return f", {dates[0]} → {dates[-1]}" if len(dates) > 1 else ""


class TextHistoryReporter(HistoryReporter):
    """Each snapshot with its verdict, then what changed since the one before, indented."""

    def render(self, timeline: Timeline) -> str:
        snaps = timeline.snapshots
        lines = [f"History of {timeline.agency}: {len(snaps)} snapshot"
                 f"{'s' if len(snaps) != 1 else ''} in {timeline.source}{_span(timeline)}",
                 f"baseline {timeline.baseline.id} {timeline.baseline.version}, as of "
                 f"{timeline.as_of}"]
        lines += [f"note: {n}" for n in timeline.notices]
        lines += [LEGEND, ""]
        steps = {st.after: st for st in timeline.steps}
        for n, snap in enumerate(snaps):
            lines.append(f"{_when(snap)}  {snap.label}  {verdict_text(snap)}")
            lines += [f"  note: {x}" for x in snap.notices]
            step = steps.get(n)
            if step is not None:
                lines += [f"  note: {x}" for x in step.notes]
                since = _when(snaps[step.before])
                lines.append(f"  since {since}: "
                             + (counts_text(step.changes) if step.changes else "no changes"))
                lines += section_lines(step.changes, "  ")
            lines.append("")
        lines.append(closing(timeline))
        return "\n".join(lines) + "\n"


class MarkdownHistoryReporter(HistoryReporter):
    """A table of snapshots, then a table of changes for each step that has any."""

    def render(self, timeline: Timeline) -> str:
        icon = "❌" if timeline.gate_failed else "✅"
        lines = md_opening(f"lpr-lint history: {md_escape(timeline.agency)}",
                           f"{len(timeline.snapshots)} snapshots in "
                           f"{md_code(timeline.source, False)} under baseline "
                           f"{md_code(timeline.baseline.id, False)} "
                           f"{md_escape(timeline.baseline.version)}, as of {timeline.as_of}.",
                           timeline.notices)
        lines += [f"{icon} **{md_escape(closing(timeline))}**", "",
                  "| Date | Snapshot | Verdict | Changes since the previous | Loosening |",
                  "|---|---|---|---|---|"]
        steps = {st.after: st for st in timeline.steps}
        for n, snap in enumerate(timeline.snapshots):
            step = steps.get(n)
            c = counts(step.changes) if step else None
            lines.append(f"| {_when(snap)} | {md_code(snap.label)} | "
                         f"{md_escape(verdict_text(snap))} | "
                         f"{c['changes'] if c else ''} | {c['loosening'] if c else ''} |")
        for step in timeline.steps:
            before, after = timeline.snapshots[step.before], timeline.snapshots[step.after]
            lines += ["", f"#### {_when(before)} → {_when(after)}", ""]
            lines += md_quotes((*before.notices, *after.notices, *step.notes))
            if not step.changes:
                lines.append("No changes.")
                continue
            lines += [md_escape(counts_text(step.changes)), "", *MD_HEADER]
            lines.extend(change_row(c) for c in step.changes)
        return "\n".join(lines) + "\n"


def _snapshot_json(s: Snapshot) -> dict[str, Any]:
    return {"label": s.label, "date": s.date, "sha256": s.sha256, "status": s.status,
            "failing": dict(s.failing), "unknown": s.unknown, "notices": list(s.notices),
            "commit": s.commit}


class JsonHistoryReporter(HistoryReporter):
    """``snapshots[]`` with verdicts and ``steps[]`` with their changes, as drift has them."""

    def render(self, timeline: Timeline) -> str:
        every = tuple(c for st in timeline.steps for c in st.changes)
        data = {
            "tool": {"name": TOOL_NAME, "version": __version__},
            "baseline": {"id": timeline.baseline.id, "version": timeline.baseline.version,
                         "sha256": timeline.baseline.sha256},
            "as_of": timeline.as_of,
            "source": timeline.source,
            "agency": timeline.agency,
            "notices": list(timeline.notices),
            "fail_on": timeline.fail_on,
            "gate_failed": timeline.gate_failed,
            "snapshots": [_snapshot_json(s) for s in timeline.snapshots],
            "steps": [{"from": timeline.snapshots[st.before].label,
                       "to": timeline.snapshots[st.after].label,
                       "gate_failed": st.gate_failed, "summary": counts(st.changes),
                       "notes": list(st.notes),
                       "changes": [change_json(c) for c in st.changes]}
                      for st in timeline.steps],
            "summary": {**counts(every), "snapshots": len(timeline.snapshots),
                        "steps": len(timeline.steps),
                        "steps_loosening": len(_loosened(timeline))},
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
