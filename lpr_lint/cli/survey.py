"""CLI command ``survey``: many agencies' exports or portal snapshots in one view. Registered
on the app explicitly in :mod:`lpr_lint.cli.app`; the survey itself is imported only when it
runs, so start-up stays lazy."""

from __future__ import annotations

from typing import Annotated

import typer

from lpr_lint import TOOL_NAME
from lpr_lint.cli.common import (
    AsOfOpt,
    FromOpt,
    as_of_date,
    choice,
    fatal,
    parse_outputs,
    write_output,
)
from lpr_lint.cli.exits import ExitCode
from lpr_lint.errors import LprLintError
from lpr_lint.report import SURVEY_REPORTERS, load


def survey(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH...", show_default=False,
        help="Exports, vendor files (e.g. Flock portal snapshots), or folders: a folder of one "
        "agency's dated snapshots is that agency; a folder of such folders is every agency "
        "in it.")],
    baseline: Annotated[str, typer.Option(
        "--baseline", "-b", metavar="auto|ID|FILE",
        help="auto: each agency under its own agency.state's baseline (an agency of a state "
        "with none is not judged); ID or FILE: every agency under that baseline. Counts are "
        "always relative to each agency's own state.")] = "auto",
    as_of: AsOfOpt = None,
    output_format: Annotated[str | None, choice(
        SURVEY_REPORTERS, "--format", "-f", help="Report format on stdout (default text).")
    ] = None,
    output: Annotated[list[str] | None, typer.Option(
        "--output", "-o", metavar="FORMAT:PATH", show_default=False,
        help=f"Also write a report ({', '.join(SURVEY_REPORTERS)}) to PATH; repeatable.")
    ] = None,
    all_snapshots: Annotated[bool, typer.Option(
        "--all-snapshots", help="One row per snapshot of each agency, not only its latest.")
    ] = False,
    source: FromOpt = None,
) -> None:
    """Survey many agencies in one view.

    One row per agency (verdict, failed rules, retention and its limit, recipients out of
    the agency's state, federal and private), totals, and every organisation receiving their
    data. Not legal advice.
    Exit codes: 0 every judged agency passes, 1 a judged agency fails (or a rule it must
    meet is unknown), 2 usage error, 3 an input or the baseline cannot be read."""
    from lpr_lint.rules.baseline import Baseline
    from lpr_lint.rules.baseline import load_baseline as load_named
    from lpr_lint.rules.engine import Options
    from lpr_lint.rules.registry import AUTO, AUTO_ID, Auto
    from lpr_lint.survey.judge import survey as run_survey

    specs = ([output_format] if output_format else []) + (output or [])
    outputs = parse_outputs(specs or ["text"], "--output", SURVEY_REPORTERS)
    try:
        base: Baseline | Auto = AUTO if baseline.lower() == AUTO_ID else load_named(baseline)
        found = run_survey(paths, base, Options(as_of=as_of_date(as_of)),
                           every=all_snapshots, source=source)
    except LprLintError as exc:
        fatal(str(exc))
    for fmt, path in outputs:
        write_output(load(SURVEY_REPORTERS, fmt)(found), fmt, path, "survey")
    if all(path is not None for _, path in outputs):
        t = found.totals
        typer.echo(f"{TOOL_NAME}: survey of {t.agencies:,} agencies: {t.passed:,} pass, "
                   f"{t.failed:,} fail, {t.unknown:,} unknown, {t.no_baseline:,} no baseline, "
                   f"{t.unreadable:,} unreadable", err=True)
    for u in found.unreadable:
        typer.echo(f"{TOOL_NAME}: {u.path}: error: {u.error}", err=True)
    code = (ExitCode.INPUT if found.unreadable else
            ExitCode.FINDINGS if found.failed else ExitCode.OK)
    raise typer.Exit(int(code))
