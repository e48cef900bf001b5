"""The command line. The only module that imports typer, prints, or exits.

Each command parses options, builds core objects, runs them, renders a string and maps
the result (or a subsystem's exception) to an :class:`~lpr_lint.errors.ExitCode`.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import re
import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from lpr_lint import TOOL_NAME, __version__
from lpr_lint.errors import ExitCode, LprLintError
from lpr_lint.model import Severity
from lpr_lint.report import REPORTERS

if TYPE_CHECKING:
    from lpr_lint.baseline import Baseline

FormatChoice = enum.Enum(  # type: ignore[misc]
    "FormatChoice", {name: name for name in REPORTERS}, type=str)
"""``--format`` choices: the keys of the reporter registry."""
DriftFormat = enum.Enum(  # type: ignore[misc]
    "DriftFormat", {name: name for name in ("text", "json", "markdown")}, type=str)
"""``drift --format`` choices (the drift reporter registry's keys; checked by a test)."""
DriftGate = enum.Enum(  # type: ignore[misc]
    "DriftGate", {name: name for name in ("loosening", "violation", "any", "never")}, type=str)
"""``drift --fail-on`` choices (:data:`lpr_lint.drift.GATES`; checked by a test)."""

app = typer.Typer(
    name=TOOL_NAME,
    help="Check LPR/ALPR platform configuration exports against Connecticut law and best "
    "practice.\n\nExit codes: 0 clean, 1 findings, 2 usage error, 3 input or config error.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _fatal(message: str, code: ExitCode = ExitCode.INPUT) -> NoReturn:
    typer.echo(f"{TOOL_NAME}: {message}", err=True)
    raise typer.Exit(int(code))


def _required_text(value: str) -> str:
    if not value.strip():
        raise typer.BadParameter("must not be empty")
    return value


def _parse_date(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date written YYYY-MM-DD") from None
    return value


_SIZE = re.compile(r"^([0-9]+)\s*([kKmMgG]i?[bB]?|[bB])?$")
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _parse_size(value: str | None) -> str | None:
    if value is None:
        return None
    m = _SIZE.match(value.strip())
    if not m or int(m.group(1)) == 0:
        raise typer.BadParameter(f"{value!r} is not a size such as 500K, 64M or 1G")
    return str(int(m.group(1)) * _UNITS[(m.group(2) or "")[:1].lower()])


def _load_baseline(spec: str) -> Baseline:
    from lpr_lint.baseline import load_baseline

    return load_baseline(spec)


def _as_of(value: str | None) -> _dt.date:
    return _dt.date.fromisoformat(value) if value else _dt.date.today()


BaselineOpt = Annotated[str, typer.Option(
    "--baseline", "-b", metavar="ct|FILE",
    help="Built-in baseline name or a baseline file.")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", metavar="YYYY-MM-DD", callback=_parse_date,
    help="Judge as of this date (rules not yet in effect are not applicable). Default: today.")]
FailOnOpt = Annotated[Severity, typer.Option(
    "--fail-on", case_sensitive=False,
    help="Lowest severity that makes the run fail (exit 1).")]
StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="Also report keys that are not part of export format v1.")]
StoreOpt = Annotated[str, typer.Option(
    "--store", metavar="DIR", help="Approval store directory.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"{TOOL_NAME} {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Check LPR/ALPR platform configuration exports."""


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH...", help="Export files, or directories to search for *.json, *.yaml, "
        "*.yml.", show_default=False)],
    baseline: BaselineOpt = "ct",
    output_format: Annotated[FormatChoice, typer.Option(
        "--format", "-f", case_sensitive=False, help="Report format.")] = "text",  # type: ignore[assignment]
    fail_on: FailOnOpt = Severity.HIGH,
    as_of: AsOfOpt = None,
    strict: StrictOpt = False,
    allow_unknown: Annotated[bool, typer.Option(
        "--allow-unknown",
        help="Report missing values as unknown without failing on them.")] = False,
    max_file_size: Annotated[str | None, typer.Option(
        "--max-file-size", metavar="SIZE", callback=_parse_size,
        help="Refuse files larger than this (e.g. 500K, 64M). Default: 64M.")] = None,
) -> None:
    """Check exports against a baseline and report findings at file:line:column."""
    from lpr_lint.engine import Options
    from lpr_lint.loading import DEFAULT_MAX_BYTES
    from lpr_lint.runner import exit_code, run_check

    try:
        base = _load_baseline(baseline)
        options = Options(as_of=_as_of(as_of), fail_on=fail_on, allow_unknown=allow_unknown,
                          strict=strict)
        report = run_check(paths, base, options,
                           int(max_file_size) if max_file_size else DEFAULT_MAX_BYTES)
    except LprLintError as exc:
        _fatal(str(exc))
    reporter = REPORTERS[FormatChoice(output_format).value]()
    typer.echo(reporter.render(report), nl=False)
    raise typer.Exit(int(exit_code(report)))


@app.command()
def schema(
    baseline: BaselineOpt = "ct",
    as_of: AsOfOpt = None,
    fail_on: FailOnOpt = Severity.HIGH,
    strict: StrictOpt = False,
) -> None:
    """Print the baseline composed into one JSON Schema (Draft 2020-12).

    A file is valid against it exactly when `check` with the same --as-of, --fail-on and
    --strict passes it, so check-jsonschema and editors can use it.
    """
    from lpr_lint.compose import compose

    try:
        composed = compose(_load_baseline(baseline), _as_of(as_of), fail_on, strict)
    except LprLintError as exc:
        _fatal(str(exc))
    typer.echo(json.dumps(composed, indent=2, ensure_ascii=False))


@app.command()
def rules(
    baseline: BaselineOpt = "ct",
    output_format: Annotated[FormatChoice, typer.Option(
        "--format", "-f", case_sensitive=False, help="text or json.")] = "text",  # type: ignore[assignment]
) -> None:
    """List the baseline's rules."""
    from lpr_lint.engine import FORMAT_RULES
    from lpr_lint.explain import rule_table, rules_json

    try:
        base = _load_baseline(baseline)
    except LprLintError as exc:
        _fatal(str(exc))
    if FormatChoice(output_format).value == "json":
        typer.echo(rules_json(base), nl=False)
    else:
        typer.echo(rule_table(base, FORMAT_RULES), nl=False)


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE-ID", help="A rule id, e.g. CT-RET-001.",
                                           show_default=False)],
    baseline: BaselineOpt = "ct",
) -> None:
    """Show one rule in full: why it exists, its legal basis, what it checks, how to fix it."""
    from lpr_lint.explain import UnknownRule, explain_rule

    try:
        text = explain_rule(_load_baseline(baseline), rule_id)
    except UnknownRule as exc:
        _fatal(str(exc), ExitCode.USAGE)
    except LprLintError as exc:
        _fatal(str(exc))
    typer.echo(text, nl=False)


