"""Benchmark `lpr-lint audit` on a large generated Flock Network Audit log.

Run from the repository root:  python bench/bench_audit.py [--rows 1000000] [--repeat 3] [--large]

Generates a 13-column Network Audit CSV (synthetic: CT towns, out-of-state and federal
requesters, common reasons and a few "ICE assist") in a temporary directory, then times whole
processes, median of --repeat runs:

* ``lpr-lint audit FILE --agency-state CT --output json:out.json`` (the full JSON report,
  every flagged row included, written atomically to a file; the summary goes to stderr);
* a bare pass that only iterates ``csv.reader`` over the same file (the floor for any
  Python CSV tool).

Peak memory: the process's max RSS (``os.wait4``) or, when larger, the peak sum of its and
its helper processes' RSS (sampled from /proc on Linux). Targets: lpr-lint at most
2.5 x the bare pass at 1M rows; peak memory at most 100 MB at 1M and (with --large) 5M rows.
Exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIME_RATIO_TARGET = 2.5
MEMORY_TARGET_MB = 100.0
HEADER = ["ID", " Name", " Org Name", " Total Networks Searched", " Time Frame",
          " License Plate", " Reason", " Case #", " Filters", " Search Time", " Search Type",
          " Text Prompt", " Moderation"]
CT_TOWNS = ["Hartford", "New Haven", "Stamford", "Bridgeport", "Waterbury", "Norwalk",
            "Danbury", "Greenwich", "Westport", "Milford", "Enfield", "Groton", "Bristol"]
OTHERS = ["Houston TX PD", "Port Chester NY PD", "Springfield MA PD", "Providence RI PD",
          "Dallas TX PD", "Atlanta GA PD", "[Federal] US Border Patrol",
          "[Federal] Homeland Security Investigations", "New York State Police",
          "Harris County TX SO"]
REASONS = [("investigation", 20), ("stolen vehicle", 12), ("INV", 5), ("burglary", 8),
           ("Motor Vehicle Theft/Stolen - ", 10), ("Larceny/Theft Offenses - follow up", 6),
           ("Drugs/Narcotics - ", 5), ("Wanted Person (Arrest Warrant/Fugitive) - ", 5),
           ("missing person", 3), ("hit and run", 4), ("robbery suspect vehicle", 6),
           ("Assault/Battery Offenses - ", 4), ("", 1), ("ICE assist", 0.05),
           ("narcotics", 6), ("fraud", 4), ("welfare check", 3)]
SEARCH_TYPES = ["lookup", "search", "lookup - Mobile", "convoy"]


def generate(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    reasons = [r for r, _ in REASONS]
    weights = [w for _, w in REASONS]
    orgs = [f"{t} CT PD" for t in CT_TOWNS] + OTHERS
    org_weights = [6] * len(CT_TOWNS) + [1] * len(OTHERS)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        reason_pick = rng.choices(reasons, weights, k=rows)
        org_pick = rng.choices(orgs, org_weights, k=rows)
        for i in range(rows):
            day = i * 365 // rows
            month, dom = day // 31 % 12 + 1, day % 28 + 1
            hour, minute, sec = rng.randrange(12) + 1, rng.randrange(60), rng.randrange(60)
            when = f"{month:02d}/{dom:02d}/2025, {hour:02d}:{minute:02d}:{sec:02d} " \
                   f"{'AM' if rng.random() < 0.5 else 'PM'} UTC"
            frame = f"{month:02d}/{dom:02d}/2025, 12:00:00 AM UTC\n" \
                    f"{month:02d}/{dom:02d}/2025, 11:59:59 PM UTC"
            networks = rng.randrange(1, 40) if rng.random() < 0.92 else rng.randrange(100, 3000)
            case = f"25-{rng.randrange(100000):05d}" if rng.random() < 0.85 else ""
            writer.writerow([f"{rng.getrandbits(64):016x}-{i}", "", org_pick[i], networks,
                             frame, "***", reason_pick[i], case, "", when,
                             rng.choice(SEARCH_TYPES), "", "allow"])


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and its children now, in KB (Linux /proc; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            pids = [pid, *map(int, fh.read().split())]
    except OSError:
        return 0
    return sum(_rss_kb(p) for p in pids)


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
    except OSError:
        return 0  # it has just ended


def timed(cmd: list[str], cwd: str) -> tuple[float, float, int]:
    """(seconds, peak memory in MB, exit code) of one process.

    Peak memory is the larger of the process's own max RSS (``os.wait4``) and the peak
    sum of its and its children's RSS, sampled every 10 ms (lpr-lint parses a large CSV
    in a helper process; both count)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree_kb = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        tree_kb = max(tree_kb, _tree_rss_kb(proc.pid))
        time.sleep(0.01)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return elapsed, max(rss, tree_kb / 1024), proc.returncode


