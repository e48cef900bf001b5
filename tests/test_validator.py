"""The built-in evaluator agrees with jsonschema, the reference implementation.

Checked on the export schema (plain and strict), the baseline metaschema and the composed
baseline schema, over every example and a seeded set of mutations of them.
"""

from __future__ import annotations

import copy
import random
import re
from typing import Any

import jsonschema
import pytest

from conftest import AS_OF, EXAMPLES, ROOT
from lpr_lint.errors import SchemaError
from lpr_lint.jsondata import json_equal
from lpr_lint.load import data as resources
from lpr_lint.load.files import load_document
from lpr_lint.rules.compose import compose, excluded
from lpr_lint.rules.engine import Checker, Options, strictify
from lpr_lint.rules.run import discover
from lpr_lint.rules.validator import Validator

FORMAT_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER
DOCS = [load_document(p) for p in discover([str(EXAMPLES)])]
SAMPLE_VALUES: list[Any] = [
    None, True, False, 0, 1, 21, 22, 30, -1, 21.0, 21.5, 1e9, "", "21", "TX", "NY", "US",
    "outbound", "inbound", "both", "federal", "private", "monthly", "annually", "2026-02-30",
    "2026-10-02", "immigration_violator", [], [1], ["immigration"],
    ["immigration", "reproductive_care", "gender_affirming_care"], {}, {"basis": "warrant"},
]


