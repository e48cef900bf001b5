"""GitLab Code Quality: a JSON array of issues (``artifacts:reports:codequality``).

GitLab has no suppression field, so waived findings are left out. Fingerprints are the
SARIF ones (rule, path, pointer); GitLab merges issues with equal fingerprints, so a repeat
within one report gets a numbered variant. Sorted and byte-stable.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from lpr_lint.model import Report, Severity
from lpr_lint.report._paths import (
    INPUT_RULE,
    cited,
    finding_fingerprint,
    input_problems,
    repo_relative,
)
from lpr_lint.report.base import Reporter

SEVERITIES = {Severity.CRITICAL: "blocker", Severity.HIGH: "critical", Severity.MEDIUM: "major",
              Severity.LOW: "minor", Severity.INFO: "info"}


def _issue(description: str, check_name: str, fingerprint: str, severity: str, path: str,
           line: int) -> dict[str, Any]:
    return {"description": description, "check_name": check_name, "fingerprint": fingerprint,
            "severity": severity, "location": {"path": path, "lines": {"begin": max(line, 1)}}}


def code_quality(report: Report) -> list[dict[str, Any]]:
    """The issues, sorted by path, line, check name and fingerprint."""
    issues = [_issue(p.message, INPUT_RULE.id, p.fingerprint, "blocker", p.path, p.line)
              for p in input_problems(report)]
    for f in report.findings:
        if f.waiver is not None:
            continue
        issues.append(_issue(cited(f.message, f), f.rule_id,
                             finding_fingerprint(f), SEVERITIES[f.severity],
                             repo_relative(f.file), f.line))
    issues.sort(key=lambda i: (i["location"]["path"], i["location"]["lines"]["begin"],
                               i["check_name"], i["fingerprint"], i["description"]))
    seen: dict[str, int] = {}
    for issue in issues:
        fp = issue["fingerprint"]
        seen[fp] = seen.get(fp, 0) + 1
        if seen[fp] > 1:
            issue["fingerprint"] = hashlib.sha256(f"{fp}\0{seen[fp]}".encode()).hexdigest()
    return issues


class GitlabReporter(Reporter):
    """GitLab Code Quality report."""

    def render(self, report: Report) -> str:
        return json.dumps(code_quality(report), indent=2, sort_keys=True,
                          ensure_ascii=False) + "\n"
