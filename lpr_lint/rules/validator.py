"""A small, fast evaluator for the subset of JSON Schema (Draft 2020-12) that lpr-lint uses.

Why not ``jsonschema`` on the hot path: importing it costs ~90 ms, more than half the time
budget of a pre-commit run on one file. Baselines and the export schema are restricted (by
the baseline metaschema) to the keywords below, and the test-suite checks this evaluator
against ``jsonschema`` on every example, every rule case and a seeded set of mutations, so
both agree on valid/invalid for everything lpr-lint ships.

Supported keywords: ``type enum const minimum maximum exclusiveMinimum exclusiveMaximum
minLength maxLength pattern format(date) properties required additionalProperties items
contains minItems maxItems uniqueItems allOf anyOf oneOf not if then else $ref $defs``;
annotations (``$schema $id $comment title description examples default deprecated`` and
any ``x-*`` key) are ignored. Anything else is a :class:`~lpr_lint.errors.SchemaError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lpr_lint.errors import SchemaError
from lpr_lint.jsondata import TYPE_WORDS, describe, is_date, is_type, json_equal, render
from lpr_lint.pointer import child, escape, split

SUPPORTED_KEYWORDS = frozenset(
    {
        "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "minLength", "maxLength", "pattern", "format", "properties", "required",
        "additionalProperties", "items", "contains", "minItems", "maxItems", "uniqueItems",
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "$ref", "$defs",
    }
)
ANNOTATION_KEYWORDS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated"}
)
SUPPORTED_FORMATS = frozenset({"date"})


@dataclass(frozen=True, slots=True)
class Issue:
    """One way an instance fails a schema."""

    pointer: str
    """Where in the instance (for ``required``: the missing member's own pointer)."""
    keyword: str
    message: str


_NO_ISSUES: tuple[Issue, ...] = ()
Check = Callable[[Any, str], "tuple[Issue, ...] | list[Issue]"]
Extension = Callable[[Any, Callable[[Any], Check]], Check]
"""Builds the check of a keyword beyond JSON Schema from its value and a subschema compiler."""

# --- compiler ---------------------------------------------------------------------------


class _Compiler:
    """Turns a schema into nested closures; ``$ref`` targets are compiled once and shared."""

    def __init__(self, root: Mapping[str, Any],
                 extensions: Mapping[str, Extension] | None = None) -> None:
        self.root = root
        self.refs: dict[str, list[Check]] = {}
        self.extensions = extensions or {}

    def ref(self, target: str) -> Check:
        if not (target == "#" or target.startswith("#/")):
            raise SchemaError(f"only local $ref targets are supported, not {target!r}")
        cell = self.refs.get(target)
        if cell is None:
            cell = []
            self.refs[target] = cell
            node: Any = self.root
            for seg in split(target[1:]):
                if not isinstance(node, Mapping) or seg not in node:
                    raise SchemaError(f"$ref {target!r} does not resolve")
                node = node[seg]
            cell.append(self.compile(node))
        return lambda x, p: cell[0](x, p)

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda x, p: _NO_ISSUES
        if schema is False:
            return lambda x, p: [Issue(p, "false", "no value is allowed here")]
        if not isinstance(schema, Mapping):
            raise SchemaError(f"a schema must be an object or a boolean, not {render(schema)}")
        for key in schema:
            if key not in SUPPORTED_KEYWORDS and key not in ANNOTATION_KEYWORDS and not (
                isinstance(key, str) and key.startswith("x-")
            ) and key not in self.extensions:
                raise SchemaError(f"unsupported JSON Schema keyword {key!r}")
        checks: list[Check] = []
        s = schema
        if "$ref" in s:
            checks.append(self.ref(s["$ref"]))
        if "type" in s:
            checks.append(_type_check(s["type"]))
        if "enum" in s:
            checks.append(_enum_check(list(s["enum"])))
        if "const" in s:
            checks.append(_const_check(s["const"]))
        checks.extend(_bound_check(kw, s[kw]) for kw in _BOUNDS if kw in s)
        if "minLength" in s or "maxLength" in s:
            checks.append(_length_check(s.get("minLength"), s.get("maxLength")))
        if "pattern" in s:
            checks.append(_pattern_check(s["pattern"]))
        if "format" in s:
            if s["format"] not in SUPPORTED_FORMATS:
                raise SchemaError(f"unsupported format {s['format']!r}")
            checks.append(_date_check)
        if "required" in s:
            checks.append(_required_check(tuple(s["required"])))
        if "properties" in s or "additionalProperties" in s:
            props = {k: self.compile(v) for k, v in s.get("properties", {}).items()}
            extra = s.get("additionalProperties", True)
            checks.append(_properties_check(props, None if extra is True else self.compile(extra),
                                            extra is False))
        if "items" in s:
            checks.append(_items_check(self.compile(s["items"])))
        if "contains" in s:
            checks.append(_contains_check(self.compile(s["contains"]), s["contains"]))
        if "minItems" in s or "maxItems" in s or s.get("uniqueItems"):
            checks.append(_array_size_check(s.get("minItems"), s.get("maxItems"),
                                            bool(s.get("uniqueItems"))))
        if "allOf" in s:
            subs = [self.compile(x) for x in s["allOf"]]
            checks.extend(subs)
        if "anyOf" in s:
            checks.append(_any_of_check([self.compile(x) for x in s["anyOf"]]))
        if "oneOf" in s:
            checks.append(_one_of_check([self.compile(x) for x in s["oneOf"]]))
        if "not" in s:
            checks.append(_not_check(self.compile(s["not"]), s["not"]))
        if "if" in s and ("then" in s or "else" in s):
            checks.append(_if_check(self.compile(s["if"]),
                                    self.compile(s["then"]) if "then" in s else None,
                                    self.compile(s["else"]) if "else" in s else None))
        if "$defs" in s and not isinstance(s["$defs"], Mapping):
            raise SchemaError("$defs must be an object")
        checks.extend(build(s[key], self.compile) for key, build in self.extensions.items()
                      if key in s)
        return _all(checks)


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda x, p: _NO_ISSUES
    if len(checks) == 1:
        return checks[0]

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        out: list[Issue] = []
        for c in checks:
            found = c(x, p)
            if found:
                out.extend(found)
        return out or _NO_ISSUES

    return run


def _type_check(spec: str | list[str]) -> Check:
    names = [spec] if isinstance(spec, str) else list(spec)
    for n in names:
        if n not in TYPE_WORDS:
            raise SchemaError(f"unknown type {n!r}")
    wanted = " or ".join(TYPE_WORDS[n] for n in names)

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        for n in names:
            if is_type(x, n):
                return _NO_ISSUES
        return [Issue(p, "type", f"expected {wanted}, found {describe(x)}")]

    return run


def _enum_check(values: list[Any]) -> Check:
    shown = ", ".join(render(v) for v in values)
    strings = frozenset(v for v in values if type(v) is str)  # the usual case, by hashing
    others = [v for v in values if type(v) is not str]

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if x in strings if type(x) is str else any(json_equal(x, v) for v in others):
            return _NO_ISSUES
        found = _render_text(x) if type(x) is str else render(x)
        return [Issue(p, "enum", f"expected one of {shown}; found {found}")]

    return run


_render_text = lru_cache(maxsize=4096)(render)
"""``render`` of a string, remembered (an enum inside ``not`` fails on most values it sees)."""


def _const_check(value: Any) -> Check:
    wanted = render(value)
    text = type(value) is str

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if (x == value and type(x) is str) if text else json_equal(x, value):
            return _NO_ISSUES
        found = _render_text(x) if type(x) is str else render(x)
        return [Issue(p, "const", f"expected {wanted}, found {found}")]

    return run


_BOUNDS: dict[str, tuple[Callable[[float, float], bool], str]] = {
    "minimum": (lambda x, b: x >= b, "at least"),
    "maximum": (lambda x, b: x <= b, "at most"),
    "exclusiveMinimum": (lambda x, b: x > b, "more than"),
    "exclusiveMaximum": (lambda x, b: x < b, "less than"),
}


def _bound_check(keyword: str, bound: float) -> Check:
    ok, words = _BOUNDS[keyword]

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not is_type(x, "number") or ok(x, bound):
            return _NO_ISSUES
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


def _length_check(lo: int | None, hi: int | None) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, str):
            return _NO_ISSUES
        return _size_issues(len(x), lo, hi, p, ("minLength", "maxLength"),
                            "characters") or _NO_ISSUES

    return run


