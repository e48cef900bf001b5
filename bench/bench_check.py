"""Benchmark `lpr-lint check` against `check-jsonschema` on the composed baseline schema.

Run from the repository root:  python bench/bench_check.py [--repeat 15] [--repeat-many 5]

First checks that both tools agree on pass/fail for every example and for 1,000 generated
exports (exit 1 if they do not), then times whole processes, interleaved, and prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

AS_OF = "2027-02-01"  # after every rule's effective date, so every rule is timed
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SINGLE = EXAMPLES / "compliant" / "lakeside-ct-pd.yaml"
N_MANY = 1000
ENV = dict(os.environ)  # environment of every tool process; see --no-bytecode-cache


def find_tool(name: str) -> str | None:
    """The tool next to sys.executable (same venv bin/), else on PATH."""
    local = Path(sys.executable).parent / name
    return str(local) if local.is_file() else shutil.which(name)


def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, env=ENV)


def plain(value: Any) -> Any:
    """YAML 1.1 loads unquoted dates as date/datetime objects: turn them into ISO strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def load_export(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return plain(yaml.safe_load(fh))  # JSON is a subset of YAML for these files


def write_export(data: Any, path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        if path.suffix == ".json":
            json.dump(data, fh, indent=2)
        else:
            yaml.safe_dump(data, fh, sort_keys=False, allow_unicode=True)


def example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*") if p.suffix in {".json", ".yaml", ".yml"})


def generate_many(out: Path, sources: list[Path]) -> list[Path]:
    """N_MANY exports cycling through the examples; half .json, half .yaml; each one differs."""
    out.mkdir()
    docs = [(src.stem, load_export(src)) for src in sources]
    files: list[Path] = []
    for i in range(N_MANY):
        stem, doc = docs[i % len(docs)]
        data = json.loads(json.dumps(doc))  # deep copy
        if isinstance(data.get("agency"), dict):
            data["agency"]["name"] = f"{data['agency'].get('name', 'Agency')} #{i:04d}"
        retention = data.get("retention")
        if isinstance(retention, dict) and type(retention.get("audit_log_days")) is int:
            retention["audit_log_days"] = 730 + i  # >= 730 keeps CT-AUD-005's verdict unchanged
        # alternate within each round and flip every round: every example appears in both formats
        suffix = "json" if (i + i // len(docs)) % 2 == 0 else "yaml"
        path = out / f"{i:04d}-{stem}.{suffix}"
        write_export(data, path)
        files.append(path)
    return files


def lpr_cmd(lpr: str, files: list[Path], *extra: str) -> list[str]:
    return [lpr, "check", "--as-of", AS_OF, *extra, *map(str, files)]


def cj_cmd(cj: str, schema: Path, files: list[Path], *extra: str) -> list[str]:
    return [cj, "--schemafile", str(schema), *extra, *map(str, files)]


def agreement(label: str, lpr_ok: dict[str, bool], cj_ok: dict[str, bool]) -> int:
    """Print agreement for one file set; return the number of disagreements."""
    bad = sorted(f for f in lpr_ok if lpr_ok[f] != cj_ok.get(f))
    passed = sum(lpr_ok.values()), sum(cj_ok.values())
    print(f"agreement ({label}): {len(lpr_ok) - len(bad)}/{len(lpr_ok)} files", end="")
    print(f"  (pass: lpr-lint {passed[0]}, check-jsonschema {passed[1]})")
    for f in bad:
        verdict = {True: "pass", False: "fail", None: "missing"}
        print(
            f"  DISAGREE {f}: lpr-lint {verdict[lpr_ok[f]]}, "
            f"check-jsonschema {verdict[cj_ok.get(f)]}"
        )
    return len(bad)


def agree_examples(lpr: str, cj: str, schema: Path) -> int:
    """One process per example file and per tool: compare exit codes."""
    files = example_files()
    lpr_ok = {str(f.relative_to(ROOT)): run(lpr_cmd(lpr, [f])).returncode == 0 for f in files}
    cj_ok = {str(f.relative_to(ROOT)): run(cj_cmd(cj, schema, [f])).returncode == 0 for f in files}
    return agreement("examples/", lpr_ok, cj_ok)


def agree_many(lpr: str, cj: str, schema: Path, files: list[Path]) -> int:
    """One process per tool over all files: read per-file verdicts from the JSON reports."""
    key = {str(f): f.name for f in files}
    proc = run(lpr_cmd(lpr, files, "--format", "json"))
    if proc.returncode not in (0, 1):
        sys.exit(f"lpr-lint failed (exit {proc.returncode}):\n{proc.stderr}")
    report = json.loads(proc.stdout)
    lpr_ok = {key.get(e["path"], e["path"]): e["status"] == "pass" for e in report["files"]}
    proc = run(cj_cmd(cj, schema, files, "--output-format", "json"))
    cj_report = json.loads(proc.stdout)
    failed = {e["filename"] for e in cj_report["errors"] + cj_report["parse_errors"]}
    cj_ok = {f.name: str(f) not in failed for f in files}
    if len(lpr_ok) != len(files):
        print(f"  lpr-lint reported {len(lpr_ok)} files, expected {len(files)}")
    return agreement(f"{len(files)} generated", lpr_ok, cj_ok)


def time_case(cmds: dict[str, list[str]], repeat: int, warmup: int,
              env: dict[str, str] | None = None) -> dict[str, list[float]]:
    """Interleaved runs (tool A, tool B, A, B, ...) timing whole processes."""
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for i in range(warmup + repeat):
        for name, cmd in cmds.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=False, env=env or ENV)
            elapsed = time.perf_counter() - t0
            if i >= warmup:
                times[name].append(elapsed)
    return times


def import_time_ms(runs: int = 5) -> float:
    """Median cumulative -X importtime of lpr_lint.cli (plus its parent package), in ms."""
    totals: list[float] = []
    for _ in range(runs):
        proc = run([sys.executable, "-X", "importtime", "-c", "import lpr_lint.cli"])
        total = 0
        for line in proc.stderr.splitlines():
            parts = line.split("|")
            if len(parts) != 3 or not parts[1].strip().isdigit():
                continue
            name = parts[2][1:]
            if name in ("lpr_lint", "lpr_lint.cli"):  # top level only (no indentation)
                total += int(parts[1])
        totals.append(total / 1000)
    return statistics.median(totals)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15, help="timed runs, single-file cases")
    ap.add_argument("--repeat-many", type=int, default=5, help="timed runs, 1,000-file case")
    ap.add_argument("--warmup", type=int, default=2, help="untimed runs per tool and case")
    ap.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep the inherited environment (e.g. PYTHONDONTWRITEBYTECODE=1, which makes an "
        "editable lpr-lint recompile its modules from source on every run)",
    )
    args = ap.parse_args()

    lpr, cj = find_tool("lpr-lint"), find_tool("check-jsonschema")
    if lpr is None:
        sys.exit("lpr-lint not found: install this project (pip install -e .)")
    if cj is None:
        sys.exit("check-jsonschema not found: pip install check-jsonschema")

    with tempfile.TemporaryDirectory(prefix="lpr-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.no_bytecode_cache:  # like a wheel install: .pyc files for both tools
            ENV.pop("PYTHONDONTWRITEBYTECODE", None)
            ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        ENV["LPR_LINT_CACHE_DIR"] = str(tmp / "lpr-lint-cache")  # filled by the first runs
        schema = tmp / "composed.json"
        proc = run([lpr, "schema", "--as-of", AS_OF])
        if proc.returncode != 0:
            sys.exit(f"lpr-lint schema failed (exit {proc.returncode}):\n{proc.stderr}")
        schema.write_text(proc.stdout, encoding="utf-8")
        one_json = tmp / "one.json"
        write_export(load_export(SINGLE), one_json)
        one_yaml = tmp / "one.yaml"
        shutil.copyfile(SINGLE, one_yaml)
        many = generate_many(tmp / "many", example_files())

        print(f"lpr-lint:         {lpr}\ncheck-jsonschema: {cj}\nas-of: {AS_OF}")
        cache = "inherited env" if args.no_bytecode_cache else f"cached under {tmp / 'pycache'}"
        print(f"bytecode: {cache}")
        print(f"lpr-lint cache of checked baselines: {ENV['LPR_LINT_CACHE_DIR']} (one case: off)\n")
        disagreements = agree_examples(lpr, cj, schema)
        disagreements += agree_many(lpr, cj, schema, many)
        print()

        no_cache = dict(ENV, LPR_LINT_CACHE_DIR="off")
        cases = [
            ("one JSON export", [one_json], args.repeat, ENV),
            ("one YAML export", [one_yaml], args.repeat, ENV),
            ("same, no cache", [one_yaml], args.repeat, no_cache),
            (f"{N_MANY:,} exports", many, args.repeat_many, ENV),
        ]
        header = f"{'case':<18}{'tool':<18}{'median s':>10}{'min s':>10}{'runs':>6}{'ratio':>8}"
        print(header)
        print("-" * len(header))
        for label, files, repeat, env in cases:
            cmds = {"lpr-lint": lpr_cmd(lpr, files), "check-jsonschema": cj_cmd(cj, schema, files)}
            times = time_case(cmds, repeat, args.warmup, env)
            med = {name: statistics.median(ts) for name, ts in times.items()}
            ratio = med["lpr-lint"] / med["check-jsonschema"]
            for j, (name, ts) in enumerate(times.items()):
                tail = f"{ratio:>8.2f}" if j == 0 else ""
                print(
                    f"{label if j == 0 else '':<18}{name:<18}{med[name]:>10.3f}{min(ts):>10.3f}"
                    f"{len(ts):>6}{tail}"
                )
        print("(ratio = lpr-lint median / check-jsonschema median)\n")
        print(
            f"import lpr_lint.cli (python -X importtime, cumulative, median of 5): "
            f"{import_time_ms():.1f} ms"
        )
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