@app.command()
def approve(
    export: Annotated[str, typer.Argument(metavar="EXPORT", help="The export to approve.",
                                          show_default=False)],
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="Who approves it.",
                                    show_default=False, callback=_required_text)],
    note: Annotated[str, typer.Option("--note", metavar="TEXT", help="Why.")] = "",
    store: StoreOpt = ".lpr-lint",
    accept_findings: Annotated[bool, typer.Option(
        "--accept-findings", help="Approve despite failing findings, recording them.")] = False,
    baseline: BaselineOpt = "ct",
    fail_on: FailOnOpt = Severity.HIGH,
    as_of: AsOfOpt = None,
) -> None:
    """Record an export as approved: a snapshot and a hash-chained ledger entry."""
    from lpr_lint.engine import Options
    from lpr_lint.store import Store
    from lpr_lint.workflow import ApprovalRefused
    from lpr_lint.workflow import approve as do_approve

    try:
        done = do_approve(export, _load_baseline(baseline),
                          Options(as_of=_as_of(as_of), fail_on=fail_on), Store(store), by, note,
                          accept_findings)
    except ApprovalRefused as exc:
        _fatal(str(exc), ExitCode.FINDINGS)
    except LprLintError as exc:
        _fatal(str(exc))
    entry = done.entry
    accepted = len(entry["findings"]["accepted"])
    typer.echo(f"approved {entry['export']['path']} as entry #{entry['seq']} in {store} "
               f"(snapshot {entry['snapshot_sha256'][:12]}, entry {entry['hash'][:12]})"
               + (f"; {accepted} finding(s) accepted" if accepted else ""))


ledger_app = typer.Typer(help="Inspect and verify the approval ledger.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")


