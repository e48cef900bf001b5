"""CLI commands that set a repository up: ``config`` and ``init``.

Registered on the app explicitly in :mod:`lpr_lint.cli`.
"""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

from lpr_lint.cli.common import DataFormat, fatal, settings
from lpr_lint.errors import LprLintError


def config(
    output_format: Annotated[DataFormat, typer.Option(
        "--format", "-f", case_sensitive=False, help="text or json.")] = "text",  # type: ignore[assignment]
) -> None:
    """Print the effective configuration and where each value came from."""
    try:
        effective = settings()
    except LprLintError as exc:
        fatal(str(exc))
    if DataFormat(output_format).value == "json":
        typer.echo(json.dumps({k: {"value": v.value, "source": v.source}
                               for k, v in effective.items()}, indent=2, sort_keys=True))
        return
    width = max(len(k) for k in effective)
    for key, s in effective.items():
        value = json.dumps(s.value) if not isinstance(s.value, str) else s.value
        typer.echo(f"{key.ljust(width)}  {value}  ({s.source})")


def init(
    directory: Annotated[str, typer.Argument(metavar="DIR", help="Where to write the files.")]
    = ".",
) -> None:
    """Write a starter config, an empty waivers file, a pre-commit config and a GitHub workflow.

    Existing files are never overwritten. Prints the next steps (placeholders to fill in, the
    first approval, installing the pre-commit and pre-push hooks).
    """
    from lpr_lint.cli.starter import NEXT_STEPS, STARTER_FILES

    for rel, content in STARTER_FILES:
        path = os.path.join(directory, rel)
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            typer.echo(f"kept     {path} (exists; not overwritten)")
            continue
        except OSError as exc:
            fatal(f"{path}: cannot write: {exc.strerror or exc}")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
        typer.echo(f"created  {path}")
    typer.echo("\nNext steps:")
    for number, step in enumerate(NEXT_STEPS, start=1):
        first, *rest = step.splitlines()
        typer.echo(f"  {number}. {first}")
        for line in rest:
            typer.echo(f"     {line}")
