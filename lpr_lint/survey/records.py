"""The records of ``lpr-lint survey``: one small row per agency snapshot, and the totals.

A leaf: it imports nothing from lpr_lint, so the reporters (:mod:`lpr_lint.report.survey`)
can import it without loading the loaders, the rules or the classifier. Rows hold counts
and rule ids, never the documents, so a survey of many agencies stays small in memory.
Every count is relative to the agency's OWN state, whichever baseline judged it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

SURVEY_FORMAT = "1"
"""The version of the JSON survey (``schemas/survey.schema.json``)."""
DISCLAIMER = ("Not legal advice: an automated reading of configuration data against lpr-lint's "
              "baselines; check the findings with counsel.")


class Verdict(str, enum.Enum):
    """What a survey says about one agency snapshot."""

    PASS = "pass"
    """Judged: nothing at the gate (high or critical) failed or is unknown."""
    FAIL = "fail"
    """Judged: a rule at the gate failed."""
    UNKNOWN = "unknown"
    """Judged: nothing at the gate failed, but a rule there could not be decided (fails the
    gate, as in ``check``)."""
    NO_BASELINE = "no baseline"
    """Not judged: no baseline ships for the agency's state (never judged under another
    state's law), or the export gives no state."""
    UNREADABLE = "unreadable"
    """The input could not be read."""

    def __str__(self) -> str:
        return str(self.value)

    @property
    def gates(self) -> bool:
        """Does this verdict fail the run (exit 1)?"""
        return self in (Verdict.FAIL, Verdict.UNKNOWN)


@dataclass(frozen=True, slots=True)
class Recipients:
    """How many organisations receive one snapshot's data (outbound, both, or a direction the
    export does not give), relative to the agency's own state."""

    total: int
    out_of_state: int
    """In a state other than the agency's own (federal and unknown state left out)."""
    federal: int
    private: int
    """Private bodies and vendors (a private university among them)."""
    state_unknown: int
    kind_unknown: int


@dataclass(frozen=True, slots=True)
class Row:
    """One snapshot (or export) of one agency, judged."""

    path: str
    snapshot: str | None
    """The snapshot's date: from its file name (``2026-04-29.json``), else ``exported_at``."""
    baseline: str | None
    """The id of the baseline it was judged under; None when it was not judged."""
    verdict: Verdict
    critical: tuple[str, ...] = ()
    """Rules failed at critical severity."""
    high: tuple[str, ...] = ()
    """Rules failed at high severity."""
    unknown: tuple[str, ...] = ()
    """Rules whose outcome is unknown (a value they need is missing), any severity."""
    retention_days: int | None = None
    retention_limit: int | None = None
    """The baseline's limit on plate-read retention (None: it sets no number of days)."""
    recipients: Recipients | None = None
    """None: the export does not list its partners (who receives the data is unknown)."""
    note: str | None = None
    """Why it was not judged, or the input's one-line error."""

    @property
    def over_retention(self) -> bool:
        return (self.retention_days is not None and self.retention_limit is not None
                and self.retention_days > self.retention_limit)


@dataclass(frozen=True, slots=True)
class AgencyRows:
    """One agency: its latest snapshot, or every snapshot (``--all-snapshots``), oldest first."""

    name: str | None
    ori: str | None
    state: str | None
    """The agency's own state: ``agency.state``, else the state its name shows."""
    rows: tuple[Row, ...]

    @property
    def latest(self) -> Row:
        return self.rows[-1]


@dataclass(frozen=True, slots=True)
class RecipientLine:
    """One organisation that receives data from surveyed agencies."""

    name: str
    kind: str
    """Export kind, refined by the name: ``fusion_center``, ``prosecutor``, ``university
    (public)`` or ``university (private)`` where the name tells."""
    state: str | None
    agencies: int
    """Surveyed agencies that share with it (their latest snapshot)."""
    out_of_state_for: int
    """Of those, the agencies in another state than it."""
    federal: bool
    private: bool

    @property
    def concerning(self) -> int:
        """The agencies for which it is out of state, federal or private (listed first, most
        first)."""
        return self.agencies if self.federal or self.private else self.out_of_state_for


@dataclass(frozen=True, slots=True)
class Unreadable:
    path: str
    error: str
    """One line, without the path."""


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over each agency's latest snapshot."""

    agencies: int
    judged: int
    passed: int
    failed: int
    unknown: int
    no_baseline: int
    unreadable: int
    over_retention: int
    critical: int
    high: int
    unknown_rules: int
    recipients: int
    out_of_state: int
    federal: int
    private: int
    state_unknown: int
    kind_unknown: int
    partners_unknown: int
    """Agencies whose export does not list its partners."""


@dataclass(frozen=True, slots=True)
class Survey:
    """Everything a survey found."""

    tool_version: str
    as_of: str
    baseline: str
    """``auto`` (each agency under its own state's baseline) or ``ID VERSION``."""
    all_snapshots: bool
    agencies: tuple[AgencyRows, ...]
    """By name, then state."""
    unreadable: tuple[Unreadable, ...]
    recipients: tuple[RecipientLine, ...]
    """By :attr:`RecipientLine.concerning` (out of state for the sharing agency, federal or
    private), most first, then by how many agencies share with it."""
    notes: tuple[str, ...]
    totals: Totals

    @property
    def failed(self) -> bool:
        """Does a judged agency's latest snapshot fail (or stay unknown at) the gate?"""
        return any(a.latest.verdict.gates for a in self.agencies)
