"""GitHub Actions workflow commands: one annotation per finding on the pull request's diff.

``::error`` for critical and high, ``::warning`` for medium, ``::notice`` for low and info.
GitHub shows at most 10 annotations of each level per step, so at most 10 of each are
emitted (most severe first, then in file and line order) and a final notice counts the rest;
when that notice is needed it takes the tenth notice's place. Waived findings are not
annotated. With nothing to annotate the output is the plain summary line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lpr_lint.model import Report, Severity
from lpr_lint.report._paths import (
    INPUT_RULE,
    cited,
    input_problems,
    repo_relative,
)
from lpr_lint.report.base import Reporter
from lpr_lint.report.text import TextReporter

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PER_LEVEL = 10
LEVELS = ("error", "warning", "notice")
LEVEL_OF = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
            Severity.LOW: "notice", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A workflow command's message (control characters other than CR and LF removed)."""
    text = _CONTROL.sub("", text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass(frozen=True, slots=True, order=True)
class Annotation:
    """One workflow command; ordering is the order of preference within a level."""

    rank: int
    """Negated severity rank, so the most severe sorts first (input errors before all)."""
    path: str
    line: int
    column: int
    title: str
    message: str
    level: str

    def command(self) -> str:
        props = (f"file={escape_property(self.path)},line={self.line},col={self.column},"
                 f"title={escape_property(self.title)}")
        return f"::{self.level} {props}::{escape_data(self.message)}"


def collect_annotations(report: Report) -> list[Annotation]:
    """Every annotation the report calls for, unsorted and uncapped."""
    out = [Annotation(-(Severity.CRITICAL.rank + 1), p.path, p.line, p.column,
                      f"{INPUT_RULE.id} ({INPUT_RULE.severity.value})", p.message,
                      "error")
           for p in input_problems(report)]
    for f in report.findings:
        if f.waiver is not None:
            continue
        out.append(Annotation(-f.severity.rank, repo_relative(f.file), max(f.line, 1),
                              max(f.column, 1), f"{f.rule_id} ({f.severity.value})",
                              cited(f.message, f),
                              LEVEL_OF[f.severity]))
    return out


def select(found: list[Annotation]) -> tuple[list[Annotation], int]:
    """The annotations to emit, in output order, and how many were left out."""
    chosen: list[Annotation] = []
    for level in LEVELS:
        chosen += sorted(a for a in found if a.level == level)[:PER_LEVEL]
    left_out = len(found) - len(chosen)
    if left_out and sum(1 for a in chosen if a.level == "notice") == PER_LEVEL:
        chosen.pop()  # the summary notice needs the tenth notice slot
        left_out += 1
    return chosen, left_out


class GithubReporter(Reporter):
    """GitHub Actions annotations."""

    def render(self, report: Report) -> str:
        chosen, left_out = select(collect_annotations(report))
        if not chosen and not left_out:
            return TextReporter.summary(report) + "\n"
        lines = [a.command() for a in chosen]
        if left_out:
            lines.append(f"::notice::{left_out} more finding(s) not annotated; see the SARIF "
                         "or JSON report")
        return "\n".join(lines) + "\n"
