"""Signed approvals and ledger checkpoints, checked against an allowed signers file.

An entry signed at approval carries ``signature`` (an SSH signature over
:func:`~lpr_lint.history.store.signed_bytes`), which its hash covers. A checkpoint is the
ledger's head (sequence number and entry hash), optionally signed, kept somewhere the
ledger's writers cannot reach. Each problem is a line in plain words; nothing prints here.
"""

from __future__ import annotations

import json
from typing import Any

from lpr_lint.history.store import Store, StoreError, canonical_bytes, signed_bytes
from lpr_lint.signing import UNSIGNED, sign, verify


def entry_signatures(entries: list[dict[str, Any]], allowed_signers: str,
                     require_signed: bool) -> tuple[list[str], list[str]]:
    """(one line per entry naming its signer, the problems): a signature by a key not
    allowed, over other bytes, by a key not allowed to approve, or (``require_signed``) none."""
    lines, problems = [], []
    for entry in entries:
        seq, who = entry.get("seq"), entry.get("approver", "?")
        check = verify(signed_bytes(entry), entry.get("signature"), allowed_signers,
                       "approval")
        if check.valid:
            lines.append(f"#{seq} (approved by {who}): {check.message}")
        elif check.status == UNSIGNED:
            lines.append(f"#{seq} (approved by {who}): not signed")
            if require_signed:
                problems.append(f"UNSIGNED: entry #{seq} (approved by {who}) is not signed, "
                                "and --require-signed asks every entry to be")
        else:
            problems.append(f"BAD SIGNATURE: entry #{seq} (approved by {who}): "
                            f"{check.message}")
    return lines, problems


def make_checkpoint(store_path: str, sign_key: str | None) -> str:
    """A checkpoint of the store's ledger as canonical JSON (signed when a key is given)."""
    point = Store(store_path).checkpoint()
    if sign_key is not None:
        point["signature"] = sign(signed_bytes(point), sign_key, "checkpoint")
    return canonical_bytes(point).decode("utf-8") + "\n"


def check_checkpoint_file(store: Store, path: str, allowed_signers: str | None,
                          require_signed: bool) -> list[str]:
    """The problems found comparing the ledger with the checkpoint at ``path``."""
    try:
        with open(path, "rb") as fh:
            point = json.loads(fh.read())
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the checkpoint: {exc.strerror or exc}") from None
    except ValueError:
        raise StoreError(f"{path}: not a ledger checkpoint (not JSON)") from None
    if not isinstance(point, dict):
        raise StoreError(f"{path}: not a ledger checkpoint")
    problems = []
    if allowed_signers is not None:
        check = verify(signed_bytes(point), point.get("signature"), allowed_signers,
                       "checkpoint")
        if check.status == UNSIGNED:
            if require_signed:
                problems.append(f"UNSIGNED: the checkpoint {path} is not signed")
        elif not check.valid:
            problems.append(f"BAD SIGNATURE: the checkpoint {path}: {check.message}")
    found = store.check_checkpoint(point)
    if found:
        problems.append(f"SHORT OF CHECKPOINT: {found}")
    return problems
