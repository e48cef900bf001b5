"""Design rules that keep lpr-lint fast to start, easy to embed and free of import tangles.

* Only ``lpr_lint.cli`` (and ``__main__``) imports typer or click, prints or exits; the rest of
  the package never imports the CLI.
* Reporters (``lpr_lint.report``) import records (the model, the history records, errors and
  the small leaf helpers), never a pipeline, the rules, the loaders or certification.
* The package's import graph has no cycle.
* No package module grows past ~400 lines without a reason.

The rules read the source with ``ast``, so they hold on every code path, not only on the paths
some test happens to run. An import counts wherever it is written (module level, inside a
function, under ``if TYPE_CHECKING:``) and is resolved to the module it loads:
``from pkg import name`` loads the submodule ``pkg.name`` when there is one, else ``pkg``;
``from pkg.mod import name`` loads ``pkg.mod``. A registry's ``"lpr_lint.x.y:attribute"``
string counts as importing ``lpr_lint.x.y`` (registries import their entries lazily). The
parent packages Python runs first are not edges: a package's ``__init__`` re-exporting its own
modules is not a cycle.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

PACKAGE = ROOT / "lpr_lint"
CLI = "lpr_lint.cli"
CLI_ONLY_LIBRARIES = ("typer", "click")
EXITS = ("SystemExit", "Exit")  # raise SystemExit / typer.Exit / click.exceptions.Exit
REPORT = "lpr_lint.report"
REPORT_MAY_IMPORT = frozenset({
    "lpr_lint",  # TOOL_NAME, __version__
    "lpr_lint.model", "lpr_lint.errors", "lpr_lint.jsondata", "lpr_lint.paths",
    "lpr_lint.pointer", "lpr_lint.history.records", "lpr_lint.history.kinds",
    "lpr_lint.certify.records",  # the certificate as a record (Certificate.from_json), no pipeline
    "lpr_lint.survey.records",  # the survey's rows and totals: a leaf (judging is survey.judge)
    "lpr_lint.access.records",  # who can reach the data: a leaf (the analysis, which classifies
    # names and reads the vocabulary, lives beside it in lpr_lint.access.analysis)
})
"""Everything a reporter may import from lpr_lint besides ``lpr_lint.report`` itself."""
REGISTRY_ENTRY = re.compile(r"lpr_lint(?:\.\w+)+:\w+")
"""A registry's lazily imported ``module:attribute``."""


# --- reading the package -------------------------------------------------------------------

def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    return {module_name(p, package): p for p in sorted(package.rglob("*.py"))}


MODULES = modules()
KNOWN = frozenset(MODULES)


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def owning_module(dotted: str, known: frozenset[str]) -> str | None:
    """The longest known module that ``dotted`` names or lies in (None outside the package)."""
    while dotted and dotted not in known:
        dotted = dotted.rpartition(".")[0]
    return dotted or None


