"""A certificate in words: whether its verdict and blocking list follow from its own rules,
and how its values read in a message (``verify`` names every difference this way, never as a
Python value)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lpr_lint.certify.records import Certificate, CertOutcome, RuleResult, Verdict


def _blockers(certificate: Certificate) -> list[RuleResult]:
    """The certificate's own rules that block it: failed or unknown at or above fail_on."""
    return [r for r in certificate.rules
            if r.outcome in (CertOutcome.FAILED, CertOutcome.UNKNOWN)
            and r.severity.rank >= certificate.fail_on.rank]


def listed(names: Sequence[str], most: int = 5) -> str:
    """``A, B, C`` (``none`` when empty; ``and N more`` past ``most``)."""
    if not names:
        return "none"
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def consistency(certificate: Certificate) -> dict[str, str]:
    """How the certificate contradicts itself, in words, by the field that is wrong: a
    verdict or blocking list that does not follow from its own rules (an edited certificate
    is a mismatch, not a malformed file). A field given "" is wrong only as a consequence
    of another (a verdict edited together with its blocking list) and needs no words."""
    blockers = _blockers(certificate)
    found: dict[str, str] = {}
    gate = f"at or above {certificate.fail_on}"
    if certificate.verdict is Verdict.CERTIFIED and blockers:
        found["verdict"] = (
            f"the certificate says CERTIFIED but its findings block it: {len(blockers)} "
            f"rule(s) failed or unknown {gate} ("
            + listed([f"{r.rule_id} {r.outcome}" for r in blockers]) + ")")
    elif certificate.verdict is Verdict.NOT_CERTIFIED and not blockers:
        found["verdict"] = (f"the certificate says NOT CERTIFIED but none of its rules blocks "
                            f"it (none is failed or unknown {gate})")
    ids = [r.rule_id for r in blockers]
    as_claimed = not certificate.blocking if certificate.verdict is Verdict.CERTIFIED else bool(
        certificate.blocking)
    if "verdict" in found and as_claimed:  # the list matches the edited verdict: one edit
        found["blocking"] = ""
    elif list(certificate.blocking) != ids:
        found["blocking"] = (f"the certificate's blocking list does not follow from its rules: "
                             f"it lists {listed(certificate.blocking)}; its rules failed or "
                             f"unknown {gate} are {listed(ids)}")
    return found


def verdict_words(verdict: Verdict) -> str:
    """``certified`` or ``not certified``."""
    return verdict.value.replace("_", " ")


def words(value: Any) -> str:
    """A JSON value as a person reads it: text as is, nothing as ``none``, lists joined."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return listed([words(v) for v in value], most=8)
    if isinstance(value, dict):
        return ", ".join(f"{k} {words(v)}" for k, v in sorted(value.items())) or "none"
    return str(value)
