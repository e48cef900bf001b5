"""``approve`` and ``drift`` as pipelines: load, check, store or compare. No CLI, no printing."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable
from typing import Any

from lpr_lint.errors import InputError, LprLintError
from lpr_lint.history.agency import Agency
from lpr_lint.history.drift import compute_drift
from lpr_lint.history.records import Approval, ApprovalRef, DriftReport
from lpr_lint.history.store import GITIGNORE, Store, StoreError
from lpr_lint.load.files import DEFAULT_MAX_BYTES, Document, parse_bytes
from lpr_lint.paths import display_path, git_work_tree
from lpr_lint.rules.baseline import Baseline
from lpr_lint.rules.engine import Checker, Options


class ApprovalRefused(LprLintError):
    """The export has failing findings and they were not explicitly accepted (exit 1)."""


def approve(path: str, baseline: Baseline, options: Options, store: Store, approver: str,
            note: str = "", accept_findings: bool = False,
            now: _dt.datetime | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
            source: str | None = None, notices: list[str] | None = None,
            sign_key: str | None = None) -> Approval:
    """Check an export and, if it passes (or its findings are accepted), record it.

    How the export was read (a vendor format detected from its content, the adapter's
    warnings) is appended to ``notices`` when it is given, even when the approval is then
    refused, for the command to show on stderr as ``check`` does."""
    from lpr_lint.adapters.load import load_input

    if not approver.strip():
        raise ApprovalRefused("an approval needs the approver's name (--by)")
    loaded = load_input(path, display_path(path), source=source,
                        max_bytes=max_bytes)  # InputError: exit 3
    if notices is not None:
        notices.extend(loaded.notices)
    doc = loaded.document
    checker = Checker(baseline, options)
    result = checker.check(doc)
    gating = [f for f in result.findings if checker.is_gating(f)]
    if gating and not accept_findings:
        raise ApprovalRefused(
            f"{doc.path}: {len(gating)} finding(s) at {options.fail_on} or above; fix them, or "
            "approve with --accept-findings to record them as accepted deviations")
    record = {
        "approver": approver.strip(),
        "note": note,
        "export": {"path": doc.path, "sha256": doc.sha256},
        "agency": Agency.of(doc.data).as_record(),
        "baseline": {"id": baseline.id, "version": baseline.version, "sha256": baseline.sha256},
        "as_of": options.as_of.isoformat(),
        "findings": {
            "total": len(result.findings),
            "gating": len(gating),
            "accepted": [{"rule_id": f.rule_id, "pointer": f.pointer,
                          "severity": f.severity.value, "outcome": f.outcome.value}
                         for f in gating],
        },
    }
    sign = None
    if sign_key is not None:
        from lpr_lint.signing import sign as ssh_sign

        def sign(data: bytes) -> str:
            return ssh_sign(data, sign_key, "approval")

    entry = store.append(doc.data, record, now=now, sign=sign)
    files: tuple[str, ...] = ()
    if git_work_tree(store.path) is not None:
        files = (store.ledger, store.snapshot_path(entry["snapshot_sha256"]),
                 os.path.join(store.path, GITIGNORE))
    return Approval(entry, result, files)


class OtherAgency(LprLintError):
    """The two sides of a drift describe different agencies (exit 3 unless allowed)."""


def _approval_of(store: Store, after: Document) -> tuple[ApprovalRef, Any]:
    """The latest approval of the export's agency (of its path, when it names no agency)."""
    agency = Agency.of(after.data)
    how = f"approve this export first: lpr-lint approve {after.path} --by NAME"
    if not os.path.isdir(store.path):
        raise StoreError(f"{store.path}: no approval store here (nothing approved yet); {how}")
    entries = store.verified_entries()
    if not entries:
        raise StoreError(f"{store.path}: nothing has been approved yet; {how}")
    for entry in reversed(entries):
        snapshot = None
        if "agency" in entry:
            theirs = Agency.from_record(entry["agency"])
        else:  # an entry written before agencies were recorded: read its snapshot
            snapshot = _parse_snapshot(store, entry)
            theirs = Agency.of(snapshot)
        if agency.known and theirs.known:
            match = agency.same_as(theirs) is True
        else:
            match = str(entry.get("export", {}).get("path")) == after.path
        if match:
            data = snapshot if snapshot is not None else _parse_snapshot(store, entry)
            ref = ApprovalRef(int(entry.get("seq", 0)), str(entry.get("hash", "")),
                              str(entry.get("approver", "")), str(entry.get("timestamp", "")),
                              str(entry.get("export", {}).get("path", "")),
                              str(entry.get("snapshot_sha256", "")))
            return ref, data
    whom = agency.describe() if agency.known else after.path
    raise StoreError(f"{store.path}: no approval of {whom} among its {len(entries)} "
                     f"entr{'y' if len(entries) == 1 else 'ies'}; {how}")


def _parse_snapshot(store: Store, entry: dict[str, Any]) -> Any:
    try:
        return parse_bytes(store.snapshot(entry), f"snapshot #{entry.get('seq')}", "json").data
    except InputError as exc:  # pragma: no cover - the snapshot's hash was checked
        raise LprLintError(exc.one_line()) from None


def drift(path: str, baseline: Baseline, as_of: _dt.date, *, against: str | None = None,
          store: Store | None = None, ignore: Iterable[str] = (), fail_on: str = "loosening",
          max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None,
          allow_other_agency: bool = False, read: list[str] | None = None) -> DriftReport:
    """Compare an export with ``against`` (a file) or with its agency's latest approval.

    ``source`` names the adapter for both files; None detects each file's format. Two exports
    of different agencies raise :class:`OtherAgency` unless ``allow_other_agency``. How each
    file was read (a vendor format detected from its content) is appended to ``read`` when
    it is given, for the command to show on stderr as ``check`` does; the adapters' warnings
    are the report's own notices.
    """
    from lpr_lint.adapters.load import load_input

    loaded = load_input(path, display_path(path), source=source, max_bytes=max_bytes)
    after = loaded.document
    notices = list(loaded.warnings)
    if read is not None:
        read.extend(n for n in loaded.notices if n not in loaded.warnings)
    approval = None
    if against is not None:
        earlier = load_input(against, display_path(against), source=source, max_bytes=max_bytes)
        notices = list(earlier.warnings) + notices
        if read is not None:
            read.extend(n for n in earlier.notices if n not in earlier.warnings)
        before_data, before_sha, label = (earlier.document.data, earlier.document.sha256,
                                          earlier.document.path)
        mine, theirs = Agency.of(after.data), Agency.of(before_data)
        if mine.same_as(theirs) is False:
            message = (f"{after.path} ({mine.describe()}) and {label} ({theirs.describe()}) "
                       "describe different agencies")
            if not allow_other_agency:
                raise OtherAgency(f"{message}; compare them anyway with --allow-other-agency")
            notices.append(f"{message} (compared with --allow-other-agency)")
    else:
        approval, before_data = _approval_of(store or Store(), after)
        before_sha, label = approval.snapshot_sha256, approval.label
    changes = compute_drift(before_data, after.data, baseline, as_of, ignore)
    return DriftReport(label, before_sha, after.path, after.sha256, baseline.info(),
                       as_of.isoformat(), fail_on, changes, approval, tuple(notices))
