"""The approval store: approve, ledger show/verify, tampering, torn and crashed writes,
concurrent writers, and drift against the latest approval. Every store lives in tmp_path."""

from __future__ import annotations

import datetime as _dt
import hashlib
import itertools
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import AS_OF, EXAMPLES, ROOT
from lpr_lint.cli import app
from lpr_lint.history.pipeline import approve
from lpr_lint.history.store import (
    GENESIS,
    Store,
    StoreError,
    canonical_bytes,
    entry_hash,
    snapshot_bytes,
)
from lpr_lint.load.files import load_document
from lpr_lint.rules.engine import Checker, Options

runner = CliRunner()
COMPLIANT = str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")
VENDOR_DEFAULT = str(EXAMPLES / "noncompliant" / "vendor-default-30-days.json")
HOLDS = str(EXAMPLES / "noncompliant" / "holds-and-hotlists.yaml")
EXPORTS = (COMPLIANT, VENDOR_DEFAULT, HOLDS)  # three different snapshots
NOW = _dt.datetime(2027, 2, 1, 9, 30, tzinfo=_dt.timezone.utc)
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def sha256_file(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def make_store(tmp_path: Path, baseline: Any, exports: tuple[str, ...] = EXPORTS) -> Store:
    """A store with one entry per export (findings accepted), approved by "Approver <n>"."""
    store = Store(str(tmp_path / "store"))
    for n, export in enumerate(exports, start=1):
        approve(export, baseline, Options(as_of=AS_OF), store, f"Approver {n}", note=f"note {n}",
                accept_findings=True, now=NOW + _dt.timedelta(minutes=n))
    return store


def ledger_lines(store: Store) -> list[bytes]:
    raw = Path(store.ledger).read_bytes()
    assert raw.endswith(b"\n")
    return raw.split(b"\n")[:-1]


def write_lines(store: Store, lines: list[bytes]) -> None:
    Path(store.ledger).write_bytes(b"".join(line + b"\n" for line in lines))


def assert_contiguous_and_intact(store: Store) -> list[dict[str, Any]]:
    check = store.verify()
    assert check.intact and check.problem is None and check.torn is None, check
    entries = store.entries()
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    assert check.entries == len(entries)
    return entries


# -- 1. approve ----------------------------------------------------------------------------


def test_approve_records_a_complete_entry_and_snapshot(tmp_path: Path, ct_baseline: Any) -> None:
    d = tmp_path / "st"
    code, out, err = run("approve", COMPLIANT, "--by", "Sgt. A. Rivera", "--note", "first",
                         "--store", str(d))
    assert code == 0, err
    assert out.startswith("approved ") and " as entry #1 in " in out
    [entry] = Store(str(d)).entries()
    assert entry["seq"] == 1 and STAMP.match(entry["timestamp"])
    assert entry["approver"] == "Sgt. A. Rivera" and entry["note"] == "first"
    assert entry["export"]["path"].endswith("lakeside-ct-pd.yaml")
    assert entry["export"]["sha256"] == sha256_file(COMPLIANT)
    assert entry["baseline"] == {"id": "ct", "version": ct_baseline.version,
                                 "sha256": ct_baseline.sha256}
    assert entry["findings"] == {"total": 0, "gating": 0, "accepted": []}
    assert entry["prev"] == GENESIS and entry["hash"] == entry_hash(entry)
    snap = d / "snapshots" / f"{entry['snapshot_sha256']}.json"
    assert sha256_file(snap) == entry["snapshot_sha256"]
    assert snap.read_bytes() == snapshot_bytes(load_document(COMPLIANT).data)
    assert entry["agency"] == {"name": "Lakeside Police Department", "ori": "CT0012300",
                               "state": "CT"}
    assert sorted(p.name for p in d.iterdir()) == [".gitignore", "ledger.jsonl", "lock",
                                                   "snapshots"]
    assert (d / ".gitignore").read_text(encoding="utf-8").splitlines()[-2:] == ["lock", ".tmp-*"]


def test_approving_the_same_export_twice_keeps_one_snapshot(tmp_path: Path) -> None:
    d = str(tmp_path / "st")
    for note in ("one", "two"):
        assert run("approve", COMPLIANT, "--by", "A", "--note", note, "--store", d)[0] == 0
    first, second = assert_contiguous_and_intact(Store(d))
    assert len(os.listdir(Path(d) / "snapshots")) == 1
    assert first["snapshot_sha256"] == second["snapshot_sha256"]
    assert second["prev"] == first["hash"] and second["hash"] == entry_hash(second)


def test_malformed_export_exits_3_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"agency": {"name": "x",,}}\n', encoding="utf-8")
    code, _, err = run("approve", str(bad), "--by", "A", "--store", str(tmp_path / "st"))
    assert code == 3 and "bad.json" in err
    assert not (tmp_path / "st").exists()


