"""Every option of every command, given a wrong value, ends in a plain message and exit 2 or
3 (or, for free text that happens to be acceptable, an ordinary run): never "internal error",
never a traceback. The commands and their options are read from the app itself, so a new
option is covered the day it is added."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT
from lpr_lint.cli import app

COMPLIANT = str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")
LOG = str(ROOT / "tests" / "data" / "audit" / "portal-2025.csv")
WRONG = ["zzz", "", "-1", "2026-13-40", "../no/such/file", "\x1b[31m"]
"""Wrong for almost any option: a word, nothing, a negative number, an impossible date, a
missing path, a terminal escape."""
ARGUMENTS: dict[str, list[str]] = {
    "check": [COMPLIANT], "explain": ["CT-RET-001"], "convert": [COMPLIANT],
    "approve": [COMPLIANT, "--by", "A"], "drift": [COMPLIANT], "history": [COMPLIANT],
    "certify": [COMPLIANT, "--vendor", "V", "--out", "{tmp}/cert.json"],
    "verify-cert": ["{tmp}/cert.json", COMPLIANT], "audit": [LOG, "--agency-state", "CT"],
    "access": [COMPLIANT], "survey": [COMPLIANT], "init": ["{tmp}/init"],
}
"""Valid positional arguments (and required options) for each command that needs them."""


def _commands() -> list[tuple[list[str], Any]]:
    out = []

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "commands"):
            for name, sub in sorted(command.commands.items()):
                walk(sub, [*path, name])
        else:
            out.append((path, command))

    walk(typer.main.get_command(app), [])
    return out


def _cases() -> list[Any]:
    cases = []
    for path, command in _commands():
        for param in command.params:
            if param.param_type_name != "option" or getattr(param, "is_flag", False):
                continue
            flag = max(param.opts, key=len)
            cases.append(pytest.param(path, flag, id=f"{' '.join(path)} {flag}"))
    return cases


@pytest.mark.parametrize(("path", "flag"), _cases())
def test_a_wrong_value_is_a_plain_error(path: list[str], flag: str, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(COMPLIANT, tmp_path / "lakeside.yaml")
    runner = CliRunner()
    base = [a.replace("{tmp}", str(tmp_path)) for a in ARGUMENTS.get(path[-1], [])]
    if path[-1] == "verify-cert":  # a certificate to verify
        runner.invoke(app, ["certify", COMPLIANT, "--vendor", "V", "--out",
                            str(tmp_path / "cert.json")])
    for value in WRONG:
        args = [*path, *base, flag, value]
        if flag in base:  # a required option given a wrong value instead of its good one
            i = base.index(flag)
            args = [*path, *base[:i], flag, value, *base[i + 2:]]
        result = runner.invoke(app, args)
        text = result.output + (result.stderr if result.stderr_bytes is not None else "")
        assert "internal error" not in text and "Traceback" not in text, (args, text)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args, repr(result.exception))
        assert result.exit_code in (0, 1, 2, 3), (args, result.exit_code, text)
