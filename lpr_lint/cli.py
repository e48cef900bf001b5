"""The command line. Together with ``_cli_common``, ``cli_history`` and ``cli_setup``, the only
code that imports typer, prints, or exits.

Each command parses options, resolves settings (flags > ``LPR_LINT_*`` > config file >
defaults), builds core objects, runs them, renders strings and maps the result (or a
subsystem's exception) to an :class:`~lpr_lint.errors.ExitCode`. Every command is registered
here, explicitly.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lpr_lint import TOOL_NAME, __version__, cli_audit, cli_certify, cli_history, cli_setup
from lpr_lint._cli_common import (
    AsOfOpt,
    BaselineOpt,
    DocFormat,
    DriftFormat,
    DriftGate,
    FailOnOpt,
    FormatChoice,
    FromOpt,
    SourceChoice,
    StrictOpt,
    as_of_date,
    fatal,
    load_baseline,
    parse_outputs,
    parse_size,
    settings,
)
from lpr_lint.errors import ExitCode, LprLintError
from lpr_lint.model import Severity
from lpr_lint.report import REPORTERS, reporter

if TYPE_CHECKING:
    from lpr_lint.model import Report

__all__ = ["DriftFormat", "DriftGate", "FormatChoice", "app", "main"]

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


def _write_outputs(report: Report, outputs: list[tuple[str, str | None]]) -> None:
    from lpr_lint.atomic import write_atomic
    from lpr_lint.report.text import TextReporter

    for fmt, path in outputs:
        text = reporter(fmt).render(report)
        if path is None:
            typer.echo(text, nl=False)
            continue
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            write_atomic(path, text.encode("utf-8"))
        except OSError as exc:
            fatal(f"{path}: cannot write the {fmt} report: {exc.strerror or exc}")
    if all(path is not None for _, path in outputs):
        typer.echo(TextReporter.summary(report), err=True)


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH...", help="Export files, or directories to search for *.json, *.yaml, "
        "*.yml.", show_default=False)],
    baseline: BaselineOpt = None,
    output_format: Annotated[FormatChoice | None, typer.Option(
        "--format", "-f", case_sensitive=False, show_default=False,
        help="Report format on stdout (default text).")] = None,
    output: Annotated[list[str] | None, typer.Option(
        "--output", "-o", metavar="FORMAT[:PATH]", show_default=False,
        help="Write a report; repeatable; no PATH (or -) means stdout.")] = None,
    fail_on: FailOnOpt = None,
    as_of: AsOfOpt = None,
    strict: StrictOpt = None,
    allow_unknown: Annotated[bool | None, typer.Option(
        "--allow-unknown/--no-allow-unknown", show_default=False,
        help="Report missing values as unknown without failing on them.")] = None,
    waivers: Annotated[str | None, typer.Option(
        "--waivers", metavar="PATH", show_default=False,
        help="The central waivers file (default .lpr-lint-waivers.yaml when present).")] = None,
    max_file_size: Annotated[str | None, typer.Option(
        "--max-file-size", metavar="SIZE", callback=parse_size,
        help="Refuse files larger than this (e.g. 500K, 64M). Default: 64M.")] = None,
    source: FromOpt = None,
) -> None:
    """Check exports against a baseline and report findings at file:line:column."""
    from lpr_lint.engine import Options
    from lpr_lint.loading import DEFAULT_MAX_BYTES
    from lpr_lint.runner import exit_code, run_check
    from lpr_lint.waivers import load_waivers

    flag_outputs = ([FormatChoice(output_format).value] if output_format else []) + (output or [])
    try:
        s = settings(baseline=(baseline, "--baseline"), fail_on=(fail_on, "--fail-on"),
                     strict=(strict, "--strict"), allow_unknown=(allow_unknown, "--allow-unknown"),
                     waivers=(waivers, "--waivers"),
                     outputs=(flag_outputs or None, "--output"))
    except LprLintError as exc:
        fatal(str(exc))
    try:
        outputs = parse_outputs(s["outputs"].value or ["text"], s["outputs"].source, REPORTERS)
    except typer.BadParameter as exc:
        if s["outputs"].source.startswith("flag"):
            raise
        fatal(f"invalid configuration: {exc.message}")
    try:
        base = load_baseline(s["baseline"].value)
        waiver_path = s["waivers"].value
        waiver_set = None
        if s["waivers"].source != "default" or os.path.exists(waiver_path):
            waiver_set = load_waivers(waiver_path, [r.id for r in base.rules],
                                      s["waiver_max_days"].value)
        options = Options(as_of=as_of_date(as_of), fail_on=Severity(s["fail_on"].value),
                          allow_unknown=bool(s["allow_unknown"].value),
                          strict=bool(s["strict"].value))
        report = run_check(paths, base, options,
                           int(max_file_size) if max_file_size else DEFAULT_MAX_BYTES, waiver_set,
                           source=SourceChoice(source).value if source else None)
    except LprLintError as exc:
        fatal(str(exc))
    for result in report.files:
        for notice in result.notices:
            typer.echo(f"{TOOL_NAME}: {notice}", err=True)
    _write_outputs(report, outputs)
    raise typer.Exit(int(exit_code(report)))


@app.command()
def schema(
    baseline: BaselineOpt = None,
    as_of: AsOfOpt = None,
    fail_on: FailOnOpt = None,
    strict: StrictOpt = None,
) -> None:
    """Print the baseline composed into one JSON Schema (Draft 2020-12).

    A file is valid against it exactly when `check` with the same --as-of, --fail-on and
    --strict passes it, so check-jsonschema and editors can use it.
    """
    from lpr_lint.compose import compose

    try:
        s = settings(baseline=(baseline, "--baseline"), fail_on=(fail_on, "--fail-on"),
                     strict=(strict, "--strict"))
        composed = compose(load_baseline(s["baseline"].value), as_of_date(as_of),
                           Severity(s["fail_on"].value), bool(s["strict"].value))
    except LprLintError as exc:
        fatal(str(exc))
    typer.echo(json.dumps(composed, indent=2, ensure_ascii=False))


@app.command()
def rules(
    baseline: BaselineOpt = None,
    output_format: Annotated[DocFormat, typer.Option(
        "--format", "-f", case_sensitive=False, help="text, json or markdown (docs/rules.md).")]
    = "text",  # type: ignore[assignment]
) -> None:
    """List the baseline's rules."""
    from lpr_lint.engine import FORMAT_RULES
    from lpr_lint.explain import rule_table, rules_json, rules_markdown

    try:
        base = load_baseline(settings(baseline=(baseline, "--baseline"))["baseline"].value)
    except LprLintError as exc:
        fatal(str(exc))
    fmt = DocFormat(output_format).value
    if fmt == "json":
        typer.echo(rules_json(base), nl=False)
    elif fmt == "markdown":
        typer.echo(rules_markdown(base), nl=False)
    else:
        typer.echo(rule_table(base, FORMAT_RULES), nl=False)


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE-ID", help="A rule id, e.g. CT-RET-001.",
                                           show_default=False)],
    baseline: BaselineOpt = None,
) -> None:
    """Show one rule in full: why it exists, its legal basis, what it checks, how to fix it."""
    from lpr_lint.explain import UnknownRule, explain_rule

    try:
        base = load_baseline(settings(baseline=(baseline, "--baseline"))["baseline"].value)
        text = explain_rule(base, rule_id)
    except UnknownRule as exc:
        fatal(str(exc), ExitCode.USAGE)
    except LprLintError as exc:
        fatal(str(exc))
    typer.echo(text, nl=False)


