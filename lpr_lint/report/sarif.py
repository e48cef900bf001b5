"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. Keys sorted; byte-stable.

Every rule of the report is declared in ``tool.driver.rules`` (plus ``LPR-INPUT`` for
unreadable files); each finding is one result whose ``partialFingerprints`` depend on rule,
path and JSON Pointer, so an alert keeps its identity when lines move. Waived findings carry
an accepted external suppression.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from lpr_lint import TOOL_NAME, __version__
from lpr_lint.jsondata import clip
from lpr_lint.model import FileStatus, Finding, Report, RuleInfo, Severity
from lpr_lint.report._paths import (
    FINGERPRINT_KEY,
    INPUT_RULE,
    InputProblem,
    cited,
    finding_fingerprint,
    input_problem,
    repo_relative,
)
from lpr_lint.report.base import Reporter
from lpr_lint.report.markdown import md_escape, md_link

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_DESCRIPTION = 1024

LEVELS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "note", Severity.INFO: "note"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def camel_case(title: str) -> str:
    """``Values match export format v1`` → ``ValuesMatchExportFormatV1``."""
    return "".join(w[0].upper() + w[1:] for w in re.split(r"[^0-9A-Za-z]+", title) if w)




def artifact_uri(path: str) -> str:
    """A URI reference for a repository-relative path (``file:`` URI when absolute)."""
    if os.path.isabs(path) or PurePosixPath(path).is_absolute():
        return "file://" + quote(path if path.startswith("/") else "/" + path, safe="/:")
    return quote(path, safe="/")


def _help(rule: RuleInfo) -> dict[str, str]:
    text = [rule.rationale, "", f"Remediation: {rule.remediation}"]
    markdown = [md_escape(rule.rationale), "", f"**Remediation:** {md_escape(rule.remediation)}"]
    if rule.citations:
        text += ["", "Citations:"] + [f"- {c.render()}" + (f": {c.claim}" if c.claim else "")
                                      for c in rule.citations]
        markdown += ["", "**Citations:**", ""]
        markdown += [f"- {md_link(c.render(), c.url)}"
                     + (f": {md_escape(c.claim)}" if c.claim else "") for c in rule.citations]
    return {"text": "\n".join(text), "markdown": "\n".join(markdown)}


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    """A ``reportingDescriptor`` for one rule."""
    level = LEVELS[rule.severity]
    return {
        "id": rule.id,
        "name": camel_case(rule.title) or rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": clip(rule.rationale or rule.title, MAX_DESCRIPTION)},
        "help": _help(rule),
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["compliance", "lpr", rule.severity.value],
                       "precision": "very-high", "problem.severity": PROBLEM_SEVERITY[level]},
    }


def declared_rules(report: Report) -> list[RuleInfo]:
    """The report's rules, ``LPR-INPUT``, and any rule a finding names that is not declared."""
    rules = list(report.rules)
    known = {r.id for r in rules}
    if INPUT_RULE.id not in known:
        rules.append(INPUT_RULE)
        known.add(INPUT_RULE.id)
    for f in report.findings:
        if f.rule_id not in known:
            rules.append(RuleInfo(f.rule_id, f.rule_id, f.severity, "", f.remediation, "",
                                  f.citations))
            known.add(f.rule_id)
    return rules


def _location(path: str, line: int, column: int) -> dict[str, Any]:
    return {"physicalLocation": {
        "artifactLocation": {"uri": artifact_uri(path)},
        "region": {"startLine": max(line, 1), "startColumn": max(column, 1)}}}


def _result(f: Finding, index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": LEVELS[f.severity],
        "message": {"text": cited(f.message, f)},
        "locations": [_location(repo_relative(f.file), f.line, f.column)],
        "partialFingerprints": {FINGERPRINT_KEY: finding_fingerprint(f)},
        "properties": {"pointer": f.pointer, "outcome": f.outcome.value,
                       "severity": f.severity.value},
    }
    if f.waiver is not None:
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": f.waiver.describe()}]
    return result


def _input_result(p: InputProblem, index: int) -> dict[str, Any]:
    return {
        "ruleId": INPUT_RULE.id,
        "ruleIndex": index,
        "level": LEVELS[INPUT_RULE.severity],
        "message": {"text": p.message},
        "locations": [_location(p.path, p.line, p.column)],
        "partialFingerprints": {FINGERPRINT_KEY: p.fingerprint},
    }


def sarif_log(report: Report) -> dict[str, Any]:
    """The SARIF log as plain data."""
    rules = declared_rules(report)
    index = {r.id: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for file in report.files:
        if file.status is FileStatus.ERROR:
            results.append(_input_result(input_problem(file), index[INPUT_RULE.id]))
        results.extend(_result(f, index[f.rule_id]) for f in file.findings)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": TOOL_NAME,
            "semanticVersion": __version__,
            "rules": [rule_descriptor(r) for r in rules],
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "baseline": {"id": report.baseline.id, "version": report.baseline.version,
                         "sha256": report.baseline.sha256},
            "asOf": report.as_of,
            "failOn": report.fail_on.value,
            "allowUnknown": report.allow_unknown,
            "strict": report.strict,
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


class SarifReporter(Reporter):
    """SARIF 2.1.0, one run."""

    def render(self, report: Report) -> str:
        return json.dumps(sarif_log(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
