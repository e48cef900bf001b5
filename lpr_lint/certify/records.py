"""The records of a self-certification certificate: what each rule gave, the attestations,
the waivers applied and the verdict.

A :class:`Certificate` is what ``certify`` builds, what its JSON file holds
(``schemas/certificate.schema.json``; :meth:`Certificate.to_json` is the exact document
written) and what ``verify-cert`` reads back (:meth:`Certificate.from_json`, after the schema
check). Reporters import these and nothing else from :mod:`lpr_lint.certify`; the pipeline
that makes them is :mod:`lpr_lint.certify.certificate`.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from lpr_lint.model import Citation, Severity, TextEnum, Waiver


class Rule(Protocol):
    """What a reason is made of: a baseline rule (:class:`lpr_lint.rules.baseline.Rule`;
    not imported, so that reporters load no pipeline)."""

    @property
    def effective(self) -> _dt.date: ...
    @property
    def scope(self) -> str: ...
    @property
    def when(self) -> tuple[tuple[str, Any], ...]: ...
    @property
    def cases(self) -> tuple[Any, ...]: ...


class CertOutcome(TextEnum):
    """What one rule gave on the certified export (also a finding's ``failed``/``unknown``)."""

    PASSED = "passed"
    FAILED = "failed"
    WAIVED = "waived"
    """Every finding of the rule is covered by a waiver."""
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"
    ATTESTED = "attested"
    """Unknown in the export, vouched for by an applied attestation."""


class Verdict(TextEnum):
    """``certified`` when no rule at or above ``fail_on`` is failed or unknown."""

    CERTIFIED = "certified"
    NOT_CERTIFIED = "not_certified"


class AttestationStatus(TextEnum):
    """What became of one attestation."""

    APPLIED = "applied"
    """An unknown rule became attested."""
    NOT_APPLIED = "not_applied"
    """See the record's reason."""
    RECORDED = "recorded"
    """A control that is not a rule of the baseline (e.g. ``CT-TRAIN-001``)."""


@dataclass(frozen=True, slots=True)
class ToolRecord:
    """The tool that made the certificate."""

    name: str
    version: str


@dataclass(frozen=True, slots=True)
class BaselineRecord:
    """The baseline the export was checked against."""

    id: str
    version: str
    sha256: str


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """The certified export."""

    path: str
    sha256: str
    """sha256 of the file's bytes."""
    canonical_sha256: str
    """sha256 of its data as canonical JSON: the same across JSON and YAML encodings."""
    agency: str | None
    """``/agency/name`` of the export, when it is a string."""


@dataclass(frozen=True, slots=True)
class FileRecord:
    """A file the certificate depends on (the attestation file) and its sha256."""

    path: str
    sha256: str


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """A finding behind a rule's outcome."""

    pointer: str
    line: int
    message: str
    outcome: CertOutcome
    """``failed`` or ``unknown``."""
    waived: bool


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule's outcome on the export, and what stands behind it."""

    rule_id: str
    title: str
    severity: Severity
    basis: str
    citations: tuple[Citation, ...]
    """Cite and reliability only (a citation's url is not recorded)."""
    outcome: CertOutcome
    attestations: tuple[int, ...]
    """Indexes into the certificate's attestations that made this rule attested."""
    findings: tuple[FindingRecord, ...]
    reason: str | None = None
    """Why a ``not_applicable`` rule does not apply (``not in effect until 2027-01-01``);
    None for other outcomes, and in certificates made before it was recorded."""

    @staticmethod
    def with_reasons(results: Sequence[RuleResult], rules: Sequence[Rule], as_of: _dt.date
                     ) -> list[RuleResult]:
        """``results`` (of ``rules``, in order) with each not-applicable one's reason."""
        return [dataclasses.replace(r, reason=not_applicable_reason(rule, as_of))
                if r.outcome is CertOutcome.NOT_APPLICABLE else r
                for r, rule in zip(results, rules, strict=True)]

    @staticmethod
    def compared_fields(recorded: Sequence[RuleResult]) -> list[str]:
        """The fields ``verify-cert`` compares, sorted: all but ``reason`` when a certificate
        records none (it was made before reasons were recorded)."""
        return sorted(f.name for f in dataclasses.fields(RuleResult)
                      if f.name != "reason" or any(r.reason for r in recorded))


def not_applicable_reason(rule: Rule, as_of: _dt.date) -> str:
    """Why a rule that gave not applicable on an export does not apply to it."""
    if as_of < rule.effective:
        return f"not in effect until {rule.effective.isoformat()}"
    if rule.when:
        where = ", ".join(dict.fromkeys(rule.scope + p for p, _ in rule.when)) or "/"
        return f"its condition (on {where}) holds for nothing in this export"
    if len(rule.cases) > 1:
        return "none of its cases applies to this export"
    return "nothing in this export is what it governs"


@dataclass(frozen=True, slots=True)
class Attestation:
    """A signed statement about one control (as an attestation file gives it)."""

    control: str
    attested_by: str
    role: str
    date: str
    statement: str
    evidence: str


@dataclass(frozen=True, slots=True)
class AttestationRecord(Attestation):
    """An attestation and what became of it."""

    status: AttestationStatus
    reason: str | None = None
    """Why it was not applied (set exactly when the status is ``not_applied``)."""


@dataclass(frozen=True, slots=True)
class WaiverRecord:
    """A waiver (from the central waivers file) that waived a finding of the export."""

    rule: str
    justification: str
    approved_by: str
    approved_on: str
    expires: str
    files: str | None = None
    pointer: str | None = None
    ticket: str | None = None

    @classmethod
    def of(cls, waiver: Waiver) -> WaiverRecord:
        """The record of a waiver as the waivers file gave it."""
        return cls(waiver.rule, waiver.justification, waiver.approved_by, waiver.approved_on,
                   waiver.expires, waiver.files, waiver.pointer, waiver.ticket)


@dataclass(frozen=True, slots=True)
class Certificate:
    """A certificate: everything ``certify`` wrote (``schemas/certificate.schema.json``)."""

    certificate_format: str
    tool: ToolRecord
    baseline: BaselineRecord
    export: ExportRecord
    vendor: str
    as_of: str
    """YYYY-MM-DD."""
    fail_on: Severity
    strict: bool
    rules: tuple[RuleResult, ...]
    attestation_file: FileRecord | None
    attestations: tuple[AttestationRecord, ...]
    waivers: tuple[WaiverRecord, ...]
    verdict: Verdict
    counts: tuple[tuple[CertOutcome, int], ...]
    """How many rules have each outcome, every outcome in :class:`CertOutcome` order."""
    blocking: tuple[str, ...]
    """Rules failed or unknown at or above ``fail_on``; empty exactly when certified."""

    def count(self, outcome: CertOutcome) -> int:
        """How many rules have this outcome."""
        return dict(self.counts)[outcome]

    def to_json(self) -> dict[str, Any]:
        """The certificate as the JSON document written (and checked by the schema)."""
        return {
            "certificate_format": self.certificate_format,
            "tool": {"name": self.tool.name, "version": self.tool.version},
            "baseline": {"id": self.baseline.id, "version": self.baseline.version,
                         "sha256": self.baseline.sha256},
            "export": {"path": self.export.path, "sha256": self.export.sha256,
                       "canonical_sha256": self.export.canonical_sha256,
                       "agency": self.export.agency},
            "vendor": self.vendor,
            "as_of": self.as_of,
            "fail_on": self.fail_on.value,
            "strict": self.strict,
            "rules": [_rule_json(r) for r in self.rules],
            "attestation_file": None if self.attestation_file is None else {
                "path": self.attestation_file.path, "sha256": self.attestation_file.sha256},
            "attestations": [_attestation_json(a) for a in self.attestations],
            "waivers": [_waiver_json(w) for w in self.waivers],
            "verdict": self.verdict.value,
            "counts": {o.value: n for o, n in self.counts},
            "blocking": list(self.blocking),
        }

    @classmethod
    def from_json(cls, data: Any) -> Certificate:
        """The certificate in a JSON document that passed the schema check."""
        tool, baseline, export = data["tool"], data["baseline"], data["export"]
        source = data["attestation_file"]
        return cls(
            certificate_format=data["certificate_format"],
            tool=ToolRecord(tool["name"], tool["version"]),
            baseline=BaselineRecord(baseline["id"], baseline["version"], baseline["sha256"]),
            export=ExportRecord(export["path"], export["sha256"], export["canonical_sha256"],
                                export["agency"]),
            vendor=data["vendor"],
            as_of=data["as_of"],
            fail_on=Severity(data["fail_on"]),
            strict=data["strict"],
            rules=tuple(_rule_of(r) for r in data["rules"]),
            attestation_file=None if source is None else FileRecord(source["path"],
                                                                    source["sha256"]),
            attestations=tuple(
                AttestationRecord(a["control"], a["attested_by"], a["role"], a["date"],
                                  a["statement"], a["evidence"],
                                  AttestationStatus(a["status"]), a.get("reason"))
                for a in data["attestations"]),
            waivers=tuple(
                WaiverRecord(w["rule"], w["justification"], w["approved_by"],
                             w["approved_on"], w["expires"], w.get("files"), w.get("pointer"),
                             w.get("ticket"))
                for w in data["waivers"]),
            verdict=Verdict(data["verdict"]),
            counts=tuple((o, data["counts"][o.value]) for o in CertOutcome),
            blocking=tuple(data["blocking"]),
        )


def _rule_json(r: RuleResult) -> dict[str, Any]:
    entry = {"rule_id": r.rule_id, "title": r.title, "severity": r.severity.value,
             "basis": r.basis,
             "citations": [{"cite": c.cite, "reliability": c.reliability} for c in r.citations],
             "outcome": r.outcome.value, "attestations": list(r.attestations),
             "findings": [{"pointer": f.pointer, "line": f.line, "message": f.message,
                           "outcome": f.outcome.value, "waived": f.waived}
                          for f in r.findings]}
    if r.reason is not None:
        entry["reason"] = r.reason
    return entry


def _rule_of(r: Any) -> RuleResult:
    return RuleResult(
        r["rule_id"], r["title"], Severity(r["severity"]), r["basis"],
        tuple(Citation(c["cite"], c["reliability"]) for c in r["citations"]),
        CertOutcome(r["outcome"]), tuple(r["attestations"]),
        tuple(FindingRecord(f["pointer"], f["line"], f["message"], CertOutcome(f["outcome"]),
                            f["waived"]) for f in r["findings"]),
        r.get("reason"))


def _attestation_json(a: AttestationRecord) -> dict[str, Any]:
    entry: dict[str, Any] = {"control": a.control, "attested_by": a.attested_by,
                             "role": a.role, "date": a.date, "statement": a.statement,
                             "evidence": a.evidence, "status": a.status.value}
    if a.reason is not None:
        entry["reason"] = a.reason
    return entry


def _waiver_json(w: WaiverRecord) -> dict[str, str]:
    fields = {"rule": w.rule, "justification": w.justification, "approved_by": w.approved_by,
              "approved_on": w.approved_on, "expires": w.expires, "files": w.files,
              "pointer": w.pointer, "ticket": w.ticket}
    return {k: v for k, v in fields.items() if v is not None}
