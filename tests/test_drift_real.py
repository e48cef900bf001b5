"""Drift between consecutive weekly portal snapshots reports exactly the sharing partners that
came, went or changed direction: the set differences of the two snapshots' sharing lists.

The real snapshots (../shared/data, skipped when absent) and our own fixture of the same shapes
(tests/data/flock/portal/pinecrest-ca-pd: stateless names, duplicates, a direction change, a
private partner added and removed, a failed page load) are checked the same way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import AS_OF, ROOT
from lpr_lint.history.pipeline import drift

PARTNERS = "/sharing/partners"
LISTS = ("sharing_outbound", "sharing_inbound")
PINECREST = ROOT / "tests" / "data" / "flock" / "portal" / "pinecrest-ca-pd"
_DATE_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")


def names(snapshot: dict[str, Any], key: str) -> list[str]:
    """A sharing list's names as the adapter reads them: stripped, blank ones dropped, once."""
    out: dict[str, None] = {}
    for item in snapshot.get(key) or []:
        if isinstance(item, str) and item.strip():
            out.setdefault(item.strip(), None)
    return list(out)


def directions(snapshot: dict[str, Any]) -> dict[str, str]:
    outbound, inbound = set(names(snapshot, LISTS[0])), set(names(snapshot, LISTS[1]))
    return {n: "both" if n in outbound and n in inbound else
            "outbound" if n in outbound else "inbound" for n in outbound | inbound}


def failed_load(snapshots: list[dict[str, Any]], n: int) -> bool:
    """Is a sharing list empty in snapshot ``n`` but not in the one before or after it?"""
    around = [snapshots[m] for m in (n - 1, n + 1) if 0 <= m < len(snapshots)]
    return any(not names(snapshots[n], key) and any(names(s, key) for s in around)
               for key in LISTS)


@dataclass
class Tally:
    agencies: int = 0
    pairs: int = 0
    added: int = 0
    removed: int = 0
    direction: int = 0
    failed_loads: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"agencies with >=2 snapshots: {self.agencies}, pairs: {self.pairs}, partners "
                f"added: {self.added}, removed: {self.removed}, direction changed: "
                f"{self.direction}, failed-load pairs: {self.failed_loads}")


def check_agency(folder: Path, baseline: Any, tally: Tally) -> None:
    """Drift every consecutive pair of the folder's snapshots; compare with the set
    differences of their sharing lists."""
    files = sorted(p for p in folder.iterdir() if _DATE_FILE.match(p.name))
    if len(files) < 2:
        return
    tally.agencies += 1
    snapshots = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    for n in range(1, len(files)):
        older, newer = files[n - 1], files[n]
        tally.pairs += 1
        report = drift(str(newer), baseline, AS_OF, against=str(older))
        where = f"{older.parent.name} {older.stem} → {newer.stem}"
        partner = [c for c in report.changes if c.item is not None
                   and c.item.collection == PARTNERS]
        got_added = sorted(c.label for c in partner if c.kind == "added" and c.whole_item)
        got_removed = sorted(c.label for c in partner if c.kind == "removed" and c.whole_item)
        got_moved = sorted((c.label, c.before, c.after) for c in partner
                           if c.item is not None and c.pointer == f"{c.item.pointer}/direction")
        other = [f"{c.kind} {c.pointer}" for c in partner if not c.whole_item
                 and c.item is not None and c.pointer != f"{c.item.pointer}/direction"]
        failed_notice = any("failed page load" in x for x in report.notices)
        if failed_load(snapshots, n - 1) or failed_load(snapshots, n):
            tally.failed_loads += 1
            if partner:
                tally.problems.append(f"{where}: failed page load, yet {len(partner)} "
                                      f"partner changes, e.g. {partner[0].pointer}")
            if not failed_notice:
                tally.problems.append(f"{where}: no failed-page-load notice in "
                                      f"{report.notices}")
            continue
        if failed_notice:
            tally.problems.append(f"{where}: failed-page-load notice without a failed load")
        before, after = directions(snapshots[n - 1]), directions(snapshots[n])
        want_added = sorted(set(after) - set(before))
        want_removed = sorted(set(before) - set(after))
        want_moved = sorted((name, before[name], after[name]) for name in set(before) & set(after)
                            if before[name] != after[name])
        for what, got, want in (("added", got_added, want_added),
                                ("removed", got_removed, want_removed),
                                ("direction", got_moved, want_moved)):
            if got != want:
                tally.problems.append(f"{where}: {what} {got} != expected {want}")
        if other:
            tally.problems.append(f"{where}: other partner changes {other[:3]}")
        tally.added += len(got_added)
        tally.removed += len(got_removed)
        tally.direction += len(got_moved)


def test_fixture_snapshots_drift_by_the_set_differences_of_their_sharing_lists(
        ct_baseline: Any) -> None:
    tally = Tally()
    check_agency(PINECREST, ct_baseline, tally)
    assert tally.problems == []
    # 04-03 → 04-10: Lowe's added, Home Depot removed, Shasta County SO now both ways;
    # 04-17 failed to load (seen from both neighbours); "Demo" twice is one partner
    assert (tally.agencies, tally.pairs, tally.added, tally.removed, tally.direction,
            tally.failed_loads) == (1, 3, 1, 1, 1, 2)
    report = drift(str(PINECREST / "2026-04-10.json"), ct_baseline, AS_OF,
                   against=str(PINECREST / "2026-04-03.json"))
    got = {(c.kind, c.label, c.before if c.kind == "changed" else None)
           for c in report.changes if c.item is not None}
    assert got == {("added", "Lowe's Companies Inc", None),
                   ("removed", "Home Depot Corporation", None),
                   ("changed", "Shasta County SO", "outbound")}
    # the failed load is one change of the whole sharing section, not one per partner
    failed = drift(str(PINECREST / "2026-04-17.json"), ct_baseline, AS_OF,
                   against=str(PINECREST / "2026-04-10.json"))
    assert [(c.kind, c.pointer) for c in failed.changes if c.section == "sharing"] == [
        ("removed", "/sharing")]
    assert any("failed page load" in n for n in failed.notices)


def test_real_snapshots_drift_by_the_set_differences_of_their_sharing_lists(
        shared_data: Path, ct_baseline: Any) -> None:
    tally = Tally()
    folders = sorted(p for p in (shared_data / "flock-portal").iterdir() if p.is_dir())
    assert len(folders) == 187
    for folder in folders:
        check_agency(folder, ct_baseline, tally)
    print(f"\nreal portal drift: {tally.line()}")
    assert tally.problems[:20] == [] and not tally.problems
    assert tally.agencies > 0 and tally.pairs >= tally.agencies


def test_every_agencys_latest_real_snapshot_has_no_drift_against_itself(
        shared_data: Path, ct_baseline: Any) -> None:
    folders = sorted(p for p in (shared_data / "flock-portal").iterdir() if p.is_dir())
    clean = []
    for folder in folders:
        latest = max(p for p in folder.iterdir() if _DATE_FILE.match(p.name))
        report = drift(str(latest), ct_baseline, AS_OF, against=str(latest))
        if not report.changes:
            clean.append(folder.name)
    print(f"\nlatest snapshot against itself: {len(clean)} of {len(folders)} agencies "
          "with no changes")
    assert len(clean) == len(folders) == 187
