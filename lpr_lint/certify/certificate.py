"""Vendor self-certification: a deterministic certificate of every rule's outcome on one export.

The certificate (``schemas/certificate.schema.json``) records the tool, the baseline, the
export's raw sha256 and the sha256 of its canonical JSON (equal across re-encodings), the
vendor, the as-of date, each rule's outcome with the findings behind it, the attestations,
the waivers applied and the verdict, as a :class:`~lpr_lint.certify.records.Certificate`
(written by :func:`certificate_bytes`, read back by :func:`load_certificate`). Nothing reads
the clock: same inputs, same bytes.

Only an ``unknown`` rule becomes ``attested``: an attestation vouches for what an export does
not show, never against what it shows; otherwise it is ``not_applied`` (with the reason), or
``recorded`` for a free control such as ``CT-TRAIN-001``. ``certified`` means no rule at or
above ``fail_on`` is failed or unknown. ``verify`` re-applies the certificate's own
attestations and waivers (waiver file globs are not re-matched: a certificate is about one
file) and accepts a re-encoded export whose canonical sha256 matches.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

from lpr_lint import TOOL_NAME, __version__
from lpr_lint.certify.consistency import consistency, listed, verdict_words, words
from lpr_lint.certify.records import (
    Attestation,
    AttestationRecord,
    AttestationStatus,
    BaselineRecord,
    Certificate,
    CertOutcome,
    ExportRecord,
    FileRecord,
    FindingRecord,
    RuleResult,
    ToolRecord,
    Verdict,
    WaiverRecord,
)
from lpr_lint.errors import LprLintError
from lpr_lint.history.store import canonical_bytes, snapshot_bytes
from lpr_lint.load import data as resources
from lpr_lint.load.files import DEFAULT_MAX_BYTES, Document
from lpr_lint.model import Citation, FileResult, Finding, Outcome, Severity, Waiver
from lpr_lint.paths import display_path
from lpr_lint.rules.baseline import Baseline, load_baseline
from lpr_lint.rules.engine import FORMAT_RULES, Checker, Options
from lpr_lint.rules.registry import AUTO_ID, CHECKABLE_BASELINES
from lpr_lint.rules.waivers import WaiverSet, apply_waivers

CERTIFICATE_FORMAT = "1"
_WORD = {Outcome.PASS: CertOutcome.PASSED, Outcome.FAIL: CertOutcome.FAILED,
         Outcome.UNKNOWN: CertOutcome.UNKNOWN, Outcome.NOT_APPLICABLE: CertOutcome.NOT_APPLICABLE}
_FIELDS = ("control", "attested_by", "role", "date", "statement", "evidence")


class CertificateError(LprLintError):
    """An attestation file or certificate is unreadable or malformed, or the certificate's
    baseline cannot be found (exit 3)."""


@dataclass(frozen=True, slots=True)
class AttestationFile:
    """The attestations of one file, and that file's identity."""

    path: str
    sha256: str
    attestations: tuple[Attestation, ...] = ()


@dataclass(frozen=True, slots=True)
class Verification:
    """What ``verify`` found: every difference (none means valid) and notes."""

    differences: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """True when the certificate matches the re-check."""
        return not self.differences


def _short(digest: str) -> str:
    return f"{digest[:12]}…"


def load_attestations(path: str) -> AttestationFile:
    """Read and validate an attestation file; a problem names the attestation and field."""
    doc = resources.load_checked(path, "attestations.schema.json", "attestation file",
                                 error=CertificateError,
                                 describe=resources.items("attestation", "attestations",
                                                          "control"))
    return AttestationFile(path, doc.sha256, tuple(
        Attestation(**{k: a[k] for k in _FIELDS}) for a in doc.data["attestations"]))


def evaluate(doc: Document, baseline: Baseline, options: Options,
             waivers: WaiverSet | None) -> FileResult:
    """Check one export, applying the waivers if any."""
    checker = Checker(baseline, options)
    result = checker.check(doc)
    if waivers is not None and waivers.waivers:
        result = apply_waivers([result], waivers, options.as_of, checker.is_gating)[0]
    return result