def test_findings_refuse_approval_and_write_nothing(tmp_path: Path) -> None:
    code, _, err = run("approve", VENDOR_DEFAULT, "--by", "A", "--store", str(tmp_path / "st"))
    assert code == 1 and "--accept-findings" in err
    assert not (tmp_path / "st").exists()


def test_accepted_findings_are_recorded(tmp_path: Path, ct_baseline: Any) -> None:
    d = str(tmp_path / "st")
    code, out, err = run("approve", VENDOR_DEFAULT, "--by", "A", "--store", d,
                         "--accept-findings", "--as-of", AS_OF.isoformat())
    assert code == 0, err
    assert out.rstrip().endswith("; 6 finding(s) accepted")
    [entry] = Store(d).entries()
    checker = Checker(ct_baseline, Options(as_of=AS_OF))
    gating = [(f.rule_id, f.pointer) for f in checker.check(load_document(VENDOR_DEFAULT)).findings
              if checker.is_gating(f)]
    accepted = entry["findings"]["accepted"]
    assert [(a["rule_id"], a["pointer"]) for a in accepted] == gating
    assert ("CT-RET-001", "/retention/plate_reads_days") in gating
    assert entry["findings"]["gating"] == 6 and entry["as_of"] == AS_OF.isoformat()


@pytest.mark.parametrize("name", ["", "   "])
def test_approval_needs_an_approver(tmp_path: Path, name: str) -> None:
    code, _, err = run("approve", COMPLIANT, "--by", name, "--store", str(tmp_path / "st"))
    assert code != 0 and "--by" in err
    assert not (tmp_path / "st").exists()


# -- 2. ledger show / verify ---------------------------------------------------------------


def test_ledger_show_text_and_json(tmp_path: Path, ct_baseline: Any) -> None:
    store = make_store(tmp_path, ct_baseline, (COMPLIANT, VENDOR_DEFAULT))
    code, out, _ = run("ledger", "show", "--store", store.path)
    assert code == 0
    first, second = out.rstrip("\n").split("\n")
    assert first.startswith("#1  2027-02-01T09:31:00Z  Approver 1  ")
    assert first.endswith("  — note 1") and "accepted" not in first
    assert second.startswith("#2  2027-02-01T09:32:00Z  Approver 2  ")
    assert "  6 accepted finding(s)  — note 2" in second
    code, out, _ = run("ledger", "show", "--store", store.path, "--format", "json")
    assert code == 0 and json.loads(out) == store.entries()


