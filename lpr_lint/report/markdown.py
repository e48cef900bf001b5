"""Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

A heading with the verdict, the summary line, then one table per file with findings
(waived findings in a separate table with the waiver), and the unreadable files. Every table
cell is escaped, so text from an export cannot break the table or inject markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lpr_lint.model import FileResult, FileStatus, Finding, Outcome, Report
from lpr_lint.report._paths import repo_relative
from lpr_lint.report.base import Reporter
from lpr_lint.report.text import TextReporter

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&#!])")
_BACKTICKS = re.compile(r"`+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def md_escape(text: str) -> str:
    """Text safe in a Markdown paragraph or table cell: markup characters backslash-escaped,
    line breaks turned into spaces, other control characters removed."""
    return _SPECIAL.sub(r"\\\1", _CONTROL.sub("", " ".join(text.splitlines())))


def md_code(text: str, table: bool = True) -> str:
    """A code span: a longer fence when the text holds backticks, line breaks as spaces, and
    in a table cell pipes escaped (GitHub splits cells before it parses spans)."""
    text = _CONTROL.sub("", " ".join(text.splitlines()))
    if table:
        text = text.replace("|", "\\|")
    if not text:
        return ""
    runs = [len(m) for m in _BACKTICKS.findall(text)]
    if not runs:
        return f"`{text}`"
    fence = "`" * (max(runs) + 1)
    return f"{fence} {text} {fence}"


def md_quotes(notes: Iterable[str]) -> list[str]:
    """Each note as an escaped block quote line, then a blank line; nothing for no notes."""
    quoted = [f"> {md_escape(n)}" for n in notes]
    return [*quoted, ""] if quoted else []


def md_opening(heading: str, intro: str, notices: Iterable[str]) -> list[str]:
    """A report's opening lines: ``### heading`` and ``intro`` (both Markdown already), then
    the notices about its inputs as quotes."""
    return [f"### {heading}", "", intro, "", *md_quotes(notices)]


def md_link(text: str, url: str | None) -> str:
    """``[text](<url>)`` for an http(s) URL, else the escaped text."""
    label = md_escape(text)
    if not url or not url.startswith(("https://", "http://")):
        return label
    safe = url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20").replace("|", "%7C")
    return f"[{label}](<{safe}>)"


def _location(f: Finding) -> str:
    where = md_code(f"{f.line}:{f.column}")
    return f"{where} {md_code(f.pointer)}" if f.pointer else where


def _severity(f: Finding, report: Report) -> str:
    text = f.severity.value + (" (unknown)" if f.outcome is Outcome.UNKNOWN else "")
    return f"**{text}**" if report.is_gating(f) else text


def _citations(f: Finding) -> str:
    return "; ".join(md_link(c.render(), c.url) for c in f.citations)


def _file_section(result: FileResult, report: Report) -> list[str]:
    active = [f for f in result.findings if f.waiver is None]
    waived = [f for f in result.findings if f.waiver is not None]
    lines = [f"#### {md_code(repo_relative(result.path))}", ""]
    if active:
        lines += ["| Severity | Rule | Location | Message | Citation |",
                  "|---|---|---|---|---|"]
        lines += [f"| {_severity(f, report)} | {md_escape(f.rule_id)} | {_location(f)} | "
                  f"{md_escape(f.message)} | {_citations(f)} |" for f in active]
        lines.append("")
    if waived:
        lines += [f"Waived ({len(waived)}):", "",
                  "| Severity | Rule | Location | Message | Waiver |",
                  "|---|---|---|---|---|"]
        lines += [f"| {f.severity.value} | {md_escape(f.rule_id)} | {_location(f)} | "
                  f"{md_escape(f.message)} | {md_escape(f.waiver.describe())} |"
                  for f in waived if f.waiver is not None]
        lines.append("")
    return lines


class MarkdownReporter(Reporter):
    """A verdict, the summary, and per-file tables of findings."""

    def render(self, report: Report) -> str:
        failed = any(r.status is not FileStatus.PASS for r in report.files)
        icon, verdict = ("❌", "failed") if failed else ("✅", "passed")
        lines = [f"### {icon} lpr-lint check {verdict}", "",
                 md_escape(TextReporter.summary(report)), ""]
        unreadable = [r for r in report.files if r.status is FileStatus.ERROR]
        if not report.findings and not unreadable:
            n = len(report.files)
            lines.append(f"All {n} file{'s' if n != 1 else ''} passed: no findings.")
            return "\n".join(lines) + "\n"
        for result in report.files:
            if result.findings:
                lines += _file_section(result, report)
        if unreadable:
            lines += ["#### Unreadable files", ""]
            for result in unreadable:
                line, column = result.error_line, result.error_column
                where = "" if line is None else f"{line}" + (f":{column}" if column else "")
                lines.append(f"- {md_code(repo_relative(result.path), table=False)}"
                             f"{' line ' + where if where else ''}: "
                             f"{md_escape(result.error_message or 'cannot be read')}")
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"
