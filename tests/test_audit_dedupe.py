"""Duplicate search IDs: found exactly, never by Python's salted ``hash()``, alike on every run."""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import os
import random
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from conftest import ROOT
from lpr_lint.audit import dedupe
from lpr_lint.audit.dedupe import EXACT_BYTES, KEY, SHORT_BYTES, Dedupe, id_key, id_keys

NO_ID = frozenset({"***", "REDACTED", "redacted"})
HEADER = ["ID", " Name", " Org Name", " Total Networks Searched", " Time Frame",
          " License Plate", " Reason", " Case #", " Filters", " Search Time", " Search Type",
          " Text Prompt", " Moderation"]


def _ids(rng: random.Random, n: int) -> list[str]:
    """IDs of every kind: UUIDs, short, either side of SHORT_BYTES and EXACT_BYTES, long,
    non-ASCII, a lone surrogate, NUL bytes, missing or withheld."""
    kinds = [
        lambda: f"{rng.getrandbits(128):032x}",
        lambda: f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-{rng.getrandbits(64):x}",
        lambda: str(rng.randrange(1000)),
        lambda: "y" * (SHORT_BYTES - 2) + f"{rng.randrange(100):02d}",
        lambda: "y" * (SHORT_BYTES - 1) + f"{rng.randrange(100):02d}",
        lambda: "\x00" * (SHORT_BYTES - 1) + f"{rng.randrange(100):02d}",
        lambda: "x" * (EXACT_BYTES - 3) + f"{rng.randrange(1000):03d}",
        lambda: "x" * (EXACT_BYTES - 2) + f"{rng.randrange(1000):03d}",
        lambda: "long-" * 20 + str(rng.randrange(10**6)),
        lambda: "é" * rng.randrange(1, 25) + str(rng.randrange(100)),
        lambda: "\ud800" + str(rng.randrange(100)),
        lambda: "\x00" * rng.randrange(1, 3) + str(rng.randrange(100)),
        lambda: str(rng.randrange(100)) + "\x00",
        lambda: rng.choice(["", *sorted(NO_ID)]),
    ]
    return [rng.choice(kinds)() for _ in range(n)]


# --- the key ----------------------------------------------------------------------------------


def test_a_chunk_gets_the_keys_of_its_ids_one_by_one() -> None:
    rng = random.Random(5)
    for size in (1, 2, 7, 512):
        for _ in range(200):
            ids = _ids(rng, size)
            assert list(id_keys(ids)) == [id_key(i) for i in ids]
    for uniform in ([f"{rng.getrandbits(64):016x}-{n}" for n in range(512)],  # C-level
                    [f"{rng.getrandbits(128):032x}-abc" for _ in range(512)]):
        assert list(id_keys(uniform)) == list(map(id_key, uniform))
        uniform[7] = "\x00" + uniform[7][1:]  # one the fast path cannot take
        assert list(id_keys(uniform)) == list(map(id_key, uniform))
    assert list(id_keys([])) == []


def test_different_ids_have_different_keys() -> None:
    rng = random.Random(6)
    ids = set(_ids(rng, 200_000)) | {"a", "\x00a", "\x00\x00a", "a\x00", "b" * EXACT_BYTES,
                                     "b" * (EXACT_BYTES + 1), "", chr(0xD800), chr(0xDC00)}
    assert len({id_key(i) for i in ids}) == len(ids)


def _digest(raw: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(raw, digest_size=16, key=KEY).digest(), "big")


def test_ids_are_their_own_key_and_long_ones_a_keyed_digest() -> None:
    uuid = "6f0c2a1e-3b7d-4e0a-9c55-0d7f9b2a4c11"  # 36 bytes
    short = "s" * SHORT_BYTES
    assert id_key(short) == short.encode() and id_key("") == b"" and id_key("a") == b"a"
    assert id_key("\x00" + short) == _digest(b"\x00" + short.encode())
    assert id_key(short + "t") == int.from_bytes(short.encode() + b"t", "big") >= 2 ** 248
    assert id_key(uuid) == int.from_bytes(uuid.encode(), "big")
    assert id_key("é" * 16) == int.from_bytes("é".encode() * 16, "big")  # 32 bytes
    for long in ("u" * (EXACT_BYTES + 1), "\x00" * (SHORT_BYTES + 1)):
        assert id_key(long) == _digest(long.encode()) < 2 ** 128
    assert id_key("\ud800") == b"\xed\xa0\x80"  # (surrogatepass)
    for rid in ("a", short, uuid, "u" * 100):  # at most 64 bytes of memory each
        assert sys.getsizeof(id_key(rid)) <= 64