def _pointers(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _pointers(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _pointers(v, (*prefix, i))
    return out


def _mutate(doc: Any, rng: random.Random) -> Any:
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(_pointers(doc)[1:])
        parent = doc
        for seg in path[:-1]:
            parent = parent[seg]
        action = rng.random()
        if action < 0.25 and isinstance(parent, dict):
            del parent[path[-1]]
        elif action < 0.35 and isinstance(parent, dict):
            parent["x_unknown_" + str(rng.randint(0, 9))] = rng.choice(SAMPLE_VALUES)
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(SAMPLE_VALUES))
    return doc


MUTANTS = [_mutate(DOCS[i % len(DOCS)].data, random.Random(i)) for i in range(400)]
INSTANCES = [d.data for d in DOCS] + MUTANTS


@pytest.mark.parametrize("strict", [False, True], ids=["plain", "strict"])
def test_export_schema_agrees_with_jsonschema(strict: bool) -> None:
    schema = resources.load_json_schema("export-v1.schema.json")
    if strict:
        schema = strictify(schema)
    ours = Validator(schema)
    ref = jsonschema.Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
    for inst in INSTANCES:
        assert ours.is_valid(inst) is ref.is_valid(inst), inst
        assert {i.pointer for i in ours.errors(inst)} >= {
            "".join(f"/{s}" for s in e.absolute_path) for e in ref.iter_errors(inst)
            if e.validator not in ("required", "additionalProperties")}


def test_composed_schema_agrees_with_check(ct_baseline: Any) -> None:
    composed = compose(ct_baseline, AS_OF)
    jsonschema.Draft202012Validator.check_schema(composed)
    ref = jsonschema.Draft202012Validator(composed, format_checker=FORMAT_CHECKER)
    ours = Validator(composed)
    checker = Checker(ct_baseline, Options(as_of=AS_OF))
    left_out = {r.id for r in excluded(ct_baseline)}  # enforced by check alone (README)
    assert left_out and all(r in composed["description"] for r in left_out)
    for i, inst in enumerate(INSTANCES):
        doc = DOCS[0].__class__("mutant", inst, "0" * 64, "json", lambda p: (1, 1))
        passes = not any(checker.is_gating(f) for f in checker.check(doc).findings
                         if f.rule_id not in left_out)
        assert ref.is_valid(inst) is passes, f"instance {i}"
        assert ours.is_valid(inst) is passes, f"instance {i}"


def test_metaschema_agrees_with_jsonschema(ct_baseline: Any) -> None:
    meta = resources.load_json_schema("baseline.schema.json")
    jsonschema.Draft202012Validator.check_schema(meta)
    raw = load_document(ct_baseline.path).data
    ours = Validator(meta)
    ref = jsonschema.Draft202012Validator(meta, format_checker=FORMAT_CHECKER)
    assert ours.is_valid(raw) and ref.is_valid(raw)
    for i in range(200):
        mutant = _mutate(raw, random.Random(10_000 + i))
        assert ours.is_valid(mutant) is ref.is_valid(mutant), f"mutant {i}"


@pytest.mark.parametrize("name", ["export-v1.schema.json", "baseline.schema.json",
                                  "report.schema.json"])
def test_shipped_schemas_are_valid_draft_2020_12(name: str) -> None:
    schema = resources.load_json_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    Validator(schema)  # and the built-in evaluator supports every keyword used


def test_export_schema_matches_the_spec_vocabulary() -> None:
    spec = ROOT / "docs" / "export-format-v1.md"  # the shipped copy of the published format
    text = spec.read_text(encoding="utf-8")
    block = text[text.index("```yaml") + 7: text.index("```", text.index("```yaml") + 7)]
    from lpr_lint.load.yamlparse import load_yaml

    spec_doc, _ = load_yaml(block, "spec")
    schema = strictify(resources.load_json_schema("export-v1.schema.json"))
    assert Validator(schema).errors(spec_doc) == []


@pytest.mark.parametrize(("schema", "message"), [
    ({"patternProperties": {}}, "unsupported JSON Schema keyword 'patternProperties'"),
    ({"format": "email"}, "unsupported format 'email'"),
    ({"$ref": "https://example.com/s.json"}, "only local $ref"),
    ({"$ref": "#/$defs/nope"}, "does not resolve"),
    ({"type": "float"}, "unknown type 'float'"),
    ({"pattern": "("}, "invalid pattern"),
    ([], "must be an object or a boolean"),
])
def test_unsupported_schemas_are_refused(schema: Any, message: str) -> None:
    with pytest.raises(SchemaError, match=message.replace("$", r"\$").replace("(", r"\(")):
        Validator(schema)


@pytest.mark.parametrize(("a", "b", "equal"), [
    (1, 1.0, True), (True, 1, False), (False, 0, False),
    ([1, {"a": True}], [1.0, {"a": True}], True),
    ({"a": 1}, {"a": 1, "b": 2}, False), ("1", 1, False), (None, None, True),
])
def test_json_equality(a: Any, b: Any, equal: bool) -> None:
    assert json_equal(a, b) is equal


@pytest.mark.parametrize(("schema", "value", "message"), [
    ({"type": "integer"}, "21", 'expected a whole number, found text "21"'),
    ({"type": "boolean"}, "yes", 'expected true or false, found text "yes"'),
    ({"enum": ["a", "b"]}, "c", 'expected one of "a", "b"; found "c"'),
    ({"maximum": 21}, 30, "expected at most 21, found 30"),
    ({"minLength": 1}, "", "must not be empty"),
    ({"not": {"contains": {"const": "x"}}}, ["x"], 'must not include "x"'),
    ({"contains": {"const": "x"}}, [], 'must include "x"'),
    ({"format": "date"}, "2026-02-30", "expected a date written YYYY-MM-DD"),
    ({"uniqueItems": True}, [1, 1], "listed more than once"),
    ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 5, "matches more than one"),
])
def test_messages_are_plain(schema: Any, value: Any, message: str) -> None:
    errors = Validator(schema).errors(value)
    assert errors and message in errors[0].message


def test_readme_names_every_rule_the_composed_schema_leaves_out(ct_baseline: Any) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    exceptions = readme[readme.index("**Exceptions**"):].split("\n\n", 1)[0]
    named = set(re.findall(r"CT-[A-Z]+-\d{3}", exceptions))
    assert named == {r.id for r in excluded(ct_baseline)}
