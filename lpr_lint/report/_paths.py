"""Helpers shared by the CI reporters (SARIF, JUnit, GitLab, GitHub, Markdown).

Paths are shown relative to the repository root (:func:`repo_relative`), and a finding's
identity (:func:`fingerprint`) depends on its rule, file and JSON Pointer only, never on its
line, so it survives edits that move the value.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lpr_lint.model import FileResult, FileStatus, Finding, Report, RuleInfo, Severity
from lpr_lint.paths import repo_relative

INPUT_RULE = RuleInfo(
    "LPR-INPUT", "Export can be read unambiguously", Severity.CRITICAL,
    "A file that cannot be read, or parsed without ambiguity, cannot be shown to comply; "
    "nothing in it was checked.",
    "Fix the syntax or encoding error at the reported line, or remove the file from the "
    "checked paths.", "export format v1")
"""The pseudo-rule under which unreadable files are reported."""

FINGERPRINT_KEY = "lpr-lint/v1"


def fingerprint(rule_id: str, path: str, pointer: str) -> str:
    """sha256 of rule id, repository-relative path and pointer (not the line: it moves)."""
    return hashlib.sha256(f"{rule_id}\0{path}\0{pointer}".encode()).hexdigest()


def finding_fingerprint(finding: Finding) -> str:
    """:func:`fingerprint` of a finding."""
    return fingerprint(finding.rule_id, repo_relative(finding.file), finding.pointer)


def citation_text(finding: Finding) -> str:
    """``cite; cite`` (empty when the finding cites nothing)."""
    return "; ".join(c.render() for c in finding.citations)


def cited(message: str, finding: Finding) -> str:
    """``message [cite; cite]``, the way every reporter states a finding with its sources."""
    cite = citation_text(finding)
    return f"{message} [{cite}]" if cite else message


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An unreadable file, located as the other reporters need it."""

    path: str
    """Repository-relative."""
    line: int
    column: int
    message: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(INPUT_RULE.id, self.path, "")


def input_problem(result: FileResult) -> InputProblem:
    """Where and why a file with status ``error`` could not be read."""
    return InputProblem(repo_relative(result.path), max(result.error_line or 1, 1),
                        max(result.error_column or 1, 1),
                        result.error_message or "the file could not be read")


def input_problems(report: Report) -> list[InputProblem]:
    """Every unreadable file of a report, in report order."""
    return [input_problem(r) for r in report.files if r.status is FileStatus.ERROR]


__all__ = ["FINGERPRINT_KEY", "INPUT_RULE", "InputProblem", "citation_text", "cited",
           "finding_fingerprint", "fingerprint", "input_problem", "input_problems",
           "repo_relative"]
