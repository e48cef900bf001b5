"""The approval store: normalised snapshots and a hash-chained, append-only ledger.

Layout of a store directory (default ``.lpr-lint/``)::

    ledger.jsonl              one JSON entry per line; each names the hash of the one before
    snapshots/<sha256>.json   the approved export, canonical JSON, named by its own hash
    lock                      taken (flock) by every writer
    .gitignore                keeps the lock and temporary files out of git

The ledger, the snapshots and the ``.gitignore`` are meant to be committed with the exports.

Every write is atomic (temporary file, fsync, rename, fsync of the directory) and happens
under the lock, so concurrent approvals are serialised: none is lost, none forks the chain,
and a writer killed at any point leaves either the old ledger or the new one, never a mix.
``verify`` recomputes every entry hash, the chain and every snapshot hash.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lpr_lint.atomic import TMP_PREFIX, write_atomic
from lpr_lint.config import DEFAULTS
from lpr_lint.errors import LprLintError

DEFAULT_STORE: str = DEFAULTS["store"]
LEDGER = "ledger.jsonl"
SNAPSHOTS = "snapshots"
LOCK = "lock"
GITIGNORE = ".gitignore"
GITIGNORE_TEXT = (f"# lpr-lint approval store: commit {LEDGER}, {SNAPSHOTS}/ and this file; the "
                  f"lock and\n# temporary files are local.\n{LOCK}\n{TMP_PREFIX}*\n")
CHECKPOINT_FORMAT = "1"
GENESIS = "0" * 64
"""The ``prev`` of the first entry."""
LOCK_TIMEOUT_S = 60.0


class StoreError(LprLintError):
    """The store cannot be read or written (exit 3)."""


def canonical_bytes(value: Any) -> bytes:
    """The one byte form of a JSON value that hashes are taken over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def snapshot_bytes(data: Any) -> bytes:
    """A normalised snapshot: sorted keys, two-space indent, UTF-8, final newline."""
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
            + "\n").encode("utf-8")


def signed_bytes(record: dict[str, Any]) -> bytes:
    """The bytes a signature of an entry (or a checkpoint) covers: its canonical JSON without
    its hash and signature. The signature is part of the entry its hash covers, so removing
    a signature breaks the chain."""
    return canonical_bytes({k: v for k, v in record.items() if k not in ("hash", "signature")})


