"""A key given twice in one mapping: the file is ambiguous, and the error says which file.

The parsers raise :class:`DuplicateKey` about an export; a reader of another kind of file
(a certificate, the configuration) names its own with :meth:`DuplicateKey.of`.
"""

from __future__ import annotations

from lpr_lint.errors import InputError


class DuplicateKey(InputError):
    """A mapping gives ``key`` twice, first at line ``first``: nothing is guessed."""

    def __init__(self, path: str, key: str, first: int, line: int | None = None,
                 column: int | None = None, noun: str = "export") -> None:
        self.key = key
        self.first = first
        self.noun = noun
        super().__init__(path, f"the {noun} is ambiguous: duplicate key {key!r} (first at "
                         f"line {first})", line, column)

    def of(self, noun: str) -> DuplicateKey:
        """The same error about a file of another kind (``the certificate is ambiguous``)."""
        return DuplicateKey(self.path, self.key, self.first, self.line, self.column, noun)
