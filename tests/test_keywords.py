"""The keywords baseline rules may use beyond JSON Schema: orgKind and uniqueBy."""

from __future__ import annotations

from typing import Any

import pytest

from lpr_lint.errors import SchemaError
from lpr_lint.rules.keywords import RULE_KEYWORDS
from lpr_lint.rules.orgs import classify
from lpr_lint.rules.validator import Validator

NAMES = ["[Federal] HSI Boston", "ICE ERO Hartford", "Westport CT PD", "Harris County TX SO",
         "Connecticut State Police", "Yale University PD", "Acme Towing LLC", "Fresno", "",
         "x" * 5000]


def valid(schema: Any, value: Any) -> bool:
    return Validator(schema, extensions=RULE_KEYWORDS).is_valid(value)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("sub", [
    {"const": "federal"}, {"enum": ["municipal", "county"]}, {"const": "unknown"},
    {"not": {"const": "federal"}}, {"enum": ["state"], "type": "string"},
    {"anyOf": [{"const": "private"}, {"const": "university"}]}, {}])
def test_org_kind_is_the_classifier_s_kind_under_any_subschema(name: str, sub: Any) -> None:
    """The shortcut for const/enum and the general path answer alike."""
    assert valid({"orgKind": sub}, name) == valid(sub, classify(name).kind)


def test_org_kind_messages_name_what_was_expected_or_read() -> None:
    [issue] = Validator({"orgKind": {"const": "federal"}}, extensions=RULE_KEYWORDS).errors(
        "Westport CT PD")
    assert issue.keyword == "orgKind" and "does not read as federal" in issue.message
    [issue] = Validator({"orgKind": {"not": {"const": "federal"}}},
                        extensions=RULE_KEYWORDS).errors("[Federal] FBI")
    assert "reads as a federal body" in issue.message


@pytest.mark.parametrize("value", [None, 3, ["ICE"], {"name": "ICE"}])
def test_org_kind_leaves_non_text_to_the_export_schema(value: Any) -> None:
    assert valid({"orgKind": {"const": "federal"}}, value)
    assert valid({"orgKind": {"not": {"const": "municipal"}}}, value)


def test_org_kind_with_a_broken_subschema_is_a_schema_error() -> None:
    with pytest.raises(SchemaError):
        Validator({"orgKind": {"const": "federal", "frobnicate": 1}}, extensions=RULE_KEYWORDS)


def test_unique_by_names_both_items() -> None:
    roles = [{"name": "Patrol"}, {"name": "Auditor"}, {"users": 3}, {"name": "Patrol"}, "odd"]
    [issue] = Validator({"uniqueBy": "name"}, extensions=RULE_KEYWORDS).errors(roles)
    assert issue.pointer == "/3" and "used by items 0 and 3" in issue.message
    assert valid({"uniqueBy": "name"}, [{"name": "Patrol"}, {"name": "patrol"}])
    assert valid({"uniqueBy": "name"}, "not a list")


@pytest.mark.parametrize("field", ["", 3, None, ["name"]])
def test_unique_by_names_one_field(field: Any) -> None:
    with pytest.raises(SchemaError, match="uniqueBy names one field"):
        Validator({"uniqueBy": field}, extensions=RULE_KEYWORDS)