def _pattern_check(pattern: str) -> Check:
    try:
        rx = re.compile(pattern)
    except re.error as exc:
        raise SchemaError(f"invalid pattern {pattern!r}: {exc}") from None

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, str) or rx.search(x):
            return _NO_ISSUES
        return [Issue(p, "pattern", f"{render(x)} does not match the pattern {pattern}")]

    return run


def _date_check(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
    if not isinstance(x, str) or is_date(x):
        return _NO_ISSUES
    return [Issue(p, "format", f"expected a date written YYYY-MM-DD, found {render(x)}")]


def _required_check(names: tuple[str, ...]) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, dict):
            return _NO_ISSUES
        missing = [n for n in names if n not in x]
        if not missing:
            return _NO_ISSUES
        return [Issue(child(p, n), "required", f"{n!r} is required but missing") for n in missing]

    return run


def _properties_check(props: dict[str, Check], extra: Check | None, closed: bool) -> Check:
    known = {k: (c, "/" + escape(k)) for k, c in props.items()}  # escaped once, not per call

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, dict):
            return _NO_ISSUES
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
        return out or _NO_ISSUES

    return run


def _items_check(sub: Check) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, list):
            return _NO_ISSUES
        out: list[Issue] = []
        for i, item in enumerate(x):
            found = sub(item, f"{p}/{i}")
            if found:
                out.extend(found)
        return out or _NO_ISSUES

    return run


