"""Survey reports: text, Markdown, HTML, CSV and JSON of a :class:`~lpr_lint.survey.records.Survey`.

Each renderer is a function of the survey returning a string (the CLI writes it). Output is
deterministic: the same inputs give the same bytes. Text from an export (an agency's or a
recipient's name) is escaped for its format: control characters dropped in text, Markdown
escaped, HTML escaped, CSV cells quoted and kept from being read as formulas.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from lpr_lint import TOOL_NAME
from lpr_lint.report.cells import safe_cell
from lpr_lint.report.html import esc, page, table
from lpr_lint.report.markdown import md_escape, md_opening
from lpr_lint.survey.records import (
    DISCLAIMER,
    SURVEY_FORMAT,
    AgencyRows,
    RecipientLine,
    Row,
    Survey,
    Totals,
)

TEXT_RECIPIENTS = 40
"""The text report lists this many recipients (Markdown 100, HTML 1,000; JSON all)."""
MARKDOWN_RECIPIENTS = 100
HTML_RECIPIENTS = 1000
NAME_WIDTH = 40
CSV_COLUMNS = ("agency", "ori", "state", "snapshot", "path", "baseline", "verdict",
               "critical", "high", "unknown", "critical_rules", "high_rules", "unknown_rules",
               "retention_days", "retention_limit", "over_retention", "recipients",
               "out_of_state", "federal", "private", "state_unknown", "kind_unknown", "note")
AGENCY_HEAD = ("Agency", "State", "Snapshot", "Baseline", "Verdict", "Critical", "High",
               "Unknown", "Retention (days)", "Limit", "Recipients", "Out of state", "Federal",
               "Private", "State unknown", "Kind unknown")
RECIPIENT_HEAD = ("Recipient", "Kind", "State", "Agencies sharing", "Out of state for")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


# --- shared wording -------------------------------------------------------------------------

def _mode(s: Survey) -> str:
    if s.baseline == "auto":
        return "baseline auto (each agency under its own state's baseline)"
    return f"baseline {s.baseline} for every agency (counts relative to each agency's own state)"


def _scope(s: Survey) -> str:
    t = s.totals
    what = "every snapshot" if s.all_snapshots else "the latest snapshot"
    return (f"{t.agencies:,} agencies ({what} of each), as of {s.as_of}; {_mode(s)}. "
            f"{t.judged:,} judged: {t.passed:,} pass, {t.failed:,} fail, {t.unknown:,} "
            f"unknown; {t.no_baseline:,} with no baseline for their state; {t.unreadable:,} "
            "unreadable inputs.")


def _totals_line(t: Totals) -> str:
    return (f"Recipients: {t.recipients:,} ({t.out_of_state:,} out of their agency's state, "
            f"{t.federal:,} federal, {t.private:,} private, {t.state_unknown:,} of unknown "
            f"state, {t.kind_unknown:,} of unknown kind); {t.partners_unknown:,} agencies list "
            f"no partners. Failed rules: {t.critical:,} critical, {t.high:,} high; "
            f"{t.unknown_rules:,} rules unknown. {t.over_retention:,} agencies keep plate "
            "reads longer than their baseline allows.")


def _flat(a: AgencyRows, s: Survey) -> Iterable[tuple[AgencyRows, Row]]:
    for row in a.rows if s.all_snapshots else (a.latest,):
        yield a, row


def _cells(a: AgencyRows, r: Row) -> list[Any]:
    """One agency row's values, in :data:`AGENCY_HEAD` order (None: unknown or not judged)."""
    c = r.recipients
    judged = r.baseline is not None
    return [a.name or r.path, a.state, r.snapshot, r.baseline, r.verdict.value,
            len(r.critical) if judged else None, len(r.high) if judged else None,
            len(r.unknown) if judged else None, r.retention_days, r.retention_limit,
            *((c.total, c.out_of_state, c.federal, c.private, c.state_unknown, c.kind_unknown)
              if c is not None else (None,) * 6)]


def _recipient_cells(r: RecipientLine) -> list[Any]:
    return [r.name, r.kind, r.state, r.agencies, r.out_of_state_for]


def _unreadable_cells(s: Survey) -> list[list[Any]]:
    return [[u.path, None, None, None, "unreadable", *([None] * 11)] for u in s.unreadable]


# --- text -----------------------------------------------------------------------------------

def _plain(value: Any, width: int | None = None) -> str:
    text = "-" if value is None else _CONTROL.sub("", str(value))
    if width is not None and len(text) > width:
        text = text[:width - 1] + "\u2026"
    return text


