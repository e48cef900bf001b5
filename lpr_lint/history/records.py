"""The records of the history package: changes, drift reports, approvals and timelines
(with the words they use, from :mod:`lpr_lint.history.kinds`).

Reporters import these and nothing else from :mod:`lpr_lint.history`; the pipelines that
make them live beside (``pipeline``, ``timeline``, ``drift``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lpr_lint.history.kinds import ChangeKind, Compliance, Direction, Gate
from lpr_lint.model import BaselineInfo, FileResult
from lpr_lint.pointer import child, split


@dataclass(frozen=True, slots=True)
class ItemRef:
    """The collection item a difference belongs to (or is)."""

    collection: str
    """The list's pointer, e.g. ``/sharing/partners``."""
    before: int | None
    """The item's index in the older list (None: added)."""
    after: int | None
    """Its index in the newer list (None: removed)."""
    name: str
    """The value of the collection's first label field (``Harris County TX SO``), or ""."""
    details: tuple[tuple[str, Any], ...]
    """The other label fields the item has, from the newer item (the older one if removed)."""
    duplicates: int = 1
    """Entries in its list that share its identity (more than 1: a duplicate entry)."""

    @property
    def pointer(self) -> str:
        """The item's pointer in the newer export (in the older one if it was removed)."""
        index = self.after if self.after is not None else self.before
        return child(self.collection, index if index is not None else 0)


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between the approved (or earlier) and the current export."""

    pointer: str
    """Where, in the current export (in the earlier one for a removal)."""
    kind: ChangeKind
    before: Any
    after: Any
    direction: Direction
    rules: tuple[str, ...]
    compliance_before: Compliance | None
    """``absent`` for a whole list item that was added; None when no rule governs the value."""
    compliance_after: Compliance | None
    """``absent`` for a whole list item that was removed."""
    failing_before: tuple[str, ...] = ()
    """Of :attr:`rules`, those that failed (or could not be shown) before the change."""
    failing_after: tuple[str, ...] = ()
    item: ItemRef | None = None
    """The list item (sharing partner, role, hold) the change is in, or is."""

    @property
    def label(self) -> str:
        """The item's name (``Harris County TX SO``), or "" outside list items."""
        return self.item.name if self.item is not None else ""

    @property
    def whole_item(self) -> bool:
        """Is the change a whole list item added or removed?"""
        return self.item is not None and self.pointer == self.item.pointer and (
            self.kind is not ChangeKind.CHANGED)

    @property
    def section(self) -> str:
        """The export section the change is in (``sharing``, ``retention``, …)."""
        segs = split(self.pointer)
        return segs[0] if segs else "(document)"

    @property
    def compliance(self) -> str:
        """``ungoverned``, or before→after: ``compliant→violating``, ``violating→violating``,
        ``absent→violating`` (an added item that violates), …"""
        if self.compliance_before is None:
            return "ungoverned"
        return f"{self.compliance_before}→{self.compliance_after}"

    @property
    def new_violation(self) -> bool:
        """Does a rule fail after this change where none failed before?"""
        return (self.compliance_after is Compliance.VIOLATING
                and self.compliance_before is not Compliance.VIOLATING)

    @property
    def resolved_violation(self) -> bool:
        """Did this change end a violation?"""
        return (self.compliance_before is Compliance.VIOLATING
                and self.compliance_after is not Compliance.VIOLATING)


def gate_fails(changes: Iterable[Change], fail_on: Gate | str) -> bool:
    """Do the changes fail the gate? ``loosening`` (default): any loosening or new violation."""
    changes = list(changes)
    gate = Gate(fail_on)
    if gate is Gate.NEVER:
        return False
    if gate is Gate.ANY:
        return bool(changes)
    if gate is Gate.VIOLATION:
        return any(c.new_violation for c in changes)
    return any(c.direction is Direction.LOOSENING or c.new_violation for c in changes)


@dataclass(frozen=True, slots=True)
class Approval:
    """A recorded approval."""

    entry: dict[str, Any]
    result: FileResult
    to_commit: tuple[str, ...] = ()
    """When the store is inside a git work tree: the store files that record the approval."""


@dataclass(frozen=True, slots=True)
class ApprovalRef:
    """The ledger entry a drift compared with."""

    seq: int
    hash: str
    approver: str
    timestamp: str
    path: str
    """The approved export's path, as recorded."""
    snapshot_sha256: str

    @property
    def label(self) -> str:
        """``approval #3 of exports/town.yaml (Sgt. A. Rivera, 2026-11-20; entry 3f2a…)``."""
        return (f"approval #{self.seq} of {self.path} ({self.approver}, {self.timestamp[:10]}; "
                f"entry {self.hash[:12]})")


@dataclass(frozen=True, slots=True)
class DriftReport:
    """Changes from an approved snapshot (or any earlier export) to the current export."""

    before_label: str
    """``approval #3 of exports/town.yaml (…)`` or the file compared against."""
    before_sha256: str
    after_path: str
    after_sha256: str
    baseline: BaselineInfo
    as_of: str
    fail_on: str
    changes: tuple[Change, ...]
    approval: ApprovalRef | None = None
    """The approval compared with (None: an earlier file given with ``--against``)."""
    notices: tuple[str, ...] = ()
    """What the reader must know about the inputs (failed page loads, other agency, …)."""

    @property
    def gate_failed(self) -> bool:
        """Does this drift fail the ``--fail-on`` gate?"""
        return gate_fails(self.changes, self.fail_on)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One snapshot and its verdict under the baseline."""

    label: str
    """The file, or ``FILE@commit`` for a version from git history."""
    date: str | None
    """YYYY-MM-DD: from the file name, the commit, or ``exported_at``."""
    sha256: str
    status: str
    """pass or fail, as ``check`` would say with the same options."""
    failing: tuple[tuple[str, int], ...]
    """Failing findings by severity, highest first (severities with none left out)."""
    unknown: int
    """Findings whose value is missing (they fail closed unless unknowns are allowed)."""
    notices: tuple[str, ...] = ()
    commit: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """What changed from one snapshot to the next."""

    before: int
    """Index of the earlier snapshot."""
    after: int
    changes: tuple[Change, ...]
    gate_failed: bool
    notes: tuple[str, ...] = ()
    """How the comparison bridged a value the earlier snapshot's source failed to give."""


@dataclass(frozen=True, slots=True)
class Timeline:
    """The snapshots of one agency, oldest first, and the steps between them."""

    source: str
    agency: str
    baseline: BaselineInfo
    as_of: str
    fail_on: str
    snapshots: tuple[Snapshot, ...]
    steps: tuple[Step, ...]
    notices: tuple[str, ...] = ()

    @property
    def gate_failed(self) -> bool:
        """Does any step fail the ``--fail-on`` gate?"""
        return any(step.gate_failed for step in self.steps)


__all__ = ["Approval", "ApprovalRef", "Change", "ChangeKind", "Compliance", "Direction",
           "DriftReport", "Gate", "ItemRef", "Snapshot", "Step", "Timeline", "gate_fails"]
