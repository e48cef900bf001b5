"""``approve`` and ``drift`` as pipelines: load, check, store or compare. No CLI, no printing."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lpr_lint.baseline import Baseline
from lpr_lint.drift import Change, compute_drift, gate_fails
from lpr_lint.engine import Checker, Options
from lpr_lint.errors import InputError, LprLintError
from lpr_lint.loading import DEFAULT_MAX_BYTES, parse_bytes
from lpr_lint.model import BaselineInfo, FileResult
from lpr_lint.runner import display_path
from lpr_lint.store import Store


class ApprovalRefused(LprLintError):
    """The export has failing findings and they were not explicitly accepted (exit 1)."""


@dataclass(frozen=True, slots=True)
class Approval:
    """A recorded approval."""

    entry: dict[str, Any]
    result: FileResult


def approve(path: str, baseline: Baseline, options: Options, store: Store, approver: str,
            note: str = "", accept_findings: bool = False,
            now: _dt.datetime | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
            source: str | None = None) -> Approval:
    """Check an export and, if it passes (or its findings are accepted), record it."""
    from lpr_lint.adapters.load import load_input

    if not approver.strip():
        raise ApprovalRefused("an approval needs the approver's name (--by)")
    doc = load_input(path, display_path(path), source=source,
                     max_bytes=max_bytes).document  # InputError: exit 3
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
    return Approval(store.append(doc.data, record, now=now), result)


@dataclass(frozen=True, slots=True)
class DriftReport:
    """Changes from an approved snapshot (or any earlier export) to the current export."""

    before_label: str
    """``approved snapshot #3 (2026-11-20, Sgt. A. Rivera)`` or the file compared against."""
    before_sha256: str
    after_path: str
    after_sha256: str
    baseline: BaselineInfo
    as_of: str
    fail_on: str
    changes: tuple[Change, ...]

    @property
    def gate_failed(self) -> bool:
        """Does this drift fail the ``--fail-on`` gate?"""
        return gate_fails(self.changes, self.fail_on)


def drift(path: str, baseline: Baseline, as_of: _dt.date, *, against: str | None = None,
          store: Store | None = None, ignore: Iterable[str] = (), fail_on: str = "loosening",
          max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None) -> DriftReport:
    """Compare an export with ``against`` (a file) or with the store's latest approval.

    ``source`` names the adapter for both files; None detects each file's format.
    """
    from lpr_lint.adapters.load import load_input

    after = load_input(path, display_path(path), source=source, max_bytes=max_bytes).document
    if against is not None:
        before = load_input(against, display_path(against), source=source,
                            max_bytes=max_bytes).document
        before_data, before_sha, label = before.data, before.sha256, before.path
    else:
        entry, raw = (store or Store()).latest()
        try:
            before_data = parse_bytes(raw, f"snapshot #{entry.get('seq')}", "json").data
        except InputError as exc:  # pragma: no cover - the snapshot's hash was checked
            raise LprLintError(exc.one_line()) from None
        before_sha = str(entry["snapshot_sha256"])
        label = (f"approved snapshot #{entry.get('seq')} ({str(entry.get('timestamp'))[:10]}, "
                 f"{entry.get('approver')})")
    changes = compute_drift(before_data, after.data, baseline, as_of, ignore)
    return DriftReport(label, before_sha, after.path, after.sha256, baseline.info(),
                       as_of.isoformat(), fail_on, changes)


def render_value(value: Any) -> str:
    """Compact JSON for a before/after value."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
