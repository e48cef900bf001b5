"""Evaluate a baseline against loaded exports. Pure: no file access, no printing.

For each rule and each node its ``scope`` expands to:

1. before the rule's effective date → ``not_applicable``;
2. the scope is missing, or a ``when`` value is missing → ``unknown`` (fails closed);
3. a ``when`` schema does not hold → ``not_applicable``;
4. the governed value is missing → ``unknown`` (or ``fail`` for ``missing: fail`` rules);
5. otherwise the ``check`` schema decides ``pass`` or ``fail``.

Export-format errors are findings of :data:`SCHEMA_RULE` at their pointer; with ``strict``
unknown keys are findings of :data:`STRICT_RULE`.
"""

from __future__ import annotations

import copy
import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any

from lpr_lint.errors import InputError
from lpr_lint.jsondata import render
from lpr_lint.load import data as resources
from lpr_lint.load.files import Document
from lpr_lint.model import (
    BaselineInfo,
    FileResult,
    FileStatus,
    Finding,
    Outcome,
    Report,
    RuleInfo,
    Severity,
    gates,
)
from lpr_lint.pointer import MISSING, NOT_A_LIST, WILDCARD, expand, join, resolve
from lpr_lint.rules import dynamic
from lpr_lint.rules.baseline import PLACEHOLDER, Baseline, Conditions, Rule
from lpr_lint.rules.validator import Issue, Validator


@dataclass(frozen=True, slots=True)
class FormatRule:
    """A rule about the export format itself rather than a jurisdiction's law."""

    id: str
    title: str
    severity: Severity
    rationale: str
    remediation: str


SCHEMA_RULE = FormatRule(
    "LPR-SCHEMA", "Values match export format v1", Severity.HIGH,
    "A value of the wrong type or outside the format's vocabulary cannot be relied on: \"21\" "
    "in quotes is text, not a day count, and a misspelt direction hides a disclosure.",
    "Correct the value to the type and vocabulary of export format v1 (see "
    "schemas/export-v1.schema.json).",
)
STRICT_RULE = FormatRule(
    "LPR-STRICT", "No keys outside export format v1 (--strict)", Severity.HIGH,
    "An unknown key is often a misspelt known one, whose real value is then missing.",
    "Remove or correct the key; only the names of export format v1 are recognised.",
)
FORMAT_RULES = (SCHEMA_RULE, STRICT_RULE)

_RANK = {Outcome.NOT_APPLICABLE: 0, Outcome.PASS: 1, Outcome.UNKNOWN: 2, Outcome.FAIL: 3}


@dataclass(frozen=True, slots=True)
class Options:
    """What a run is judged against."""

    as_of: _dt.date
    fail_on: Severity = Severity.HIGH
    allow_unknown: bool = False
    strict: bool = False


RuleResult = tuple[Outcome, str, str]
"""One outcome of a rule: (outcome, concrete pointer, message)."""


def strictify(schema: Any) -> Any:
    """A copy of a schema in which every object with ``properties`` is closed."""
    out = copy.deepcopy(schema)
    stack = [out]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


def _text(value: Any) -> str:
    return value if isinstance(value, str) else render(value)


def _message(rule: Rule, value: Any, scope_node: Any, scope_ptr: str,
             limit: _dt.date | None = None) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name == "value":
            return _text(value)
        if name == "limit":
            return limit.isoformat() if limit else "the limit"
        got = scope_node.get(name[1:], MISSING) if isinstance(scope_node, dict) else MISSING
        return scope_ptr if got is MISSING else _text(got)

    return PLACEHOLDER.sub(sub, rule.message)


def _detail(issues: list[Issue], base: str) -> str:
    if not issues:
        return ""
    first = issues[0]
    where = first.pointer[len(base):] if first.pointer.startswith(base) else first.pointer
    return f" ({where.lstrip('/') + ': ' if where else ''}{first.message})"


