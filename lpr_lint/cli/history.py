"""CLI commands over approvals and snapshots: ``approve``, ``ledger verify|show``, ``drift``
and ``history``. Registered on the app explicitly in :mod:`lpr_lint.cli.app`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

import typer

from lpr_lint import TOOL_NAME
from lpr_lint.cli.common import (
    AllowedSignersOpt,
    AsOfOpt,
    BaselineOpt,
    FailOnOpt,
    FromOpt,
    GateOpt,
    IgnoreOpt,
    OtherAgencyOpt,
    RequireSignedOpt,
    SignKeyOpt,
    StoreOpt,
    as_of_date,
    choice,
    fatal,
    load_baseline,
    required_text,
    settings,
    write_output,
)
from lpr_lint.cli.exits import ExitCode
from lpr_lint.errors import InputError, LprLintError
from lpr_lint.model import Severity
from lpr_lint.report import DRIFT_REPORTERS, HISTORY_REPORTERS, load


def approve(
    export: Annotated[str, typer.Argument(metavar="EXPORT", help="The export to approve.",
                                          show_default=False)],
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="Who approves it.",
                                    show_default=False, callback=required_text)],
    note: Annotated[str, typer.Option("--note", metavar="TEXT", help="Why.")] = "",
    store: StoreOpt = None,
    accept_findings: Annotated[bool, typer.Option(
        "--accept-findings", help="Approve despite failing findings, recording them.")] = False,
    baseline: BaselineOpt = None,
    fail_on: FailOnOpt = None,
    as_of: AsOfOpt = None,
    source: FromOpt = None,
    sign_key: SignKeyOpt = None,
) -> None:
    """Record an export as approved.

    Stores a snapshot of the export and appends a hash-chained entry to the ledger.
    """
    from lpr_lint.history.pipeline import ApprovalRefused
    from lpr_lint.history.pipeline import approve as do_approve
    from lpr_lint.history.store import Store
    from lpr_lint.rules.engine import Options

    notices: list[str] = []
    try:
        s = settings(store=(store, "--store"), baseline=(baseline, "--baseline"),
                     fail_on=(fail_on, "--fail-on"))
        done = do_approve(export, load_baseline(s["baseline"].value, export),
                          Options(as_of=as_of_date(as_of), fail_on=Severity(s["fail_on"].value)),
                          Store(s["store"].value), by, note, accept_findings,
                          source=source, notices=notices, sign_key=sign_key)
    except ApprovalRefused as exc:
        _notify(notices)
        fatal(str(exc), ExitCode.FINDINGS)
    except LprLintError as exc:
        _notify(notices)
        fatal(str(exc))
    _notify(notices)
    entry = done.entry
    accepted = len(entry["findings"]["accepted"])
    typer.echo(f"approved {entry['export']['path']} as entry #{entry['seq']} in "
               f"{s['store'].value} (snapshot {entry['snapshot_sha256'][:12]}, entry "
               f"{entry['hash'][:12]})" + (f"; {accepted} finding(s) accepted" if accepted else ""))
    if done.to_commit:
        typer.echo("commit the approval with the exports, so every clone compares against it:\n"
                   f"  git add {' '.join(done.to_commit)} && git commit -m "
                   f"\"Approve {entry['export']['path']} (#{entry['seq']})\"")


def _notify(notices: list[str]) -> None:
    """How the inputs were read (``FILE: read as flock-portal …``), on stderr as ``check``
    prints it."""
    for notice in notices:
        typer.echo(f"{TOOL_NAME}: {notice}", err=True)


def _ledger_text(entries: list[dict[str, Any]]) -> str:
    lines = []
    for e in entries:
        f = e.get("findings", {})
        accepted = len(f.get("accepted", []))
        lines.append(f"#{e.get('seq')}  {e.get('timestamp')}  {e.get('approver')}  "
                     f"{e.get('export', {}).get('path')}  snapshot "
                     f"{str(e.get('snapshot_sha256'))[:12]}  entry {str(e.get('hash'))[:12]}"
                     + (f"  {accepted} accepted finding(s)" if accepted else "")
                     + (f"  — {e['note']}" if e.get("note") else ""))
    return "\n".join(lines or ["no approvals yet"]) + "\n"


def _ledger_json(entries: list[dict[str, Any]]) -> str:
    return json.dumps(entries, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


LEDGER_FORMATS: dict[str, Callable[[list[dict[str, Any]]], str]] = {
    "text": _ledger_text, "json": _ledger_json}
"""``ledger show --format``: the approval history as text or JSON."""

ledger_app = typer.Typer(help="Inspect and verify the approval ledger.", no_args_is_help=True)


@ledger_app.command("verify")
def ledger_verify(
    store: StoreOpt = None,
    allowed_signers: AllowedSignersOpt = None,
    require_signed: RequireSignedOpt = False,
    checkpoint: Annotated[str | None, typer.Option(
        "--checkpoint", metavar="FILE", show_default=False,
        help="A checkpoint the ledger must still reach and agree with.")] = None,
) -> None:
    """Check the hash chain, snapshots, and signatures.

    Exit codes: 0 intact, 1 tampered, torn, short of a checkpoint or badly signed.
    """
    from lpr_lint.history.signatures import check_checkpoint_file, entry_signatures
    from lpr_lint.history.store import Store

    try:
        s = settings(store=(store, "--store"), allowed_signers=(allowed_signers,
                                                                "--allowed-signers"))
        ledger = Store(s["store"].value)
        result = ledger.verify()
        signers = s["allowed_signers"].value or None
        if require_signed and signers is None:
            fatal("--require-signed needs an allowed signers file (--allowed-signers FILE, or "
                  "allowed_signers in .lpr-lint.yaml)", ExitCode.USAGE)
        problems: list[str] = []
        lines: list[str] = []
        if result.intact and signers is not None:
            lines, problems = entry_signatures(ledger.entries(), signers, require_signed)
        if result.intact and checkpoint is not None:
            problems += check_checkpoint_file(ledger, checkpoint, signers, require_signed)
    except LprLintError as exc:
        fatal(str(exc))
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if result.problem:
        typer.echo(f"TAMPERED: {result.problem}")
        raise typer.Exit(int(ExitCode.FINDINGS))
    if result.torn:
        typer.echo(f"TORN: {result.torn}")
        raise typer.Exit(int(ExitCode.FINDINGS))
    for line in lines:
        typer.echo(line)
    for problem in problems:
        typer.echo(problem)
    if problems:
        raise typer.Exit(int(ExitCode.FINDINGS))
    typer.echo(f"intact: {result.entries} entr{'y' if result.entries == 1 else 'ies'} and "
               "their snapshots verify"
               + ("; every signature verifies" if signers is not None else "")
               + (f"; the ledger reaches checkpoint {checkpoint}" if checkpoint else ""))


@ledger_app.command("checkpoint")
def ledger_checkpoint(
    store: StoreOpt = None,
    out: Annotated[str | None, typer.Option(
        "--out", "-o", metavar="FILE", show_default=False,
        help="Write the checkpoint here (default: print it).")] = None,
    sign_key: SignKeyOpt = None,
) -> None:
    """Record the ledger's head to keep elsewhere.

    A ticket, a commit or another repository: `ledger verify --checkpoint FILE` then fails
    when newer entries have been removed or the ledger was rewritten.
    """
    from lpr_lint.history.signatures import make_checkpoint

    try:
        s = settings(store=(store, "--store"))
        text = make_checkpoint(s["store"].value, sign_key)
    except LprLintError as exc:
        fatal(str(exc))
    write_output(text, "JSON", out, "checkpoint")
    if out is not None:
        typer.echo(f"checkpoint written to {out}", err=True)


@ledger_app.command("show")
def ledger_show(
    store: StoreOpt = None,
    output_format: Annotated[str, choice(
        LEDGER_FORMATS, "--format", "-f", help="text or json.")] = "text",
) -> None:
    """The approval history, oldest first."""
    from lpr_lint.history.store import Store

    try:
        entries = Store(settings(store=(store, "--store"))["store"].value).entries()
    except LprLintError as exc:
        fatal(str(exc))
    typer.echo(LEDGER_FORMATS[output_format](entries), nl=False)


def drift(
    export: Annotated[str, typer.Argument(metavar="EXPORT", help="The current export.",
                                          show_default=False)],
    against: Annotated[str | None, typer.Option(
        "--against", metavar="SNAPSHOT",
        help="Compare with this earlier export instead of the export's latest approval.")]
    = None,
    store: StoreOpt = None,
    output_format: Annotated[str, choice(
        DRIFT_REPORTERS, "--format", "-f", help="Report format.")] = "text",
    fail_on: GateOpt = "loosening",
    ignore: IgnoreOpt = None,
    allow_other_agency: OtherAgencyOpt = False,
    baseline: BaselineOpt = None,
    as_of: AsOfOpt = None,
    source: FromOpt = None,
) -> None:
    """Show what changed since an export's last approval.

    Compares with the latest approval of the export's agency (or --against an earlier
    export) and says which changes loosen compliance.
    """
    from lpr_lint.history.pipeline import drift as do_drift
    from lpr_lint.history.store import Store

    read: list[str] = []
    try:
        s = settings(store=(store, "--store"), baseline=(baseline, "--baseline"))
        report = do_drift(export, load_baseline(s["baseline"].value, export), as_of_date(as_of),
                          against=against, store=Store(s["store"].value), ignore=ignore or (),
                          fail_on=fail_on, source=source,
                          allow_other_agency=allow_other_agency, read=read)
    except LprLintError as exc:
        _notify(read)
        fatal(str(exc))
    _notify(read)
    typer.echo(load(DRIFT_REPORTERS, output_format)().render(report), nl=False)
    raise typer.Exit(int(ExitCode.FINDINGS if report.gate_failed else ExitCode.OK))


def history(
    path: Annotated[str, typer.Argument(
        metavar="PATH", help="A folder of one agency's snapshots (e.g. Flock portal snapshots "
        "named YYYY-MM-DD.json), or with --git an export file whose git history to follow.",
        show_default=False)],
    git: Annotated[bool, typer.Option(
        "--git", help="Follow PATH's committed versions in git instead of a folder.")] = False,
    output_format: Annotated[str, choice(
        HISTORY_REPORTERS, "--format", "-f", help="Report format.")] = "text",
    baseline: BaselineOpt = None,
    as_of: AsOfOpt = None,
    fail_on: GateOpt = "loosening",
    ignore: IgnoreOpt = None,
    source: FromOpt = None,
    allow_other_agency: OtherAgencyOpt = False,
) -> None:
    """Show one agency's snapshots and what changed between them.

    The snapshots in date order, each one's verdict, and what changed from one to the next,
    loosening first.
    """
    from lpr_lint.history.timeline import history as do_history
    from lpr_lint.rules.engine import Options

    try:
        s = settings(baseline=(baseline, "--baseline"), fail_on=(None, "--fail-on"))
        options = Options(as_of=as_of_date(as_of), fail_on=Severity(s["fail_on"].value),
                          allow_unknown=bool(s["allow_unknown"].value))
        timeline = do_history(path, load_baseline(s["baseline"].value, path), options, git=git,
                              fail_on=fail_on, ignore=ignore or (), source=source,
                              allow_other_agency=allow_other_agency)
    except LprLintError as exc:
        fatal(exc.one_line() if isinstance(exc, InputError) else str(exc))
    typer.echo(load(HISTORY_REPORTERS, output_format)().render(timeline), nl=False)
    raise typer.Exit(int(ExitCode.FINDINGS if timeline.gate_failed else ExitCode.OK))
