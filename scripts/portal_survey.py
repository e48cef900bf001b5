"""Survey Flock Transparency Portal snapshots under the Connecticut baseline.

Usage:  python scripts/portal_survey.py [../shared/data/flock-portal] [--as-of YYYY-MM-DD]

For the latest snapshot of every agency folder it prints: agency, retention (days), outbound
partners, federal partners and out-of-state partners among them, and the verdict under the
Connecticut baseline (the critical rules that fail or cannot be shown), then the totals.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from pathlib import Path

from lpr_lint.adapters.load import load_input
from lpr_lint.errors import InputError
from lpr_lint.model import Outcome, Severity
from lpr_lint.rules.baseline import load_baseline
from lpr_lint.rules.engine import Checker, Options


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default="../shared/data/flock-portal")
    parser.add_argument("--as-of", default=dt.date.today().isoformat())
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"portal_survey: no such folder: {folder}", file=sys.stderr)
        return 3
    checker = Checker(load_baseline("ct"), Options(as_of=dt.date.fromisoformat(args.as_of)))
    rows, totals, errors = [], Counter(), 0
    converted = sum(1 for _ in folder.glob("*/*.json"))
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
        data = doc.data
        own_state = data.get("agency", {}).get("state")
        partners = data.get("sharing", {}).get("partners")
        outbound = [p for p in partners or [] if p.get("direction") in ("outbound", "both")]
        federal = [p for p in outbound if p.get("state") == "US" or p.get("kind") == "federal"]
        out_of_state = [p for p in outbound if p.get("state") not in (None, "US", own_state)]
        result = checker.check(doc)
        critical = sorted({f.rule_id for f in result.findings
                           if f.severity is Severity.CRITICAL and f.outcome is Outcome.FAIL})
        verdict = "fails " + ",".join(critical) if critical else "no critical failure"
        retention = data.get("retention", {}).get("plate_reads_days")
        rows.append((agency_dir.name, "?" if retention is None else str(retention),
                     "?" if partners is None else str(len(outbound)), str(len(federal)),
                     str(len(out_of_state)), verdict))
        totals["agencies"] += 1
        totals["retention over 21 days"] += retention is not None and retention > 21
        totals["retention unknown"] += retention is None
        totals["partner list unknown"] += partners is None
        totals["outbound partners"] += len(outbound)
        totals["federal partners"] += len(federal)
        totals["out-of-state partners"] += len(out_of_state)
        totals["agencies sharing out of state"] += bool(out_of_state)
        totals["agencies sharing with federal"] += bool(federal)
        totals["agencies failing a critical rule"] += bool(critical)
    header = ("agency", "retention", "outbound", "federal", "out-of-state", "verdict (CT)")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row[:5], widths, strict=True)) + "  " + row[5])
    print()
    print(f"snapshots in folder: {converted}; latest per agency converted: {totals['agencies']}; "
          f"unreadable: {errors}")
    for key, value in totals.items():
        if key != "agencies":
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