def _rule(rule_id: str, title: str, severity: Severity, basis: str,
          citations: Sequence[Citation], outcome: Outcome, findings: list[Finding]
          ) -> RuleResult:
    active = [f for f in findings if f.waiver is None]
    if any(f.outcome is Outcome.FAIL for f in active):
        word = CertOutcome.FAILED
    elif active:
        word = CertOutcome.UNKNOWN
    else:
        word = CertOutcome.WAIVED if findings else _WORD[outcome]
    return RuleResult(
        rule_id, title, severity, basis, tuple(Citation(c.cite, c.reliability) for c in citations),
        word, (), tuple(FindingRecord(f.pointer, f.line, f.message, _WORD[f.outcome],
                                      f.waiver is not None) for f in findings))


_NOT_APPLIED = {
    CertOutcome.PASSED: "{} passed in the export; there is nothing to attest",
    CertOutcome.FAILED: "{} failed in the export; an attestation cannot override what the "
                        "export shows",
    CertOutcome.WAIVED: "{} is waived; its findings are covered by a waiver, not an attestation",
    CertOutcome.NOT_APPLICABLE: "{} does not apply to this export as of the certificate's date",
}


def _attest(rules: list[RuleResult], attestations: Sequence[Attestation], as_of: _dt.date
            ) -> tuple[list[RuleResult], list[AttestationRecord]]:
    """The rules with each applied attestation's rule attested, and every attestation's
    record."""
    rules = list(rules)
    index = {r.rule_id: i for i, r in enumerate(rules)}
    out = []
    for n, a in enumerate(attestations):
        at = index.get(a.control)
        reason = None
        if at is None:
            status = AttestationStatus.RECORDED
        elif a.date > as_of.isoformat():
            status = AttestationStatus.NOT_APPLIED
            reason = f"dated {a.date}, after the as-of date {as_of.isoformat()}"
        elif rules[at].outcome in (CertOutcome.UNKNOWN, CertOutcome.ATTESTED):
            rules[at] = dataclasses.replace(rules[at], outcome=CertOutcome.ATTESTED,
                                            attestations=(*rules[at].attestations, n))
            status = AttestationStatus.APPLIED
        else:
            status = AttestationStatus.NOT_APPLIED
            reason = _NOT_APPLIED[rules[at].outcome].format(a.control)
        out.append(AttestationRecord(a.control, a.attested_by, a.role, a.date, a.statement,
                                     a.evidence, status, reason))
    return rules, out


def build(doc: Document, baseline: Baseline, options: Options, vendor: str,
          attestations: Sequence[Attestation] = (),
          attestation_file: FileRecord | None = None,
          waivers: WaiverSet | None = None) -> Certificate:
    """The certificate for one loaded export."""
    result = evaluate(doc, baseline, options, waivers)
    by_rule: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    worst = dict(result.rule_outcomes)
    rules = [_rule(r.id, r.title, r.severity, r.basis_label, r.citations, worst[r.id],
                   by_rule.get(r.id, [])) for r in baseline.rules]
    rules = RuleResult.with_reasons(rules, baseline.rules, options.as_of)
    rules += [_rule(f.id, f.title, f.severity, "export format v1", (), Outcome.FAIL,
                    by_rule[f.id]) for f in FORMAT_RULES if f.id in by_rule]
    rules, attested = _attest(rules, attestations, options.as_of)
    used: list[Waiver] = []
    for f in result.findings:
        if f.waiver is not None and f.waiver not in used:
            used.append(f.waiver)
    blocking = tuple(r.rule_id for r in rules
                     if r.outcome in (CertOutcome.FAILED, CertOutcome.UNKNOWN)
                     and r.severity.rank >= options.fail_on.rank)
    agency = doc.data.get("agency")
    name = agency.get("name") if isinstance(agency, dict) else None
    return Certificate(
        certificate_format=CERTIFICATE_FORMAT,
        tool=ToolRecord(TOOL_NAME, __version__),
        baseline=BaselineRecord(baseline.id, baseline.version, baseline.sha256),
        export=ExportRecord(doc.path, doc.sha256,
                            hashlib.sha256(canonical_bytes(doc.data)).hexdigest(),
                            name if isinstance(name, str) else None),
        vendor=vendor,
        as_of=options.as_of.isoformat(),
        fail_on=options.fail_on,
        strict=options.strict,
        rules=tuple(rules),
        attestation_file=attestation_file,
        attestations=tuple(attested),
        waivers=tuple(WaiverRecord.of(w) for w in sorted(used, key=lambda w: w.line)),
        verdict=Verdict.NOT_CERTIFIED if blocking else Verdict.CERTIFIED,
        counts=tuple((o, sum(1 for r in rules if r.outcome is o)) for o in CertOutcome),
        blocking=blocking,
    )