def test_ledger_show_and_verify_on_an_empty_or_missing_store(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert run("ledger", "show", "--store", str(tmp_path / "empty"))[1] == "no approvals yet\n"
    code, _, err = run("ledger", "verify", "--store", str(tmp_path / "missing"))
    assert code == 3 and "no approval store here" in err


def test_verify_a_fresh_store(tmp_path: Path, ct_baseline: Any) -> None:
    store = make_store(tmp_path, ct_baseline)
    code, out, err = run("ledger", "verify", "--store", store.path)
    assert (code, err) == (0, "")
    assert out == "intact: 3 entries and their snapshots verify\n"


# -- 3. tampering --------------------------------------------------------------------------

Tamper = Callable[[Store, list[dict[str, Any]]], str]


def _flip_snapshot_byte(store: Store, entries: list[dict[str, Any]]) -> str:
    path = Path(store.snapshot_path(entries[1]["snapshot_sha256"]))
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    return f"{path}: snapshot of entry #2 was altered"


def _edit_entry(store: Store, entries: list[dict[str, Any]], rehash: bool = False) -> str:
    lines = ledger_lines(store)
    entry = json.loads(lines[1])
    entry["approver"] = "Mallory"
    if rehash:
        entry["hash"] = entry_hash(entry)
    lines[1] = canonical_bytes(entry)
    write_lines(store, lines)
    if rehash:
        return f"{store.ledger}:3: entry #3 does not follow entry #2"
    return f"{store.ledger}:2: entry #2 was altered"


def _delete_middle(store: Store, entries: list[dict[str, Any]]) -> str:
    lines = ledger_lines(store)
    write_lines(store, [lines[0], lines[2]])
    return f"{store.ledger}:2: entry #3 does not follow entry #1"


def _swap(store: Store, entries: list[dict[str, Any]]) -> str:
    lines = ledger_lines(store)
    write_lines(store, [lines[0], lines[2], lines[1]])
    return f"{store.ledger}:2: entry #3 does not follow entry #1"


def _delete_snapshot(store: Store, entries: list[dict[str, Any]]) -> str:
    path = store.snapshot_path(entries[1]["snapshot_sha256"])
    os.unlink(path)
    return f"{path}: snapshot of entry #2 is missing"


def _not_json(store: Store, entries: list[dict[str, Any]]) -> str:
    lines = ledger_lines(store)
    lines[1] = b'{"seq": 2, "approver": oops}'
    write_lines(store, lines)
    return f"{store.ledger}:2: entry 2 is not valid JSON"


@pytest.mark.parametrize(("tamper", "verified"), [
    pytest.param(_flip_snapshot_byte, 1, id="edited-snapshot"),
    pytest.param(_edit_entry, 1, id="edited-entry"),
    pytest.param(lambda s, e: _edit_entry(s, e, rehash=True), 2, id="edited-entry-rehashed"),
    pytest.param(_delete_middle, 1, id="deleted-middle-entry"),
    pytest.param(_swap, 1, id="reordered-entries"),
    pytest.param(_delete_snapshot, 1, id="deleted-snapshot"),
    pytest.param(_not_json, 1, id="line-not-json"),
])
def test_tampering_is_detected(tmp_path: Path, ct_baseline: Any, tamper: Tamper,
                               verified: int) -> None:
    store = make_store(tmp_path, ct_baseline)
    expected = tamper(store, store.entries())
    check = store.verify()
    assert not check.intact and check.torn is None and check.entries == verified
    assert check.problem is not None and check.problem.startswith(expected)
    code, out, _ = run("ledger", "verify", "--store", store.path)
    assert code == 1 and out.startswith(f"TAMPERED: {expected}")
    # and nothing more can be appended to a ledger that does not verify
    before = Path(store.ledger).read_bytes()
    assert run("approve", COMPLIANT, "--by", "A", "--store", store.path)[0] == 3
    assert Path(store.ledger).read_bytes() == before


def test_deleted_last_entry_leaves_an_orphaned_snapshot_warning(tmp_path: Path,
                                                                ct_baseline: Any) -> None:
    store = make_store(tmp_path, ct_baseline)
    last_snapshot = store.snapshot_path(store.entries()[2]["snapshot_sha256"])
    write_lines(store, ledger_lines(store)[:2])
    code, out, err = run("ledger", "verify", "--store", store.path)
    assert code == 0 and out.startswith("intact: 2 entries")  # the chain alone cannot tell
    assert err == f"warning: {last_snapshot}: not referenced by any entry (an interrupted " \
                  "approval, or a removed last entry)\n"


# -- 4. torn write -------------------------------------------------------------------------


@pytest.mark.parametrize("byte", [b"X", b" ", b"\r", b"}"])
def test_a_final_newline_replaced_is_tampering_not_torn(tmp_path: Path, ct_baseline: Any,
                                                          byte: bytes) -> None:
    store = make_store(tmp_path, ct_baseline)
    raw = Path(store.ledger).read_bytes()
    Path(store.ledger).write_bytes(raw[:-1] + byte)
    check = store.verify()
    assert check.torn is None and check.problem is not None and check.entries == 2
    assert "not the beginning of a ledger entry" in check.problem
    code, out, _ = run("ledger", "verify", "--store", store.path)
    assert code == 1 and out.startswith("TAMPERED") and "TORN" not in out


def test_every_cut_of_an_entry_is_torn(tmp_path: Path, ct_baseline: Any) -> None:
    from lpr_lint.history.store import genuine_prefix

    store = make_store(tmp_path, ct_baseline)
    for entry in store.entries():
        line = canonical_bytes(entry)
        assert all(genuine_prefix(line[:k]) for k in range(1, len(line)))
        assert not genuine_prefix(line) and not genuine_prefix(line + b"x")
    assert not genuine_prefix(b"garbage") and not genuine_prefix(b"")


def test_torn_last_line_is_torn_not_tampered(tmp_path: Path, ct_baseline: Any) -> None:
    store = make_store(tmp_path, ct_baseline)
    line = canonical_bytes(store.entries()[0])
    with open(store.ledger, "ab") as fh:
        fh.write(line[: len(line) // 2])
    check = store.verify()
    assert check.problem is None and check.torn is not None and not check.intact
    code, out, _ = run("ledger", "verify", "--store", store.path)
    assert code == 1 and out.startswith(f"TORN: {store.ledger}:4: ") and "TAMPERED" not in out
    assert "the 3 entries before it verify" in out
    before = Path(store.ledger).read_bytes()
    snapshots = sorted(os.listdir(store.snapshots))
    code, _, err = run("approve", str(EXAMPLES / "noncompliant" / "federal-ice-assist.json"),
                       "--by", "A", "--accept-findings", "--store", store.path)
    assert code == 3 and "must verify before anything is appended" in err
    assert Path(store.ledger).read_bytes() == before
    assert sorted(os.listdir(store.snapshots)) == snapshots


# -- 5. crash mid-write --------------------------------------------------------------------


class Crash(BaseException):
    """A simulated power cut: not an Exception, so nothing should swallow it."""


def _count_calls(monkeypatch: pytest.MonkeyPatch, name: str, fail_at: int = 0,
                 exc: BaseException | None = None) -> list[Any]:
    real, calls = getattr(os, name), []

    def fake(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) == fail_at:
            raise exc  # type: ignore[misc]
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, fake)
    return calls


def test_an_approval_writes_with_two_renames_and_four_fsyncs(
        tmp_path: Path, ct_baseline: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    store = make_store(tmp_path, ct_baseline, (COMPLIANT,))
    replaces = _count_calls(monkeypatch, "replace")
    fsyncs = _count_calls(monkeypatch, "fsync")
    approve(VENDOR_DEFAULT, ct_baseline, Options(as_of=AS_OF), store, "B", accept_findings=True)
    monkeypatch.undo()
    assert [Path(dst).name for _src, dst in replaces] == [
        f"{store.entries()[1]['snapshot_sha256']}.json", "ledger.jsonl"]
    assert len(fsyncs) == 4  # snapshot file, its directory, ledger file, its directory


# (function, call that crashes, entries afterwards, orphaned snapshots afterwards)
CRASH_POINTS = [("replace", 1, 1, 0), ("replace", 2, 1, 1), ("fsync", 1, 1, 0),
                ("fsync", 2, 1, 1), ("fsync", 3, 1, 1), ("fsync", 4, 2, 0)]


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), SystemExit(1), Crash()],
                         ids=["KeyboardInterrupt", "SystemExit", "Crash"])
