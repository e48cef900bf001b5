"""JUnit XML for CI test-report views (GitLab, Jenkins, Azure DevOps, ...).

One ``<testsuite>`` per file and one ``<testcase>`` per rule evaluated on it (plus one per
format rule with findings, such as ``LPR-SCHEMA``): a rule with findings fails, a waived one
or one not applicable is skipped, an unreadable file is an error. Built with ElementTree,
which escapes markup; characters XML 1.0 cannot carry are removed first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

from lpr_lint import TOOL_NAME
from lpr_lint.model import FileResult, FileStatus, Finding, Outcome, Report, Severity
from lpr_lint.report._paths import INPUT_RULE, cited, input_problem, repo_relative
from lpr_lint.report.base import Reporter

_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def xml_text(text: str) -> str:
    """Text with every character XML 1.0 forbids removed (ElementTree escapes the rest)."""
    return _ILLEGAL.sub("", text)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def _line(f: Finding) -> str:
    message = f.message.removeprefix(f"{f.pointer}: ") if f.pointer else f.message
    text = cited(f"{f.line}:{f.column} {f.pointer or '/'}: {message}", f)
    if f.waiver is not None:
        text += f" ({f.waiver.describe()})"
    return text


def _testcase(suite: ET.Element, path: str, rule_id: str, outcome: Outcome | None,
              findings: list[Finding], severities: dict[str, Severity]) -> str:
    """Add one testcase; return its kind: pass, failure or skipped."""
    case = _el(suite, "testcase", classname=path, name=rule_id)
    active = [f for f in findings if f.waiver is None]
    if active:
        worst = max(active, key=lambda f: f.severity.rank)
        message = (worst.message if len(active) == 1
                   else f"{len(active)} findings; most severe: {worst.message}")
        _el(case, "failure", "\n".join(_line(f) for f in findings), message=message,
            type=worst.severity.value)
        return "failure"
    if findings:
        waivers = dict.fromkeys(f.waiver.describe() for f in findings if f.waiver is not None)
        _el(case, "skipped", "\n".join(_line(f) for f in findings), message="; ".join(waivers))
        return "skipped"
    if outcome is Outcome.NOT_APPLICABLE:
        _el(case, "skipped", message="not applicable")
        return "skipped"
    if outcome in (Outcome.FAIL, Outcome.UNKNOWN):
        severity = severities.get(rule_id, Severity.HIGH)
        _el(case, "failure", message=f"{rule_id}: outcome {outcome}", type=severity.value)
        return "failure"
    return "pass"


def _suite(root: ET.Element, result: FileResult, severities: dict[str, Severity]) -> Counter[str]:
    path = repo_relative(result.path)
    suite = _el(root, "testsuite", name=path)
    kinds: Counter[str] = Counter()
    if result.status is FileStatus.ERROR:
        p = input_problem(result)
        case = _el(suite, "testcase", classname=path, name=INPUT_RULE.id)
        _el(case, "error", f"{p.path}:{p.line}:{p.column}: {p.message}", message=p.message,
            type=INPUT_RULE.id)
        kinds["error"] += 1
    by_rule: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    outcomes = dict(result.rule_outcomes)
    for rule_id in sorted(set(outcomes) | set(by_rule)):
        kinds[_testcase(suite, path, rule_id, outcomes.get(rule_id), by_rule.get(rule_id, []),
                        severities)] += 1
    _count(suite, kinds)
    return kinds


def _count(el: ET.Element, kinds: Counter[str]) -> None:
    el.set("tests", str(sum(kinds.values())))
    el.set("failures", str(kinds["failure"]))
    el.set("errors", str(kinds["error"]))
    el.set("skipped", str(kinds["skipped"]))


def junit_xml(report: Report) -> str:
    """The JUnit document, without the XML declaration."""
    root = ET.Element("testsuites", {"name": TOOL_NAME})
    severities = {r.id: r.severity for r in report.rules}
    total: Counter[str] = Counter()
    for result in report.files:
        total.update(_suite(root, result, severities))
    _count(root, total)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="unicode")


class JunitReporter(Reporter):
    """JUnit XML: a suite per file, a test case per rule."""

    def render(self, report: Report) -> str:
        return DECLARATION + junit_xml(report) + "\n"
