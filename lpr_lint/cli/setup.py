"""CLI commands that set a repository up: ``config`` and ``init``.

Registered on the app explicitly in :mod:`lpr_lint.cli`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from lpr_lint.cli.common import choice, fatal, settings
from lpr_lint.errors import LprLintError

if TYPE_CHECKING:
    from lpr_lint.config import Setting


def _config_text(effective: dict[str, Setting]) -> str:
    width = max(len(k) for k in effective)
    return "".join(f"{key.ljust(width)}  "
                   f"{s.value if isinstance(s.value, str) else json.dumps(s.value)}  "
                   f"({s.source})\n" for key, s in effective.items())


def _config_json(effective: dict[str, Setting]) -> str:
    return json.dumps({k: {"value": v.value, "source": v.source} for k, v in effective.items()},
                      indent=2, sort_keys=True) + "\n"


CONFIG_FORMATS: dict[str, Callable[[dict[str, Setting]], str]] = {
    "text": _config_text, "json": _config_json}
"""``config --format``: the effective settings as text or JSON."""


def config(
    output_format: Annotated[str, choice(
        CONFIG_FORMATS, "--format", "-f", help="text or json.")] = "text",
) -> None:
    """Print the effective configuration.

    Each setting's value, and where it came from: a flag, an LPR_LINT_* variable, the
    config file, or the default.
    """
    try:
        effective = settings()
    except LprLintError as exc:
        fatal(str(exc))
    typer.echo(CONFIG_FORMATS[output_format](effective), nl=False)


def init(
    directory: Annotated[str, typer.Argument(metavar="DIR", help="Where to write the files.")]
    = ".",
) -> None:
    """Write the starter files for a repository of exports.

    A starter config, an empty waivers file, a pre-commit config and a GitHub workflow.
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
