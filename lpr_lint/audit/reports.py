"""Audit reports: JSON, CSV, Markdown, self-contained HTML and a terminal summary.

Every renderer is ``(auditor, stream) -> None`` and writes text to ``stream``; flagged rows
are streamed from the auditor's spool, so a large report never sits in memory. Output is
deterministic: same inputs and options, same bytes.
"""

from __future__ import annotations

import csv
import json
import re
from itertools import islice
from typing import IO, Any

from lpr_lint.audit.review import FLAGS, Auditor
from lpr_lint.report.cells import safe_cell
from lpr_lint.report.html import Markup, bullets, esc, ident, nowrap, page, table
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


def _requester_recorded(auditor: Auditor) -> bool:
    """Does some log record the requesting organisation?"""
    return "federal_requester" not in auditor.not_recorded()


def _flag_count(value: int | None) -> str:
    return "not recorded by this log format" if value is None else f"{value:,}"


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
    if s["requester_not_recorded"]:
        lines.append("- Requester: not recorded by the log format of "
                     + ", ".join(s["requester_not_recorded"])
                     + ("; federal_requester and out_of_state_requester cannot be judged"
                        if not _requester_recorded(auditor) else
                        "; the requester counts cover the other files only"))
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
    parts += [f"| `{f}` | {_md(FLAG_TEXT[f])} | {_flag_count(s['by_flag'][f])} |"
              for f in FLAGS]
    parts += ["", "## By month (UTC)", "", "| Month | Searches | Flagged |", "|---|---:|---:|"]
    parts += [f"| {_md(m)} | {v['searches']:,} | {v['flagged']:,} |"
              for m, v in s["by_month"].items()]
    if _requester_recorded(auditor):
        parts += ["", "## By requester state", "", "| State | Searches | Flagged |",
                  "|---|---:|---:|"]
        parts += [f"| {_md(st)} | {v['searches']:,} | {v['flagged']:,} |"
                  for st, v in s["by_requester_state"].items()]
        parts += ["", "## Top requesters", "",
                  "| Organisation | State | Kind | Searches | Flagged |", "|---|---|---|---:|---:|"]
        parts += [f"| {_md(r['org'] or '(not recorded)')} | {_md(r['org_state'] or '?')} | "
                  f"{_md(r['org_kind'])} | {r['searches']:,} | {r['flagged']:,} |"
                  for r in s["by_requester"][:20]]
    else:
        parts += ["", "## Requesters", "", "The requesting organisation is not recorded by this "
                  "log format: no count by requester or requester state."]
    sample = auditor.sample()
    if sample is not None:
        parts += ["", f"## Review sample ({len(sample['rows'])} of {sample['population']:,} "
                  f"out-of-state/federal searches; seed {sample['seed']})", "",
                  "| File | Row | Time (UTC) | Requester | Reason |", "|---|---:|---|---|---|"]
        parts += [f"| {_md(r['file'])} | {r['row']} | {_md(r['search_time'])} | {_md(r['org'])} "
                  f"| {_md(r['reason'])} |" for r in sample["rows"]]
        if not sample["rows"]:
            parts[-2:] = ["No out-of-state or federal search to sample" + (
                "." if _requester_recorded(auditor) else ": the requester is not recorded.")]
    out.write("\n".join(parts) + "\n")


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec")


