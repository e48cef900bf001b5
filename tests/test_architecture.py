"""Design rules that keep lpr-lint fast to start and easy to embed.

* The core never imports the CLI or typer (and loads no jsonschema or pydantic on a check).
* Only the CLI prints or exits.
* No package module grows past ~400 lines without a reason.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from conftest import EXAMPLES, ROOT

PACKAGE = ROOT / "lpr_lint"
CLI_PACKAGE = PACKAGE / "cli"
CORE = sorted(p for p in PACKAGE.rglob("*.py")
              if CLI_PACKAGE not in p.parents and p.name != "__main__.py")


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_does_not_print_exit_or_import_the_cli(path: object) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        assert not any(n.split(".")[0] in ("typer", "click") or n == "lpr_lint.cli"
                       or n.startswith("lpr_lint.cli.") for n in names), names
        if isinstance(node, ast.ImportFrom) and node.module == "lpr_lint":
            assert "cli" not in {a.name for a in node.names}
        if isinstance(node, ast.Call):
            func = node.func
            assert not (isinstance(func, ast.Name) and func.id in ("print", "exit")), path
            assert not (isinstance(func, ast.Attribute) and func.attr == "exit"
                        and isinstance(func.value, ast.Name) and func.value.id == "sys"), path


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
def test_modules_stay_small(path: object) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")  # type: ignore[attr-defined]
    assert lines <= 420, f"{path} has {lines} lines; split it or say why not"
