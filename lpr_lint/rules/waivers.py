"""Central waivers: accepted deviations with a justification, an approver and an expiry.

Waivers live in one file (``.lpr-lint-waivers.yaml`` by default), never inside an export, so
nobody can silence a rule from the data being checked. A waiver that has expired stops
waiving and is itself a finding; one that matches nothing is reported; one that expires
within :data:`EXPIRY_WARNING_DAYS` gives a warning.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from lpr_lint.config import DEFAULTS
from lpr_lint.errors import LprLintError
from lpr_lint.load import data as resources
from lpr_lint.model import FileResult, FileStatus, Finding, Outcome, RuleInfo, Severity, Waiver
from lpr_lint.paths import repo_relative

DEFAULT_MAX_DAYS: int = DEFAULTS["waiver_max_days"]
EXPIRY_WARNING_DAYS = 14

EXPIRED = RuleInfo(
    "LPR-WAIVER-EXPIRED", "Expired waivers are renewed or removed", Severity.HIGH,
    "An expired waiver no longer waives anything; the deviation it covered must be fixed or "
    "approved again.", "Fix the deviation, or renew the waiver with a new approval and expiry.",
    "waivers")
UNUSED = RuleInfo(
    "LPR-WAIVER-UNUSED", "Every waiver still matches a finding", Severity.LOW,
    "A waiver that matches nothing hides the next deviation of the same kind.",
    "Remove the waiver, or narrow its files and pointer to the deviation it was meant for.",
    "waivers")
EXPIRING = RuleInfo(
    "LPR-WAIVER-EXPIRING", f"Waivers expiring within {EXPIRY_WARNING_DAYS} days",
    Severity.INFO, "A waiver about to expire will soon stop waiving its finding.",
    "Fix the deviation before the waiver expires, or renew it.", "waivers")
WAIVER_RULES = (EXPIRED, UNUSED, EXPIRING)


class WaiverError(LprLintError):
    """The waivers file is unreadable or malformed (exit 3)."""


_NAMED = resources.items("waiver", "waivers", "rule")
"""``invalid waiver #2 (CT-RET-001): field 'expires'``."""


@dataclass(frozen=True, slots=True)
class WaiverSet:
    """The waivers of one file."""

    path: str
    waivers: tuple[Waiver, ...] = ()


def load_waivers(path: str, known_rules: Iterable[str],
                 max_days: int = DEFAULT_MAX_DAYS) -> WaiverSet:
    """Read and validate a waivers file; every problem names the waiver and the field."""
    doc = resources.load_checked(path, "waivers.schema.json", "waivers file", error=WaiverError,
                                 describe=_NAMED)
    known = set(known_rules)
    waivers = []
    for i, raw in enumerate(doc.data["waivers"]):
        line, _ = doc.locate(f"/waivers/{i}")

        def fail(field: str, message: str, index: int = i) -> WaiverError:
            pointer = f"/waivers/{index}/{field}"
            fl, fc = doc.locate(pointer)
            return WaiverError(f"{path}:{fl}:{fc}: {_NAMED(doc.data, pointer)}: {message}")

        if raw["rule"] not in known:
            raise fail("rule", "no such rule in the baseline")
        approved = _dt.date.fromisoformat(raw["approved_on"])
        expires = _dt.date.fromisoformat(raw["expires"])
        if expires < approved:
            raise fail("expires", "is before approved_on")
        if (expires - approved).days > max_days:
            raise fail("expires", f"is {(expires - approved).days} days after approval; a waiver "
                       f"may last at most {max_days} days")
        waivers.append(Waiver(
            rule=raw["rule"], justification=raw["justification"],
            approved_by=raw["approved_by"], approved_on=raw["approved_on"],
            expires=raw["expires"], files=raw.get("files"), pointer=raw.get("pointer"),
            ticket=raw.get("ticket"), source=path, line=line))
    return WaiverSet(path, tuple(waivers))


def matches(waiver: Waiver, finding: Finding) -> bool:
    """Does the waiver cover this finding (rule, file glob and pointer prefix)?"""
    if waiver.rule != finding.rule_id:
        return False
    if waiver.files is not None and not fnmatch.fnmatchcase(repo_relative(finding.file),
                                                            waiver.files):
        return False
    p = waiver.pointer
    return p is None or finding.pointer == p or finding.pointer.startswith(p + "/")


def apply_waivers(results: list[FileResult], waivers: WaiverSet, as_of: _dt.date,
                  gating: Callable[[Finding], bool]) -> list[FileResult]:
    """Mark covered findings as waived and add a result for the waivers file itself.

    ``gating`` is the predicate deciding whether a finding fails the run (the checker's).
    """
    current = [w for w in waivers.waivers if _dt.date.fromisoformat(w.expires) >= as_of]
    used: set[int] = set()
    out: list[FileResult] = []
    for result in results:
        findings = []
        for f in result.findings:
            hit = next((i for i, w in enumerate(current) if matches(w, f)), None)
            if hit is not None:
                used.add(id(current[hit]))
                f = replace(f, waiver=current[hit])
            findings.append(f)
        status = result.status
        if status is not FileStatus.ERROR:
            failing = any(gating(f) for f in findings)
            status = FileStatus.FAIL if failing else FileStatus.PASS
        out.append(replace(result, findings=tuple(findings), status=status))
    own: list[Finding] = []
    for w in waivers.waivers:
        expires = _dt.date.fromisoformat(w.expires)
        if expires < as_of:
            own.append(_finding(w, EXPIRED, f"waiver for {w.rule} expired on {w.expires}; its "
                                "findings are no longer waived"))
        elif id(w) not in used:
            own.append(_finding(w, UNUSED, f"waiver for {w.rule} matches no finding"))
        if as_of <= expires and (expires - as_of).days <= EXPIRY_WARNING_DAYS:
            own.append(_finding(w, EXPIRING, f"waiver for {w.rule} expires on {w.expires} "
                                f"({(expires - as_of).days} days)"))
    if waivers.waivers:
        own.sort(key=Finding.sort_key)
        failing = any(gating(f) for f in own)
        out.append(FileResult(path=waivers.path, sha256=None,
                              status=FileStatus.FAIL if failing else FileStatus.PASS,
                              findings=tuple(own)))
    return out


def _finding(w: Waiver, rule: RuleInfo, message: str) -> Finding:
    return Finding(rule_id=rule.id, severity=rule.severity, outcome=Outcome.FAIL, file=w.source,
                   pointer="", line=w.line, column=1, message=message,
                   remediation=rule.remediation)