@pytest.mark.parametrize(("name", "call", "entries", "orphans"), CRASH_POINTS,
                         ids=[f"{n}-{c}" for n, c, _e, _o in CRASH_POINTS])
def test_crash_mid_approve_leaves_old_or_new_ledger(
        tmp_path: Path, ct_baseline: Any, monkeypatch: pytest.MonkeyPatch, exc: BaseException,
        name: str, call: int, entries: int, orphans: int) -> None:
    store = make_store(tmp_path, ct_baseline, (COMPLIANT,))
    old = Path(store.ledger).read_bytes()
    _count_calls(monkeypatch, name, fail_at=call, exc=exc)
    with pytest.raises(type(exc)):
        approve(VENDOR_DEFAULT, ct_baseline, Options(as_of=AS_OF), store, "B",
                accept_findings=True)
    monkeypatch.undo()
    new = Path(store.ledger).read_bytes()
    assert new == old if entries == 1 else new.startswith(old) and new.count(b"\n") == 2
    check = store.verify()
    assert check.intact and check.problem is None and check.entries == entries
    assert len(check.warnings) == orphans
    assert all("not referenced by any entry" in w for w in check.warnings)
    assert list(tmp_path.rglob(".tmp-*")) == []
    # the store recovers: the next approval goes through and adopts the orphaned snapshot
    approve(VENDOR_DEFAULT, ct_baseline, Options(as_of=AS_OF), store, "B", accept_findings=True)
    assert len(assert_contiguous_and_intact(store)) == entries + 1
    assert store.verify().warnings == ()


