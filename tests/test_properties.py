"""Property tests: the parsers and evaluators agree with their references on generated input.

Seeded (derandomized) and bounded so CI stays fast; ``LPR_LINT_LONG_PROPERTIES=1`` runs each
property on many more examples. What they compare:

* the built-in JSON Schema evaluator (:mod:`lpr_lint.rules.validator`) with ``jsonschema`` on
  generated schemas from the documented subset and generated instances, ``$ref`` into
  ``$defs`` (percent-encoded names too) and into arrays included;
* the JSON loader with ``json.loads``; the YAML loader on arbitrary text (no crash, positions
  inside the text);
* JSON Pointer escaping, joining and resolving (a segment like ``²`` is not an index).

Drift's identity properties (an export against itself, and against a permutation of its
lists, is no change) are in tests/test_drift_properties.py.
"""

from __future__ import annotations

import json
import os
import string
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lpr_lint.errors import InputError, SchemaError
from lpr_lint.load.jsonparse import load_json
from lpr_lint.load.yamlparse import load_yaml
from lpr_lint.pointer import MISSING, escape, is_index, join, resolve, split, unescape
from lpr_lint.rules.validator import Validator

LONG = os.environ.get("LPR_LINT_LONG_PROPERTIES", "") not in ("", "0")
EXAMPLES = 3000 if LONG else 150
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

KEYS = st.sampled_from(["a", "b", "c", "a b", "x/y", "t~1"])
TEXT = st.text(alphabet="ab1-: ²", max_size=6)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5),
                    st.sampled_from([0.5, 1.0, -2.0, 3.25]), TEXT,
                    st.sampled_from(["2024-02-29", "2023-02-29", "2026-1-01", "20240101"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)), max_leaves=12)

TYPES = st.sampled_from(["null", "boolean", "integer", "number", "string", "array", "object"])
PATTERNS = st.sampled_from(["^a", "b$", "[0-9]", "^(a|b)+$", "-"])


def _leaf() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(lambda t: {"type": t}, TYPES),
        st.builds(lambda ts: {"type": ts}, st.lists(TYPES, min_size=1, max_size=3, unique=True)),
        st.builds(lambda v: {"enum": v}, st.lists(SCALARS, min_size=1, max_size=3)),
        st.builds(lambda v: {"const": v}, SCALARS),
        st.builds(lambda k, n: {k: n}, st.sampled_from(
            ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]),
            st.sampled_from([-1, 0, 1, 2.5])),
        st.builds(lambda lo, hi: {"minLength": lo, "maxLength": hi}, st.integers(0, 3),
                  st.integers(0, 5)),
        st.builds(lambda p: {"pattern": p}, PATTERNS),
        st.just({"format": "date"}),
        st.builds(lambda lo, u: {"minItems": lo, "uniqueItems": u}, st.integers(0, 2),
                  st.booleans()),
        st.builds(lambda r: {"required": r}, st.lists(KEYS, max_size=2, unique=True)),
        st.booleans(),
        st.just({"$ref": "#/$defs/a%20b"}),
        st.just({"$ref": "#/$defs/plain"}),
        st.just({"$ref": "#/$defs/choice/anyOf/1"}),
    )


def _compound(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(lambda p, extra: {"properties": p, "additionalProperties": extra},
                  st.dictionaries(KEYS, inner, max_size=2), st.one_of(st.booleans(), inner)),
        st.builds(lambda s: {"items": s}, inner),
        st.builds(lambda s: {"contains": s}, inner),
        st.builds(lambda k, ss: {k: ss}, st.sampled_from(["allOf", "anyOf", "oneOf"]),
                  st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda s: {"not": s}, inner),
        st.builds(lambda i, t, e: {"if": i, "then": t, "else": e}, inner, inner, inner),
        st.builds(lambda a, b: {**a, **b} if isinstance(a, dict) and isinstance(b, dict)
                  else a, inner, inner),
    )


SCHEMAS = st.recursive(_leaf(), _compound, max_leaves=8)
DEFS = {"a b": {"type": "string", "minLength": 1}, "plain": {"enum": [1, "a", None]},
        "choice": {"anyOf": [{"type": "integer"},
                             {"type": "array", "items": {"$ref": "#/$defs/plain"}}]}}


@SETTINGS
@given(SCHEMAS, st.lists(VALUES, min_size=1, max_size=4))
def test_the_evaluator_agrees_with_jsonschema(schema: Any, instances: list[Any]) -> None:
    root = {"$defs": DEFS, "allOf": [schema]}
    ours = Validator(root)
    theirs = jsonschema.Draft202012Validator(
        root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    for instance in instances:
        assert ours.is_valid(instance) is theirs.is_valid(instance), (schema, instance)


@pytest.mark.parametrize("schema", [
    {"$ref": "#"},
    {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}},
     "$ref": "#/$defs/a"},
    {"anyOf": [{"$ref": "#/anyOf/1"}, {"not": {"$ref": "#/anyOf/0"}}]},
])
def test_a_ref_loop_is_a_clear_schema_error(schema: Any) -> None:
    with pytest.raises(SchemaError, match=r"\$ref loop: .* refers back to itself"):
        Validator(schema)


