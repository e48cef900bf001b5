"""The command line (the only package that imports typer, prints or exits): one module per
command family, registered in :mod:`lpr_lint.cli.app`."""

from lpr_lint.cli.app import app, main

__all__ = ["app", "main"]