def test_sigkill_during_approve_never_breaks_the_ledger(tmp_path: Path,
                                                        ct_baseline: Any) -> None:
    store = make_store(tmp_path, ct_baseline, (COMPLIANT,))
    rng = random.Random(20270201)
    started, count = time.monotonic(), 1
    for i in range(10):
        proc = subprocess.Popen(
            [sys.executable, "-m", "lpr_lint", "approve", EXPORTS[i % 3], "--by", "K",
             "--note", f"kill {i}", "--accept-findings", "--store", store.path],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.4))
        proc.kill()
        proc.wait(timeout=10)
        code, out, _ = run("ledger", "verify", "--store", store.path)
        assert code == 0 and out.startswith("intact: "), out
        entries = assert_contiguous_and_intact(store)
        assert len(entries) in (count, count + 1)  # at most the killed approval was added
        count = len(entries)
    assert time.monotonic() - started < 20


def test_leftover_temporary_files_are_warned_about_then_removed(tmp_path: Path,
                                                               ct_baseline: Any) -> None:
    # a writer killed inside write_atomic can leave its temporary file; it is never an entry
    store = make_store(tmp_path, ct_baseline, (COMPLIANT,))
    (Path(store.path) / ".tmp-abc123").write_bytes(b'{"seq": 2')
    (Path(store.snapshots) / ".tmp-def456").write_bytes(b"{")
    check = store.verify()
    assert check.intact and check.entries == 1
    assert len(check.warnings) == 2
    assert all("temporary file left by an interrupted write" in w for w in check.warnings)
    make_store(tmp_path, ct_baseline, (COMPLIANT,))  # the next approval cleans up under the lock
    assert store.verify().warnings == ()


# -- 6. concurrency ------------------------------------------------------------------------