def _columns(rows: list[list[Any]], head: Iterable[str], first: int, numbers: int) -> list[str]:
    """Rows of values as aligned columns: the first cut at ``first``; the columns from
    ``numbers`` on right-aligned."""
    table_rows = [list(head)] + [[_plain(v, first if i == 0 else None) for i, v in enumerate(r)]
                                 for r in rows]
    widths = [max(len(r[i]) for r in table_rows) for i in range(len(table_rows[0]))]
    return ["  ".join(c.rjust(w) if i >= numbers else c.ljust(w)
                      for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
            for r in table_rows]


_SHORT_HEAD = ("AGENCY", "ST", "SNAPSHOT", "BASELINE", "VERDICT", "CRIT", "HIGH", "UNKN",
               "RET", "LIMIT", "RECIP", "OUT-ST", "FED", "PRIV", "ST?", "KIND?")


def render_text(s: Survey) -> str:
    """A terminal report: scope, one row per agency, totals, recipients, notes."""
    out = [f"{TOOL_NAME} survey: {_scope(s)}", DISCLAIMER, ""]
    rows = [_cells(a, r) for a in s.agencies for a, r in _flat(a, s)] + _unreadable_cells(s)
    out += _columns(rows, _SHORT_HEAD, NAME_WIDTH, 5)
    out += ["", _totals_line(s.totals)]
    if s.unreadable:
        out += ["", "Unreadable inputs:"] + [f"  {_plain(u.path)}: {_plain(u.error)}"
                                             for u in s.unreadable]
    shown = s.recipients[:TEXT_RECIPIENTS]
    out += ["", f"Recipients ({len(shown):,} of {len(s.recipients):,}; out of state, federal "
            "and private first; JSON lists all):"]
    out += ["  " + line for line in _columns([_recipient_cells(r) for r in shown],
                                             ("RECIPIENT", "KIND", "ST", "AGENCIES",
                                              "OUT-ST FOR"), NAME_WIDTH, 3)]
    if s.notes:
        out += ["", "Notes:"] + [f"  {_plain(n)}" for n in s.notes]
    return "\n".join(out) + "\n"


# --- Markdown -------------------------------------------------------------------------------

def _md_cell(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:,}" if isinstance(value, int) else md_escape(str(value))


def _md_table(head: Iterable[str], rows: Iterable[list[Any]]) -> list[str]:
    head = list(head)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return lines + ["| " + " | ".join(_md_cell(v) for v in r) + " |" for r in rows]


def render_markdown(s: Survey) -> str:
    """A Markdown report for a pull request or a wiki page."""
    out = md_opening("LPR survey", md_escape(_scope(s)), s.notes)
    out += [f"*{md_escape(DISCLAIMER)}*", "", "#### Agencies", ""]
    out += _md_table(AGENCY_HEAD, [_cells(a, r) for a in s.agencies for a, r in _flat(a, s)]
                     + _unreadable_cells(s))
    out += ["", md_escape(_totals_line(s.totals)), ""]
    if s.unreadable:
        out += ["#### Unreadable inputs", ""]
        out += [f"- {md_escape(u.path)}: {md_escape(u.error)}" for u in s.unreadable] + [""]
    shown = s.recipients[:MARKDOWN_RECIPIENTS]
    out += [f"#### Recipients ({len(shown):,} of {len(s.recipients):,})", ""]
    out += _md_table(RECIPIENT_HEAD, [_recipient_cells(r) for r in shown])
    return "\n".join(out) + "\n"


# --- HTML -----------------------------------------------------------------------------------

_CSS = ("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}"
        ".wrap{max-width:100%;overflow-x:auto}"
        "table{border-collapse:collapse;margin:1em 0;max-width:100%}"
        "td,th{border:1px solid #ccc;padding:.2em .4em;text-align:left;vertical-align:top;"
        "overflow-wrap:normal;word-break:normal}"
        "td:first-child{min-width:10em;max-width:18em;overflow-wrap:anywhere}"
        ".wrap table{font-size:.85em}td:nth-child(3){white-space:nowrap}"
        "@media print{.wrap{overflow:visible}.wrap table{font-size:7pt}}"
        "td.n{text-align:right;white-space:nowrap}th{background:#f4f4f4}"
        ".fail{color:#a00;font-weight:bold}")


def _html_value(value: Any) -> Any:
    return "\u2013" if value is None else value


def render_html(s: Survey) -> str:
    """A self-contained page: no script, no network; every name escaped; counts in cells."""
    t = s.totals
    agency_rows = ([_html_value(v) for v in _cells(a, r)] for a in s.agencies
                   for a, r in _flat(a, s))
    shown = s.recipients[:HTML_RECIPIENTS]
    body = ["<h1>LPR survey</h1>", f"<p>{esc(_scope(s))}</p>",
            f'<p class="fail">{esc(DISCLAIMER)}</p>', "<h2>Totals</h2>", '<div class="wrap">',
            *table(["Totals (each agency's latest snapshot)", "Number"], [
                ["Agencies", t.agencies], ["Judged", t.judged], ["Pass", t.passed],
                ["Fail", t.failed], ["Unknown", t.unknown], ["No baseline", t.no_baseline],
                ["Unreadable inputs", t.unreadable], ["Over retention", t.over_retention],
                ["Recipients", t.recipients], ["Out of their agency's state", t.out_of_state],
                ["Federal", t.federal], ["Private", t.private],
                ["State unknown", t.state_unknown], ["Kind unknown", t.kind_unknown]]),
            "</div>", "<h2>Agencies</h2>", '<div class="wrap">',
            *table(AGENCY_HEAD, [*agency_rows, *([_html_value(v) for v in r]
                                                 for r in _unreadable_cells(s))]),
            "</div>"]
    if s.unreadable:
        body += ["<h2>Unreadable inputs</h2>", "<ul>"]
        body += [f"<li>{esc(u.path)}: {esc(u.error)}</li>" for u in s.unreadable] + ["</ul>"]
    body += [f"<h2>Recipients ({len(shown):,} of {len(s.recipients):,})</h2>",
             "<p>Out of state for the sharing agency, federal or private first; then by the "
             "number of agencies sharing.</p>", '<div class="wrap">',
             *table(RECIPIENT_HEAD, ([_html_value(v) for v in _recipient_cells(r)]
                                     for r in shown)), "</div>"]
    if s.notes:
        body += ["<h2>Notes</h2>", "<ul>"] + [f"<li>{esc(n)}</li>" for n in s.notes] + ["</ul>"]
    return page("LPR survey", _CSS, body)


# --- CSV ------------------------------------------------------------------------------------

def render_csv(s: Survey) -> str:
    """One line per agency row (RFC 4180, CRLF), unreadable inputs last; no formula cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for a in s.agencies:
        for _, r in _flat(a, s):
            c = r.recipients
            counts = ((c.total, c.out_of_state, c.federal, c.private, c.state_unknown,
                       c.kind_unknown) if c is not None else (None,) * 6)
            judged = r.baseline is not None
            writer.writerow([safe_cell(v) for v in (
                a.name, a.ori, a.state, r.snapshot, r.path, r.baseline, r.verdict.value,
                *((len(r.critical), len(r.high), len(r.unknown)) if judged else (None,) * 3),
                " ".join(r.critical), " ".join(r.high), " ".join(r.unknown),
                r.retention_days, r.retention_limit, str(r.over_retention).lower(), *counts,
                r.note)])
    for u in s.unreadable:
        writer.writerow([safe_cell(v) for v in (
            None, None, None, None, u.path, None, "unreadable", *([None] * 15), u.error)])
    return buffer.getvalue()


# --- JSON -----------------------------------------------------------------------------------

def _row_json(r: Row) -> dict[str, Any]:
    c = r.recipients
    return {"path": r.path, "snapshot": r.snapshot, "baseline": r.baseline,
            "verdict": r.verdict.value, "critical": list(r.critical), "high": list(r.high),
            "unknown": list(r.unknown), "retention_days": r.retention_days,
            "retention_limit": r.retention_limit, "over_retention": r.over_retention,
            "recipients": None if c is None else {
                "total": c.total, "out_of_state": c.out_of_state, "federal": c.federal,
                "private": c.private, "state_unknown": c.state_unknown,
                "kind_unknown": c.kind_unknown},
            "note": r.note}


def render_json(s: Survey) -> str:
    """The survey as JSON (``schemas/survey.schema.json``), keys sorted."""
    t = s.totals
    data = {
        "survey_format": SURVEY_FORMAT,
        "tool": {"name": TOOL_NAME, "version": s.tool_version},
        "as_of": s.as_of, "baseline": s.baseline, "all_snapshots": s.all_snapshots,
        "disclaimer": DISCLAIMER,
        "agencies": [{"name": a.name, "ori": a.ori, "state": a.state,
                      "snapshots": [_row_json(r) for r in a.rows]} for a in s.agencies],
        "unreadable": [{"path": u.path, "error": u.error} for u in s.unreadable],
        "recipients": [{"name": r.name, "kind": r.kind, "state": r.state,
                        "agencies": r.agencies, "out_of_state_for": r.out_of_state_for,
                        "federal": r.federal, "private": r.private} for r in s.recipients],
        "totals": {k: getattr(t, k) for k in t.__dataclass_fields__},
        "notes": list(s.notes),
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
