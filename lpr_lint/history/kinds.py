"""The words of drift: directions, change kinds, compliance and gates.

A leaf beside :mod:`lpr_lint.history.records`, so the command line can offer the gates as
choices without building the records at start-up.
"""

from __future__ import annotations

from lpr_lint.model import TextEnum


class Direction(TextEnum):
    """Which way a change moves compliance."""

    LOOSENING = "loosening"
    TIGHTENING = "tightening"
    NEUTRAL = "neutral"


class ChangeKind(TextEnum):
    """What happened to a value."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class Compliance(TextEnum):
    """A governed value's standing on one side of a change."""

    COMPLIANT = "compliant"
    VIOLATING = "violating"
    ABSENT = "absent"
    """A whole list item that is not there on this side."""


class Gate(TextEnum):
    """``--fail-on`` for drift and history: what makes the run fail (exit 1)."""

    LOOSENING = "loosening"
    """Any loosening change or new violation (the default)."""
    VIOLATION = "violation"
    """New violations only."""
    ANY = "any"
    """Any change."""
    NEVER = "never"
