"""CLI commands for vendor self-certification: ``certify`` and ``verify-cert``.

Registered on the app explicitly in :mod:`lpr_lint.cli`.
"""

from __future__ import annotations

import typer


def certify() -> None:
    """Self-certify an export: a verifiable report of every rule's outcome."""
    typer.echo("lpr-lint: certify is not available yet", err=True)
    raise typer.Exit(2)


def verify_cert() -> None:
    """Re-run a certificate's check and confirm its hashes and outcomes."""
    typer.echo("lpr-lint: verify-cert is not available yet", err=True)
    raise typer.Exit(2)
