"""Plain text: one ``path:line:col: SEVERITY RULE-ID message [citation]`` line per finding."""

from __future__ import annotations

from collections import Counter

from lpr_lint.model import FileStatus, Outcome, Report, Severity
from lpr_lint.report._paths import cited
from lpr_lint.report.base import Reporter


def summary_counts(report: Report) -> dict[str, object]:
    """Counts shared by the text summary and the JSON report."""
    findings = report.findings
    files = [f for f in report.files if not f.folder]  # a folder with nothing in it is no file
    return {
        "files": len(files),
        "passed": sum(1 for f in files if f.status is FileStatus.PASS),
        "failed": sum(1 for f in files if f.status is FileStatus.FAIL),
        "errors": sum(1 for f in files if f.status is FileStatus.ERROR),
        "empty_folders": len(report.files) - len(files),
        "findings": len(findings),
        "gating": sum(1 for f in findings if report.is_gating(f)),
        "waived": sum(1 for f in findings if f.waiver is not None),
        "by_severity": {s.value: sum(1 for f in findings if f.severity is s)
                        for s in reversed(Severity)},
        "by_outcome": {o.value: sum(1 for f in findings if f.outcome is o)
                       for o in (Outcome.FAIL, Outcome.UNKNOWN)},
    }


class TextReporter(Reporter):
    """The default, human-readable report."""

    def render(self, report: Report) -> str:
        lines: list[str] = []
        for result in report.files:
            if result.status is FileStatus.ERROR:
                where = result.path
                if result.error_line is not None:
                    where += f":{result.error_line}"
                    if result.error_column is not None:
                        where += f":{result.error_column}"
                lines.append(f"{where}: ERROR {result.error_message}")
                continue
            for f in result.findings:
                waived = f" — {f.waiver.describe()}" if f.waiver else ""
                lines.append(f"{f.file}:{f.line}:{f.column}: {f.severity.value.upper()} "
                             f"{f.rule_id} {cited(f.message, f)}{waived}")
        lines.append(self.summary(report))
        return "\n".join(lines) + "\n"

    @staticmethod
    def summary(report: Report) -> str:
        """One closing line a person can act on."""
        c = summary_counts(report)
        folders = sum(1 for f in report.files if f.folder)  # not files: nothing was in them
        n = len(report.files) - folders
        files = f"{n} file{'s' if n != 1 else ''} checked"
        parts = [f"{c['passed']} passed", f"{c['failed']} failed"]
        unreadable = sum(1 for f in report.files
                         if f.status is FileStatus.ERROR and not f.folder)
        if unreadable:
            parts.append(f"{unreadable} unreadable")
        if folders:
            parts[-1] += (f"; {folders} folder{'s' if folders != 1 else ''} had nothing to "
                          "check")
        sev = Counter({k: v for k, v in c["by_severity"].items() if v})  # type: ignore[attr-defined]
        detail = ", ".join(f"{n} {s}" for s, n in sev.items())
        findings = f"{c['findings']} finding{'s' if c['findings'] != 1 else ''}"
        if detail:
            findings += f" ({detail})"
        unknown = c["by_outcome"]["unknown"]  # type: ignore[index]
        if unknown:
            findings += f", {unknown} unknown"
        if c["waived"]:
            findings += f", {c['waived']} waived"
        gate = (f"fails at {report.fail_on} or above"
                + (", unknowns allowed" if report.allow_unknown else ""))
        return (f"{files}: {', '.join(parts)}; {findings}; baseline {report.baseline.id} "
                f"{report.baseline.version} as of {report.as_of}; {gate}")
