"""CLI command for search-audit log review: ``audit``. Registered in :mod:`lpr_lint.cli`.

Heavy imports happen inside the command, so ``lpr-lint --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from lpr_lint.atomic import atomic_writer
from lpr_lint.audit import GATES, RENDERERS
from lpr_lint.cli.common import choice, fatal, parse_date, parse_outputs
from lpr_lint.cli.exits import ExitCode
from lpr_lint.report import load

if TYPE_CHECKING:
    from lpr_lint.audit.review import Auditor

PROGRESS_MIN_BYTES = 50 * 1024 * 1024
"""A progress line on stderr only for inputs larger than this (and only on a terminal)."""


def _state(value: str) -> str:
    """``--agency-state``: a USPS code of ``baselines/data/us-states.yaml`` (any case)."""
    from lpr_lint.errors import LprLintError
    from lpr_lint.load.data import load_data_file

    try:
        _, data = load_data_file("data/us-states.yaml", "us-states.schema.json")
    except LprLintError as exc:
        fatal(str(exc))
    codes = {entry["code"]: entry["name"] for entry in data["states"]}
    code = value.strip().upper()
    if code not in codes:
        raise typer.BadParameter(f"{value!r} is not a US state code: write the two-letter USPS "
                                 f"code of a state, DC or a territory (e.g. CT for "
                                 f"{codes.get('CT', 'Connecticut')})", param_hint="--agency-state")
    return code


def _mapping(specs: list[str]) -> dict[str, str]:
    from lpr_lint.audit.logs import FIELDS

    mapping: dict[str, str] = {}
    for spec in specs:
        column, sep, field = spec.rpartition("=")
        if not sep or not column.strip() or field.strip() not in FIELDS:
            raise typer.BadParameter(f"{spec!r}: write COLUMN=FIELD with FIELD one of "
                                     f"{', '.join(FIELDS)}", param_hint="--map")
        mapping[column.strip()] = field.strip()
    return mapping


def _partners(path: str) -> frozenset[str]:
    from lpr_lint.adapters.load import load_input
    from lpr_lint.audit.logs import partner_key
    from lpr_lint.errors import LprLintError

    try:
        data = load_input(path).document.data
    except LprLintError as exc:
        fatal(str(exc))
    sharing = data.get("sharing") if isinstance(data, dict) else None
    partners = sharing.get("partners") if isinstance(sharing, dict) else None
    if not isinstance(partners, list):
        fatal(f"{path}: error: --config: no sharing.partners list in this export")
    return frozenset(partner_key(p["name"]) for p in partners
                     if isinstance(p, dict) and isinstance(p.get("name"), str))


def _progress(path: str, where: float | None, rows: int) -> None:
    pct = f"{where * 100:5.1f}% " if where is not None else ""
    sys.stderr.write(f"\r{path}: {pct}{rows:,} searches")
    sys.stderr.flush()


def _write(auditor: Auditor, fmt: str, path: str | None) -> None:
    """Render to stdout, or atomically to ``path`` (nothing is left if interrupted)."""
    render = load(RENDERERS, fmt)
    if path is None:
        render(auditor, sys.stdout)
        sys.stdout.flush()
        return
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with atomic_writer(path) as fh:
            render(auditor, fh)
    except OSError as exc:
        fatal(f"{path}: cannot write the {fmt} report: {exc.strerror or exc}")


def audit(
    logs: Annotated[list[str], typer.Argument(
        metavar="LOG...", show_default=False,
        help="Search-audit logs: Flock Organization/Network Audit or portal search-audit "
        "CSVs (gzip allowed), or any CSV with --map.")],
    agency_state: Annotated[str, typer.Option(
        "--agency-state", metavar="XX", show_default=False,
        help="Your agency's state (USPS code); other states' requesters are out-of-state.")],
    output_format: Annotated[str | None, choice(
        RENDERERS, "--format", "-f", help="Report format on stdout (default text).")] = None,
    output: Annotated[list[str] | None, typer.Option(
        "--output", "-o", metavar="FORMAT[:PATH]", show_default=False,
        help=f"Write a report ({', '.join(RENDERERS)}); repeatable; written only when the "
        "whole input was read.")] = None,
    sample: Annotated[int, typer.Option(
        "--sample", metavar="N", min=0, help="Draw a reproducible random sample of N "
        "out-of-state and federal searches for manual review.")] = 0,
    seed: Annotated[int, typer.Option(
        "--seed", metavar="S", help="Seed of the --sample draw (recorded in the report).")] = 0,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="YYYY-MM-DD", callback=parse_date, show_default=False,
        help="Only searches on or after this UTC day.")] = None,
    until: Annotated[str | None, typer.Option(
        "--until", metavar="YYYY-MM-DD", callback=parse_date, show_default=False,
        help="Only searches on or before this UTC day.")] = None,
    config: Annotated[str | None, typer.Option(
        "--config", metavar="EXPORT", show_default=False,
        help="Your export (format v1 or a vendor file): marks whether each out-of-state or "
        "federal requester is a declared sharing partner.")] = None,
    mapping: Annotated[list[str] | None, typer.Option(
        "--map", metavar="COLUMN=FIELD", show_default=False,
        help="Read another CSV: which column holds id, org, user, search_time, reason, "
        "case_number, networks, devices or offense_type. Repeatable.")] = None,
    bulk_threshold: Annotated[int, typer.Option(
        "--bulk-threshold", metavar="N", min=0,
        help="bulk_search: more than N networks searched.")] = 100,
    bulk_devices: Annotated[int, typer.Option(
        "--bulk-devices-threshold", metavar="N", min=0,
        help="bulk_search: more than N devices (cameras) searched.")] = 1000,
    fail_on: Annotated[str, choice(
        GATES, "--fail-on",
        help="Exit 1 on: violation (violation-level immigration, reproductive-care or "
        "First-Amendment reason, or a federal requester); review (also review-level "
        "matches and out-of-state requesters); never.")] = "violation",
    encoding: Annotated[str, typer.Option(
        "--encoding", metavar="NAME",
        help="Text encoding of the logs (e.g. cp1252 for a legacy Excel export).")] = "utf-8",
) -> None:
    """Review search-audit logs and flag questionable searches.

    Flags immigration-related reasons, out-of-state requesters and more (immigration,
    reproductive_care, first_amendment, federal_requester, out_of_state_requester,
    vague_reason, missing_reason, missing_case_number, bulk_search) and summarises them by
    flag, month, requester state and organisation; a flag whose column the log format does
    not record is reported as not recorded, never as 0.
    Exit codes: 0 nothing at the --fail-on level, 1 something is, 2 usage error,
    3 input error (unreadable, or not an audit log).
    """
    from lpr_lint.audit.logs import open_reader
    from lpr_lint.audit.review import Auditor, Options
    from lpr_lint.errors import LprLintError

    specs = ([output_format] if output_format else []) + (output or [])
    outputs = parse_outputs(specs or ["text"], "--output", RENDERERS)
    agency_state = _state(agency_state)
    if since and until and since > until:
        raise typer.BadParameter(f"{since} is after --until {until}", param_hint="--since")
    columns = _mapping(mapping or [])
    partners = _partners(config) if config else None
    options = Options(agency_state=agency_state, bulk_networks=bulk_threshold,
                      bulk_devices=bulk_devices, since=since, until=until, sample=sample,
                      seed=seed, partners=partners, fail_on=fail_on)
    show = sys.stderr.isatty() and sum(
        os.path.getsize(p) for p in logs if os.path.isfile(p)) > PROGRESS_MIN_BYTES
    try:
        auditor = Auditor(options)
    except LprLintError as exc:
        fatal(str(exc))
    try:
        for path in logs:
            with open_reader(path, encoding, columns) as reader:
                auditor.scan(reader, path, _progress if show else None)
            if show:
                sys.stderr.write("\n")
        for fmt, out_path in outputs:
            _write(auditor, fmt, out_path)
        if all(p is not None for _, p in outputs):
            from lpr_lint.audit.reports import write_text

            write_text(auditor, sys.stderr)
    except LprLintError as exc:
        fatal(str(exc))
    except KeyboardInterrupt:
        sys.stderr.write("\nlpr-lint: interrupted; no report written\n")
        raise typer.Exit(130) from None
    finally:
        auditor.close()
    raise typer.Exit(int(ExitCode.FINDINGS if auditor.exit_failed() else ExitCode.OK))