def imports(name: str, tree: ast.Module, known: frozenset[str],
            is_package: bool) -> Iterator[tuple[int, str]]:
    """``(line, module)`` for each package module that the module ``name`` imports."""
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = name.split(".") if is_package else name.split(".")[:-1]
                base = ".".join([*here[:len(here) - node.level + 1],
                                 *([node.module] if node.module else [])])
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and REGISTRY_ENTRY.fullmatch(node.value)):
            targets = [node.value.partition(":")[0]]
        for found in dict.fromkeys(owning_module(target, known) for target in targets):
            if found is not None:
                yield getattr(node, "lineno", 0), found


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """module -> the modules it imports (itself left out)."""
    found = modules(package)
    known = frozenset(found)
    return {name: {target for _, target in imports(name, parse(path), known,
                                                   path.name == "__init__.py")} - {name}
            for name, path in found.items()}


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """One shortest cycle through each strongly connected group of modules, ``[a, b, …, a]``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan; the graph is a few hundred edges deep at most
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    found = []
    for group in sorted(groups):
        start, members = group[0], set(group)
        paths = {start: [start]}  # breadth first: the shortest way back to start
        queue = [start]
        while queue:
            node = queue.pop(0)
            nxt_nodes = sorted(edges[node] & members)
            if start in nxt_nodes:
                found.append([*paths[node], start])
                break
            for nxt in nxt_nodes:
                if nxt not in paths:
                    paths[nxt] = [*paths[node], nxt]
                    queue.append(nxt)
    return found


# --- the rules, as functions of a module's source ------------------------------------------

def dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return ""


def cli_only_violations(name: str, tree: ast.Module, known: frozenset[str] = KNOWN,
                        is_package: bool = False) -> list[str]:
    """What a module outside the CLI may not do: typer/click, the CLI, print, exit."""
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        external = []
        if isinstance(node, ast.Import):
            external = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            external = [node.module or ""]
            if node.module in ("sys", "builtins", "os"):
                found += [f"{line}: from {node.module} import {alias.name}"
                          for alias in node.names if alias.name in ("exit", "_exit", "print")]
        found += [f"{line}: imports {n}" for n in external
                  if n.split(".")[0] in CLI_ONLY_LIBRARIES]
        if isinstance(node, ast.Call):
            func = dotted(node.func)
            if func in ("print", "exit", "quit", "sys.exit", "builtins.print"):
                found.append(f"{line}: calls {func}()")
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if dotted(exc).rpartition(".")[2] in EXITS:
                found.append(f"{line}: raises {dotted(exc)}")
    found += [f"{line}: imports {target}"
              for line, target in imports(name, tree, known, is_package)
              if target == CLI or target.startswith(CLI + ".")]
    return found


def report_violations(name: str, tree: ast.Module, known: frozenset[str] = KNOWN,
                      is_package: bool = False) -> list[str]:
    """Package modules a reporter imports that are not records or leaf helpers."""
    return [f"{line}: imports {target}"
            for line, target in imports(name, tree, known, is_package)
            if target not in REPORT_MAY_IMPORT and target != REPORT
            and not target.startswith(REPORT + ".")]


Rule = Callable[[str, ast.Module, frozenset[str], bool], list[str]]


def violations(rule: Rule, name: str) -> list[str]:
    path = MODULES[name]
    found = rule(name, parse(path), KNOWN, path.name == "__init__.py")
    return [f"{path.relative_to(ROOT)}:{v}" for v in found]


# --- the tests -----------------------------------------------------------------------------

OUTSIDE_CLI = sorted(n for n in MODULES if n != CLI and not n.startswith(CLI + ".")
                     and n != "lpr_lint.__main__")
REPORTERS = sorted(n for n in MODULES if n == REPORT or n.startswith(REPORT + "."))


@pytest.mark.parametrize("name", OUTSIDE_CLI)
def test_only_the_cli_imports_typer_prints_or_exits(name: str) -> None:
    assert violations(cli_only_violations, name) == []


@pytest.mark.parametrize("name", REPORTERS)
def test_reporters_import_records_never_pipelines(name: str) -> None:
    assert violations(report_violations, name) == []


def test_reporters_load_no_pipeline_indirectly() -> None:
    """What a reporter's imports import in turn, and the packages Python runs before them
    (``lpr_lint/__init__.py``, ``lpr_lint/history/__init__.py``), stay within the records."""
    edges = graph()
    reached, todo = set(REPORTERS), list(REPORTERS)
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for nxt in edges[name] | {".".join(parts[:i]) for i in range(1, len(parts))}:
            if nxt not in reached:
                reached.add(nxt)
                todo.append(nxt)
    parents = {name.rpartition(".")[0] for name in REPORT_MAY_IMPORT}  # run, then followed
    beyond = sorted(reached - REPORT_MAY_IMPORT - parents - set(REPORTERS))
    assert not beyond, "importing the reporters also loads " + ", ".join(beyond)


def test_the_package_has_no_import_cycle() -> None:
    edges = graph()
    assert len(edges) == len(MODULES) and sum(map(len, edges.values())) > len(MODULES)
    found = cycles(edges)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_a_cycle_introduced_in_a_copy_is_caught(tmp_path: Path) -> None:
    """The graph sees a function-level import and a ``from pkg import module``."""
    copy = tmp_path / "lpr_lint"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert cycles(graph(copy)) == []
    with (copy / "model.py").open("a", encoding="utf-8") as fh:
        fh.write("\n\ndef _tangle() -> None:\n    from lpr_lint.history import pipeline\n")
    [cycle] = cycles(graph(copy))
    assert cycle[0] == cycle[-1] and {"lpr_lint.model", "lpr_lint.history.pipeline"} <= {*cycle}


@pytest.mark.parametrize(("source", "expected"), [
    ("import typer", "1: imports typer"),
    ("from click.testing import CliRunner", "1: imports click.testing"),
    ("def f():\n    print('x')", "2: calls print()"),
    ("import sys\nsys.exit(3)", "2: calls sys.exit()"),
    ("exit(1)", "1: calls exit()"),
    ("from sys import exit", "1: from sys import exit"),
    ("raise SystemExit(2)", "1: raises SystemExit"),
    ("def f():\n    raise typer.Exit(code=1)", "2: raises typer.Exit"),
    ("from lpr_lint import cli", "1: imports lpr_lint.cli"),
    ("def f():\n    from lpr_lint.cli.common import x", "2: imports lpr_lint.cli.common"),
])
def test_the_cli_rule_catches_each_thing_it_forbids(source: str, expected: str) -> None:
    assert cli_only_violations("lpr_lint.model", ast.parse(source)) == [expected]


@pytest.mark.parametrize(("source", "expected"), [
    ("from lpr_lint.history.pipeline import drift", "1: imports lpr_lint.history.pipeline"),
    ("from lpr_lint.history import timeline", "1: imports lpr_lint.history.timeline"),
    ("from ..history import drift", "1: imports lpr_lint.history.drift"),
    ("def f():\n    import lpr_lint.rules.engine", "2: imports lpr_lint.rules.engine"),
    ("X = 'lpr_lint.certify.certificate:build'", "1: imports lpr_lint.certify.certificate"),
    ("from lpr_lint.history.records import Change\nfrom lpr_lint import TOOL_NAME", None),
])
def test_the_report_rule_catches_a_pipeline(source: str, expected: str | None) -> None:
    assert report_violations("lpr_lint.report.text", ast.parse(source)) == (
        [expected] if expected else [])


def test_a_check_imports_no_heavy_dependency() -> None:
    code = (
        "import sys\n"
        "from lpr_lint.cli import main\n"
        "try:\n"
        f"    main(['check', {str(EXAMPLES / 'compliant')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('jsonschema', 'pydantic', 'deepdiff', 'rich')"
        " if m in sys.modules)\n"
        "print('heavy:' + ','.join(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "heavy:"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 420, f"{path} has {lines} lines; split it or say why not"