def test_recursion_through_a_value_is_no_loop() -> None:
    tree = {"$defs": {"node": {"type": "object", "properties": {
        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
        "$ref": "#/$defs/node"}
    v = Validator(tree)
    assert v.is_valid({"children": [{"children": []}]})
    assert not v.is_valid({"children": [{"children": 1}]})


@pytest.mark.parametrize(("schema", "why"), [
    ({"properties": {"x": {"$id": "https://example.com/x", "$ref": "#"}}}, r"\$id is supported"),
    ({"$ref": "#/$defs/none"}, "does not resolve"),
    ({"anyOf": [True, False], "$ref": "#/anyOf/01"}, "does not resolve"),
    ({"anyOf": [True, False], "$ref": "#/anyOf/²"}, "does not resolve"),
    ({"$ref": "https://example.com/s.json"}, "only local"),
])
def test_forms_outside_the_subset_are_refused(schema: Any, why: str) -> None:
    with pytest.raises(SchemaError, match=why):
        Validator(schema)


def test_a_percent_encoded_ref_and_a_ref_into_an_array() -> None:
    root = {"$defs": DEFS, "properties": {"s": {"$ref": "#/$defs/a%20b"},
                                          "n": {"$ref": "#/$defs/choice/anyOf/0"}}}
    v = Validator(root)
    assert v.is_valid({"s": "x", "n": 3})
    assert not v.is_valid({"s": ""}) and not v.is_valid({"n": "3"})


# ---------------------------------------------------------------- loaders

JSON_TEXT = st.builds(lambda v, indent: json.dumps(v, indent=indent, ensure_ascii=False),
                      VALUES, st.sampled_from([None, 0, 2]))


@SETTINGS
@given(JSON_TEXT)
def test_the_json_loader_reads_what_json_dumps_writes(text: str) -> None:
    data, locate = load_json(text, "t.json")
    assert data == json.loads(text)
    line, column = locate("")
    assert 1 <= line <= text.count("\n") + 1 and column >= 1


@SETTINGS
@given(st.text(alphabet=string.printable + "é²\u2028", max_size=40))
def test_the_json_loader_never_accepts_what_json_refuses(text: str) -> None:
    try:
        expected = json.loads(text)
    except (ValueError, RecursionError):
        expected = MISSING
    try:
        data, _ = load_json(text, "t.json")
    except InputError as exc:  # refused: json.loads refused too, or it was ambiguous/special
        assert exc.line is None or 1 <= exc.line <= text.count("\n") + 2
        return
    assert expected is not MISSING and data == expected


@SETTINGS
@given(st.text(alphabet=string.printable + "é²&*!|>-:[]{}", max_size=60))
def test_the_yaml_loader_never_crashes_and_points_inside_the_text(text: str) -> None:
    try:
        _, locate = load_yaml(text, "t.yaml", allow_empty=True)
    except InputError as exc:
        lines = text.count("\n") + 1
        assert exc.line is None or 1 <= exc.line <= lines + 1, (exc.line, lines)
        return
    line, column = locate("")
    assert line >= 1 and column >= 1


# ---------------------------------------------------------------- JSON Pointer

SEGMENTS = st.lists(st.text(alphabet="ab/~01²٣ ", max_size=4), max_size=5)


@SETTINGS
@given(SEGMENTS)
def test_pointer_round_trips(segments: list[str]) -> None:
    assert split(join(segments)) == segments
    assert all(unescape(escape(s)) == s for s in segments)


@SETTINGS
@given(st.text(alphabet="0123456789²٣", min_size=1, max_size=3))
def test_only_rfc_6901_indices_index_an_array(segment: str) -> None:
    items = list(range(20))
    got = resolve(items, [segment])
    if segment.isascii() and segment.isdigit() and (segment == "0" or segment[0] != "0"):
        assert is_index(segment)
        assert got == (int(segment) if int(segment) < 20 else MISSING)
    else:
        assert not is_index(segment) and got is MISSING


@SETTINGS
@given(VALUES, SEGMENTS)
def test_resolve_never_raises(document: Any, segments: list[str]) -> None:
    assume(True)
    resolve(document, segments)


# ---------------------------------------------------------------- the ledger's torn lines

@SETTINGS
@given(st.dictionaries(st.text(max_size=5), VALUES, min_size=1, max_size=5))
def test_only_a_cut_short_entry_is_torn(entry: dict[str, Any]) -> None:
    from lpr_lint.history.store import canonical_bytes, genuine_prefix

    line = canonical_bytes(entry)
    assert all(genuine_prefix(line[:k]) for k in range(1, len(line)))
    assert not genuine_prefix(line)
    assert not genuine_prefix(line + b"X") and not genuine_prefix(line[:-1] + b"X")
