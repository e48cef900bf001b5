"""``check``, ``schema``, ``rules``, ``sources``, ``explain`` and ``convert``: judging
exports and showing the baseline."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lpr_lint import TOOL_NAME
from lpr_lint.cli.common import (
    AsOfOpt,
    BaselineOpt,
    FailOnOpt,
    FromOpt,
    StrictOpt,
    WaiversOpt,
    as_of_date,
    choice,
    fatal,
    judging,
    load_baseline,
    parse_outputs,
    parse_size,
    settings,
    write_output,
)
from lpr_lint.cli.exits import ExitCode
from lpr_lint.errors import LprLintError
from lpr_lint.model import FileStatus, Severity
from lpr_lint.report import REPORTERS, load, reporter

if TYPE_CHECKING:
    from lpr_lint.model import Report


def _write_outputs(report: Report, outputs: list[tuple[str, str | None]]) -> None:
    from lpr_lint.report.text import TextReporter

    for fmt, path in outputs:
        write_output(reporter(fmt).render(report), fmt, path)
    if all(path is not None for _, path in outputs):
        typer.echo(TextReporter.summary(report), err=True)


def check(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH...", help="Export files, or directories to search for *.json, *.yaml, "
        "*.yml.", show_default=False)],
    baseline: BaselineOpt = None,
    output_format: Annotated[str | None, choice(
        REPORTERS, "--format", "-f", help="Report format on stdout (default text).")] = None,
    output: Annotated[list[str] | None, typer.Option(
        "--output", "-o", metavar="FORMAT[:PATH]", show_default=False,
        help="Write a report; repeatable; no PATH (or -) means stdout.")] = None,
    fail_on: FailOnOpt = None,
    as_of: AsOfOpt = None,
    strict: StrictOpt = None,
    allow_unknown: Annotated[bool | None, typer.Option(
        "--allow-unknown/--no-allow-unknown", show_default=False,
        help="Report missing values as unknown without failing on them.")] = None,
    waivers: WaiversOpt = None,
    max_file_size: Annotated[str | None, typer.Option(
        "--max-file-size", metavar="SIZE", callback=parse_size,
        help="Refuse files larger than this (e.g. 500K, 64M). Default: 64M.")] = None,
    source: FromOpt = None,
) -> None:
    """Check exports against a baseline.

    Each finding is reported at file:line:column, with its rule, severity and citations.
    """
    from lpr_lint.load.files import DEFAULT_MAX_BYTES
    from lpr_lint.rules.run import run_check

    flag_outputs = ([output_format] if output_format else []) + (output or [])
    try:
        s = settings(baseline=(baseline, "--baseline"), fail_on=(fail_on, "--fail-on"),
                     strict=(strict, "--strict"), allow_unknown=(allow_unknown, "--allow-unknown"),
                     waivers=(waivers, "--waivers"),
                     outputs=(flag_outputs or None, "--output"))
    except LprLintError as exc:
        fatal(str(exc))
    try:
        outputs = parse_outputs(s["outputs"].value or ["text"], s["outputs"].source, REPORTERS)
    except typer.BadParameter as exc:
        if s["outputs"].source.startswith("flag"):
            raise
        fatal(f"invalid configuration: {exc.message}")
    try:
        base, options, waiver_set = judging(s, as_of, bool(s["allow_unknown"].value))
        report = run_check(paths, base, options,
                           int(max_file_size) if max_file_size else DEFAULT_MAX_BYTES, waiver_set,
                           source=source)
    except LprLintError as exc:
        fatal(str(exc))
    for result in report.files:
        for notice in result.notices:
            typer.echo(f"{TOOL_NAME}: {notice}", err=True)
    _write_outputs(report, outputs)
    raise typer.Exit(int(exit_code(report)))


def schema(
    baseline: BaselineOpt = None,
    as_of: AsOfOpt = None,
    fail_on: FailOnOpt = None,
    strict: StrictOpt = None,
) -> None:
    """Print the baseline composed into one JSON Schema.

    The schema is JSON Schema Draft 2020-12. A file is valid against it exactly when `check`
    with the same --as-of, --fail-on and --strict passes it, so check-jsonschema and editors
    can use it (write it to a file first: check-jsonschema cannot read a pipe).
    """
    from lpr_lint.rules.compose import compose

    try:
        s = settings(baseline=(baseline, "--baseline"), fail_on=(fail_on, "--fail-on"),
                     strict=(strict, "--strict"))
        composed = compose(load_baseline(s["baseline"].value), as_of_date(as_of),
                           Severity(s["fail_on"].value), bool(s["strict"].value))
    except LprLintError as exc:
        fatal(str(exc))
    typer.echo(json.dumps(composed, indent=2, ensure_ascii=False))


RULE_LISTINGS = {"text": "lpr_lint.rules.explain:rule_table",
                 "json": "lpr_lint.rules.explain:rules_json",
                 "markdown": "lpr_lint.rules.explain:rules_markdown"}
"""``rules --format``: the rule listing as a table, JSON, or the Markdown reference."""


def rules(
    baseline: BaselineOpt = None,
    output_format: Annotated[str, choice(
        RULE_LISTINGS, "--format", "-f", help="text, json or markdown (docs/rules.md).")]
    = "text",
) -> None:
    """List the baseline's rules."""
    _print_listing(RULE_LISTINGS, output_format, baseline)


