"""What every command shares: option types, parsers, settings resolution, fatal errors.

Part of the CLI layer (it imports typer); the core never imports it.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Collection
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from lpr_lint import TOOL_NAME
from lpr_lint.adapters import ADAPTERS
from lpr_lint.cli.exits import ExitCode
from lpr_lint.history.kinds import Gate
from lpr_lint.model import Severity

if TYPE_CHECKING:
    from lpr_lint.config import Setting
    from lpr_lint.rules.baseline import Baseline
    from lpr_lint.rules.engine import Options
    from lpr_lint.rules.registry import Auto
    from lpr_lint.rules.waivers import WaiverSet

def choice(names: Collection[str], *flags: str, help: str) -> Any:
    """A ``typer.Option`` whose value must be one of ``names`` — a registry's keys, so the
    choices shown and accepted are always the ones that exist (any case; stored lower-case)."""
    allowed = tuple(names)

    def check(value: str | None) -> str | None:
        if value is None:
            return None
        if value.lower() not in allowed:
            raise typer.BadParameter(f"{value!r} is not one of "
                                     f"{', '.join(repr(a) for a in allowed)}")
        return value.lower()

    return typer.Option(*flags, metavar="[" + "|".join(allowed) + "]", callback=check,
                        help=help)


GATES = tuple(gate.value for gate in Gate)
"""``drift`` and ``history --fail-on`` choices: the :class:`~lpr_lint.history.records.Gate`
members."""
FromOpt = Annotated[str | None, choice(
    ADAPTERS, "--from", help="The input's format (default: detected from its content).")]
def _pointers(values: list[str] | None) -> list[str] | None:
    for value in values or ():
        if value and not value.startswith("/"):
            raise typer.BadParameter(f"{value!r} is not a JSON Pointer (a pointer starts with /, "
                                     "e.g. /exported_at or /sharing/partners/*/expires)")
    return values


IgnoreOpt = Annotated[list[str] | None, typer.Option(
    "--ignore", metavar="POINTER", callback=_pointers,
    help="Also ignore this value (JSON Pointer, * for list items); repeatable.")]
OtherAgencyOpt = Annotated[bool, typer.Option(
    "--allow-other-agency",
    help="Compare exports of different agencies (refused by default).")]
GateOpt = Annotated[str, choice(
    GATES, "--fail-on", help="Fail (exit 1) on: loosening (any loosening change or new "
    "violation), violation (new violations only), any (any change), or never.")]


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


def load_baseline(spec: str, export: str | None = None) -> Baseline:
    """The baseline ``spec`` names; ``auto`` is the baseline of ``export``'s state (a
    command without an export cannot use it: a usage error)."""
    from lpr_lint.rules.baseline import load_baseline as load
    from lpr_lint.rules.registry import AUTO_ID

    if spec != AUTO_ID:
        return load(spec)
    if export is None:
        fatal("--baseline auto chooses a baseline for each export from its agency.state; this "
              "command reads no export, so name a baseline (lpr-lint baselines lists them)",
              ExitCode.USAGE)
    from lpr_lint.adapters.load import load_input
    from lpr_lint.rules.run import state_baseline

    if os.path.isdir(export):  # a folder of snapshots: the latest one names the agency
        snapshots = sorted(f for f in os.listdir(export) if f.endswith((".json", ".yaml",
                                                                        ".yml")))
        if not snapshots:
            fatal(f"{export}: --baseline auto reads the agency's state from an export, and "
                  "this folder has none; name a baseline", ExitCode.USAGE)
        export = os.path.join(export, snapshots[-1])
    return load(state_baseline(load_input(export).document))


def as_of_date(value: str | None) -> _dt.date:
    return _dt.date.fromisoformat(value) if value else _dt.date.today()


BaselineOpt = Annotated[str | None, typer.Option(
    "--baseline", "-b", metavar="ID|FILE|auto",
    help="A built-in baseline (ct, ca, ...: lpr-lint baselines), a baseline file, or auto "
    "(each export under its agency.state's baseline).")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", metavar="YYYY-MM-DD", callback=parse_date,
    help="Judge as of this date (rules not yet in effect are not applicable). Default: today.")]
FailOnOpt = Annotated[Severity | None, typer.Option(
    "--fail-on", case_sensitive=False,
    help="Lowest severity that makes the run fail (exit 1).")]
StrictOpt = Annotated[bool | None, typer.Option(
    "--strict/--no-strict", show_default=False,
    help="Also report keys that are not part of export format v1.")]
WaiversOpt = Annotated[str | None, typer.Option(
    "--waivers", metavar="PATH", show_default=False,
    help="The central waivers file (default .lpr-lint-waivers.yaml when present).")]
AllowedSignersOpt = Annotated[str | None, typer.Option(
    "--allowed-signers", metavar="FILE", show_default=False,
    help="OpenSSH allowed_signers file: check each signature and its signer's role.")]
RequireSignedOpt = Annotated[bool, typer.Option(
    "--require-signed", help="An unsigned entry is a failure.")]
SignKeyOpt = Annotated[str | None, typer.Option(
    "--sign-key", metavar="KEY", show_default=False,
    help="Sign with this SSH key (ssh-keygen -Y sign; a public key uses ssh-agent).")]
StoreOpt = Annotated[str | None, typer.Option(
    "--store", metavar="DIR", help="Approval store directory.")]


def settings(**flags: tuple[Any, str]) -> dict[str, Setting]:
    """Effective settings: ``flags`` maps a setting to (value, flag) for options given."""
    from lpr_lint.config import resolve

    return resolve({k: v for k, v in flags.items() if v[0] is not None})


def judging(s: dict[str, Setting], as_of: str | None, allow_unknown: bool = False,
            export: str | None = None) -> tuple[Baseline | Auto, Options, WaiverSet | None]:
    """What a check or a certificate is judged with: the baseline (``auto`` stays
    :data:`AUTO` for a check; a command about one ``export`` gets that export's state's),
    the options, and the central waivers file when one is configured or the default one
    exists."""
    from lpr_lint.rules.engine import Options
    from lpr_lint.rules.registry import AUTO, AUTO_ID, CHECKABLE_BASELINES, Auto
    from lpr_lint.rules.waivers import load_waivers

    base: Baseline | Auto
    if export is not None:
        base = load_baseline(s["baseline"].value, export)
    elif s["baseline"].value == AUTO_ID:
        base = AUTO
    else:
        base = load_baseline(s["baseline"].value)
    waivers = None
    if s["waivers"].source != "default" or os.path.exists(s["waivers"].value):
        # waivers may name any rule of the baselines the run can use (under auto: all of them)
        bases = ([load_baseline(b) for b in CHECKABLE_BASELINES] if isinstance(base, Auto)
                 else [base])
        waivers = load_waivers(s["waivers"].value, [r.id for b in bases for r in b.rules],
                               s["waiver_max_days"].value)
    options = Options(as_of=as_of_date(as_of), fail_on=Severity(s["fail_on"].value),
                      allow_unknown=allow_unknown, strict=bool(s["strict"].value))
    return base, options, waivers


def write_output(text: str, fmt: str, path: str | None, what: str = "report") -> None:
    """One ``FORMAT[:PATH]`` output: printed when ``path`` is None, else written atomically
    (folders made as needed); a write that fails is a one-line error, exit 3."""
    if path is None:
        typer.echo(text, nl=False)
        return
    from lpr_lint.atomic import write_atomic

    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        fatal(f"{path}: cannot write the {fmt} {what}: {exc.strerror or exc}")


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