def _wanted(schema: Any) -> str:
    if isinstance(schema, Mapping):
        if "const" in schema:
            return render(schema["const"])
        if "enum" in schema:
            return "one of " + ", ".join(render(v) for v in schema["enum"])
    return "a matching item"


def _contains_check(sub: Check, schema: Any) -> Check:
    wanted = _wanted(schema)

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, list) or any(not sub(item, p) for item in x):
            return _NO_ISSUES
        return [Issue(p, "contains", f"must include {wanted}")]

    return run


def _array_size_check(lo: int | None, hi: int | None, unique: bool) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if not isinstance(x, list):
            return _NO_ISSUES
        found = _size_issues(len(x), lo, hi, p, ("minItems", "maxItems"), "items")
        if found:
            return found
        if unique:
            for i, a in enumerate(x):
                if any(json_equal(a, b) for b in x[i + 1:]):
                    return [Issue(p, "uniqueItems", f"{render(a)} is listed more than once")]
        return _NO_ISSUES

    return run


def _any_of_check(subs: list[Check]) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if any(not s(x, p) for s in subs):
            return _NO_ISSUES
        return [Issue(p, "anyOf", "does not match any of the allowed forms")]

    return run


def _one_of_check(subs: list[Check]) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        n = sum(1 for s in subs if not s(x, p))
        if n == 1:
            return _NO_ISSUES
        word = "none" if n == 0 else "more than one"
        return [Issue(p, "oneOf", f"must match exactly one allowed form; matches {word}")]

    return run


def _not_check(sub: Check, schema: Any) -> Check:
    if isinstance(schema, Mapping) and set(schema) == {"contains"}:
        message = f"must not include {_wanted(schema['contains'])}"
    elif isinstance(schema, Mapping) and ("const" in schema or "enum" in schema):
        message = f"must not be {_wanted(schema)}"
    else:
        message = "has a value that is not allowed here"

    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        if sub(x, p):
            return _NO_ISSUES
        return [Issue(p, "not", message)]

    return run


def _if_check(cond: Check, then: Check | None, other: Check | None) -> Check:
    def run(x: Any, p: str) -> list[Issue] | tuple[Issue, ...]:
        branch = then if not cond(x, p) else other
        return branch(x, p) if branch is not None else _NO_ISSUES

    return run


class Validator:
    """A compiled schema. Build once, call many times."""

    __slots__ = ("_check", "schema")

    def __init__(self, schema: Any, root: Mapping[str, Any] | None = None,
                 extensions: Mapping[str, Extension] | None = None) -> None:
        self.schema = schema
        base = root if root is not None else (schema if isinstance(schema, Mapping) else {})
        self._check = _Compiler(base, extensions).compile(schema)

    def errors(self, instance: Any, pointer: str = "") -> list[Issue]:
        """Every issue found, each at the pointer it concerns."""
        return list(self._check(instance, pointer))

    def is_valid(self, instance: Any) -> bool:
        """True when the instance satisfies the schema."""
        return not self._check(instance, "")