def _export(path: str, max_bytes: int) -> Document:
    """The export as ``check`` reads it: a vendor file (a portal snapshot, say) converted to
    export format v1 by the adapter its content shows."""
    from lpr_lint.adapters.load import load_input

    return load_input(path, display_path(os.path.normpath(path)), max_bytes=max_bytes).document


def certify(export: str, baseline: Baseline, options: Options, vendor: str,
            attestations: AttestationFile | None = None, waivers: WaiverSet | None = None,
            max_bytes: int = DEFAULT_MAX_BYTES) -> Certificate:
    """Load an export and build its certificate."""
    doc = _export(export, max_bytes)
    source = None if attestations is None else FileRecord(display_path(attestations.path),
                                                          attestations.sha256)
    return build(doc, baseline, options, vendor,
                 attestations.attestations if attestations else (), source, waivers)


def certificate_bytes(certificate: Certificate) -> bytes:
    """The certificate's one byte form: sorted keys, two-space indent, final newline."""
    return snapshot_bytes(certificate.to_json())


def load_certificate(path: str) -> Certificate:
    """Read a certificate, checked against ``schemas/certificate.schema.json``."""
    doc = resources.load_checked(path, "certificate.schema.json", "certificate",
                                 error=CertificateError, syntax="json")
    return Certificate.from_json(doc.data)


def certificate_baseline(certificate: Certificate, spec: str | None = None) -> Baseline:
    """The baseline to re-check with: ``spec`` when given, else the built-in of the
    certificate's baseline id (a different sha256 is reported as a mismatch)."""
    if spec is not None and spec != AUTO_ID:  # auto: the certificate's own baseline
        return load_baseline(spec)
    wanted = certificate.baseline
    if wanted.id in CHECKABLE_BASELINES:
        return load_baseline(wanted.id)
    raise CertificateError(f"the certificate was made with baseline {wanted.id} version "
                           f"{wanted.version}, which is not built in; give it with "
                           "--baseline FILE")


def verify(certificate: Certificate, export: str, baseline: Baseline,
           max_bytes: int = DEFAULT_MAX_BYTES) -> Verification:
    """Re-run the certificate's check on ``export`` and compare everything it records."""
    doc = _export(export, max_bytes)
    own = consistency(certificate)
    diffs: list[str] = [message for message in own.values() if message]
    contradictions = len(diffs)
    notes: list[str] = []
    recorded = certificate.baseline
    for key in ("id", "version", "sha256"):
        show = _short if key == "sha256" else str
        if getattr(recorded, key) != getattr(baseline, key):
            diffs.append(f"baseline {key} differs: certificate {show(getattr(recorded, key))}, "
                         f"baseline {baseline.path} {show(getattr(baseline, key))}")
    cert_export = certificate.export
    canonical = hashlib.sha256(canonical_bytes(doc.data)).hexdigest()
    same_canonical = canonical == cert_export.canonical_sha256
    reencoded = doc.sha256 != cert_export.sha256 and same_canonical
    if doc.sha256 != cert_export.sha256 and not same_canonical:
        diffs.append(f"export sha256 differs: certificate {_short(cert_export.sha256)}, "
                     f"file {_short(doc.sha256)} (canonical_sha256 differs too: not the same "
                     "data)")
    elif not same_canonical:
        diffs.append(f"export canonical_sha256 differs: certificate "
                     f"{_short(cert_export.canonical_sha256)}, file {_short(canonical)}")
    elif reencoded:
        notes.append(f"export sha256 differs (certificate {_short(cert_export.sha256)}, file "
                     f"{_short(doc.sha256)}) but canonical_sha256 matches: the same data, "
                     "re-encoded; finding line numbers were not compared")
    if len(diffs) > contradictions:  # another baseline or another export: nothing to re-check
        return Verification(tuple(diffs), tuple(notes))
    if certificate.tool.version != __version__:
        notes.append(f"made with {TOOL_NAME} {certificate.tool.version}, re-checked with "
                     f"{__version__}")
    options = Options(as_of=_dt.date.fromisoformat(certificate.as_of),
                      fail_on=certificate.fail_on, strict=certificate.strict)
    attestations = tuple(Attestation(**{k: getattr(a, k) for k in _FIELDS})
                         for a in certificate.attestations)
    waivers = WaiverSet("certificate", tuple(
        Waiver(rule=w.rule, justification=w.justification, approved_by=w.approved_by,
               approved_on=w.approved_on, expires=w.expires, pointer=w.pointer,
               ticket=w.ticket, source="certificate", line=i + 1)
        for i, w in enumerate(certificate.waivers)))
    rebuilt = build(dataclasses.replace(doc, path=cert_export.path), baseline, options,
                    certificate.vendor, attestations, certificate.attestation_file, waivers)
    rebuilt = dataclasses.replace(
        rebuilt, export=dataclasses.replace(rebuilt.export, sha256=cert_export.sha256),
        tool=certificate.tool)
    diffs += compare(certificate, rebuilt, lines=not reencoded, skip=set(own))
    return Verification(tuple(diffs), tuple(notes))