def _print_listing(listings: dict[str, str], output_format: str, baseline: str | None) -> None:
    """Print a listing of the configured (or given) baseline in the chosen format."""
    try:
        base = load_baseline(settings(baseline=(baseline, "--baseline"))["baseline"].value)
    except LprLintError as exc:
        fatal(str(exc))
    typer.echo(load(listings, output_format)(base), nl=False)


SOURCE_LISTINGS = {"text": "lpr_lint.rules.sources:sources_text",
                   "json": "lpr_lint.rules.sources:sources_json",
                   "markdown": "lpr_lint.rules.sources:sources_markdown"}
"""``sources --format``: the baseline's sources with the rules that cite them."""


def sources(
    baseline: BaselineOpt = None,
    output_format: Annotated[str, choice(
        SOURCE_LISTINGS, "--format", "-f", help="text, json or markdown (docs/sources.md).")]
    = "text",
) -> None:
    """List the baseline's sources and the rules citing them.

    Each source with its kind and reliability, and what each citing rule relies on it for.
    """
    _print_listing(SOURCE_LISTINGS, output_format, baseline)


BASELINE_LISTINGS = {"text": "lpr_lint.rules.shipped:baselines_text",
                     "json": "lpr_lint.rules.shipped:baselines_json",
                     "markdown": "lpr_lint.rules.shipped:baselines_markdown"}
"""``baselines --format``: the baselines that ship."""


def baselines(
    output_format: Annotated[str, choice(
        BASELINE_LISTINGS, "--format", "-f", help="text, json or markdown.")] = "text",
) -> None:
    """List the baselines that ship.

    Each with its version, what it extends, its rules and the share of them that rest on
    primary sources.
    """
    from lpr_lint.rules.shipped import shipped

    try:
        items = shipped()
    except LprLintError as exc:
        fatal(str(exc))
    typer.echo(load(BASELINE_LISTINGS, output_format)(items), nl=False)


def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE-ID", help="A rule id, e.g. CT-RET-001.",
                                           show_default=False)],
    baseline: BaselineOpt = None,
) -> None:
    """Show one rule in full.

    Why it exists, its legal basis and sources, what it checks, and how to fix a finding.
    """
    from lpr_lint.rules.explain import UnknownRule, explain_rule

    try:
        spec = settings(baseline=(baseline, "--baseline"))["baseline"].value
        base = None if spec == "auto" else load_baseline(spec)
        if (base is None or baseline is None) and (base is None or not any(
                r.id.lower() == rule_id.lower() for r in base.rules)):
            other = _baseline_of(rule_id)  # CA-SHR-001 is California's
            base = load_baseline(other) if other else base
        text = explain_rule(base if base is not None else load_baseline(spec), rule_id)
    except UnknownRule as exc:
        fatal(str(exc), ExitCode.USAGE)
    except LprLintError as exc:
        fatal(str(exc))
    typer.echo(text, nl=False)


def _baseline_of(rule_id: str) -> str | None:
    """The built-in baseline whose rule ids carry this id's prefix (``CA-`` → ``ca``)."""
    from lpr_lint.rules.registry import CHECKABLE_BASELINES

    prefix = rule_id.split("-", 1)[0].lower()
    return prefix if prefix in CHECKABLE_BASELINES else None


def _as_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _as_yaml(data: Any) -> str:
    import yaml

    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


ENCODINGS: dict[str, Callable[[Any], str]] = {"json": _as_json, "yaml": _as_yaml}
"""``convert --format``: how the export is written."""


def convert(
    input_path: Annotated[str, typer.Argument(metavar="INPUT", help="A vendor file.",
                                              show_default=False)],
    source: FromOpt = None,
    output_format: Annotated[str, choice(
        ENCODINGS, "--format", "-f", help="Output encoding.")] = "json",
) -> None:
    """Print a vendor file as export format v1.

    Reads a Flock portal snapshot, share list or user list (the format detected from its
    content, or named by --from).
    """
    from lpr_lint.adapters.load import load_input
    from lpr_lint.errors import InputError

    try:
        loaded = load_input(input_path, source=source)
    except (InputError, LprLintError) as exc:
        fatal(exc.one_line() if isinstance(exc, InputError) else str(exc))
    for notice in loaded.notices:
        typer.echo(f"{TOOL_NAME}: {notice}", err=True)
    typer.echo(ENCODINGS[output_format](loaded.document.data), nl=False)


def exit_code(report: Report) -> ExitCode:
    """3 if any file could not be read, else 1 if any finding gates, else 0."""
    if any(f.status is FileStatus.ERROR for f in report.files):
        return ExitCode.INPUT
    if any(f.status is FileStatus.FAIL for f in report.files):
        return ExitCode.FINDINGS
    return ExitCode.OK
