"""Compose a baseline into one JSON Schema that other validators and editors can use.

The composed schema is the export-format schema plus, for every rule in effect on the
given date at or above the given severity, the rule rewritten as plain JSON Schema:
missing values become ``required`` (unknown fails closed), ``when`` becomes ``if``/``then``
and ``*`` becomes ``items``. A document is valid against it exactly when ``lpr-lint check``
(same date, threshold and strictness, unknowns not allowed) passes it.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from lpr_lint.load import data as resources
from lpr_lint.model import Severity
from lpr_lint.pointer import WILDCARD, split
from lpr_lint.rules.baseline import Baseline, Rule
from lpr_lint.rules.dynamic import concretise
from lpr_lint.rules.engine import strictify

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _at(segments: list[str] | tuple[str, ...], schema: Any, required: bool) -> Any:
    """``schema`` applied at a relative path of named keys and ``*`` items."""
    out = schema
    for seg in reversed(segments):
        if seg == WILDCARD:
            out = {"type": "array", "items": out}
        elif required:
            out = {"type": "object", "required": [seg], "properties": {seg: out}}
        else:
            out = {"properties": {seg: out}}
    return out


def _when(conditions: tuple[tuple[str, Any], ...], then: Any, otherwise: Any = None) -> Any:
    """``then`` under conditions evaluated in order that short-circuit: a missing value fails
    (unknown), a false condition stops (not applicable, or ``otherwise``). Nested if/then."""
    node = then
    for i, (pointer, fragment) in enumerate(reversed(conditions)):
        segs = split(pointer)
        step: dict[str, Any] = {"if": _at(segs, fragment, required=False), "then": node}
        if otherwise is not None and i == len(conditions) - 1:
            step["else"] = otherwise
        node = {"allOf": [_at(segs, True, required=True), step]} if segs else step
    return node


def excluded(baseline: Baseline) -> list[Rule]:
    """Rules JSON Schema cannot carry: they compare with another value of the export
    (``$data``) or use a keyword beyond JSON Schema (``orgKind``, ``uniqueBy``)."""
    return [r for r in baseline.rules if r.data_refs or r.extended]


def rule_schema(rule: Rule, as_of: _dt.date) -> dict[str, Any]:
    """One rule as a self-contained JSON Schema fragment over the whole export, for one date
    (a ``notBefore``/``notAfter`` bound becomes a pattern over ISO dates)."""
    node: Any = True  # no case applies: not applicable
    for case in reversed(rule.cases):
        check = _at(list(rule.target_segments), concretise(case.check, as_of)[0], required=True)
        node = _when(case.when, check, node) if case.when else check
    node = _when(rule.when, node)
    out = _at(list(rule.scope_segments), node, required=True)
    out = dict(out)
    out["$comment"] = f"{rule.id} ({rule.severity}): {rule.title}"
    return out


def compose(baseline: Baseline, as_of: _dt.date, fail_on: Severity = Severity.HIGH,
            strict: bool = False) -> dict[str, Any]:
    """The baseline as one Draft 2020-12 schema (see the module docstring)."""
    export = resources.load_json_schema("export-v1.schema.json")
    if strict:
        export = strictify(export)
    defs = dict(export.get("$defs", {}))
    export_body = {k: v for k, v in export.items() if k not in ("$schema", "$id", "$defs")}
    left_out = {r.id for r in excluded(baseline)}
    rules = [r for r in baseline.rules if r.effective <= as_of
             and r.severity.rank >= fail_on.rank and r.id not in left_out]
    return {
        "$schema": DIALECT,
        "$id": f"https://lpr-lint.example/baselines/{baseline.id}/{baseline.version}.schema.json",
        "title": f"{baseline.title} (composed by lpr-lint)",
        "description": (
            f"Export format v1 plus {len(rules)} rules of baseline {baseline.id} "
            f"{baseline.version} in effect on {as_of.isoformat()} at severity {fail_on} or "
            "above. A missing value fails (unknown fails closed)."
            + (f" Not expressible in JSON Schema, so enforced by lpr-lint check alone: "
               f"{', '.join(sorted(left_out))}." if left_out else "")),
        "$defs": defs,
        "allOf": [export_body, *(rule_schema(r, as_of) for r in rules)],
    }