def entry_hash(entry: dict[str, Any]) -> str:
    """sha256 of the canonical entry without its own ``hash``."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical_bytes(body)).hexdigest()


_TAIL = re.compile(r"[0-9.eE+\-a-z]+\Z")
_CUT_ESCAPE = re.compile(r"\\u[0-9a-fA-F]{0,4}\Z")
_NUMBER_START = re.compile(r"-?(?:0|[1-9][0-9]*)?(?:\.[0-9]*)?(?:[eE][+-]?[0-9]*)?\Z")


def genuine_prefix(line: bytes) -> bool:
    """Whether ``line`` is a strict prefix of some ledger entry: the beginning of a JSON
    object cut short (what an interrupted append could leave), not a complete entry with its
    newline missing or replaced, and not other bytes."""
    if not line.startswith(b"{"):
        return False
    for cut in range(4):  # a multi-byte character may itself be cut
        try:
            text = line[: len(line) - cut].decode("utf-8")
            break
        except UnicodeDecodeError:
            continue
    else:
        return False
    try:
        json.JSONDecoder().raw_decode(text)
        return False  # a whole object: not a cut-short one
    except json.JSONDecodeError as exc:
        if exc.msg.startswith("Unterminated string"):
            return "\n" not in text[exc.pos:]  # the cut falls inside a string
        if exc.msg.startswith("Invalid \\uXXXX escape"):  # inside a \u escape: "\u00"
            return _CUT_ESCAPE.search(text) is not None and exc.pos >= len(text) - 6
    tail = _TAIL.search(text)  # a number or literal cut short: true -> "tr", 2.5 -> "2."
    if tail and text[: tail.start()].rstrip().endswith((":", "[", ",")):
        word = tail.group()
        if not (any(lit.startswith(word) for lit in ("true", "false", "null"))
                or _NUMBER_START.match(word)):
            return False
        text = text[: tail.start()]
    try:
        json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        return exc.msg.startswith(("Expecting", "Unterminated")) and (
            exc.pos >= len(text.rstrip()))
    return False  # a whole object: not a cut-short one


@contextlib.contextmanager
def locked(store: str, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the store's exclusive lock (waits up to ``timeout`` seconds)."""
    import fcntl

    fd = os.open(os.path.join(store, LOCK), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() > deadline:
                    raise StoreError(f"{store}: locked by another lpr-lint process for more "
                                     f"than {timeout:.0f} s") from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@dataclass(frozen=True, slots=True)
class Verification:
    """What ``verify`` found."""

    entries: int
    """Entries that verified, from the first."""
    problem: str | None = None
    """The first tampering found (entry or file named), if any."""
    torn: str | None = None
    """An incomplete last line: an interrupted write, not an altered entry."""
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def intact(self) -> bool:
        """True when nothing was altered and nothing is torn."""
        return self.problem is None and self.torn is None


class Store:
    """An approval store directory."""

    def __init__(self, path: str = DEFAULT_STORE) -> None:
        self.path = path
        self.ledger = os.path.join(path, LEDGER)
        self.snapshots = os.path.join(path, SNAPSHOTS)

    def snapshot_path(self, sha256: str) -> str:
        """Where the snapshot with this hash is kept."""
        return os.path.join(self.snapshots, f"{sha256}.json")

    # -- reading ---------------------------------------------------------------------

    def _read_ledger(self) -> bytes:
        if not os.path.isdir(self.path):
            raise StoreError(f"{self.path}: no approval store here (nothing approved yet? see "
                             "`lpr-lint approve`)")
        try:
            with open(self.ledger, "rb") as fh:
                return fh.read()
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise StoreError(f"{self.ledger}: cannot read: {exc.strerror or exc}") from None

    def entries(self) -> list[dict[str, Any]]:
        """Every complete entry, oldest first (no verification; see :meth:`verify`)."""
        raw = self._read_ledger()
        out = []
        for number, line in enumerate(raw.split(b"\n"), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                raise StoreError(f"{self.ledger}:{number}: not a ledger entry; run "
                                 "`lpr-lint ledger verify`") from None
            out.append(entry)
        return out

    def verify(self, snapshots: bool = True) -> Verification:
        """Recompute the chain and (unless ``snapshots`` is False) every snapshot hash; stop at
        the first problem."""
        raw = self._read_ledger()
        lines = raw.split(b"\n")
        last = lines.pop()  # after the final newline: empty unless the last write was torn
        prev, count, referenced = GENESIS, 0, set()
        for number, line in enumerate(lines, start=1):
            where = f"{self.ledger}:{number}"
            try:
                entry = json.loads(line)
                if not isinstance(entry, dict):
                    raise ValueError
            except ValueError:
                return Verification(count, f"{where}: entry {number} is not valid JSON: the "
                                    "ledger was altered")
            seq = entry.get("seq")
            if entry.get("hash") != entry_hash(entry):
                return Verification(count, f"{where}: entry #{seq} was altered (its hash does "
                                    "not match its content)")
            if seq != number or entry.get("prev") != prev:
                return Verification(count, f"{where}: entry #{seq} does not follow entry "
                                    f"#{number - 1}: an entry was removed, inserted or reordered, "
                                    f"or entry #{number - 1} was rewritten with a new hash")
            snap = str(entry.get("snapshot_sha256", ""))
            problem = self._check_snapshot(snap, seq) if snapshots else None
            if problem:
                return Verification(count, problem)
            referenced.add(snap)
            prev, count = entry["hash"], count + 1
        torn = None
        if last.strip():
            where = f"{self.ledger}:{len(lines) + 1}"
            if not genuine_prefix(last):  # e.g. the final newline replaced by another byte
                return Verification(count, f"{where}: the last line is not the beginning of a "
                                    "ledger entry an interrupted write could leave (a complete "
                                    "entry without its newline, or other bytes): the ledger "
                                    "was altered")
            torn = (f"{where}: the last line is incomplete (a write was interrupted); the "
                    f"{count} entries before it verify")
        orphans = sorted(
            name for name in (os.listdir(self.snapshots) if os.path.isdir(self.snapshots) else [])
            if name.endswith(".json") and name[:-5] not in referenced)
        warnings = [f"{os.path.join(self.snapshots, n)}: not referenced by any entry (an "
                    "interrupted approval, or a removed last entry)" for n in orphans]
        warnings += [f"{t}: temporary file left by an interrupted write (the next approval "
                     "removes it)" for t in self._leftovers()]
        return Verification(count, None, torn, tuple(warnings))

    def _leftovers(self) -> list[str]:
        found = []
        for directory in (self.path, self.snapshots):
            if os.path.isdir(directory):
                found += sorted(os.path.join(directory, n) for n in os.listdir(directory)
                                if n.startswith(TMP_PREFIX))
        return found

    def _check_snapshot(self, sha256: str, seq: Any) -> str | None:
        path = self.snapshot_path(sha256)
        try:
            with open(path, "rb") as fh:
                actual = hashlib.sha256(fh.read()).hexdigest()
        except OSError:
            return f"{path}: snapshot of entry #{seq} is missing"
        if actual != sha256:
            return f"{path}: snapshot of entry #{seq} was altered (its hash does not match)"
        return None

    def verified_entries(self) -> list[dict[str, Any]]:
        """Every entry, oldest first, after checking the whole chain (an edited ledger must
        never be compared against); snapshots are checked one by one by :meth:`snapshot`."""
        chain = self.verify(snapshots=False)
        if not chain.intact:
            raise StoreError(f"{chain.problem or chain.torn}; run `lpr-lint ledger verify`")
        return self.entries()

    def snapshot(self, entry: dict[str, Any]) -> bytes:
        """The snapshot an entry approved, after checking its hash."""
        sha = str(entry.get("snapshot_sha256", ""))
        problem = self._check_snapshot(sha, entry.get("seq"))
        if problem:
            raise StoreError(f"{problem}; run `lpr-lint ledger verify`")
        with open(self.snapshot_path(sha), "rb") as fh:
            return fh.read()

    def latest(self) -> tuple[dict[str, Any], bytes]:
        """The newest entry and its snapshot bytes, both verified."""
        entries = self.verified_entries()
        if not entries:
            raise StoreError(f"{self.path}: nothing has been approved yet (see "
                             "`lpr-lint approve`)")
        return entries[-1], self.snapshot(entries[-1])

    # -- checkpoints -----------------------------------------------------------------

    def checkpoint(self, now: _dt.datetime | None = None) -> dict[str, Any]:
        """The ledger's head (sequence number and entry hash) as a record meant to be kept
        elsewhere (a ticket, a commit, another repository): the chain alone cannot show that
        its newest entries were removed, a checkpoint can."""
        entries = self.verified_entries()
        if not entries:
            raise StoreError(f"{self.path}: nothing has been approved yet, so there is no head "
                             "to record")
        stamp = (now or _dt.datetime.now(_dt.timezone.utc)).astimezone(_dt.timezone.utc)
        return {"checkpoint_format": CHECKPOINT_FORMAT, "seq": entries[-1]["seq"],
                "hash": entries[-1]["hash"],
                "created": stamp.isoformat(timespec="seconds").replace("+00:00", "Z")}

    def check_checkpoint(self, checkpoint: dict[str, Any]) -> str | None:
        """Why the ledger does not reach or agree with a checkpoint, or None when it does (its
        entry at the checkpoint's number has the checkpoint's hash)."""
        seq, wanted = checkpoint.get("seq"), checkpoint.get("hash")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1 or not isinstance(
                wanted, str):
            raise StoreError("not a ledger checkpoint (it needs a seq number and a hash)")
        entries = self.entries()
        if len(entries) < seq:
            return (f"{self.ledger} has {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}, "
                    f"but the checkpoint of "
                    f"{checkpoint.get('created', 'an earlier date')} records entry #{seq}: "
                    "entries were removed")
        found = entries[seq - 1].get("hash")
        if found != wanted:
            return (f"{self.ledger}:{seq}: entry #{seq} is not the one the checkpoint records "
                    f"(hash {str(found)[:12]} here, {wanted[:12]} in the checkpoint): the "
                    "ledger was rewritten")
        return None

    # -- writing ---------------------------------------------------------------------

    def append(self, data: Any, record: dict[str, Any],
               now: _dt.datetime | None = None,
               sign: Callable[[bytes], str] | None = None) -> dict[str, Any]:
        """Store a snapshot of ``data`` and append an entry describing it; return the entry.

        ``record`` holds the caller's fields (approver, note, export, baseline, findings);
        sequence number, timestamp, snapshot hash and the chain are added here, under the lock.
        """
        try:
            os.makedirs(self.snapshots, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the store: {exc.strerror}") from None
        snap = snapshot_bytes(data)
        sha = hashlib.sha256(snap).hexdigest()
        with locked(self.path):
            for leftover in self._leftovers():  # under the lock, no writer is alive to own them
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
            check = self.verify()
            if not check.intact:
                raise StoreError(f"{check.problem or check.torn}; the ledger must verify before "
                                 "anything is appended")
            existing = self._read_ledger()
            entries = [json.loads(x) for x in existing.split(b"\n") if x.strip()]
            if not os.path.exists(self.snapshot_path(sha)):
                write_atomic(self.snapshot_path(sha), snap)
            if not os.path.exists(os.path.join(self.path, GITIGNORE)):
                write_atomic(os.path.join(self.path, GITIGNORE), GITIGNORE_TEXT.encode())
            stamp = (now or _dt.datetime.now(_dt.timezone.utc)).astimezone(_dt.timezone.utc)
            entry = {
                **record,
                "seq": len(entries) + 1,
                "timestamp": stamp.isoformat(timespec="seconds").replace("+00:00", "Z"),
                "snapshot_sha256": sha,
                "prev": entries[-1]["hash"] if entries else GENESIS,
            }
            if sign is not None:  # ssh-keygen, under the lock: the entry is final here
                entry["signature"] = sign(signed_bytes(entry))
            entry["hash"] = entry_hash(entry)
            write_atomic(self.ledger, existing + canonical_bytes(entry) + b"\n")
        return entry

