"""Exception bases, one per subsystem.

The core raises them; only :mod:`lpr_lint.cli` turns them into messages and exit codes
(:mod:`lpr_lint.cli.exits`).
"""

from __future__ import annotations


class LprLintError(Exception):
    """Root of every error lpr-lint reports to a user as a one-line message."""


class InputError(LprLintError):
    """An export (or other input file) cannot be read unambiguously.

    ``line`` and ``column`` are 1-based and point at the problem when known.
    """

    def __init__(self, path: str, message: str, line: int | None = None,
                 column: int | None = None) -> None:
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """``path:line:col: error: message``, the form editors and CI logs understand."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: error: {self.message}"


class BaselineError(LprLintError):
    """A baseline (built-in or user-supplied) is missing, malformed or inconsistent."""


class SchemaError(LprLintError):
    """A JSON Schema uses a keyword or shape the built-in evaluator does not support."""