def _calendar(by_month: dict[str, dict[str, int]]) -> list[tuple[str, int, int]]:
    """(YYYY-MM, searches, flagged) for every month from the first to the last, months with
    no search included (``unknown`` left out)."""
    known = sorted(m for m in by_month if len(m) == 7 and m[4] == "-" and m[:4].isdigit()
                   and m[5:].isdigit())
    if not known:
        return []
    year, month = int(known[0][:4]), int(known[0][5:])
    out = []
    while f"{year:04d}-{month:02d}" <= known[-1]:
        key = f"{year:04d}-{month:02d}"
        v = by_month.get(key, {"searches": 0, "flagged": 0})
        out.append((key, v["searches"], v["flagged"]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _svg_chart(by_month: dict[str, dict[str, int]]) -> str:
    """Searches and flagged searches by month as an inline SVG bar chart with a legend,
    a labelled count axis and a month axis whose labels never run together (every k-th
    month when there are many; the year under each January and the first month)."""
    months = _calendar(by_month)
    if not months:
        return "<p>No search has a readable time.</p>"
    peak = max(max(v for _, v, _ in months), 1)
    n = len(months)
    step = max(14, min(40, 880 // n))
    bar = max(8, round(step * 0.7))
    every = -(-30 // step)  # a month label needs about 30 px
    left = 28 + 7 * len(f"{peak:,}")
    top, height = 34, 160
    base = top + height
    width = max(left + n * step + 12, left + 360)  # (the legend's width)
    total = base + 58
    items = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
             f'height="{total}" viewBox="0 0 {width} {total}" role="img" '
             f'aria-label="Searches and flagged searches by month (UTC)">',
             f'<g class="legend" font-size="12"><rect class="all" x="{left}" y="4" width="12" '
             f'height="12"/><text x="{left + 16}" y="14">All searches</text>'
             f'<rect class="flagged" x="{left + 110}" y="4" width="12" height="12"/>'
             f'<text x="{left + 126}" y="14">Flagged searches (at least one flag)</text></g>']
    for value in sorted({0, peak // 2, peak}):
        y = base - round(height * value / peak)
        items.append(f'<line class="grid" x1="{left}" x2="{width - 8}" y1="{y}" y2="{y}"/>'
                     f'<text class="tick" x="{left - 6}" y="{y + 4}" text-anchor="end" '
                     f'font-size="11">{value:,}</text>')
    items.append(f'<text class="axis-title" transform="translate(12 {top + height // 2}) '
                 f'rotate(-90)" text-anchor="middle" font-size="12">Searches</text>')
    for i, (month, searched, flagged) in enumerate(months):
        x = left + 6 + i * step
        for value, cls, what in ((searched, "all", "searches"), (flagged, "flagged", "flagged")):
            h = round(height * value / peak)
            items.append(f'<rect class="{cls}" x="{x}" y="{base - h}" width="{bar}" '
                         f'height="{h}"><title>{esc(month)}: {value:,} {what}</title></rect>')
        centre = x + bar / 2
        m = int(month[5:])
        if i % every == 0:
            items.append(f'<text class="month" x="{centre:g}" y="{base + 14}" '
                         f'text-anchor="middle" font-size="11">{_MONTH_NAMES[m - 1]}</text>')
        if i % every == 0 and (m == 1 or (i == 0 and (13 - m) * step > 44)):
            items.append(f'<text class="year" x="{centre:g}" y="{base + 28}" '
                         f'text-anchor="middle" font-size="11">{month[:4]}</text>')
    items.append(f'<line class="axis" x1="{left}" x2="{width - 8}" y1="{base}" y2="{base}"/>'
                 f'<line class="axis" x1="{left}" x2="{left}" y1="{top}" y2="{base}"/>'
                 f'<text class="axis-title" x="{left + n * step / 2:g}" y="{base + 50}" '
                 f'text-anchor="middle" font-size="12">Month (UTC)</text></svg>')
    return "".join(items)


_CSS = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:72em;color:#222}"
        "table{margin:1em 0}td,th{border:1px solid #ccc;"
        "padding:.25em .5em;text-align:left;vertical-align:top}td.n{text-align:right}"
        "th{background:#f2f2f2}"
        "rect.all{fill:#c9d6e8}rect.flagged{fill:#a33}line.axis{stroke:#555}"
        "line.grid{stroke:#e4e4e4}svg text{fill:#222}code{background:#f4f4f4}"
        ".nr{color:#666;font-style:italic}")


def _labels(auditor: Auditor) -> dict[str, str]:
    """A short name for each log: its file name (the middle of a long one elided), numbered
    when two would read the same."""
    paths = list(dict.fromkeys(f["path"] for f in auditor.files))
    names = [re.split(r"[\\/]", p.rstrip("/\\"))[-1] or p for p in paths]
    names = [f"{n[:12]}…{n[-14:]}" if len(n) > 28 else n for n in names]
    if len(set(names)) < len(names):
        names = [f"#{i + 1} {name}" for i, name in enumerate(names)]
    return dict(zip(paths, names, strict=True))


def _count(value: int | None) -> Markup | int:
    """A flag's count, or what the log format did not record."""
    return Markup('<span class="nr">not recorded by this log format</span>') if value is None \
        else value


def write_html(auditor: Auditor, out: IO[str]) -> None:
    """A self-contained page: no script, no network, inline CSS and SVG; input escaped.

    Every number is printed as text (the chart's tooltips repeat them); long paths are
    shown by file name in the row tables, in full in the table of files."""
    s = auditor.summary()
    labels = _labels(auditor)

    def short(path: str) -> Markup:
        return Markup(f'<span title="{esc(path)}">{esc(labels.get(path, path))}</span>')

    body = [f"<h1>LPR search-audit review ({esc(s['agency_state'])})</h1>",
            bullets(esc(line[2:]) for line in _scope(auditor)),
            "<h2>Files</h2>",
            *table(["File", "Path as given", "Format", "Searches", "Duplicates", "sha256"],
                   [[labels[f["path"]], f["path"], f["format"], f["rows"], f["duplicates"],
                     Markup(f"<code>{esc(f['sha256'])}</code>")] for f in auditor.files]),
            "<h2>By month (UTC)</h2>", _svg_chart(s["by_month"]),
            *table(["Month", "Searches", "Flagged"],
                   [[nowrap(m), v["searches"], v["flagged"]]
                    for m, v in s["by_month"].items()]),
            "<h2>Flags</h2>",
            *table(["Flag", "Meaning", "Searches"],
                   [[ident(f), FLAG_TEXT[f], _count(s["by_flag"][f])] for f in FLAGS])]
    if _requester_recorded(auditor):  # (else every search's requester state is unknown)
        body += ["<h2>By requester state</h2>",
                 *table(["State", "Searches", "Flagged"],
                        [[st, v["searches"], v["flagged"]]
                         for st, v in s["by_requester_state"].items()]),
                 "<h2>Top requesters</h2>",
                 *table(["Organisation", "State", "Kind", "Searches", "Flagged"],
                        [[r["org"] or "(not recorded)", r["org_state"] or "?", r["org_kind"],
                          r["searches"], r["flagged"]] for r in s["by_requester"]])]
    else:
        body += ["<h2>Requesters</h2>",
                 '<p class="nr">The requesting organisation is not recorded by this log '
                 "format: no count by requester or requester state.</p>"]
    who = _requester_recorded(auditor)
    sample = auditor.sample()
    if sample is not None:
        body.append(f"<h2>Review sample ({len(sample['rows'])} of {sample['population']:,} "
                    f"out-of-state/federal searches; seed {sample['seed']})</h2>")
        if sample["rows"]:
            body += table(["File", "Row", "Time (UTC)", "Requester", "Reason"],
                          [[short(r["file"]), r["row"], nowrap(r["search_time"] or ""),
                            r["org"], r["reason"]] for r in sample["rows"]])
        else:
            body.append('<p class="nr">No out-of-state or federal search to sample'
                        + ("." if who else ": the requester is not recorded.") + "</p>")
    body += [f"<h2>Flagged searches (first {HTML_ROW_LIMIT:,}; JSON/CSV list all)</h2>",
             *table(["File", "Row", "Time (UTC)", *(["Requester"] if who else []), "Reason",
                     "Flags"],
                    ([short(row["file"]), row["row"], nowrap(row["search_time"] or ""),
                      *([row["org"] or ""] if who else []), row["reason"],
                      ", ".join(row["flags"])]
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
    top = [r for r in s["by_requester"] if r["flagged"]][:10] if _requester_recorded(
        auditor) else []
    if top:
        lines.append("Top requesters with flagged searches:")
        lines += [f"  {(r['org'] or '(not recorded)')[:48]:<48} {r['org_state'] or '?':>3} "
                  f"{r['flagged']:>9,} of {r['searches']:,}" for r in top]
    sample = auditor.sample()
    if sample is not None:
        lines.append(f"Review sample: {len(sample['rows'])} of {sample['population']:,} "
                     f"out-of-state/federal searches (seed {sample['seed']}; see the JSON)")
    out.write("\n".join(lines) + "\n")
