"""Search-audit log review: readers, the search-reason matcher, flags, summaries, reports.

:data:`RENDERERS` is the audit's report registry (format name → ``module:function``, imported
only when used); the CLI's ``--format`` and ``--output FORMAT:PATH`` choices are its keys.
:data:`GATES` are the ``--fail-on`` choices.
"""

RENDERERS: dict[str, str] = {
    "text": "lpr_lint.audit.reports:write_text",
    "json": "lpr_lint.audit.reports:write_json",
    "csv": "lpr_lint.audit.reports:write_csv",
    "markdown": "lpr_lint.audit.reports:write_markdown",
    "html": "lpr_lint.audit.reports:write_html",
}
"""Renderers ``(auditor, stream) -> None``, each writing one format."""

GATES = ("violation", "review", "never")
"""What fails an audit run (exit 1): a violation-level match, anything needing review, never."""
