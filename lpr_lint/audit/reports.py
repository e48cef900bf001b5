"""Audit reports: JSON, CSV, Markdown, self-contained HTML and a terminal summary.

Every renderer is ``(auditor, stream) -> None`` and writes text to ``stream``; flagged rows
are streamed from the auditor's spool, so a large report never sits in memory. Output is
deterministic: same inputs and options, same bytes.
"""

from __future__ import annotations

import csv
import json
from itertools import islice
from typing import IO, Any

from lpr_lint.audit.review import FLAGS, Auditor
from lpr_lint.report.html import bullets, esc, page, table
from lpr_lint.report.markdown import md_escape

FLAG_TEXT = {
    "immigration": "reason matches an immigration-enforcement term",
    "reproductive_care": "reason matches a reproductive-health-care term",
    "first_amendment": "reason matches a protest / protected-activity term",
    "federal_requester": "requester is a federal agency",
    "out_of_state_requester": "requester is in another state",
    "vague_reason": "reason too vague to audit (e.g. \"investigation\")",
    "missing_reason": "no reason recorded",
    "missing_case_number": "no case number (empty or withheld)",
    "bulk_search": "searched more networks/devices than the bulk threshold",
}
HTML_ROW_LIMIT = 1000
"""The HTML report lists at most this many flagged rows (the JSON and CSV list all)."""
CSV_COLUMNS = ("file", "row", "id", "search_time", "org", "org_state", "org_kind", "reason",
               "offense_type", "case_number", "networks", "devices", "flags", "matches",
               "declared_partner")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _indent(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).replace("\n", "\n  ")


