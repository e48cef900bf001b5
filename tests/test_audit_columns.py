"""The audit scan's column reader (``lpr_lint.audit.columns``): a helper process gives the
same reports and errors as reading in this process; a helper that cannot start or disagrees
means reading here; one that stops mid-way is an error, never a short report."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import json
import os
import signal
import subprocess
import sys
import zlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from lpr_lint.audit import RENDERERS
from lpr_lint.audit import columns as columns_mod
from lpr_lint.audit.columns import CHUNK_ROWS, Columns, _Helper, _helper, _receive, _send
from lpr_lint.audit.logs import open_reader
from lpr_lint.audit.review import Auditor, Options
from lpr_lint.cli import app
from lpr_lint.errors import InputError
from lpr_lint.report import load

DATA = ROOT / "tests" / "data" / "audit"
NET14 = DATA / "network-audit-14col.csv"
FIXTURES = sorted(p.name for p in DATA.glob("*.csv")
                  if p.name not in ("not-audit.csv", "custom-mapped.csv"))
CUSTOM_MAP = {"Agency": "org", "When": "search_time", "Why": "reason", "Ref": "case_number",
              "Nets": "networks"}
FILTERED: dict[str, Any] = {"since": "2024-01-26", "until": "2025-06-30", "sample": 20,
                            "seed": 3}
GEN_INDEX = [0, 9]  # ID and Search Time of a generated 13-column network audit
Files = dict[str, Path]


@pytest.fixture
def helpers(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """What each ``_Helper.start`` returned (``started``), and the helpers' ``pids``."""
    spy, real = SimpleNamespace(started=[], pids=[]), _Helper.start

    def start(self: _Helper, reader: Any) -> bool:
        ok = real(self, reader)
        spy.started.append(ok)
        spy.pids.extend([self._proc.pid] if self._proc is not None else [])
        return ok

    monkeypatch.setattr(_Helper, "start", start)
    return spy


