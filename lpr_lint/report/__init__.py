"""Reporters turn records into text. They never print or write.

Each output family has one registry here: an explicit dict from format name to the renderer,
named as ``module:attribute`` so that a run imports only the renderer it uses (pre-commit
starts the CLI many times; start-up must stay lazy). The CLI's ``--format`` and
``--output FORMAT:PATH`` choices are these dicts' keys.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

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
"""``check`` reports (classes taking a :class:`~lpr_lint.model.Report`)."""

DRIFT_REPORTERS: dict[str, str] = {
    "text": "lpr_lint.report.drift:TextDriftReporter",
    "json": "lpr_lint.report.drift:JsonDriftReporter",
    "markdown": "lpr_lint.report.drift:MarkdownDriftReporter",
}
"""``drift`` reports (classes taking a :class:`~lpr_lint.history.records.DriftReport`)."""

HISTORY_REPORTERS: dict[str, str] = {
    "text": "lpr_lint.report.history:TextHistoryReporter",
    "json": "lpr_lint.report.history:JsonHistoryReporter",
    "markdown": "lpr_lint.report.history:MarkdownHistoryReporter",
}
"""``history`` reports (classes taking a :class:`~lpr_lint.history.records.Timeline`)."""

ACCESS_REPORTERS: dict[str, str] = {
    "text": "lpr_lint.report.access:TextAccessReporter",
    "markdown": "lpr_lint.report.access:MarkdownAccessReporter",
    "json": "lpr_lint.report.access:JsonAccessReporter",
}
"""``access`` reports (classes taking a :class:`~lpr_lint.access.records.AccessReport`)."""

SURVEY_REPORTERS: dict[str, str] = {
    "text": "lpr_lint.report.survey:render_text",
    "markdown": "lpr_lint.report.survey:render_markdown",
    "html": "lpr_lint.report.survey:render_html",
    "csv": "lpr_lint.report.survey:render_csv",
    "json": "lpr_lint.report.survey:render_json",
}
"""``survey`` reports (functions of a :class:`~lpr_lint.survey.records.Survey`)."""

CERTIFICATE_RENDERERS: dict[str, str] = {
    "markdown": "lpr_lint.report.certificate:certificate_markdown",
    "html": "lpr_lint.report.certificate:certificate_html",
}
"""Certificates for auditors, written beside the JSON certificate (functions of it)."""


def load(registry: Mapping[str, str], name: str) -> Any:
    """The class or function a registry names for ``name``, imported now."""
    module, _, attribute = registry[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


def reporter(name: str) -> Reporter:
    """A new ``check`` reporter for a format name (a key of :data:`REPORTERS`)."""
    made = load(REPORTERS, name)()
    assert isinstance(made, Reporter)
    return made


__all__ = ["ACCESS_REPORTERS", "CERTIFICATE_RENDERERS", "DRIFT_REPORTERS", "HISTORY_REPORTERS",
           "REPORTERS", "SURVEY_REPORTERS", "Reporter", "load", "reporter"]
