"""The exit codes every command maps its results and errors to (in the CLI only)."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Exit codes shared by every command."""

    OK = 0
    """Nothing at or above the failure threshold."""
    FINDINGS = 1
    """Findings at or above the threshold (or drift that fails the gate)."""
    USAGE = 2
    """The command line itself is wrong (reserved by Typer/Click)."""
    INPUT = 3
    """An input, baseline or configuration could not be read or is ambiguous."""
