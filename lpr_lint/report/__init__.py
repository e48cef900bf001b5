"""Reporters turn a :class:`~lpr_lint.model.Report` into text. They never print or write.

:data:`REPORTERS` is the registry: an explicit dict from format name to the reporter class,
named as ``module:Class`` so that a run imports only the reporter it uses (pre-commit starts
the CLI many times; start-up must stay lazy). The CLI's ``--format`` choices are its keys.
"""

from __future__ import annotations

import importlib

from lpr_lint.report.base import Reporter

REPORTERS: dict[str, str] = {
    "text": "lpr_lint.report.text:TextReporter",
    "json": "lpr_lint.report.json_report:JsonReporter",
    "sarif": "lpr_lint.report.sarif:SarifReporter",
    "junit": "lpr_lint.report.junit:JunitReporter",
    "gitlab": "lpr_lint.report.gitlab:GitlabReporter",
    "github": "lpr_lint.report.github:GithubReporter",
    "markdown": "lpr_lint.report.markdown:MarkdownReporter",
}


def reporter(name: str) -> Reporter:
    """A new reporter for a format name (a key of :data:`REPORTERS`)."""
    module, _, cls = REPORTERS[name].partition(":")
    made = getattr(importlib.import_module(module), cls)()
    assert isinstance(made, Reporter)
    return made


__all__ = ["REPORTERS", "Reporter", "reporter"]
