"""Certificates for auditors: Markdown and self-contained HTML renderings of a certificate.

Both take a :class:`~lpr_lint.certify.records.Certificate` (as ``certify`` builds it, or as
``Certificate.from_json`` reads it back from its JSON) and return a string. Every string that
comes from an export, an attestation, a waiver or the command line is escaped:
``md_escape`` for Markdown, ``html.escape`` for HTML. The HTML has no external assets and no
JavaScript, and its Content-Security-Policy forbids scripts outright.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from lpr_lint.certify.records import (
    AttestationRecord,
    AttestationStatus,
    Certificate,
    CertOutcome,
    FindingRecord,
    RuleResult,
    Verdict,
)
from lpr_lint.model import Citation
from lpr_lint.report.html import Markup, bullets, esc, ident, page, table
from lpr_lint.report.markdown import md_code, md_escape

_LABEL = {CertOutcome.PASSED: "passed", CertOutcome.FAILED: "FAILED",
          CertOutcome.WAIVED: "waived", CertOutcome.UNKNOWN: "UNKNOWN",
          CertOutcome.NOT_APPLICABLE: "not applicable", CertOutcome.ATTESTED: "attested"}
_STATUS = {AttestationStatus.APPLIED: "applied", AttestationStatus.NOT_APPLIED: "not applied",
           AttestationStatus.RECORDED: "recorded"}
_BLOCKING = (CertOutcome.FAILED, CertOutcome.UNKNOWN)
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _cite(c: Citation) -> str:
    return c.cite + (" (unverified)" if c.reliability == "unverified" else "")


def _finding(f: FindingRecord) -> str:
    """``/pointer (line N): message``, the pointer said once (a check's message starts with
    it; an unknown's names it in its text)."""
    waived = " (waived)" if f.waived else ""
    pointer = f.pointer or "/"
    if f.message.startswith(f"{pointer}: "):
        return f"{pointer} (line {f.line}): {f.message[len(pointer) + 2:]}{waived}"
    if f.pointer and f.pointer in f.message:
        return f"line {f.line}: {f.message}{waived}"
    return f"{pointer} (line {f.line}): {f.message}{waived}"


def _outcome(r: RuleResult) -> str:
    return _LABEL[r.outcome] + (f": {r.reason}" if r.reason else "")


def _disclaimer(cert: Certificate, text: Callable[[str], str], code: Callable[[str], str]
                ) -> str:
    """What follows "Not legal advice." (``text`` escapes text, ``code`` marks up a
    command)."""
    return (text(f"This certificate records what {cert.tool.name} found in "
                 f"one export under baseline {cert.baseline.id} {cert.baseline.version} as of "
                 f"{cert.as_of}; ") + code(f"{cert.tool.name} explain RULE")
            + text(" gives each rule's legal basis and the baseline's own disclaimer."))


def _status(a: AttestationRecord) -> str:
    return _STATUS[a.status] + (f": {a.reason}" if a.reason is not None else "")


def _attested(indexes: tuple[int, ...]) -> str:
    return f"attestation #{', #'.join(str(i + 1) for i in indexes)}"


def _hashes(cert: Certificate) -> list[tuple[str, str]]:
    rows = [("Export (file bytes)", cert.export.sha256),
            ("Export (canonical JSON)", cert.export.canonical_sha256),
            (f"Baseline {cert.baseline.id} {cert.baseline.version}", cert.baseline.sha256)]
    if cert.attestation_file is not None:
        rows.append((f"Attestation file {cert.attestation_file.path}",
                     cert.attestation_file.sha256))
    return rows


def _facts(cert: Certificate) -> list[tuple[str, str]]:
    return [("Vendor", cert.vendor), ("Agency", cert.export.agency or "(not stated)"),
            ("Export", cert.export.path),
            ("Baseline", f"{cert.baseline.id} version {cert.baseline.version}"),
            ("As of", cert.as_of), ("Fails on", f"{cert.fail_on} and above"),
            ("Tool", f"{cert.tool.name} {cert.tool.version}")]


def _counts(cert: Certificate) -> str:
    return ", ".join(f"{cert.count(o)} {_LABEL[o].lower()}" for o in _LABEL)


def _verdict(cert: Certificate) -> str:
    if cert.verdict is Verdict.CERTIFIED:
        return "Certified"
    return (f"Not certified: {len(cert.blocking)} rule(s) failed or unknown at or above "
            f"{cert.fail_on}: {', '.join(cert.blocking)}")


# --- Markdown ---------------------------------------------------------------------------


def _md_table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(head)
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head),
            *("| " + " | ".join(row) + " |" for row in rows), ""]