def write_json(auditor: Auditor, out: IO[str]) -> None:
    """``{files, flagged, [sample], searches_scanned, summary}``, keys sorted."""
    out.write('{\n  "files": ' + _indent(auditor.files) + ',\n  "flagged": [')
    out.write("\n  ]" if auditor.write_flagged(out) else "]")
    sample = auditor.sample()
    if sample is not None:
        out.write(',\n  "sample": ' + _indent(sample))
    out.write(f',\n  "searches_scanned": {auditor.scanned},\n  "summary": '
              + _indent(auditor.summary()) + "\n}\n")


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula (a leading ``'`` when needed)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(auditor: Auditor, out: IO[str]) -> None:
    """One line per flagged search; formula injection neutralised."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in auditor.flagged():
        values = dict(row)
        values["flags"] = ";".join(row["flags"])
        values["matches"] = ";".join(f"{m['group']}:{m['term']}:{m['verdict']}"
                                     for m in row["matches"])
        dp = row["declared_partner"]
        values["declared_partner"] = "" if dp is None else str(dp).lower()
        writer.writerow([safe_cell(values.get(c)) for c in CSV_COLUMNS])


def _md(value: Any) -> str:
    return md_escape("" if value is None else str(value))


def _scope(auditor: Auditor) -> list[str]:
    s = auditor.summary()
    lines = [f"- Searches reviewed: {auditor.scanned:,} in {len(auditor.files)} file(s); "
             f"{s['flagged']:,} flagged; {s['violations']:,} at violation level "
             f"(gate: --fail-on {s['fail_on']})"]
    if s["since"] or s["until"]:
        lines.append(f"- Period: {s['since'] or 'start'} to {s['until'] or 'end'} (UTC); "
                     f"{s['excluded_by_date']:,} searches outside it not counted")
    if s["duplicates"]:
        lines.append(f"- Duplicate search IDs counted once: {s['duplicates']:,}")
    if s["case_number_not_recorded"]:
        lines.append("- Case number: not recorded by the log format of "
                     + ", ".join(s["case_number_not_recorded"]))
    if "declared_partner" in s:
        d = s["declared_partner"]
        lines.append(f"- Out-of-state/federal flagged searches by declared partners: "
                     f"{d['declared']:,}; by organisations with no declaration on file: "
                     f"{d['undeclared']:,}")
    return lines


def write_markdown(auditor: Auditor, out: IO[str]) -> None:
    """A summary for a police commission: scope, flags, months, requesters, sample."""
    s = auditor.summary()
    parts = [f"# LPR search-audit review ({_md(s['agency_state'])})", "", *_scope(auditor), "",
             "## Flags", "", "| Flag | Meaning | Searches |", "|---|---|---:|"]
    parts += [f"| `{f}` | {_md(FLAG_TEXT[f])} | {s['by_flag'][f]:,} |" for f in FLAGS]
    parts += ["", "## By month (UTC)", "", "| Month | Searches | Flagged |", "|---|---:|---:|"]
    parts += [f"| {_md(m)} | {v['searches']:,} | {v['flagged']:,} |"
              for m, v in s["by_month"].items()]
    parts += ["", "## By requester state", "", "| State | Searches | Flagged |", "|---|---:|---:|"]
    parts += [f"| {_md(st)} | {v['searches']:,} | {v['flagged']:,} |"
              for st, v in s["by_requester_state"].items()]
    parts += ["", "## Top requesters", "", "| Organisation | State | Kind | Searches | Flagged |",
              "|---|---|---|---:|---:|"]
    parts += [f"| {_md(r['org'] or '(not recorded)')} | {_md(r['org_state'] or '?')} | "
              f"{_md(r['org_kind'])} | {r['searches']:,} | {r['flagged']:,} |"
              for r in s["by_requester"][:20]]
    sample = auditor.sample()
    if sample is not None:
        parts += ["", f"## Review sample ({len(sample['rows'])} of {sample['population']:,} "
                  f"out-of-state/federal searches; seed {sample['seed']})", "",
                  "| File | Row | Time (UTC) | Requester | Reason |", "|---|---:|---|---|---|"]
        parts += [f"| {_md(r['file'])} | {r['row']} | {_md(r['search_time'])} | {_md(r['org'])} "
                  f"| {_md(r['reason'])} |" for r in sample["rows"]]
    out.write("\n".join(parts) + "\n")


def _svg_chart(by_month: dict[str, dict[str, int]]) -> str:
    """Monthly searches (light) and flagged searches (dark) as an inline SVG bar chart."""
    months = list(by_month.items())
    if not months:
        return "<p>No searches.</p>"
    peak = max(max(v["searches"], 1) for _, v in months)
    bar, gap, height = 28, 10, 160
    width = len(months) * (bar + gap) + gap
    items = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 40}" '
             f'role="img" aria-label="Searches and flagged searches by month">']
    for i, (month, v) in enumerate(months):
        x = gap + i * (bar + gap)
        for value, cls in ((v["searches"], "all"), (v["flagged"], "flagged")):
            h = round(height * value / peak)
            items.append(f'<rect class="{cls}" x="{x}" y="{height - h}" width="{bar}" '
                         f'height="{h}"><title>{esc(month)}: {value:,} '
                         f'{"flagged" if cls == "flagged" else "searches"}</title></rect>')
        items.append(f'<text x="{x + bar / 2}" y="{height + 14}" text-anchor="middle" '
                     f'font-size="9">{esc(month)}</text>')
    items.append("</svg>")
    return "".join(items)


_CSS = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:72em;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
        "padding:.25em .5em;text-align:left;vertical-align:top}td.n{text-align:right}"
        "rect.all{fill:#c9d6e8}rect.flagged{fill:#a33}code{background:#f4f4f4}")


def write_html(auditor: Auditor, out: IO[str]) -> None:
    """A self-contained page: no script, no network, inline CSS and SVG; input escaped."""
    s = auditor.summary()
    body = [f"<h1>LPR search-audit review ({esc(s['agency_state'])})</h1>",
            bullets(esc(line[2:]) for line in _scope(auditor)),
            "<h2>By month (UTC)</h2>", _svg_chart(s["by_month"]), "<h2>Flags</h2>",
            *table(["Flag", "Meaning", "Searches"],
                   [[f, FLAG_TEXT[f], s["by_flag"][f]] for f in FLAGS]),
            "<h2>Top requesters</h2>",
            *table(["Organisation", "State", "Kind", "Searches", "Flagged"],
                   [[r["org"] or "(not recorded)", r["org_state"] or "?", r["org_kind"],
                     r["searches"], r["flagged"]] for r in s["by_requester"]])]
    sample = auditor.sample()
    if sample is not None:
        body += [f"<h2>Review sample (seed {sample['seed']})</h2>",
                 *table(["File", "Row", "Time (UTC)", "Requester", "Reason"],
                        [[r["file"], r["row"], r["search_time"] or "", r["org"], r["reason"]]
                         for r in sample["rows"]])]
    body += [f"<h2>Flagged searches (first {HTML_ROW_LIMIT:,}; JSON/CSV list all)</h2>",
             *table(["File", "Row", "Time (UTC)", "Requester", "Reason", "Flags"],
                    ([row["file"], row["row"], row["search_time"] or "", row["org"] or "",
                      row["reason"], ", ".join(row["flags"])]
                     for row in islice(auditor.flagged(), HTML_ROW_LIMIT)))]
    out.write(page("LPR search-audit review", _CSS, body))


def write_text(auditor: Auditor, out: IO[str]) -> None:
    """A short terminal summary: counts by flag and the top requesters."""
    s = auditor.summary()
    lines = [f"Searches reviewed: {auditor.scanned:,} in {len(auditor.files)} file(s); "
             f"{s['flagged']:,} flagged; {s['violations']:,} at violation level"]
    lines += [f"  {f:<24}{s['by_flag'][f]:>10,}" for f in FLAGS if s["by_flag"][f]]
    notes = [line[2:] for line in _scope(auditor)[1:]]
    lines += [f"Note: {n}" for n in notes]
    top = [r for r in s["by_requester"] if r["flagged"]][:10]
    if top:
        lines.append("Top requesters with flagged searches:")
        lines += [f"  {(r['org'] or '(not recorded)')[:48]:<48} {r['org_state'] or '?':>3} "
                  f"{r['flagged']:>9,} of {r['searches']:,}" for r in top]
    sample = auditor.sample()
    if sample is not None:
        lines.append(f"Review sample: {len(sample['rows'])} of {sample['population']:,} "
                     f"out-of-state/federal searches (seed {sample['seed']}; see the JSON)")
    out.write("\n".join(lines) + "\n")
