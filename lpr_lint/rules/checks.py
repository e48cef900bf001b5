"""The checks a compiled schema is made of: one closure per keyword, each returning the
issues it finds (an empty tuple when the value passes). Built by
:class:`lpr_lint.rules.validator.Validator`; kept apart so each file stays readable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lpr_lint.errors import SchemaError
from lpr_lint.jsondata import TYPE_WORDS, describe, is_date, is_type, json_equal, render
from lpr_lint.pointer import child, escape


@dataclass(frozen=True, slots=True)
class Issue:
    """One way an instance fails a schema."""

    pointer: str
    """Where in the instance (for ``required``: the missing member's own pointer)."""
    keyword: str
    message: str


NO_ISSUES: tuple[Issue, ...] = ()
Check = Callable[[Any, str], "tuple[Issue, ...] | list[Issue]"]
Extension = Callable[[Any, Callable[[Any], Check]], Check]
"""Builds the check of a keyword beyond JSON Schema from its value and a subschema compiler."""


def all_of(checks: list[Check]) -> Check:
    if not checks:
        return lambda x, p: NO_ISSUES
    if len(checks) == 1:
        return checks[0]

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        out: list[Issue] = []
        for c in checks:
            found = c(x, p)
            if found:
                out.extend(found)
        return out or NO_ISSUES

    return run


def type_check(spec: str | list[str]) -> Check:
    names = [spec] if isinstance(spec, str) else list(spec)
    for n in names:
        if n not in TYPE_WORDS:
            raise SchemaError(f"unknown type {n!r}")
    wanted = " or ".join(TYPE_WORDS[n] for n in names)

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        for n in names:
            if is_type(x, n):
                return NO_ISSUES
        return [Issue(p, "type", f"expected {wanted}, found {describe(x)}")]

    return run


def enum_check(values: list[Any]) -> Check:
    shown = ", ".join(render(v) for v in values)
    strings = frozenset(v for v in values if type(v) is str)  # the usual case, by hashing
    others = [v for v in values if type(v) is not str]

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if x in strings if type(x) is str else any(json_equal(x, v) for v in others):
            return NO_ISSUES
        found = _render_text(x) if type(x) is str else render(x)
        return [Issue(p, "enum", f"expected one of {shown}; found {found}")]

    return run


_render_text = lru_cache(maxsize=4096)(render)
"""``render`` of a string, remembered (an enum inside ``not`` fails on most values it sees)."""


def const_check(value: Any) -> Check:
    wanted = render(value)
    text = type(value) is str

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if (x == value and type(x) is str) if text else json_equal(x, value):
            return NO_ISSUES
        found = _render_text(x) if type(x) is str else render(x)
        return [Issue(p, "const", f"expected {wanted}, found {found}")]

    return run


BOUNDS: dict[str, tuple[Callable[[float, float], bool], str]] = {
    "minimum": (lambda x, b: x >= b, "at least"),
    "maximum": (lambda x, b: x <= b, "at most"),
    "exclusiveMinimum": (lambda x, b: x > b, "more than"),
    "exclusiveMaximum": (lambda x, b: x < b, "less than"),
}


def bound_check(keyword: str, bound: float) -> Check:
    ok, words = BOUNDS[keyword]

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not is_type(x, "number") or ok(x, bound):
            return NO_ISSUES
        return [Issue(p, keyword, f"expected {words} {render(bound)}, found {render(x)}")]

    return run


def _size_issues(size: int, lo: int | None, hi: int | None, p: str, keywords: tuple[str, str],
                 unit: str) -> list[Issue] | None:
    """minLength/maxLength and minItems/maxItems share their logic and wording."""
    if lo is not None and size < lo:
        msg = "must not be empty" if lo == 1 else f"must have at least {lo} {unit}"
        return [Issue(p, keywords[0], msg)]
    if hi is not None and size > hi:
        return [Issue(p, keywords[1], f"must have at most {hi} {unit}")]
    return None


def length_check(lo: int | None, hi: int | None) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, str):
            return NO_ISSUES
        return _size_issues(len(x), lo, hi, p, ("minLength", "maxLength"),
                            "characters") or NO_ISSUES

    return run


