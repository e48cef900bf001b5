"""The ``lpr-lint`` application: every command registered explicitly, and the entry point.

The package :mod:`lpr_lint.cli` is the only code that imports typer, prints, or exits. Each
command parses options, resolves settings (flags > ``LPR_LINT_*`` > config file > defaults),
builds core objects, runs them, renders strings and maps the result (or a subsystem's
exception) to an :class:`~lpr_lint.errors.ExitCode`.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from lpr_lint import TOOL_NAME, __version__
from lpr_lint.cli.access import access
from lpr_lint.cli.audit import audit
from lpr_lint.cli.certify import certify, verify_cert
from lpr_lint.cli.check import baselines, check, convert, explain, rules, schema, sources
from lpr_lint.cli.exits import ExitCode
from lpr_lint.cli.history import approve, drift, history, ledger_app
from lpr_lint.cli.setup import config, init
from lpr_lint.cli.survey import survey

app = typer.Typer(
    name=TOOL_NAME,
    help="Check LPR/ALPR platform configuration exports against state LPR law (Connecticut's "
    "by default; lpr-lint baselines lists the others) and best practice. Not legal advice."
    "\n\nExit codes: 0 clean, 1 findings, 2 usage error, 3 input or config error.",
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


for command in (check, schema, rules, sources, baselines, explain, convert, approve, drift,
                history):
    app.command()(command)
app.add_typer(ledger_app, name="ledger")
app.command()(config)
app.command()(init)
app.command()(certify)
app.command("verify-cert")(verify_cert)
app.command()(audit)
app.command()(access)
app.command()(survey)


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