def _csv(records: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(records)  # CRLF record ends
    return buf.getvalue().encode()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Files:
    spec = importlib.util.spec_from_file_location("bench_audit", ROOT / "bench/bench_audit.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    tmp = tmp_path_factory.mktemp("columns")
    bench.generate(tmp / "gen.csv", 3000, 5)
    with (tmp / "gen.csv").open(newline="", encoding="utf-8") as fh:
        header, *rows = csv.reader(fh)
    edited: list[list[str]] = [[" "], [""]]  # one-cell records, padded
    for i, row in enumerate(rows):
        edited.extend([[]] if i % 97 == 5 else [])  # blank records
        if i % 89 == 7:
            row = row[:6]  # short: no reason, case or time
        elif i % 53 == 3 or i % 41 == 0 or i % 43 == 1:  # repeated, withheld, empty IDs
            row = [rows[i - 3][0] if i % 53 == 3 else "***" if i % 41 == 0 else "", *row[1:]]
        edited.append(row)
    data = _csv([header, *edited])
    contents = {"edited": data, "bom": b"\xef\xbb\xbf" + data, "gz": gzip.compress(data),
                "headerless": _csv([[*r[1:4], str(i % 1500), *r[4:11]]
                                    for i, r in enumerate(rows)]),
                "boundary": _csv([header, *rows[:2 * CHUNK_ROWS]]),
                "header-only": _csv([header, [], []])}
    for name, content in contents.items():
        (tmp / f"{name}.csv").write_bytes(content)
    return {name: tmp / f"{name}.csv" for name in ["gen", *contents]}


def scan(paths: list[Path], parallel: bool, mapping: dict[str, str] | None = None,
         **options: Any) -> dict[str, str]:
    """Every report format of one Auditor over ``paths``."""
    auditor = Auditor(Options(agency_state="CT", **options))
    try:
        for path in paths:
            with open_reader(str(path), mapping=mapping) as reader:
                auditor.scan(reader, str(path), parallel=parallel)
        outs = {}
        for fmt in RENDERERS:
            outs[fmt] = io.StringIO()
            load(RENDERERS, fmt)(auditor, outs[fmt])
        return {fmt: out.getvalue() for fmt, out in outs.items()}
    finally:
        auditor.close()


def same_both_ways(spy: SimpleNamespace, paths: list[Path],
                   mapping: dict[str, str] | None = None, **options: Any) -> dict[str, Any]:
    local = scan(paths, False, mapping, **options)
    assert spy.started == []
    assert scan(paths, True, mapping, **options) == local
    assert spy.started == [True] * len(paths)  # the helper really read every file
    return json.loads(local["json"])  # type: ignore[no-any-return]


def resolve(case: str, generated: Files) -> tuple[Path, dict[str, str] | None]:
    if case.startswith("fixture:"):
        return DATA / case.removeprefix("fixture:"), None
    if case == "mapped:custom":
        return DATA / "custom-mapped.csv", CUSTOM_MAP
    if case == "mapped:gen":
        return generated["gen"], {"Search Type": "reason", "Name": "org"}
    if case == "relative":  # the helper runs in another directory: the same file all the same
        return Path(os.path.relpath(generated["edited"])), None
    return generated[case], None


# --- 1. parity ------------------------------------------------------------------------------

BOTH_OPTIONS = pytest.mark.parametrize("options", [{}, FILTERED], ids=["all", "filtered"])


@BOTH_OPTIONS
@pytest.mark.parametrize("case", [*(f"fixture:{n}" for n in FIXTURES), "gen", "edited", "bom",
                                  "gz", "headerless", "boundary", "header-only", "relative",
                                  "mapped:custom", "mapped:gen"])
def test_reports_are_identical_in_process_and_in_the_helper(
        case: str, options: dict[str, Any], generated: Files, helpers: SimpleNamespace) -> None:
    path, mapping = resolve(case, generated)
    report = same_both_ways(helpers, [path], mapping, **options)
    if case in ("gen", "edited", "gz", "headerless"):
        assert report["searches_scanned"] > 1000 and report["flagged"]
    if case in ("edited", "bom", "gz") and not options:
        assert report["summary"]["duplicates"] > 0


@BOTH_OPTIONS
@pytest.mark.parametrize(("cases", "mapping"), [
    (["gen", "edited"], None), (["fixture:network-audit-14col.csv", "edited", "gz"], None),
    (["gen", "bom"], {"Search Type": "reason"})])
def test_several_files_with_ids_repeated_across_them(
        cases: list[str], mapping: dict[str, str] | None, options: dict[str, Any],
        generated: Files, helpers: SimpleNamespace) -> None:
    paths = [resolve(c, generated)[0] for c in cases]
    report = same_both_ways(helpers, paths, mapping, **options)
    assert len(report["files"]) == len(paths) and ("sample" in report) == bool(options)
    assert report["files"][-1]["duplicates"] > 0  # repeats of the previous files' IDs


# --- 2. errors ------------------------------------------------------------------------------


def _deflate_then_bad_block(data: bytes) -> bytes:
    """A gzip stream whose deflate data turns invalid (a reserved block type) 2/3 through."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = packer.compress(data[:len(data) * 2 // 3]) + packer.flush(zlib.Z_FULL_FLUSH)
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + body + b"\x06" + b"\x00" * 64


def outcome(path: Path, parallel: bool) -> str:
    """The JSON report, or the InputError's one line."""
    try:
        return scan([path], parallel)["json"]
    except InputError as exc:
        return str(exc)


@pytest.mark.parametrize(("kind", "expected"), [
    ("utf8", "not valid UTF-8 text"), ("field-limit", "malformed CSV: field larger"),
    ("nul", None), ("truncated-gzip", "cannot read: Compressed file ended"),
    ("corrupt-deflate", "cannot read: Error -3")])
def test_a_file_broken_after_2000_rows_fails_the_same_both_ways(
        kind: str, expected: str | None, generated: Files, tmp_path: Path,
        helpers: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = generated["gen"].read_bytes()
    at = raw.index(b"\r\n", len(raw) * 2 // 3) + 2  # a record start, about row 2,000
    packed = gzip.compress(raw)
    (tmp_path / "bad.csv").write_bytes({
        "utf8": raw[:at] + b"caf\xe9," + raw[at:], "nul": raw[:at] + b"x\x00y," + raw[at:],
        "field-limit": raw[:at] + b"x" * 200_000 + raw[at:],
        "truncated-gzip": packed[:len(packed) * 2 // 3],
        "corrupt-deflate": _deflate_then_bad_block(raw)}[kind])
    monkeypatch.chdir(tmp_path)  # a relative path: the helper runs in another directory
    outcomes = [outcome(Path("bad.csv"), parallel) for parallel in (False, True)]
    assert outcomes[0] == outcomes[1] and helpers.started == [True]
    if expected is None:  # csv reads a NUL as text: a report, the same both ways
        assert json.loads(outcomes[0])["searches_scanned"] > 2500
        return
    assert outcomes[0].startswith("bad.csv: error: line ") and expected in outcomes[0]
    if kind == "utf8":  # the line that holds the bad byte, on both paths
        line = raw[:at].count(b"\n") + 1
        assert outcomes[0].startswith(f"bad.csv: error: line {line}: ")
    got = frames(tmp_path / "bad.csv", GEN_INDEX)  # the helper's own frames, in this process
    assert got[0][0] == "layout" and {f[0] for f in got[1:-1]} == {"rows"} and len(got) > 3
    assert got[-1] == ("error", outcomes[0].removeprefix("bad.csv: error: "))


# --- 3. and 4. helpers that cannot start, disagree, or stop ---------------------------------


@pytest.mark.parametrize("first", ["no-python", "eof", ("layout", "flock-portal", [], True),
                                   ("rows", 2, [], None, None), ("end",), ("error",), 42,
                                   None])
def test_a_helper_that_cannot_start_or_disagrees_means_reading_here(
        first: Any, monkeypatch: pytest.MonkeyPatch, generated: Files,
        helpers: SimpleNamespace) -> None:
    local, calls = scan([generated["edited"]], False), []

    def receive(stream: Any) -> Any:
        calls.append(stream)
        if len(calls) > 1:  # the frames after the first (not read once it falls back)
            return _receive(stream)
        if first == "eof":  # the helper ended before writing anything
            raise EOFError
        return first

    if first == "no-python":
        monkeypatch.setattr(sys, "executable", str(generated["gen"].parent / "no-python"))
    else:
        monkeypatch.setattr(columns_mod, "_receive", receive)
    assert scan([generated["edited"]], True) == local
    assert helpers.started == [False] and len(calls) == (first != "no-python")


def test_a_helper_that_stops_mid_frame_is_an_error(generated: Files) -> None:
    buf = io.BytesIO()
    _send(buf, ("rows", 2, [("a",), ("t",)], None, 0.5))
    _send(buf, ("rows", 3, [("b",), ("u",)], None, None))
    helper = _Helper([])
    helper._proc = SimpleNamespace(stdout=io.BytesIO(buf.getvalue()[:-3]), poll=lambda: 3)
    with open_reader(str(generated["gen"])) as reader:
        columns = Columns(reader, GEN_INDEX, parallel=True)
        chunks = helper.chunks(columns)
        assert next(chunks) == (range(2, 3), [("a",), ("t",)], None)
        assert columns.position == 0.5
        with pytest.raises(InputError, match=r"reading stopped unexpectedly .*code 3"):
            next(chunks)


_DIES = """
import io, os, sys
from lpr_lint.audit.columns import _helper
buf = io.BytesIO()
_helper(sys.argv[2:], buf)
data, end = buf.getvalue(), 0
for _ in range(2):  # the layout and the first rows frame, whole
    end += 4 + int.from_bytes(data[end:end + 4], "little")
sys.stdout.buffer.write(data[:end + int(sys.argv[1])])
sys.stdout.buffer.flush()
os._exit(3)
"""


@pytest.mark.parametrize("extra", [0, 2, 40], ids=["between", "in-length", "in-payload"])
def test_a_helper_process_that_dies_mid_way_is_an_error(
        extra: int, monkeypatch: pytest.MonkeyPatch, generated: Files) -> None:
    real = subprocess.Popen

    def popen(args: list[str], **kwargs: Any) -> Any:
        helper_args = args[args.index("lpr_lint.audit.columns") + 1:]
        return real([sys.executable, "-c", _DIES, str(extra), *helper_args], **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    got: list[Any] = []
    with open_reader(str(generated["gen"])) as reader, pytest.raises(
            InputError, match="reading stopped unexpectedly") as info:
        got.extend(Columns(reader, GEN_INDEX, parallel=True))
    assert str(info.value).startswith(f"{generated['gen']}: error: ")
    assert len(got) == 1 and list(got[0][0]) == list(range(2, 2 + CHUNK_ROWS))


# --- 5. stopping early ----------------------------------------------------------------------


def _reaped(pid: int) -> bool:
    """The child has ended and been waited for (running, or a zombie: False)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    if not done:  # our own helper, still running: do not leave it behind
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux process check")
def test_stopping_after_the_first_chunk_leaves_no_helper(
        generated: Files, helpers: SimpleNamespace) -> None:
    with open_reader(str(generated["edited"])) as reader:
        chunks = iter(Columns(reader, GEN_INDEX, parallel=True))
        assert len(next(chunks)[0]) > 0 and helpers.started == [True]
        chunks.close()  # type: ignore[attr-defined]
    assert _reaped(helpers.pids[0])


# --- 6. the helper's frames -----------------------------------------------------------------


def frames(path: Path, index: list[int], day: int | None = None) -> list[Any]:
    out = io.BytesIO()
    assert _helper([str(path), "utf-8", "{}", json.dumps(index), "[]", json.dumps(day)],
                   out) == 0
    size, found = out.tell(), []
    out.seek(0)
    while out.tell() < size:
        found.append(_receive(out))
    return found


def test_helper_frames_of_a_network_audit() -> None:
    with open_reader(str(NET14)) as reader:
        layout = reader.layout
    got = frames(NET14, [layout.columns["id"], layout.columns["search_time"]], day=1)
    assert got[0] == ("layout", "flock-audit", sorted(layout.columns.items()), True)
    assert got[-1] == ("end",) and len(got) == 3
    kind, first, cols, keys, position = got[1]
    assert (kind, first) == ("rows", 2) and 0 < position <= 1  # row 2: after the header
    assert keys == [t[:10] for t in cols[1]] and keys[0] == "01/25/2024"
    assert cols == [("a1", "a2", "a3", "a1", "a4", "a5", "a6", "a7"),
                    ("01/25/2024, 01:27:03 PM UTC", "01/26/2024, 11:05:00 AM UTC",
                     "1/5/2024, 9:15:00 PM UTC", "01/25/2024, 01:27:03 PM UTC",
                     "02/01/2024, 12:00:00 AM UTC", "02/02/2024, 03:04:05 PM UTC",
                     "02/03/2024, 08:00:00 AM UTC", "02/04/2024, 08:00:00 AM UTC")]
    assert frames(DATA / "network-audit-headerless.csv", [0, 9])[1][1] == 1  # no header


def test_helper_row_numbers_skip_blank_records_across_chunks(tmp_path: Path) -> None:
    lines = [f'{i},Hartford CT PD,"two\nlines","01/25/2024, 01:27:03 PM UTC"'
             for i in range(1100)]
    lines[3:3] = [""]  # row 5 of the spreadsheet is blank; quoted newlines add no rows
    (tmp_path / "b.csv").write_text("ID,Org Name,Reason,Search Time\n" + "\n".join(lines))
    got = frames(tmp_path / "b.csv", [0, 3])
    rows = [f for f in got if f[0] == "rows"]
    assert got[-1][0] == "end" and [f[1] for f in rows[1:]] == [514, 1026]
    assert rows[0][1] == [2, 3, 4, *range(6, 514)] and rows[0][2][0][:4] == ("0", "1", "2", "3")
    assert len(rows[2][2][0]) == 77 and rows[2][2][0][-1] == "1099"  # row 1102 = 1026 + 76


@pytest.mark.parametrize("name", ["not-audit.csv", "missing.csv", "."])
def test_helper_sends_one_error_frame_for_an_unreadable_file(name: str) -> None:
    with pytest.raises(InputError) as info:
        open_reader(str(DATA / name))
    assert frames(DATA / name, [0]) == [("error", info.value.message)]


# --- 8. progress ----------------------------------------------------------------------------


def test_progress_every_65536_searches_both_ways(tmp_path: Path,
                                                 helpers: SimpleNamespace) -> None:
    paths, n = [tmp_path / "a.csv", tmp_path / "b.csv"], 70_000
    for k, path in enumerate(paths):
        path.write_text("ID,Org Name,Reason,Search Time\n" + "".join(
            f'{k}-{i},Hartford CT PD,burglary,"01/25/2024, 01:27:03 PM UTC"\n' for i in range(n)))

    def calls(parallel: bool) -> list[tuple[str, float | None, int]]:
        seen: list[tuple[str, float | None, int]] = []
        auditor = Auditor(Options(agency_state="CT"))
        try:
            for path in paths:
                with open_reader(str(path)) as reader:
                    auditor.scan(reader, str(path), lambda *a: seen.append(a), parallel)
        finally:
            auditor.close()
        return seen

    for parallel in (False, True):  # two files: 140,000 searches in all
        seen = calls(parallel)
        assert [(p, rows > 0) for p, _, rows in seen] == [(str(p), True) for p in paths]
        assert seen[0][2] == 65536 and 2 * 65536 - n <= seen[1][2] < 2 * 65536 - n + CHUNK_ROWS
        assert all(f is None or 0 < f <= 1 for _, f, _ in seen)  # rows: per file
    assert helpers.started == [True, True]

    def stop(*args: Any) -> None:
        raise KeyError("stop")

    auditor = Auditor(Options(agency_state="CT"))
    with open_reader(str(paths[0])) as reader, pytest.raises(KeyError, match="stop"):
        auditor.scan(reader, str(paths[0]), stop, parallel=True)  # stopped mid-way
    auditor.close()
    assert not sys.platform.startswith("linux") or _reaped(helpers.pids[-1])


# --- 9. the command line --------------------------------------------------------------------


def test_cli_report_is_the_same_whatever_the_parallel_threshold(
        monkeypatch: pytest.MonkeyPatch, generated: Files, helpers: SimpleNamespace) -> None:
    args = ["audit", str(NET14), str(generated["edited"]), "--agency-state", "CT", "-f", "json"]
    outs = []
    for threshold in (0, 10**12):
        monkeypatch.setattr(columns_mod, "PARALLEL_MIN_BYTES", threshold)
        result = CliRunner().invoke(app, args)
        outs.append((result.exit_code, result.stdout))
    assert helpers.started == [True, True]  # threshold 0: both files read by the helper
    assert outs[0] == outs[1] and outs[0][0] == 1
    assert json.loads(outs[0][1])["searches_scanned"] > 2900
