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

from collections.abc import Mapping
from typing import Any

from lpr_lint.errors import SchemaError
from lpr_lint.jsondata import render
from lpr_lint.pointer import is_index, split
from lpr_lint.rules.checks import (
    BOUNDS,
    NO_ISSUES,
    Check,
    Extension,
    Issue,
    all_of,
    any_of_check,
    array_size_check,
    bound_check,
    const_check,
    contains_check,
    date_check,
    enum_check,
    if_check,
    items_check,
    length_check,
    not_check,
    one_of_check,
    pattern_check,
    properties_check,
    required_check,
    type_check,
)

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



# --- compiler ---------------------------------------------------------------------------


class _Compiler:
    """Turns a schema into nested closures; ``$ref`` targets are compiled once and shared."""

    def __init__(self, root: Mapping[str, Any],
                 extensions: Mapping[str, Extension] | None = None) -> None:
        self.root = root
        self.refs: dict[str, list[Check]] = {}
        self.extensions = extensions or {}
        self.chain: list[str] = []
        """$ref targets being compiled since the instance was last descended into."""

    def ref(self, target: str) -> Check:
        if target in self.chain:  # back to itself without reading deeper: never ends
            loop = " → ".join([*self.chain[self.chain.index(target):], target])
            raise SchemaError(f"$ref loop: {loop} refers back to itself without reading "
                              "deeper into the value")
        cell = self.refs.get(target)
        if cell is None:
            cell = []
            self.refs[target] = cell
            self.chain.append(target)
            cell.append(self.compile(resolve_ref(self.root, target)))
            self.chain.pop()
        return lambda x, p: cell[0](x, p)

    def deeper(self, schema: Any) -> Check:
        """A subschema applied to a part of the value (properties, items, contains)."""
        chain, self.chain = self.chain, []
        try:
            return self.compile(schema)
        finally:
            self.chain = chain

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda x, p: NO_ISSUES
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
        if "$id" in s and s is not self.root:
            raise SchemaError("$id is supported only at a schema's root (a nested $id changes "
                              "what $ref resolves against)")
        if "$ref" in s:
            checks.append(self.ref(s["$ref"]))
        if "type" in s:
            checks.append(type_check(s["type"]))
        if "enum" in s:
            checks.append(enum_check(list(s["enum"])))
        if "const" in s:
            checks.append(const_check(s["const"]))
        checks.extend(bound_check(kw, s[kw]) for kw in BOUNDS if kw in s)
        if "minLength" in s or "maxLength" in s:
            checks.append(length_check(s.get("minLength"), s.get("maxLength")))
        if "pattern" in s:
            checks.append(pattern_check(s["pattern"]))
        if "format" in s:
            if s["format"] not in SUPPORTED_FORMATS:
                raise SchemaError(f"unsupported format {s['format']!r}")
            checks.append(date_check)
        if "required" in s:
            checks.append(required_check(tuple(s["required"])))
        if "properties" in s or "additionalProperties" in s:
            props = {k: self.deeper(v) for k, v in s.get("properties", {}).items()}
            extra = s.get("additionalProperties", True)
            checks.append(properties_check(props, None if extra is True else self.deeper(extra),
                                            extra is False))
        if "items" in s:
            checks.append(items_check(self.deeper(s["items"])))
        if "contains" in s:
            checks.append(contains_check(self.deeper(s["contains"]), s["contains"]))
        if "minItems" in s or "maxItems" in s or s.get("uniqueItems"):
            checks.append(array_size_check(s.get("minItems"), s.get("maxItems"),
                                            bool(s.get("uniqueItems"))))
        if "allOf" in s:
            subs = [self.compile(x) for x in s["allOf"]]
            checks.extend(subs)
        if "anyOf" in s:
            checks.append(any_of_check([self.compile(x) for x in s["anyOf"]]))
        if "oneOf" in s:
            checks.append(one_of_check([self.compile(x) for x in s["oneOf"]]))
        if "not" in s:
            checks.append(not_check(self.compile(s["not"]), s["not"]))
        if "if" in s and ("then" in s or "else" in s):
            checks.append(if_check(self.compile(s["if"]),
                                    self.compile(s["then"]) if "then" in s else None,
                                    self.compile(s["else"]) if "else" in s else None))
        if "$defs" in s and not isinstance(s["$defs"], Mapping):
            raise SchemaError("$defs must be an object")
        checks.extend(build(s[key], self.compile) for key, build in self.extensions.items()
                      if key in s)
        return all_of(checks)


def resolve_ref(root: Any, target: str) -> Any:
    """The subschema a local ``$ref`` names: ``#`` or a JSON Pointer fragment, percent-encoded
    as in a URI (``#/$defs/a%20b``), through objects and arrays (``#/anyOf/1``)."""
    if not (target == "#" or target.startswith("#/")):
        raise SchemaError(f"only local $ref targets are supported, not {target!r}")
    from urllib.parse import unquote

    node: Any = root
    for seg in split(unquote(target[1:])):
        if isinstance(node, Mapping) and seg in node:
            node = node[seg]
        elif isinstance(node, list) and is_index(seg) and int(seg) < len(node):
            node = node[int(seg)]
        else:
            raise SchemaError(f"$ref {target!r} does not resolve")
    return node


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