def lpr_lint_cmd(path: Path, out: Path) -> list[str]:
    exe = Path(sys.executable).parent / "lpr-lint"
    tool = [str(exe)] if exe.is_file() else [shutil.which("lpr-lint") or "lpr-lint"]
    return [*tool, "audit", str(path), "--agency-state", "CT", "--output", f"json:{out}"]


def bare_cmd(path: Path) -> list[str]:
    code = ("import csv, sys\n"
            "with open(sys.argv[1], newline='', encoding='utf-8') as fh:\n"
            "    for row in csv.reader(fh):\n"
            "        pass\n")
    return [sys.executable, "-c", code, str(path)]


def measure(rows: int, repeat: int, workdir: Path) -> dict[str, float]:
    path = workdir / f"network-audit-{rows}.csv"
    t0 = time.perf_counter()
    # In a child process: a child's max RSS (os.wait4) counts memory inherited at fork, so
    # this process must stay small for the measurements to be about the tools alone.
    subprocess.run([sys.executable, __file__, "--generate", str(path), "--rows", str(rows)],
                   check=True)
    # Write the generated file back to disk now: otherwise the first tool to call fsync
    # (lpr-lint does, for its atomic report) pays for flushing it (ext4, data=ordered).
    if hasattr(os, "sync"):
        os.sync()
    size = path.stat().st_size / 1e6
    print(f"generated {rows:,} rows ({size:,.0f} MB) in {time.perf_counter() - t0:.1f} s",
          flush=True)
    out = workdir / "out.json"
    lint, bare, lint_mem, bare_mem = [], [], 0.0, 0.0
    for _ in range(repeat):  # interleaved, so drift in machine load hits both
        seconds, rss, code = timed(bare_cmd(path), str(workdir))
        bare.append(seconds)
        bare_mem = max(bare_mem, rss)
        seconds, rss, code = timed(lpr_lint_cmd(path, out), str(workdir))
        if code not in (0, 1):
            raise SystemExit(f"lpr-lint audit exited {code}")
        lint.append(seconds)
        lint_mem = max(lint_mem, rss)
    result = {"rows": rows, "mb": size, "lint": statistics.median(lint),
              "bare": statistics.median(bare), "lint_mem": lint_mem, "bare_mem": bare_mem,
              "out_mb": out.stat().st_size / 1e6}
    path.unlink()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large", action="store_true", help="also 5,000,000 rows")
    parser.add_argument("--generate", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:
        generate(Path(args.generate), args.rows)
        return 0
    sizes = [args.rows] + ([5_000_000] if args.large else [])
    results = []
    with tempfile.TemporaryDirectory(prefix="lpr-bench-audit-") as tmp:
        results = [measure(n, args.repeat, Path(tmp)) for n in sizes]
    print(f"\n{'rows':>10} {'input MB':>9} {'bare csv s':>11} {'lpr-lint s':>11} "
          f"{'ratio':>6} {'bare MB':>8} {'lpr-lint MB':>12} {'json MB':>8}")
    failed = False
    for r in results:
        ratio = r["lint"] / r["bare"]
        print(f"{r['rows']:>10,} {r['mb']:>9,.0f} {r['bare']:>11.2f} {r['lint']:>11.2f} "
              f"{ratio:>6.2f} {r['bare_mem']:>8.1f} {r['lint_mem']:>12.1f} {r['out_mb']:>8.0f}")
        if r["rows"] <= 1_000_000 and ratio > TIME_RATIO_TARGET:
            failed = True
        failed |= r["lint_mem"] > MEMORY_TARGET_MB
    print(f"\ntargets: time ratio <= {TIME_RATIO_TARGET} at 1M rows; peak memory <= "
          f"{MEMORY_TARGET_MB:.0f} MB: {'MISSED' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
