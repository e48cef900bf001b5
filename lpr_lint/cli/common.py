"""What every command shares: option types, parsers, settings resolution, fatal errors.

Part of the CLI layer (it imports typer); the core never imports it.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from collections.abc import Collection
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from lpr_lint import TOOL_NAME
from lpr_lint.adapters import ADAPTERS
from lpr_lint.errors import ExitCode
from lpr_lint.model import Severity
from lpr_lint.report import REPORTERS

if TYPE_CHECKING:
    from lpr_lint.config import Setting
    from lpr_lint.rules.baseline import Baseline

FormatChoice = enum.Enum(  # type: ignore[misc]
    "FormatChoice", {name: name for name in REPORTERS}, type=str)
"""``--format`` choices: the keys of the reporter registry."""
DriftFormat = enum.Enum(  # type: ignore[misc]
    "DriftFormat", {name: name for name in ("text", "json", "markdown")}, type=str)
"""``drift --format`` choices (the drift reporter registry's keys; checked by a test)."""
HistoryFormat = enum.Enum(  # type: ignore[misc]
    "HistoryFormat", {name: name for name in ("text", "json", "markdown")}, type=str)
"""``history --format`` choices (the history reporter registry's keys; checked by a test)."""
DriftGate = enum.Enum(  # type: ignore[misc]
    "DriftGate", {name: name for name in ("loosening", "violation", "any", "never")}, type=str)
"""``drift --fail-on`` choices (:data:`lpr_lint.history.drift.GATES`; checked by a test)."""
SourceChoice = enum.Enum(  # type: ignore[misc]
    "SourceChoice", {name: name for name in ADAPTERS}, type=str)
"""``--from`` choices: the keys of the adapter registry."""
FromOpt = Annotated[SourceChoice | None, typer.Option(
    "--from", case_sensitive=False, show_default=False,
    help="The input's format (default: detected from its content).")]
DataFormat = enum.Enum("DataFormat", {"text": "text", "json": "json"}, type=str)
"""text or json, for listings."""
DocFormat = enum.Enum(
    "DocFormat", {"text": "text", "json": "json", "markdown": "markdown"}, type=str)
"""text, json or markdown, for the rule listing."""


def fatal(message: str, code: ExitCode = ExitCode.INPUT) -> NoReturn:
    typer.echo(f"{TOOL_NAME}: {message}", err=True)
    raise typer.Exit(int(code))


def required_text(value: str) -> str:
    if not value.strip():
        raise typer.BadParameter("must not be empty")
    return value


def parse_date(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date written YYYY-MM-DD") from None
    return value


_SIZE = re.compile(r"^([0-9]+)\s*([kKmMgG]i?[bB]?|[bB])?$")
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(value: str | None) -> str | None:
    if value is None:
        return None
    m = _SIZE.match(value.strip())
    if not m or int(m.group(1)) == 0:
        raise typer.BadParameter(f"{value!r} is not a size such as 500K, 64M or 1G")
    return str(int(m.group(1)) * _UNITS[(m.group(2) or "")[:1].lower()])


def load_baseline(spec: str) -> Baseline:
    from lpr_lint.rules.baseline import load_baseline as load

    return load(spec)


def as_of_date(value: str | None) -> _dt.date:
    return _dt.date.fromisoformat(value) if value else _dt.date.today()


BaselineOpt = Annotated[str | None, typer.Option(
    "--baseline", "-b", metavar="ct|FILE",
    help="Built-in baseline name or a baseline file.")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", metavar="YYYY-MM-DD", callback=parse_date,
    help="Judge as of this date (rules not yet in effect are not applicable). Default: today.")]
FailOnOpt = Annotated[Severity | None, typer.Option(
    "--fail-on", case_sensitive=False,
    help="Lowest severity that makes the run fail (exit 1).")]
StrictOpt = Annotated[bool | None, typer.Option(
    "--strict/--no-strict", show_default=False,
    help="Also report keys that are not part of export format v1.")]
StoreOpt = Annotated[str | None, typer.Option(
    "--store", metavar="DIR", help="Approval store directory.")]


def settings(**flags: tuple[Any, str]) -> dict[str, Setting]:
    """Effective settings: ``flags`` maps a setting to (value, flag) for options given."""
    from lpr_lint.config import resolve

    return resolve({k: v for k, v in flags.items() if v[0] is not None})


def parse_outputs(specs: list[str], source: str,
                  formats: Collection[str]) -> list[tuple[str, str | None]]:
    """``FORMAT[:PATH]`` → (format, path or None for stdout); at most one goes to stdout."""
    out: list[tuple[str, str | None]] = []
    for spec in specs:
        fmt, _, path = spec.partition(":")
        if fmt not in formats:
            raise typer.BadParameter(f"{spec!r} ({source}): unknown format {fmt!r}; choose from "
                                     f"{', '.join(sorted(formats))}")
        out.append((fmt, path if path not in ("", "-") else None))
    if sum(1 for _, p in out if p is None) > 1:
        raise typer.BadParameter(f"{source}: at most one output may go to stdout; give the "
                                 "others a path (FORMAT:PATH)")
    return out