@app.command()
def convert(
    input_path: Annotated[str, typer.Argument(metavar="INPUT", help="A vendor file.",
                                              show_default=False)],
    source: FromOpt = None,
    output_format: Annotated[str, typer.Option(
        "--format", "-f", metavar="json|yaml", help="Output encoding.")] = "json",
) -> None:
    """Print a vendor file (Flock portal snapshot, share list, user list) as export format v1."""
    from lpr_lint.adapters.load import load_input
    from lpr_lint.errors import InputError

    if output_format not in ("json", "yaml"):
        raise typer.BadParameter("choose json or yaml", param_hint="--format")
    try:
        loaded = load_input(input_path, source=SourceChoice(source).value if source else None)
    except (InputError, LprLintError) as exc:
        fatal(exc.one_line() if isinstance(exc, InputError) else str(exc))
    for notice in loaded.notices:
        typer.echo(f"{TOOL_NAME}: {notice}", err=True)
    data = loaded.document.data
    if output_format == "yaml":
        import yaml

        typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), nl=False)
    else:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


app.command()(cli_history.approve)
app.command()(cli_history.drift)
app.command()(cli_history.history)
app.add_typer(cli_history.ledger_app, name="ledger")
app.command()(cli_setup.config)
app.command()(cli_setup.init)
app.command()(cli_certify.certify)
app.command("verify-cert")(cli_certify.verify_cert)
app.command()(cli_audit.audit)


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
