"""The reporter interface."""

from __future__ import annotations

import abc

from lpr_lint.model import Report


class Reporter(abc.ABC):
    """Renders a whole report as one string (deterministic: same report, same bytes)."""

    @abc.abstractmethod
    def render(self, report: Report) -> str:
        """The complete output, ending in a newline."""