def compare(certificate: Certificate, rebuilt: Certificate, lines: bool = True,
            skip: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Every way a certificate differs from the re-check's, in words (``skip``: fields
    already reported, e.g. by :func:`consistency`)."""
    diffs: list[str] = []
    old = {r.rule_id: r for r in certificate.rules}
    new = {r.rule_id: r for r in rebuilt.rules}
    diffs += [f"rule {rid}: not in the certificate; re-check says {r.outcome}"
              for rid, r in new.items() if rid not in old]
    keys = RuleResult.compared_fields(certificate.rules)
    for rid, o in old.items():
        n = new.get(rid)
        if n is None or o.outcome != n.outcome:
            got = "has no such rule" if n is None else f"says {n.outcome}"
            diffs.append(f"rule {rid}: certificate says {o.outcome}, re-check {got}")
            continue
        if not lines:
            o, n = (dataclasses.replace(r, findings=tuple(
                dataclasses.replace(f, line=0) for f in r.findings)) for r in (o, n))
        diffs += [f"rule {rid}: {key} differs" for key in keys
                  if getattr(o, key) != getattr(n, key)]
    if not diffs and list(old) != list(new):
        diffs.append("rules are listed in a different order")
    for i, (a, b) in enumerate(zip(certificate.attestations, rebuilt.attestations,
                                   strict=True)):
        if a != b:
            what = (f"certificate says {a.status.value.replace('_', ' ')}, re-check says "
                    f"{b.status.value.replace('_', ' ')}"
                    if a.status != b.status else "differs")
            diffs.append(f"attestation #{i + 1} ({a.control}): {what}")
    if ([dataclasses.replace(w, files=None) for w in certificate.waivers]
            != [dataclasses.replace(w, files=None) for w in rebuilt.waivers]):
        diffs.append("waivers differ: the certificate lists waivers the re-check did not use")
    if certificate.verdict != rebuilt.verdict:
        diffs.append(f"verdict: certificate says {verdict_words(certificate.verdict)}, re-check "
                     f"says {verdict_words(rebuilt.verdict)}")
    if certificate.counts != rebuilt.counts:
        diffs.append("counts differ: " + "; ".join(
            f"{o.value.replace('_', ' ')} {n} in the certificate, {dict(rebuilt.counts)[o]} on "
            "re-check" for o, n in certificate.counts if n != dict(rebuilt.counts)[o]))
    if certificate.blocking != rebuilt.blocking and "blocking" not in skip:
        diffs.append(f"blocking rules differ: the certificate lists "
                     f"{listed(certificate.blocking)}; the re-check "
                     f"{listed(rebuilt.blocking)}")
    done = {"rules", "attestations", "waivers", "verdict", "counts", "blocking"}
    mine, theirs = certificate.to_json(), rebuilt.to_json()
    for key in sorted(mine):
        if key in done or mine[key] == theirs[key]:
            continue
        if isinstance(mine[key], dict) and isinstance(theirs[key], dict):
            diffs += [f"{key} {sub} differs: certificate {words(mine[key].get(sub))}, "
                      f"re-check {words(theirs[key].get(sub))}"
                      for sub in sorted(set(mine[key]) | set(theirs[key]))
                      if mine[key].get(sub) != theirs[key].get(sub)]
        else:
            diffs.append(f"{key} differs: certificate {words(mine[key])}, re-check "
                         f"{words(theirs[key])}")
    return diffs