@ledger_app.command("verify")
def ledger_verify(store: StoreOpt = ".lpr-lint") -> None:
    """Recompute the hash chain and every snapshot hash (exit 0 intact, 1 tampered)."""
    from lpr_lint.store import Store

    try:
        result = Store(store).verify()
    except LprLintError as exc:
        _fatal(str(exc))
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if result.problem:
        typer.echo(f"TAMPERED: {result.problem}")
        raise typer.Exit(int(ExitCode.FINDINGS))
    if result.torn:
        typer.echo(f"TORN: {result.torn}")
        raise typer.Exit(int(ExitCode.FINDINGS))
    typer.echo(f"intact: {result.entries} entr{'y' if result.entries == 1 else 'ies'} and "
               "their snapshots verify")


@ledger_app.command("show")
def ledger_show(
    store: StoreOpt = ".lpr-lint",
    output_format: Annotated[FormatChoice, typer.Option(
        "--format", "-f", case_sensitive=False, help="text or json.")] = "text",  # type: ignore[assignment]
) -> None:
    """The approval history, oldest first."""
    from lpr_lint.store import Store

    try:
        entries = Store(store).entries()
    except LprLintError as exc:
        _fatal(str(exc))
    if FormatChoice(output_format).value == "json":
        typer.echo(json.dumps(entries, indent=2, sort_keys=True, ensure_ascii=False))
        return
    for e in entries:
        f = e.get("findings", {})
        accepted = len(f.get("accepted", []))
        typer.echo(f"#{e.get('seq')}  {e.get('timestamp')}  {e.get('approver')}  "
                   f"{e.get('export', {}).get('path')}  snapshot "
                   f"{str(e.get('snapshot_sha256'))[:12]}  entry {str(e.get('hash'))[:12]}"
                   + (f"  {accepted} accepted finding(s)" if accepted else "")
                   + (f"  — {e['note']}" if e.get("note") else ""))
    if not entries:
        typer.echo("no approvals yet")


@app.command()
def drift(
    export: Annotated[str, typer.Argument(metavar="EXPORT", help="The current export.",
                                          show_default=False)],
    against: Annotated[str | None, typer.Option(
        "--against", metavar="SNAPSHOT",
        help="Compare with this earlier export instead of the latest approval.")] = None,
    store: StoreOpt = ".lpr-lint",
    output_format: Annotated[DriftFormat, typer.Option(
        "--format", "-f", case_sensitive=False, help="Report format.")] = "text",  # type: ignore[assignment]
    fail_on: Annotated[DriftGate, typer.Option(
        "--fail-on", case_sensitive=False,
        help="loosening: any loosening change or new violation; violation: new violations "
        "only; any: any change; never.")] = "loosening",  # type: ignore[assignment]
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", metavar="POINTER",
        help="Also ignore this value (JSON Pointer, * for list items); repeatable.")] = None,
    baseline: BaselineOpt = "ct",
    as_of: AsOfOpt = None,
) -> None:
    """What changed since the last approved snapshot, and which changes loosen compliance."""
    from lpr_lint.report.drift import DRIFT_REPORTERS
    from lpr_lint.store import Store
    from lpr_lint.workflow import drift as do_drift

    try:
        report = do_drift(export, _load_baseline(baseline), _as_of(as_of), against=against,
                          store=Store(store), ignore=ignore or (),
                          fail_on=DriftGate(fail_on).value)
    except LprLintError as exc:
        _fatal(str(exc))
    typer.echo(DRIFT_REPORTERS[DriftFormat(output_format).value]().render(report), nl=False)
    raise typer.Exit(int(ExitCode.FINDINGS if report.gate_failed else ExitCode.OK))


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point: run the app, never show a traceback."""
    import gc

    # A short-lived process that builds large acyclic trees (a 100,000-partner export is
    # ~1.5 million objects): the cycle collector would spend a third of a drift run finding
    # nothing. Memory stays bounded by the inputs' size limit.
    gc.disable()
    try:
        return app(args=argv, prog_name=TOOL_NAME)
    except KeyboardInterrupt:
        typer.echo(f"{TOOL_NAME}: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:  # e.g. `lpr-lint check . | head`
        sys.exit(int(ExitCode.OK))
    except Exception as exc:  # the last line of defence: a one-line message, exit 3
        typer.echo(f"{TOOL_NAME}: internal error: {type(exc).__name__}: {exc} (please report "
                   "this with the command you ran)", err=True)
        sys.exit(int(ExitCode.INPUT))
    finally:
        gc.enable()
