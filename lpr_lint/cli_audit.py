"""CLI command for search-audit log review: ``audit``. Registered in :mod:`lpr_lint.cli`."""

from __future__ import annotations

import typer


def audit() -> None:
    """Review search-audit logs for immigration-related reasons and out-of-state requesters."""
    typer.echo("lpr-lint: audit is not available yet", err=True)
    raise typer.Exit(2)
