"""Records shared by the engine and the reporters: severities, outcomes, findings."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class TextEnum(str, enum.Enum):
    """An enum of words: it compares equal to, prints as and serialises as its value."""

    def __str__(self) -> str:
        return str(self.value)


class Severity(TextEnum):
    """How serious a failing rule is, lowest to highest."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info up to 4 for critical."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


class Outcome(TextEnum):
    """What evaluating one rule against one value gave."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    """A value the rule needs is missing; fails closed unless unknowns are allowed."""
    NOT_APPLICABLE = "not_applicable"
    """Before the rule's effective date, or the rule's condition does not hold."""


class FileStatus(TextEnum):
    """The verdict for one input file."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Citation:
    """A legal or policy source as printed in a finding."""

    cite: str
    """Short citation, e.g. ``PA 26-14 § 13(b)(2)``."""
    reliability: str
    """primary, secondary, third_party_summary or unverified (see the baseline's sources)."""
    url: str | None = None
    claim: str = ""
    """What the rule relies on this source for ("requires X", "model for Y")."""
    source: str = ""
    """The source's key in the baseline's ``sources``."""

    def render(self) -> str:
        """The citation with an ``(unverified)`` mark when the reference says so."""
        return f"{self.cite} (unverified)" if self.reliability == "unverified" else self.cite


@dataclass(frozen=True, slots=True)
class Waiver:
    """An accepted deviation from the central waivers file."""

    rule: str
    justification: str
    approved_by: str
    approved_on: str
    expires: str
    files: str | None = None
    """A glob over repository-relative paths; None waives the rule in every file."""
    pointer: str | None = None
    """A JSON Pointer prefix; None waives the rule everywhere in the file."""
    ticket: str | None = None
    source: str = ""
    """The waivers file and the 1-based line of this waiver in it."""
    line: int = 1

    def describe(self) -> str:
        """``waived until 2027-03-01 by J. Doe (IT-123): justification``."""
        ticket = f" ({self.ticket})" if self.ticket else ""
        return (f"waived until {self.expires} by {self.approved_by}{ticket}: "
                f"{self.justification}")


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a report says about a rule (reporters that declare rules, like SARIF, use it)."""

    id: str
    title: str
    severity: Severity
    rationale: str
    remediation: str
    basis: str
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """One failing or unknown rule outcome at one place in one file."""

    rule_id: str
    severity: Severity
    outcome: Outcome
    """Only ``fail`` or ``unknown`` become findings."""
    file: str
    pointer: str
    """RFC 6901 JSON Pointer of the value concerned (it may be absent from the file)."""
    line: int
    """1-based line of the value, or of its nearest existing ancestor."""
    column: int
    message: str
    citations: tuple[Citation, ...] = ()
    remediation: str = ""
    waiver: Waiver | None = None
    """Set when a current waiver covers this finding: reported, never failing."""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Stable order: file, position, rule, pointer."""
        return (self.file, self.line, self.column, self.rule_id, self.pointer)


@dataclass(frozen=True, slots=True)
class FileResult:
    """Everything learned about one input file."""

    path: str
    sha256: str | None
    status: FileStatus
    findings: tuple[Finding, ...] = ()
    error_message: str | None = None
    error_line: int | None = None
    error_column: int | None = None
    rule_outcomes: tuple[tuple[str, Outcome], ...] = ()
    """Per-rule verdict for this file (rule id, worst outcome), sorted by rule id."""
    notices: tuple[str, ...] = ()
    """How the file was read (a detected vendor format) and adapter warnings."""
    baseline: BaselineInfo | None = None
    """The baseline this file was judged under, when a run chooses one per file
    (``--baseline auto``); None when the report's baseline judged every file."""
    folder: bool = False
    """An error about a folder given to check in which nothing was found, not a file."""


@dataclass(frozen=True, slots=True)
class BaselineInfo:
    """Identity of the baseline a report was made with."""

    id: str
    version: str
    sha256: str
    title: str


@dataclass(frozen=True, slots=True)
class Report:
    """The result of one ``check`` run."""

    tool_version: str
    baseline: BaselineInfo
    as_of: str
    fail_on: Severity
    allow_unknown: bool
    strict: bool
    files: tuple[FileResult, ...] = field(default_factory=tuple)
    rules: tuple[RuleInfo, ...] = ()
    """Every rule the run could report, in baseline order (format and waiver rules last)."""

    @property
    def findings(self) -> tuple[Finding, ...]:
        """All findings, in report order."""
        return tuple(f for r in self.files for f in r.findings)

    def is_gating(self, finding: Finding) -> bool:
        """Does this finding make the run fail under the report's thresholds?"""
        return gates(finding, self.fail_on, self.allow_unknown)


def gates(finding: Finding, fail_on: Severity, allow_unknown: bool) -> bool:
    """Does a finding fail a run at ``fail_on``? Waived ones never do; unknowns do unless
    they are allowed."""
    if finding.waiver is not None:
        return False
    if finding.outcome is Outcome.UNKNOWN and allow_unknown:
        return False
    return finding.severity.rank >= fail_on.rank
