"""CLI command ``access``: who can reach an export's data and do what. Registered on the app
explicitly in :mod:`lpr_lint.cli.app`."""

from __future__ import annotations

from typing import Annotated

import typer

from lpr_lint import TOOL_NAME
from lpr_lint.cli.common import (
    BaselineOpt,
    FromOpt,
    as_of_date,
    choice,
    fatal,
    load_baseline,
    parse_date,
    settings,
)
from lpr_lint.errors import InputError, LprLintError
from lpr_lint.report import ACCESS_REPORTERS, load


def access(
    export: Annotated[str, typer.Argument(
        metavar="EXPORT", help="An export, or a vendor file (e.g. a Flock portal snapshot).",
        show_default=False)],
    output_format: Annotated[str, choice(
        ACCESS_REPORTERS, "--format", "-f", help="Report format.")] = "text",
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="YYYY-MM-DD", callback=parse_date,
        help="The date that decides which shares have expired. Default: today.")] = None,
    source: FromOpt = None,
    baseline: BaselineOpt = None,
) -> None:
    """Show who can reach the data and do what.

    The organisations that receive it (by state and kind, with permissions, declarations,
    warrant-only and expiry) and the roles inside. A report, not a gate: exit 0 when it is
    produced, 3 when the input cannot be read. The baseline gives the ceiling on roles with
    elevated permissions.
    """
    from lpr_lint.access.analysis import access_report

    try:
        s = settings(baseline=(baseline, "--baseline"))
        report, notices = access_report(export, as_of_date(as_of), source=source,
                                        baseline=load_baseline(s["baseline"].value, export))
    except LprLintError as exc:
        fatal(exc.one_line() if isinstance(exc, InputError) else str(exc))
    for notice in notices:
        typer.echo(f"{TOOL_NAME}: {notice}", err=True)
    typer.echo(load(ACCESS_REPORTERS, output_format)().render(report), nl=False)