def evaluate_rule(rule: Rule, data: Any, as_of: _dt.date) -> list[RuleResult]:
    """Every outcome of one rule on one document, in document order."""
    if as_of < rule.effective:
        return [(Outcome.NOT_APPLICABLE, rule.pointer, "not yet in effect")]
    results: list[RuleResult] = []
    scope_segments = list(rule.scope_segments)
    for scope_ptr, node in expand(data, scope_segments):
        if node is MISSING:
            results.append((Outcome.UNKNOWN, scope_ptr, f"unknown: {scope_ptr} is missing, so "
                            "compliance cannot be shown"))
            continue
        if node is NOT_A_LIST:  # the export-schema check reports the wrong type itself
            results.append((Outcome.UNKNOWN, scope_ptr, f"unknown: {scope_ptr} is not a list, "
                            "so compliance cannot be shown"))
            continue
        results.append(evaluate_node(rule, node, scope_ptr, as_of, data))
    if not results:  # an empty list: nothing the rule governs exists, vacuously compliant
        first_star = scope_segments.index(WILDCARD) if WILDCARD in scope_segments else None
        results.append((Outcome.PASS, join(scope_segments[:first_star]), "no items"))
    return results


def _conditions(conditions: Conditions, node: Any, scope_ptr: str) -> RuleResult | None:
    """None when every condition holds; else unknown (a value it needs is missing) or not
    applicable (a condition is false)."""
    for segs, validator in conditions:
        if not segs:
            value, where = node, scope_ptr
        else:
            value = resolve(node, segs)
            where = scope_ptr + join(segs)
        if value is MISSING:
            return (Outcome.UNKNOWN, where, f"unknown: {where} is missing, so it cannot be "
                    "shown whether this rule applies")
        if not validator.is_valid(value):
            return (Outcome.NOT_APPLICABLE, where, "condition does not hold")
    return None


def evaluate_node(rule: Rule, node: Any, scope_ptr: str, as_of: _dt.date,
                  doc: Any = None) -> RuleResult:
    """The rule's outcome on one scope item (``doc``, the whole export, is read by checks
    that compare with another of its values)."""
    stop = _conditions(rule.when_validators, node, scope_ptr)
    if stop is not None:
        return stop
    case = None
    for candidate in rule.cases:  # the first case whose conditions hold
        stop = _conditions(candidate.when_validators, node, scope_ptr)
        if stop is None:
            case = candidate
            break
        if stop[0] is Outcome.UNKNOWN:
            return stop
    if case is None:
        return stop or (Outcome.NOT_APPLICABLE, scope_ptr, "no case applies")
    target = scope_ptr + rule.target_suffix
    value = resolve(node, rule.target_segments)
    if value is MISSING:
        if rule.missing == "fail":
            return (Outcome.FAIL, target, _message(rule, "nothing", node, scope_ptr))
        return (Outcome.UNKNOWN, target, f"unknown: {target} is missing, so compliance cannot "
                "be shown")
    limit = None
    validator = case.static
    if validator is None:
        try:
            validator, limit = dynamic.validator(case.check, as_of, doc, case.key, case.refs)
        except dynamic.Unresolved as exc:
            return (Outcome.UNKNOWN, target, f"unknown: {exc.pointer} is {exc.why}, so "
                    f"compliance of {target} cannot be shown")
    issues = validator.errors(value, target)
    if not issues:
        return (Outcome.PASS, target, "")
    detail = _detail(issues, target) if isinstance(value, (dict, list)) else ""
    return (Outcome.FAIL, target, _message(rule, value, node, scope_ptr, limit) + detail)


