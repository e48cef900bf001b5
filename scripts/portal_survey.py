"""Survey Flock Transparency Portal snapshots, each agency under its own state's baseline.

Usage:  python scripts/portal_survey.py [../shared/data/flock-portal] [--as-of YYYY-MM-DD]
                                        [--agencies]

For the latest snapshot of every agency folder it reads the agency's state (from the portal
page, or the folder's name) and judges the snapshot under that state's built-in baseline
(``--baseline auto``). It prints, per state: agencies judged, agencies with out-of-state,
federal and private recipients (relative to the agency's own state), agencies whose retention
is over the state's limit, agencies with a rule whose outcome is unknown, and recipients whose
state or kind the name does not give. ``--agencies`` also prints one row per agency. Agencies
of a state with no baseline are counted apart, never judged under another state's law.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from lpr_lint.adapters.load import load_input
from lpr_lint.errors import InputError
from lpr_lint.model import Outcome, Severity
from lpr_lint.rules.baseline import BUILTIN_BASELINES, TEMPLATE_BASELINES, load_baseline
from lpr_lint.rules.engine import Checker, Options

COLUMNS = ("judged", "out-of-state", "federal", "private", "over retention", "unknown rule",
           "failing critical")


def _recipients(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    partners = (data.get("sharing") or {}).get("partners")
    if partners is None:
        return None
    return [p for p in partners if p.get("direction") in ("outbound", "both")]


def survey_one(doc: Any, checker: Checker | None) -> dict[str, Any]:
    """One agency's figures (``checker`` None: its state has no baseline)."""
    data = doc.data
    own = (data.get("agency") or {}).get("state")
    outbound = _recipients(data)
    row: dict[str, Any] = {"state": own, "partners_known": outbound is not None}
    out = outbound or []
    federal = [p for p in out if p.get("state") == "US" or p.get("kind") == "federal"]
    row["federal"] = len(federal)
    row["out_of_state"] = sum(1 for p in out if p not in federal
                              and p.get("state") not in (None, own))
    row["private"] = sum(1 for p in out if p.get("kind") in ("private", "vendor"))
    row["state_unknown"] = sum(1 for p in out if p not in federal and p.get("state") is None)
    row["kind_unknown"] = sum(1 for p in out if p.get("kind") is None)
    row["recipients"] = len(out)
    row["retention"] = (data.get("retention") or {}).get("plate_reads_days")
    if checker is None:
        return row
    params = checker.baseline.parameters
    limited = "retention_limited" in params and params["retention_limited"].value is True
    limit = params["retention_days"].value if limited else None
    if checker.baseline.id == "ct":
        limit = 21
    row["limit"] = limit
    row["over_retention"] = (limit is not None and isinstance(row["retention"], int)
                             and row["retention"] > limit)
    result = checker.check(doc)
    row["failing"] = sorted({f.rule_id for f in result.findings
                             if f.outcome is Outcome.FAIL and f.severity is Severity.CRITICAL})
    row["unknown"] = sorted({f.rule_id for f in result.findings if f.outcome is Outcome.UNKNOWN})
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default="../shared/data/flock-portal")
    parser.add_argument("--as-of", default=dt.date.today().isoformat())
    parser.add_argument("--agencies", action="store_true", help="one row per agency too")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"portal_survey: no such folder: {folder}", file=sys.stderr)
        return 3
    options = Options(as_of=dt.date.fromisoformat(args.as_of))
    checkable = set(BUILTIN_BASELINES) - TEMPLATE_BASELINES
    checkers: dict[str, Checker] = {}
    per_state: dict[str, Counter[str]] = defaultdict(Counter)
    rows, errors = [], 0
    for agency_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        snapshots = sorted(agency_dir.glob("*.json"))
        if not snapshots:
            continue
        try:
            doc = load_input(str(snapshots[-1]), source="flock-portal").document
        except InputError as exc:
            errors += 1
            print(f"portal_survey: {exc.one_line()}", file=sys.stderr)
            continue
        state = (doc.data.get("agency") or {}).get("state")
        bid = state.lower() if isinstance(state, str) and state.lower() in checkable else None
        if bid is not None and bid not in checkers:
            checkers[bid] = Checker(load_baseline(bid), options)
        row = survey_one(doc, checkers.get(bid) if bid else None)
        rows.append((agency_dir.name, bid, row))
        tally = per_state[state or "?"]
        tally["agencies"] += 1
        tally["recipients"] += row["recipients"]
        tally["recipients, state unknown"] += row["state_unknown"]
        tally["recipients, kind unknown"] += row["kind_unknown"]
        if bid is None:
            tally["no baseline"] += 1
            continue
        tally["judged"] += 1
        tally["out-of-state"] += row["out_of_state"] > 0
        tally["federal"] += row["federal"] > 0
        tally["private"] += row["private"] > 0
        tally["over retention"] += bool(row["over_retention"])
        tally["unknown rule"] += bool(row["unknown"])
        tally["failing critical"] += bool(row["failing"])
        tally["partner list unknown"] += not row["partners_known"]
    if args.agencies:
        for name, bid, row in rows:
            verdict = ("no baseline for its state" if bid is None else
                       "fails " + ",".join(row["failing"]) if row["failing"]
                       else "no critical failure")
            print(f"{name:<40} {row['state'] or '?':<3} retention {row['retention']!s:<5} "
                  f"recipients {row['recipients']:>3} (out-of-state {row['out_of_state']}, "
                  f"federal {row['federal']}, private {row['private']}, state unknown "
                  f"{row['state_unknown']}) {verdict}")
        print()
    header = ("state", "agencies", *COLUMNS, "recipients", "state unknown", "kind unknown")
    lines = [header]
    for state in sorted(per_state):
        t = per_state[state]
        judged = [str(t[c]) if t["judged"] else "-" for c in COLUMNS]
        lines.append((state, str(t["agencies"]), *judged, str(t["recipients"]),
                      str(t["recipients, state unknown"]), str(t["recipients, kind unknown"])))
    total = Counter[str]()
    for t in per_state.values():
        total.update(t)
    lines.append(("all", str(total["agencies"]), *(str(total[c]) for c in COLUMNS),
                  str(total["recipients"]), str(total["recipients, state unknown"]),
                  str(total["recipients, kind unknown"])))
    widths = [max(len(r[i]) for r in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(c.rjust(w) if i else c.ljust(w)
                        for i, (c, w) in enumerate(zip(line, widths, strict=True))))
    print()
    print(f"agencies: {total['agencies']}; judged under their own state's baseline: "
          f"{total['judged']}; no baseline for their state: {total['no baseline']}; "
          f"unreadable: {errors}; as of {args.as_of}. Counts of agencies, except the last "
          "three columns (recipients).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
