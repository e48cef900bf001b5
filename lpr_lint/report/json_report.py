"""The JSON report (schema: ``schemas/report.schema.json``). Keys sorted; byte-stable."""

from __future__ import annotations

import json
from typing import Any

from lpr_lint import TOOL_NAME
from lpr_lint.model import Report
from lpr_lint.report.base import Reporter
from lpr_lint.report.text import summary_counts

REPORT_FORMAT_VERSION = "1"


def report_dict(report: Report) -> dict[str, Any]:
    """The report as plain data."""
    return {
        "report_format": REPORT_FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": report.tool_version},
        "baseline": {"id": report.baseline.id, "version": report.baseline.version,
                     "sha256": report.baseline.sha256, "title": report.baseline.title},
        "as_of": report.as_of,
        "fail_on": report.fail_on.value,
        "allow_unknown": report.allow_unknown,
        "strict": report.strict,
        "files": [
            {
                "path": r.path,
                "sha256": r.sha256,
                "status": r.status.value,
                "error": None if r.error_message is None else {
                    "message": r.error_message, "line": r.error_line, "column": r.error_column},
                **({"folder": True} if r.folder else {}),
                **({} if r.baseline is None else {"baseline": {
                    "id": r.baseline.id, "version": r.baseline.version,
                    "sha256": r.baseline.sha256}}),
            }
            for r in report.files
        ],
        "findings": [
            {
                "rule_id": f.rule_id,
                "severity": f.severity.value,
                "outcome": f.outcome.value,
                "file": f.file,
                "pointer": f.pointer,
                "line": f.line,
                "column": f.column,
                "message": f.message,
                "citations": [{"cite": c.cite, "reliability": c.reliability, "url": c.url,
                               "claim": c.claim} for c in f.citations],
                "remediation": f.remediation,
                "gating": report.is_gating(f),
                "waiver": None if f.waiver is None else {
                    "rule": f.waiver.rule, "files": f.waiver.files, "pointer": f.waiver.pointer,
                    "justification": f.waiver.justification,
                    "approved_by": f.waiver.approved_by, "approved_on": f.waiver.approved_on,
                    "expires": f.waiver.expires, "ticket": f.waiver.ticket,
                    "source": f.waiver.source, "line": f.waiver.line},
            }
            for f in report.findings
        ],
        "summary": summary_counts(report),
    }


class JsonReporter(Reporter):
    """Machine-readable report for CI and other tools."""

    def render(self, report: Report) -> str:
        return json.dumps(report_dict(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