class Checker:
    """Checks documents against one baseline under fixed options."""

    def __init__(self, baseline: Baseline, options: Options) -> None:
        self.baseline = baseline
        self.options = options
        name = "export-v1.schema.json"
        self._export = (Validator(strictify(resources.load_json_schema(name))) if options.strict
                        else resources.schema_validator(name))

    def _finding(self, doc: Document, rule_id: str, severity: Severity, outcome: Outcome,
                 pointer: str, message: str, rule: Rule | None = None) -> Finding:
        line, column = doc.locate(pointer)
        return Finding(
            rule_id=rule_id, severity=severity, outcome=outcome, file=doc.path,
            pointer=pointer, line=line, column=column, message=message,
            citations=rule.citations if rule else (),
            remediation=rule.remediation if rule else (
                STRICT_RULE.remediation if rule_id == STRICT_RULE.id else SCHEMA_RULE.remediation),
        )

    def check(self, doc: Document) -> FileResult:
        """Evaluate every rule on one document."""
        findings: list[Finding] = []
        invalid: dict[str, str] = {}  # pointer -> export-format problem there
        for issue in self._export.errors(doc.data):
            fmt = STRICT_RULE if issue.keyword == "additionalProperties" else SCHEMA_RULE
            invalid.setdefault(issue.pointer, issue.message)
            findings.append(self._finding(doc, fmt.id, fmt.severity, Outcome.FAIL, issue.pointer,
                                          f"{issue.pointer or '/'}: {issue.message}"))
        outcomes: list[tuple[str, Outcome]] = []
        for rule in self.baseline.rules:
            worst = Outcome.NOT_APPLICABLE
            for outcome, pointer, message in evaluate_rule(rule, doc.data, self.options.as_of):
                if _RANK[outcome] > _RANK[worst]:
                    worst = outcome
                if outcome in (Outcome.FAIL, Outcome.UNKNOWN):
                    if outcome is Outcome.FAIL and pointer in invalid:
                        # the value is malformed: say so rather than judge it
                        message = (f"{rule.title[0].lower()}{rule.title[1:]}: cannot be shown, "
                                   f"because {invalid[pointer]}")
                    text = message if message.startswith("unknown:") else f"{pointer}: {message}"
                    findings.append(self._finding(doc, rule.id, rule.severity, outcome, pointer,
                                                  text, rule))
            outcomes.append((rule.id, worst))
        findings = sorted(set(findings), key=Finding.sort_key)
        gating = any(self.is_gating(f) for f in findings)
        return FileResult(
            path=doc.path, sha256=doc.sha256,
            status=FileStatus.FAIL if gating else FileStatus.PASS,
            findings=tuple(findings), rule_outcomes=tuple(sorted(outcomes)),
        )

    def is_gating(self, finding: Finding) -> bool:
        """Does this finding fail the run under these options?"""
        return gates(finding, self.options.fail_on, self.options.allow_unknown)

    def report(self, results: list[FileResult], tool_version: str,
               extra_rules: tuple[RuleInfo, ...] = ()) -> Report:
        """Assemble a report in a stable order."""
        return assemble(results, self.options, self.baseline.info(),
                        rule_infos(self.baseline) + extra_rules, tool_version)


def unreadable(error: InputError) -> FileResult:
    """The result for a file that could not be read."""
    return FileResult(path=error.path, sha256=None, status=FileStatus.ERROR,
                      error_message=error.message, error_line=error.line,
                      error_column=error.column)


def assemble(results: list[FileResult], options: Options, baseline: BaselineInfo,
             rules: tuple[RuleInfo, ...], tool_version: str) -> Report:
    """A report of ``results`` in a stable order (files by path)."""
    return Report(
        tool_version=tool_version, baseline=baseline, as_of=options.as_of.isoformat(),
        fail_on=options.fail_on, allow_unknown=options.allow_unknown, strict=options.strict,
        files=tuple(sorted(results, key=lambda r: r.path)), rules=rules)


def rule_infos(baseline: Baseline) -> tuple[RuleInfo, ...]:
    """The baseline's rules and the export-format rules, as reports describe them."""
    return tuple(RuleInfo(r.id, r.title, r.severity, r.rationale, r.remediation, r.basis_label,
                          r.citations) for r in baseline.rules) + tuple(
        RuleInfo(f.id, f.title, f.severity, f.rationale, f.remediation, "export format v1")
        for f in FORMAT_RULES)

