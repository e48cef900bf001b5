"""Keywords beyond JSON Schema that baseline rules may use.

- ``orgKind``: a name's kind as the organisation classifier reads it (``[Federal] …``, "HSI",
  "Border Patrol" read as federal) must match a subschema, so a label in the export cannot
  launder a recipient.
- ``uniqueBy``: the items of a list have distinct values of one field (role names).

JSON Schema cannot say either, so a rule that uses them is left out of the composed schema
(:func:`lpr_lint.rules.compose.excluded`) and ``check`` alone enforces it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lpr_lint.errors import SchemaError
from lpr_lint.jsondata import render
from lpr_lint.pointer import child
from lpr_lint.rules.validator import Check, Extension, Issue

_NONE: tuple[Issue, ...] = ()


def _wanted_kinds(spec: Any) -> frozenset[str] | None:
    """The kinds a ``{const: K}`` or ``{enum: [K, ...]}`` subschema accepts; None for any
    other subschema."""
    if isinstance(spec, dict) and len(spec) == 1:
        values = [spec["const"]] if "const" in spec else spec.get("enum")
        if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
            return frozenset(values)
    return None


def _org_kind(spec: Any, compile_: Callable[[Any], Check]) -> Check:
    sub = compile_(spec)
    wanted = _wanted_kinds(spec)
    if wanted is not None:  # the common shape: read only the kinds it takes to tell
        expected = " or ".join(sorted(wanted))

        def run_among(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
            if not isinstance(x, str):
                return _NONE  # the type is the export schema's business
            from lpr_lint.rules.orgs import kind_among

            if kind_among(x, wanted) is not None:
                return _NONE
            return [Issue(p, "orgKind", f"{render(x)} does not read as {expected}")]

        return run_among

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, str):
            return _NONE  # the type is the export schema's business
        from lpr_lint.rules.orgs import classify

        kind = classify(x).kind
        if not sub(kind, p):
            return _NONE
        return [Issue(p, "orgKind", f"{render(x)} reads as a {kind} body")]

    return run


def _unique_by(field: Any, compile_: Callable[[Any], Check]) -> Check:
    if not isinstance(field, str) or not field:
        raise SchemaError("uniqueBy names one field")

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, list):
            return _NONE
        first: dict[str, int] = {}
        issues = []
        for n, item in enumerate(x):
            value = item.get(field) if isinstance(item, dict) else None
            if value is None:
                continue
            key = render(value, 10_000)
            if key in first:
                issues.append(Issue(child(p, n), "uniqueBy",
                                    f"{field} {render(value)} is used by items {first[key]} and "
                                    f"{n}"))
            else:
                first[key] = n
        return issues or _NONE

    return run


RULE_KEYWORDS: dict[str, Extension] = {"orgKind": _org_kind, "uniqueBy": _unique_by}
"""Keyword → how to build its check (given to every rule's validator)."""
