"""``lpr_lint.patterns``: the one place that compiles the data files' patterns and their unions."""

from __future__ import annotations

import ast
import re

import pytest

from conftest import ROOT
from lpr_lint.errors import BaselineError
from lpr_lint.patterns import compile_pattern, scoped, union, union1

PACKAGE = ROOT / "lpr_lint"


@pytest.mark.parametrize(("pattern", "ignore_case", "expected"), [
    ("a|b", False, "(?:a|b)"),
    ("a|b", True, "(?i:a|b)"),
    ("(?i)a|b", False, "(?i:a|b)"),
    ("(?i)a|b", True, "(?i:a|b)"),
    ("x(?i:a)", False, "(?:x(?i:a))"),
])
def test_scoped(pattern: str, ignore_case: bool, expected: str) -> None:
    assert scoped(pattern, ignore_case) == expected


def test_a_union_keeps_each_pattern_as_it_was() -> None:
    parts = [r"(?i)\bice\b", r"\bICE\b|\bHSI\b", r"^a$"]
    joined = union("x.yaml", parts)
    assert joined is not None
    assert joined.pattern == r"(?i:\bice\b)|(?:\bICE\b|\bHSI\b)|(?:^a$)"
    assert "(?i)" not in joined.pattern  # flags stay scoped: the union is RE2-safe too
    for text in ["ICE", "Ice", "ice", "HSI", "hsi", "a", "A", "b", "police"]:
        assert bool(joined.search(text)) == any(re.search(p, text) for p in parts), text
    assert union("x.yaml", []) is None


def test_placeholders_are_replaced_after_joining() -> None:
    subs = {"{STATE}": "(?:Ohio|Texas)", "{CODE}": "(?:OH|TX)"}
    joined = union1("kinds.yaml", [r"\b{STATE} DPS\b", r"(?i)\b{CODE} PD$"], subs)
    assert joined.search("Texas DPS") and joined.search("Dayton oh pd")
    assert not joined.search("Iowa DPS")
    pattern = compile_pattern("states.yaml", r"\bof ({STATE})\b", groups=1,
                              subs={"{STATE}": "Ohio|Texas"})
    found = pattern.search("University of Texas")
    assert found is not None and found.group(1) == "Texas"


def test_errors_name_the_data_file() -> None:
    with pytest.raises(BaselineError, match=r"^kinds\.yaml: invalid pattern '\(\?:a\(\)'"):
        union("kinds.yaml", ["a("])
    with pytest.raises(BaselineError, match=r"^kinds\.yaml: an empty list of patterns"):
        union1("kinds.yaml", [])
    with pytest.raises(BaselineError, match=r"must have exactly 1 capturing group"):
        compile_pattern("states.yaml", "(a)(b)", groups=1)


def _imports(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add(node.module or "")
    return found


def test_patterns_is_a_leaf() -> None:
    tree = ast.parse((PACKAGE / "patterns.py").read_text(encoding="utf-8"))
    assert {m for m in _imports(tree) if m.startswith("lpr_lint")} == {"lpr_lint.errors"}


@pytest.mark.parametrize("module", ["rules/orgs.py", "audit/terms.py"])
def test_data_patterns_are_compiled_only_here(module: str) -> None:
    """orgs and terms compile only their own literal patterns; every data file pattern and
    union goes through :mod:`lpr_lint.patterns`."""
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    assert "lpr_lint.patterns" in _imports(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            assert node.name not in ("_compile", "_union", "_union1", "_scoped"), node.name
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                and node.func.attr == "compile"):
            assert isinstance(node.args[0], ast.Constant), f"{module}:{node.lineno}"