def test_concurrent_approvals_are_serialised(tmp_path: Path) -> None:
    d = str(tmp_path / "st")
    notes = [f"writer {i}" for i in range(8)]
    procs = [subprocess.Popen(
        [sys.executable, "-m", "lpr_lint", "approve", EXPORTS[i % 2], "--by", f"W{i}",
         "--note", note, "--accept-findings", "--store", d],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i, note in enumerate(notes)]
    results = [proc.communicate(timeout=60) for proc in procs]
    assert [p.returncode for p in procs] == [0] * 8, results
    entries = assert_contiguous_and_intact(Store(d))
    assert len(entries) == 8 and sorted(e["note"] for e in entries) == notes
    assert all(e["prev"] == p["hash"] for p, e in itertools.pairwise(entries))
    assert run("ledger", "verify", "--store", d)[1].startswith("intact: 8 entries")


# -- 7. drift against the store ------------------------------------------------------------


def test_drift_against_the_latest_approval(tmp_path: Path) -> None:
    d = str(tmp_path / "st")
    assert run("approve", COMPLIANT, "--by", "A", "--store", d)[0] == 0
    code, out, _ = run("drift", COMPLIANT, "--store", d)
    assert code == 0 and "No changes." in out
    [entry] = Store(d).entries()
    assert out.splitlines()[0].endswith(f"from approval #1 of {COMPLIANT} (A, "
                                        f"{entry['timestamp'][:10]}; entry {entry['hash'][:12]})")


def test_drift_refuses_a_tampered_snapshot(tmp_path: Path) -> None:
    d = str(tmp_path / "st")
    assert run("approve", COMPLIANT, "--by", "A", "--store", d)[0] == 0
    store = Store(d)
    snap = Path(store.snapshot_path(store.entries()[-1]["snapshot_sha256"]))
    snap.write_bytes(snap.read_bytes().replace(b"21", b"99", 1))
    code, _, err = run("drift", COMPLIANT, "--store", d)
    assert code == 3 and "ledger verify" in err


def test_drift_refuses_a_tampered_latest_entry(tmp_path: Path) -> None:
    d = str(tmp_path / "st")
    assert run("approve", COMPLIANT, "--by", "A", "--store", d)[0] == 0
    store = Store(d)
    # plant the loosened export as a well-formed snapshot and point the entry at it
    forged = snapshot_bytes(load_document(VENDOR_DEFAULT).data)
    sha = hashlib.sha256(forged).hexdigest()
    Path(store.snapshot_path(sha)).write_bytes(forged)
    entry = store.entries()[0]
    entry["snapshot_sha256"] = sha
    write_lines(store, [canonical_bytes(entry)])
    assert run("ledger", "verify", "--store", d)[0] == 1  # verify catches it ...
    code, _, err = run("drift", VENDOR_DEFAULT, "--store", d)
    assert code == 3 and "ledger verify" in err  # ... drift should refuse too


def test_drift_without_approvals_exits_3(tmp_path: Path) -> None:
    code, _, err = run("drift", COMPLIANT, "--store", str(tmp_path / "missing"))
    assert code == 3 and "no approval store here" in err
    (tmp_path / "empty").mkdir()
    code, _, err = run("drift", COMPLIANT, "--store", str(tmp_path / "empty"))
    assert code == 3 and "nothing has been approved yet" in err


def test_store_files_follow_the_umask(tmp_path: Path, ct_baseline: Any) -> None:
    old = os.umask(0o022)
    try:
        store = make_store(tmp_path, ct_baseline, (COMPLIANT,))
    finally:
        os.umask(old)
    (snap,) = Path(store.snapshots).iterdir()
    for path in (Path(store.ledger), snap):
        assert path.stat().st_mode & 0o777 == 0o644, path


def test_a_blank_approver_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("approve", COMPLIANT, "--by", "  ", "--store", str(tmp_path / "st"))
    assert code == 2 and "must not be empty" in err
    assert not (tmp_path / "st").exists()


# -- checkpoints ---------------------------------------------------------------------------


def test_a_checkpoint_catches_removed_and_rewritten_entries(tmp_path: Path,
                                                            ct_baseline: Any) -> None:
    store = make_store(tmp_path, ct_baseline)
    point = store.checkpoint()
    assert point["seq"] == 3 and point["hash"] == store.entries()[-1]["hash"]
    assert store.check_checkpoint(point) is None
    lines = Path(store.ledger).read_bytes().split(b"\n")
    Path(store.ledger).write_bytes(b"\n".join(lines[:2]) + b"\n")  # the newest entry removed
    assert store.verify(snapshots=False).intact  # the chain alone cannot tell
    problem = store.check_checkpoint(point)
    assert problem is not None and "has 2 entries" in problem and "entry #3" in problem
    older = dict(point, seq=2, hash="f" * 64)
    problem = store.check_checkpoint(older)
    assert problem is not None and "entry #2 is not the one the checkpoint records" in problem
    with pytest.raises(StoreError, match="not a ledger checkpoint"):
        store.check_checkpoint({"seq": "3"})
