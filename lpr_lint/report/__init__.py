"""Reporters turn a :class:`~lpr_lint.model.Report` into text. They never print or write.

:data:`REPORTERS` is the registry; the CLI's ``--format`` choices are its keys.
"""

from __future__ import annotations

from lpr_lint.report.base import Reporter
from lpr_lint.report.github import GithubReporter
from lpr_lint.report.gitlab import GitlabReporter
from lpr_lint.report.json_report import JsonReporter
from lpr_lint.report.junit import JunitReporter
from lpr_lint.report.markdown import MarkdownReporter
from lpr_lint.report.sarif import SarifReporter
from lpr_lint.report.text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "sarif": SarifReporter,
    "junit": JunitReporter,
    "gitlab": GitlabReporter,
    "github": GithubReporter,
    "markdown": MarkdownReporter,
}

__all__ = ["REPORTERS", "Reporter"]
