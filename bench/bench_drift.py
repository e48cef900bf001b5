"""Benchmark `lpr-lint drift` against a plain `DeepDiff(old, new, ignore_order=True)`.

Run from the repository root:  python bench/bench_drift.py [--repeat 5] [--repeat-large 3]

Builds pairs of exports with 10,000 and 100,000 sharing partners (1% of them changed, the
list shuffled), checks that lpr-lint reports exactly the partners changed (exit 1 if not),
then times whole processes, interleaved, and prints a table and the targets. Each size is run
twice: partners keyed by ORI or name and state, and partners with names only (no ORI, no
state, as in real vendor files), which must pair as well and take at most 1.5 × as long.

With ../shared/data present it also times `lpr-lint history` over every real agency folder of
portal snapshots (target: each under a second); --no-history skips that.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lpr_lint.load.files import load_document

AS_OF = "2027-02-01"  # after every rule's effective date, so every rule is timed
ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "examples" / "compliant" / "lakeside-ct-pd.yaml"
SIZES = (10_000, 100_000)
ENV = dict(os.environ)  # environment of every timed process; see --no-bytecode-cache
DEEPDIFF = ("import json, sys\nfrom deepdiff import DeepDiff\n"
            "old, new = (json.load(open(p, encoding='utf-8')) for p in sys.argv[1:3])\n"
            "DeepDiff(old, new, ignore_order=True)\n")
DECLARED = ("NY", "MA", "RI")
PERMISSIONS = (["search"], ["search", "hotlist"], ["search", "hotlist", "alerts"])
DIRECTIONS = ("outbound", "inbound", "both")
Expected = dict[str, set[str]]  # partner name -> change kinds lpr-lint must report for it


def find_tool(name: str) -> str | None:
    """The tool next to sys.executable (same venv bin/), else on PATH."""
    local = Path(sys.executable).parent / name
    return str(local) if local.is_file() else shutil.which(name)


def partner(i: int, rng: random.Random, names_only: bool = False) -> dict[str, Any]:
    state = "CT" if rng.random() < 0.85 else rng.choice(DECLARED)
    p: dict[str, Any] = {"name": f"Agency {i:05d} {state} PD"}
    if names_only:
        p.update(kind="municipal", direction=rng.choice(DIRECTIONS),
                 permissions=list(rng.choice(PERMISSIONS)))
        return p
    if rng.random() < 0.8:
        p["ori"] = f"{state}{rng.randrange(10**7):07d}"
    p.update(state=state, kind="municipal", direction=rng.choice(DIRECTIONS),
             permissions=list(rng.choice(PERMISSIONS)))
    if state != "CT":
        p["declaration"] = {"reference": f"DECL-2026-{i:05d}", "signed_on": "2026-10-02",
                            "covers": ["immigration", "reproductive_care",
                                       "gender_affirming_care"]}
        p["expires"] = "2027-10-01"
    return p


def build_pair(base: dict[str, Any], n: int, rng: random.Random,
               names_only: bool = False) -> tuple[Any, Any, Expected]:
    """Old and new exports with n partners; 1% of them changed in new, which is shuffled.
    ``names_only``: partners have no ORI and no state (identified by their names alone)."""
    k = n // 100
    n_added = k * 15 // 100  # 15% of the touched partners are added, 85% edited or removed
    old_partners, oris = [], set()
    for i in range(n + n_added):
        p = partner(i, rng, names_only)
        while "ori" in p and p["ori"] in oris:  # ORIs are identities: keep them unique
            p["ori"] = f"{p['state']}{rng.randrange(10**7):07d}"
        oris.add(p.get("ori"))
        old_partners.append(p)
    old_partners, extra = old_partners[:n], old_partners[n:]
    new_partners = json.loads(json.dumps(old_partners))  # deep copy
    picked = rng.sample(range(n), k - n_added)
    expected: Expected = {}
    cut = [len(picked) * f // 85 for f in (35, 55, 70)]  # permissions, direction, state, removed
    for pos, i in enumerate(picked):
        p, name = new_partners[i], new_partners[i]["name"]
        if pos < cut[0]:
            perms = set(p["permissions"]) ^ {"hotlist"}
            p["permissions"] = sorted(perms) or ["search"]
            expected[name] = {"changed"}
        elif pos < cut[1]:
            p["direction"] = rng.choice([d for d in DIRECTIONS if d != p["direction"]])
            expected[name] = {"changed"}
        elif pos < cut[2] and names_only:
            p["kind"] = "county"
            expected[name] = {"changed"}
        elif pos < cut[2]:
            p["state"] = rng.choice([s for s in ("CT", *DECLARED) if s != p["state"]])
            # identity is ORI, else name + state: without an ORI it is another partner
            expected[name] = {"changed"} if "ori" in p else {"removed", "added"}
        else:
            p["removed"] = True
            expected[name] = {"removed"}
    new_partners = [p for p in new_partners if not p.pop("removed", False)]
    new_partners += extra
    expected.update((p["name"], {"added"}) for p in extra)
    rng.shuffle(new_partners)
    old, new = json.loads(json.dumps(base)), json.loads(json.dumps(base))
    old["sharing"]["partners"], new["sharing"]["partners"] = old_partners, new_partners
    return old, new, expected


def check_report(report: dict[str, Any], old: Any, new: Any, expected: Expected) -> list[str]:
    """Discrepancies between the partners lpr-lint reports and those changed."""
    problems: list[str] = []
    seen: dict[str, set[str]] = {}
    for c in report["changes"]:
        segs = c["pointer"].split("/")
        if segs[1:3] != ["sharing", "partners"] or len(segs) < 4:
            problems.append(f"unexpected change outside partners: {c['pointer']} ({c['kind']})")
            continue
        doc = old if c["kind"] == "removed" else new
        name = doc["sharing"]["partners"][int(segs[3])]["name"]
        seen.setdefault(name, set()).add(c["kind"])
    for name in sorted(set(seen) | set(expected)):
        want, got = expected.get(name, set()), seen.get(name, set())
        if want != got:
            problems.append(f"{name}: expected {sorted(want) or 'no change'}, "
                            f"reported {sorted(got) or 'nothing'}")
    return problems


def timed(cmd: list[str], timeout: float | None = None) -> float | None:
    """Wall time of one whole process, or None if it exceeded the timeout."""
    t0 = time.perf_counter()
    try:
        subprocess.run(cmd, capture_output=True, check=False, env=ENV, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - t0


def time_case(lpr_cmd: list[str], dd_cmd: list[str] | None, repeat: int, warmup: int,
              dd_timeout: float) -> tuple[list[float], list[float] | None]:
    """Interleaved runs lpr-lint, DeepDiff, ...; DeepDiff stops at its first timeout (and is
    not run at all without a command)."""
    lpr_times: list[float] = []
    dd_times: list[float] | None = [] if dd_cmd else None
    for i in range(warmup + repeat):
        t = timed(lpr_cmd)
        assert t is not None
        if i >= warmup:
            lpr_times.append(t)
        if dd_times is not None and dd_cmd:
            t = timed(dd_cmd, dd_timeout)
            if t is None:
                dd_times = None
            elif i >= warmup:
                dd_times.append(t)
    return lpr_times, dd_times


def run_case(lpr: str, tmp: Path, label: str, pair: tuple[Any, Any, Expected]) -> list[str]:
    """Write a pair, run lpr-lint drift once, print what it found; the lpr-lint command."""
    old, new, expected = pair
    paths = [tmp / f"old-{label}.json", tmp / f"new-{label}.json"]
    for data, path in zip((old, new), paths, strict=True):
        path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    lpr_cmd = [lpr, "drift", str(paths[1]), "--against", str(paths[0]),
               "--format", "json", "--as-of", AS_OF]
    proc = subprocess.run(lpr_cmd, capture_output=True, text=True, check=False, env=ENV)
    if proc.returncode not in (0, 1):
        sys.exit(f"lpr-lint drift failed (exit {proc.returncode}):\n{proc.stderr}")
    report = json.loads(proc.stdout)
    problems = check_report(report, old, new, expected)
    kinds = [sorted(v) for v in expected.values()]
    n = len(old["sharing"]["partners"])
    print(f"{label}: {n:,} partners, {len(new['sharing']['partners']):,} after; "
          f"{len(expected)} touched ({kinds.count(['changed'])} edited in place, "
          f"{kinds.count(['added', 'removed'])} re-identified, "
          f"{kinds.count(['removed'])} removed, {kinds.count(['added'])} added); "
          f"lpr-lint: {len(report['changes'])} changes, exit {proc.returncode}")
    print("correctness: ok" if not problems else f"correctness: {len(problems)} problems")
    for line in problems[:20]:
        print(f"  {line}")
    return [*lpr_cmd, *(["--problems"] if problems else [])]


def bench_history(lpr: str) -> None:
    """Time `lpr-lint history` once over every real agency folder; re-time the slowest."""
    portal = ROOT.parent / "shared" / "data" / "flock-portal"
    if not portal.is_dir():
        print("history: ../shared/data/flock-portal is absent; skipped")
        return
    times = []
    for folder in sorted(p for p in portal.iterdir() if p.is_dir()):
        n = len(list(folder.glob("*.json")))
        cmd = [lpr, "history", str(folder), "--format", "json", "--as-of", AS_OF]
        t = timed(cmd)
        assert t is not None
        times.append((t, n, folder.name, cmd))
    slow = sorted(times, reverse=True)[:3]
    again = [(statistics.median([timed(cmd) or 0.0 for _ in range(3)]), n, name)
             for _, n, name, _cmd in slow for cmd in [_cmd]]
    print(f"history over {len(times)} agencies' portal snapshot folders (3-6 snapshots each): "
          f"median {statistics.median(t for t, *_ in times):.3f} s, "
          f"max {max(t for t, *_ in times):.3f} s")
    for t, n, name in again:
        print(f"  slowest: {name} ({n} snapshots): median of 3 {t:.3f} s")
    print(f"history, slowest agency: {max(t for t, *_ in again):.3f} s (target < 1.0 s)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="timed runs, 10,000 partners")
    ap.add_argument("--repeat-large", type=int, default=3, help="timed runs, 100,000 partners")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs per tool and case")
    ap.add_argument("--deepdiff-timeout", type=float, default=120.0,
                    help="seconds before a DeepDiff run is abandoned (reported as > timeout)")
    ap.add_argument("--no-bytecode-cache", action="store_true",
                    help="keep the inherited environment (e.g. PYTHONDONTWRITEBYTECODE=1)")
    ap.add_argument("--no-history", action="store_true",
                    help="skip timing `lpr-lint history` over the real portal snapshots")
    args = ap.parse_args()
    lpr = find_tool("lpr-lint")
    if lpr is None:
        sys.exit("lpr-lint not found: install this project (pip install -e .)")
    base = load_document(str(SOURCE)).data
    failures = 0
    rows: list[tuple[str, list[float], list[float] | None]] = []
    with tempfile.TemporaryDirectory(prefix="lpr-bench-drift-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.no_bytecode_cache:  # like a wheel install: .pyc files for both processes
            ENV.pop("PYTHONDONTWRITEBYTECODE", None)
            ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        cache = "inherited env" if args.no_bytecode_cache else f"cached under {tmp / 'pycache'}"
        print(f"lpr-lint: {lpr}\npython:   {sys.executable}\nas-of: {AS_OF}\nbytecode: {cache}\n")
        keyed_rng, names_rng = random.Random(42), random.Random(7)
        for n, repeat in zip(SIZES, (args.repeat, args.repeat_large), strict=True):
            for names_only in (False, True):
                label = f"{n // 1000}k" + ("-names" if names_only else "")
                rng = names_rng if names_only else keyed_rng
                lpr_cmd = run_case(lpr, tmp, label, build_pair(base, n, rng, names_only))
                if lpr_cmd[-1] == "--problems":
                    failures += 1
                    lpr_cmd = lpr_cmd[:-1]
                dd_cmd = None if names_only else [sys.executable, "-c", DEEPDIFF,
                                                  lpr_cmd[4], lpr_cmd[2]]
                rows.append((label, *time_case(lpr_cmd, dd_cmd, repeat, args.warmup,
                                               args.deepdiff_timeout)))
    print()
    header = (f"{'case':<11}{'lpr-lint median s':>19}{'min s':>9}{'runs':>6}"
              f"{'DeepDiff median s':>19}{'runs':>6}{'ratio':>8}")
    print(header + "\n" + "-" * len(header))
    med = {label: statistics.median(ts) for label, ts, _ in rows}
    for label, ts, dd in rows:
        limit = args.deepdiff_timeout
        if label.endswith("-names"):
            dd_text, ratio = "(not run)", ""
        else:
            dd_text = f"{statistics.median(dd):.3f}" if dd else f"> {limit:g} (timeout)"
            ratio = (f"{med[label] / statistics.median(dd):.3f}" if dd
                     else f"< {med[label] / limit:.3f}")
        print(f"{label:<11}{med[label]:>19.3f}{min(ts):>9.3f}{len(ts):>6}{dd_text:>19}"
              f"{len(dd) if dd else 0:>6}{ratio:>8}")
    print("(ratio = lpr-lint median / DeepDiff median; whole processes, interleaved)\n")
    print(f"10k drift whole process: {med['10k']:.3f} s (target ≤ 1.0 s)")
    print(f"100k / 10k time ratio: {med['100k'] / med['10k']:.2f} (target ≤ 12)")
    for size in ("10k", "100k"):
        print(f"{size} names only / keyed: {med[size + '-names'] / med[size]:.2f} "
              "(target ≤ 1.5)")
    if not args.no_history:
        print()
        bench_history(lpr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