def certificate_markdown(cert: Certificate) -> str:
    """The certificate as Markdown: verdict, facts, rules, attestations, waivers, hashes."""
    icon = "✅" if cert.verdict is Verdict.CERTIFIED else "❌"
    lines = [f"# {icon} Self-certification: {md_escape(cert.vendor)}", "",
             f"**{md_escape(_verdict(cert))}**", "", md_escape(_counts(cert)), "",
             "**Not legal advice.** " + _disclaimer(cert, md_escape, md_code), ""]
    lines += [f"- **{k}:** {md_escape(v)}" for k, v in _facts(cert)] + ["", "## Rules", ""]
    lines += _md_table(
        ("Rule", "Title", "Severity", "Basis", "Outcome", "Citations", "Findings"),
        ((md_escape(r.rule_id), md_escape(r.title), r.severity.value, md_escape(r.basis),
          f"**{_LABEL[r.outcome]}**" if r.outcome in _BLOCKING else md_escape(_outcome(r)),
          "; ".join(md_escape(_cite(c)) for c in r.citations),
          "; ".join(md_escape(_finding(f)) for f in r.findings)
          + (f" ({_attested(r.attestations)})" if r.attestations else ""))
         for r in cert.rules))
    lines += ["## Attestations", ""]
    if cert.attestations:
        lines += _md_table(
            ("#", "Control", "Attested by", "Role", "Date", "Statement", "Evidence", "Status"),
            ((str(i + 1), md_escape(a.control), md_escape(a.attested_by), md_escape(a.role),
              md_escape(a.date), md_escape(a.statement), md_escape(a.evidence),
              md_escape(_status(a)))
             for i, a in enumerate(cert.attestations)))
    else:
        lines += ["None.", ""]
    lines += ["## Waivers applied", ""]
    if cert.waivers:
        lines += _md_table(
            ("Rule", "Pointer", "Approved by", "Approved on", "Expires", "Ticket",
             "Justification"),
            ((md_escape(w.rule), md_code(w.pointer or ""), md_escape(w.approved_by),
              md_escape(w.approved_on), md_escape(w.expires), md_escape(w.ticket or ""),
              md_escape(w.justification))
             for w in cert.waivers))
    else:
        lines += ["None.", ""]
    lines += ["## Hashes (sha256)", ""]
    lines += _md_table(("Of", "sha256"), ((md_escape(k), md_code(v)) for k, v in _hashes(cert)))
    lines.append("Check it with `lpr-lint verify-cert CERTIFICATE.json EXPORT`.")
    return "\n".join(lines) + "\n"


# --- HTML -------------------------------------------------------------------------------

_CSS = """body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a;max-width:80rem}
table{border-collapse:collapse;width:100%;margin:0 0 1.5rem}
th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}
@media (min-width:60rem){.rules td:nth-child(2){width:28%}.rules td:nth-child(4){width:14%}}
td ul{margin:0;padding-left:1.1em}
.disclaimer{font-size:.9em;color:#444;border-left:3px solid #bbb;padding-left:.6rem}
.reason,.cite{display:block;font-size:.85em;color:#555}.cite{margin-top:.15rem}
.banner{padding:1rem;border-radius:.3rem;font-size:1.3rem;font-weight:bold}
.certified{background:#dff3e3;border:2px solid #2e7d32}
.not_certified{background:#fde2e1;border:2px solid #c62828}
.o-failed,.o-unknown{color:#c62828;font-weight:bold}.o-attested{color:#1565c0}
.o-waived{color:#8a6d00}.o-passed{color:#2e7d32}.o-not_applicable{color:#666}"""


def _dates(text: str) -> str:
    """Escaped text in which a date (YYYY-MM-DD) never breaks across lines."""
    return _DATE.sub(lambda m: f'<span class="nowrap">{m[0]}</span>', esc(text))


def _code(text: str) -> str:
    return f"<code>{esc(text)}</code>"


def certificate_html(cert: Certificate) -> str:
    """The certificate as one self-contained HTML page (no external assets, no scripts)."""
    title = f"Self-certification: {cert.vendor}"
    body = [f"<h1>{esc(title)}</h1>",
            f'<p class="banner {cert.verdict.value}">{esc(_verdict(cert))}</p>',
            f"<p>{esc(_counts(cert))}</p>",
            '<p class="disclaimer"><strong>Not legal advice.</strong> '
            f"{_disclaimer(cert, esc, _code)}</p>", "<table>"]
    body += [f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in _facts(cert)]
    body += ["</table>", "<h2>Rules</h2>"]
    body += table(
        ("Rule", "Title and citations", "Severity, basis", "Outcome", "Findings"),
        ((ident(r.rule_id),
          Markup(esc(r.title) + "".join(f'<span class="cite">{esc(_cite(c))}</span>'
                                        for c in r.citations)),
          Markup(f"{esc(r.severity.value)}<br>{esc(r.basis)}"),
          Markup(f'<span class="o-{esc(r.outcome.value)}">{esc(_LABEL[r.outcome])}</span>'
                 + (f'<span class="reason">{_dates(r.reason)}</span>' if r.reason else "")),
          Markup(bullets(esc(_finding(f)) for f in r.findings)
                 + (esc(_attested(r.attestations)) if r.attestations else "")))
         for r in cert.rules), "rules")
    body.append("<h2>Attestations</h2>")
    if cert.attestations:
        body += table(
            ("#", "Control", "Attested by", "Role", "Date", "Statement", "Evidence", "Status"),
            ((str(i + 1), ident(a.control), a.attested_by, a.role,
              a.date, a.statement, a.evidence, _status(a))
             for i, a in enumerate(cert.attestations)))
    else:
        body.append("<p>None.</p>")
    body.append("<h2>Waivers applied</h2>")
    if cert.waivers:
        body += table(
            ("Rule", "Pointer", "Approved (by, on)", "Expires", "Ticket", "Justification"),
            ((ident(w.rule), Markup(f"<code>{esc(w.pointer or '')}</code>"),
              Markup(f"{esc(w.approved_by)}<br>{esc(w.approved_on)}"), w.expires,
              w.ticket or "", w.justification)
             for w in cert.waivers))
    else:
        body.append("<p>None.</p>")
    body.append("<h2>Hashes (sha256)</h2>")
    body += table(("Of", "sha256"),
                  ((k, Markup(f"<code>{esc(v)}</code>")) for k, v in _hashes(cert)))
    body.append("<p>Check it with <code>lpr-lint verify-cert CERTIFICATE.json EXPORT</code>.</p>")
    return page(title, _CSS, body)