def pattern_check(pattern: str) -> Check:
    try:
        rx = re.compile(pattern)
    except re.error as exc:
        raise SchemaError(f"invalid pattern {pattern!r}: {exc}") from None

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, str) or rx.search(x):
            return NO_ISSUES
        return [Issue(p, "pattern", f"{render(x)} does not match the pattern {pattern}")]

    return run


def date_check(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
    if not isinstance(x, str) or is_date(x):
        return NO_ISSUES
    return [Issue(p, "format", f"expected a date written YYYY-MM-DD, found {render(x)}")]


def required_check(names: tuple[str, ...]) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, dict):
            return NO_ISSUES
        missing = [n for n in names if n not in x]
        if not missing:
            return NO_ISSUES
        return [Issue(child(p, n), "required", f"{n!r} is required but missing") for n in missing]

    return run


def properties_check(props: dict[str, Check], extra: Check | None, closed: bool) -> Check:
    known = {k: (c, "/" + escape(k)) for k, c in props.items()}  # escaped once, not per call

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, dict):
            return NO_ISSUES
        out: list[Issue] = []
        for key, value in x.items():
            entry = known.get(key)
            if entry is not None:
                found = entry[0](value, p + entry[1])
            elif closed:
                found = [Issue(child(p, key), "additionalProperties", f"unknown key {key!r}")]
            elif extra is not None:
                found = extra(value, child(p, key))
            else:
                continue
            if found:
                out.extend(found)
        return out or NO_ISSUES

    return run


def items_check(sub: Check) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, list):
            return NO_ISSUES
        out: list[Issue] = []
        for i, item in enumerate(x):
            found = sub(item, f"{p}/{i}")
            if found:
                out.extend(found)
        return out or NO_ISSUES

    return run


def _wanted(schema: Any) -> str:
    if isinstance(schema, Mapping):
        if "const" in schema:
            return render(schema["const"])
        if "enum" in schema:
            return "one of " + ", ".join(render(v) for v in schema["enum"])
    return "a matching item"


def contains_check(sub: Check, schema: Any) -> Check:
    wanted = _wanted(schema)

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, list) or any(not sub(item, p) for item in x):
            return NO_ISSUES
        return [Issue(p, "contains", f"must include {wanted}")]

    return run


def array_size_check(lo: int | None, hi: int | None, unique: bool) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, list):
            return NO_ISSUES
        found = _size_issues(len(x), lo, hi, p, ("minItems", "maxItems"), "items")
        if found:
            return found
        if unique:
            for i, a in enumerate(x):
                if any(json_equal(a, b) for b in x[i + 1:]):
                    return [Issue(p, "uniqueItems", f"{render(a)} is listed more than once")]
        return NO_ISSUES

    return run


def any_of_check(subs: list[Check]) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if any(not s(x, p) for s in subs):
            return NO_ISSUES
        return [Issue(p, "anyOf", "does not match any of the allowed forms")]

    return run


def one_of_check(subs: list[Check]) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        n = sum(1 for s in subs if not s(x, p))
        if n == 1:
            return NO_ISSUES
        word = "none" if n == 0 else "more than one"
        return [Issue(p, "oneOf", f"must match exactly one allowed form; matches {word}")]

    return run


def not_check(sub: Check, schema: Any) -> Check:
    if isinstance(schema, Mapping) and set(schema) == {"contains"}:
        message = f"must not include {_wanted(schema['contains'])}"
    elif isinstance(schema, Mapping) and ("const" in schema or "enum" in schema):
        message = f"must not be {_wanted(schema)}"
    else:
        message = "has a value that is not allowed here"

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if sub(x, p):
            return NO_ISSUES
        return [Issue(p, "not", message)]

    return run


def if_check(cond: Check, then: Check | None, other: Check | None) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        branch = then if not cond(x, p) else other
        return branch(x, p) if branch is not None else NO_ISSUES

    return run