def test_ids_whose_python_hashes_collide_are_both_kept() -> None:
    class Colliding(str):
        def __hash__(self) -> int:
            return 42

    first, second = Colliding("a1"), Colliding("a2")
    assert hash(first) == hash(second) and first != second
    found = Dedupe(NO_ID)
    assert found.keep([first, second]) is None
    assert found.keep([second, Colliding("a3")]) == [False, True] and found.duplicates == 1


def test_keys_that_hash_alike_are_told_apart() -> None:
    """Integer keys whose own (unsalted) hashes are equal are still different IDs."""
    modulus = sys.hash_info.modulus
    first = "6f0c2a1e-3b7d-4e0a-9c55-0d7f9b2a4c11"
    base = id_key(first)
    assert isinstance(base, int)
    second = next(raw for m in range(1, 100_000)
                  if max(raw := (base + m * modulus).to_bytes(36, "big")) < 0x80).decode()
    assert hash(id_key(second)) == hash(base) and second != first
    found = Dedupe(NO_ID)
    assert found.keep([first]) is None and found.keep([second]) is None
    assert found.keep([first, second]) == [False, False] and found.duplicates == 2


# --- the window -------------------------------------------------------------------------------


class Reference:
    """The window spelled out by the IDs themselves: a chunk of new IDs joins it at once
    (and it moves on after the chunk); any other chunk, row by row."""

    def __init__(self, window: int) -> None:
        self.window, self.duplicates = window, 0
        self.seen: set[str] = set()
        self.before: set[str] = set()

    def keep(self, ids: Sequence[str]) -> list[bool]:
        new = set(ids)
        if len(new) == len(ids) and not new & (NO_ID | {""} | self.seen | self.before):
            self.seen |= new
            if len(self.seen) >= self.window:
                self.before, self.seen = self.seen, set()
            return [True] * len(ids)
        out = []
        for rid in ids:
            if rid and rid not in NO_ID:
                if rid in self.seen or rid in self.before:
                    self.duplicates += 1
                    out.append(False)
                    continue
                self.seen.add(rid)
                if len(self.seen) >= self.window:
                    self.before, self.seen = self.seen, set()
            out.append(True)
        return out


@pytest.mark.parametrize("window", [1, 3, 50, 1000])
def test_the_window_finds_exactly_the_repeats_of_recent_ids(window: int) -> None:
    rng = random.Random(window)
    pool = _ids(rng, 400)
    found, reference = Dedupe(NO_ID, window), Reference(window)
    for _ in range(300):
        size = rng.choice([1, 5, 40])
        ids = rng.sample(pool, size) if rng.random() < 0.5 else _ids(rng, size)
        keep = found.keep(ids)
        assert (keep or [True] * size) == reference.keep(ids)
    assert found.duplicates == reference.duplicates > 0


def test_the_audit_never_calls_the_builtin_hash() -> None:
    for path in sorted((ROOT / "lpr_lint" / "audit").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "hash"]
        assert not names, f"{path.name}:{names[0].lineno}: hash() is salted per process"
    assert dedupe.WINDOW == 200_000


# --- the whole audit, under any PYTHONHASHSEED --------------------------------------------------


def _log(path: Path, rows: int) -> int:
    """A Network Audit log with repeated, missing, withheld, long and non-ASCII IDs; the
    number of repeats."""
    rng = random.Random(11)
    ids = [i for i in _ids(rng, rows) if "\x00" not in i and "\ud800" not in i]
    ids[::7] = [rng.choice(ids[:50]) for _ in ids[::7]]  # repeats, some across chunks
    seen: set[str] = set()
    repeats = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for n, rid in enumerate(ids):
            if rid and rid not in NO_ID:
                repeats += rid in seen
                seen.add(rid)
            org = rng.choice(["Hartford CT PD", "Houston TX PD", "[Federal] US Border Patrol"])
            writer.writerow([rid, "", org, rng.randrange(1, 300), "", "***",
                             rng.choice(["burglary", "ICE assist", "investigation"]), "",
                             "", f"0{1 + n % 9}/1{n % 10}/2025, 10:00:00 AM UTC", "lookup",
                             "", "allow"])
    return repeats


def test_the_report_is_the_same_under_any_hash_seed(tmp_path: Path) -> None:
    log = tmp_path / "audit.csv"
    repeats = _log(log, 3000)
    outs = []
    for seed in ("0", "1", "random"):
        out = tmp_path / f"report-{seed}.json"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run(
            [sys.executable, "-m", "lpr_lint", "audit", str(log), "--agency-state", "CT",
             "--sample", "20", "--seed", "3", "--output", f"json:{out}"],
            cwd=tmp_path, env=env, capture_output=True, text=True)
        assert proc.returncode == 1, proc.stderr  # ICE assist: a violation
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]
    summary = json.loads(outs[0])["summary"]
    assert summary["duplicates"] == repeats > 300
