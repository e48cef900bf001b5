"""How many sharing recipients' names the organisation classifier cannot place.

Usage:  python scripts/org_unknowns.py [../shared/data/flock-portal] [--list]

Over every distinct recipient name (``sharing_outbound``) of the latest snapshot of each
agency folder, it prints the share whose state is unknown and whose kind is unknown, read
twice: "before", with the gazetteer turned off (``classify(name, gazetteer=False)``: only state
codes and spelled-out states, as the classifier read names before the gazetteer), and "after",
with it (counties, places, regional bodies, tribes, the university list). Kind is counted two
ways: the classifier's kind (``unknown``) and the export kind (what an adapter writes in export
format v1: unset for ``unknown``, a fusion centre and a university not known to be public or
private). It also counts the latest snapshot that is not empty, since a portal page that failed
to load leaves a week's lists empty. ``--list`` prints the names still without a state.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lpr_lint.rules.orgs import OrgClass, classify, export_kind


def recipient_names(folder: Path, skip_empty: bool = False) -> tuple[set[str], int, int]:
    """(distinct recipient names, agencies read, agencies whose chosen snapshot is empty)."""
    names: set[str] = set()
    agencies = empty = 0
    for agency in sorted(p for p in folder.iterdir() if p.is_dir()):
        snapshots = sorted(agency.glob("*.json"), reverse=True)
        if not snapshots:
            continue
        agencies += 1
        chosen: list[str] = []
        for path in snapshots:
            data = json.loads(path.read_text(encoding="utf-8"))
            chosen = [n for n in data.get("sharing_outbound") or [] if isinstance(n, str)]
            if chosen or not skip_empty:
                break
        empty += not chosen
        names.update(chosen)
    return names, agencies, empty


def _share(count: int, total: int) -> str:
    return f"{count:5d} / {total} ({100 * count / total:5.1f}%)" if total else f"{count} / 0"


def tally(names: set[str], gazetteer: bool) -> dict[str, int]:
    read: list[OrgClass] = [classify(n, gazetteer) for n in names]
    return {"state": sum(o.state is None for o in read),
            "kind": sum(o.kind == "unknown" for o in read),
            "export kind": sum(export_kind(o) is None for o in read)}


def report(title: str, names: set[str], agencies: int, empty: int) -> None:
    total = len(names)
    print(f"{title}: {agencies} agencies ({empty} with an empty list), {total} distinct "
          "recipient names")
    before, after = tally(names, gazetteer=False), tally(names, gazetteer=True)
    for what in before:
        print(f"  unknown {what:12} before {_share(before[what], total)}   "
              f"after {_share(after[what], total)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default="../shared/data/flock-portal")
    parser.add_argument("--list", action="store_true", help="print the names still stateless")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"{folder}: no such folder", file=sys.stderr)
        return 2
    names, agencies, empty = recipient_names(folder)
    report("latest snapshot", names, agencies, empty)
    names2, agencies2, empty2 = recipient_names(folder, skip_empty=True)
    report("latest non-empty snapshot", names2, agencies2, empty2)
    if args.list:
        for name in sorted(names2):
            found = classify(name)
            if found.state is None:
                print(f"  no state: {name!r} ({found.kind})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
