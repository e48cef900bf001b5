"""CLI commands for vendor self-certification: ``certify`` and ``verify-cert``.

Registered on the app explicitly in :mod:`lpr_lint.cli`.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from lpr_lint.cli.common import (
    AllowedSignersOpt,
    AsOfOpt,
    BaselineOpt,
    FailOnOpt,
    RequireSignedOpt,
    SignKeyOpt,
    StrictOpt,
    WaiversOpt,
    choice,
    fatal,
    judging,
    required_text,
    settings,
)
from lpr_lint.cli.exits import ExitCode
from lpr_lint.errors import LprLintError
from lpr_lint.report import CERTIFICATE_RENDERERS, load

_EXTENSIONS = {"markdown": ".md", "html": ".html"}
"""The file extension of each certificate rendering (every key of CERTIFICATE_RENDERERS)."""


def _write(path: str, data: bytes, what: str) -> None:
    from lpr_lint.atomic import write_atomic

    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        write_atomic(path, data)
    except OSError as exc:
        fatal(f"{path}: cannot write the {what}: {exc.strerror or exc}")


def certify(
    export: Annotated[str, typer.Argument(metavar="EXPORT", help="The export to certify.",
                                          show_default=False)],
    vendor: Annotated[str, typer.Option(
        "--vendor", metavar="NAME", help="The vendor making the certification.",
        show_default=False, callback=required_text)],
    out: Annotated[str, typer.Option(
        "--out", metavar="CERT.json", help="Where to write the certificate (JSON).",
        show_default=False)],
    attest: Annotated[str | None, typer.Option(
        "--attest", metavar="FILE", show_default=False,
        help="Attestations (YAML/JSON, schemas/attestations.schema.json) for controls the "
        "export cannot show; only an unknown rule can become attested.")] = None,
    output_format: Annotated[str | None, choice(
        CERTIFICATE_RENDERERS, "--format", "-f",
        help="Also write the certificate for auditors as markdown or self-contained html, "
        "beside --out with the same name and a .md or .html extension.")] = None,
    baseline: BaselineOpt = None,
    as_of: AsOfOpt = None,
    fail_on: FailOnOpt = None,
    strict: StrictOpt = None,
    waivers: WaiversOpt = None,
    sign_key: SignKeyOpt = None,
) -> None:
    """Self-certify an export in a verifiable certificate.

    The certificate is deterministic (same inputs, same bytes) and records the export's
    hashes, the baseline, the as-of date, each rule's outcome (passed, failed, waived,
    unknown, not_applicable or attested), the attestations and waivers, and the verdict:
    certified when no rule at or above --fail-on is failed or unknown.
    Exit codes: 0 certified, 1 not certified (the certificate is still written), 3 input
    error.
    """
    from lpr_lint.certify.certificate import certificate_bytes, load_attestations
    from lpr_lint.certify.certificate import certify as do_certify
    from lpr_lint.certify.records import CertOutcome, Verdict
    from lpr_lint.certify.signature import signed_certificate
    from lpr_lint.rules.registry import Auto

    fmt = output_format
    companion = os.path.splitext(out)[0] + _EXTENSIONS[fmt] if fmt else None
    if companion == out:
        fatal(f"--out {out}: give the JSON certificate another name than its {fmt} rendering",
              ExitCode.USAGE)
    try:
        s = settings(baseline=(baseline, "--baseline"), fail_on=(fail_on, "--fail-on"),
                     strict=(strict, "--strict"), waivers=(waivers, "--waivers"))
        # unknowns always fail a certificate
        base, options, waiver_set = judging(s, as_of, export=export)
        assert not isinstance(base, Auto)  # judging chose the export's state's baseline
        attestations = load_attestations(attest) if attest is not None else None
        cert = do_certify(export, base, options, vendor, attestations, waiver_set)
    except LprLintError as exc:
        fatal(str(exc))
    data = certificate_bytes(cert)
    if sign_key is not None:
        try:
            data = signed_certificate(data, sign_key)
        except LprLintError as exc:
            fatal(str(exc))
    _write(out, data, "certificate")
    written = [out]
    if fmt and companion:
        rendered = load(CERTIFICATE_RENDERERS, fmt)(cert)
        _write(companion, rendered.encode("utf-8"), f"{fmt} certificate")
        written.append(companion)
    counts = ", ".join(f"{cert.count(o)} {o.value.replace('_', ' ')}" for o in CertOutcome
                       if cert.count(o))
    where = f"; written to {' and '.join(written)}"
    if cert.verdict is Verdict.CERTIFIED:
        typer.echo(f"certified: {cert.export.path} ({counts}){where}")
        raise typer.Exit(int(ExitCode.OK))
    blocking = cert.blocking
    typer.echo(f"NOT CERTIFIED: {cert.export.path}: {len(blocking)} rule(s) failed or "
               f"unknown at or above {cert.fail_on}: {', '.join(blocking)} ({counts})"
               f"{where}")
    raise typer.Exit(int(ExitCode.FINDINGS))


def verify_cert(
    certificate: Annotated[str, typer.Argument(metavar="CERT.json", help="The certificate.",
                                               show_default=False)],
    export: Annotated[str, typer.Argument(metavar="EXPORT", help="The export it certifies.",
                                          show_default=False)],
    baseline: Annotated[str | None, typer.Option(
        "--baseline", "-b", metavar="FILE", show_default=False,
        help="The baseline file the certificate was made with, when it is not the built-in "
        "one; its sha256 must match the certificate's.")] = None,
    require_certified: Annotated[bool, typer.Option(
        "--require-certified",
        help="Also fail (exit 1) when the certificate is valid but its verdict is not "
        "certified, so `verify-cert ... --require-certified && deploy` deploys only a "
        "certified export.")] = False,
    allowed_signers: AllowedSignersOpt = None,
    require_signed: RequireSignedOpt = False,
) -> None:
    """Re-run a certificate's check and confirm its outcomes.

    Uses the certificate's baseline (built-in when the sha256 matches), as-of date, fail-on
    threshold, attestations and waivers. An export re-encoded (e.g. YAML to JSON) with the
    same data is accepted: its canonical sha256 matches, and the output says so. A
    certificate whose contents were edited (a verdict its rules do not support, other
    counts) is a mismatch; one that is not a certificate at all is unreadable.
    Exit codes: 0 valid, 1 mismatch (each difference named) or, with --require-certified,
    a valid certificate that is not certified, 3 unreadable input.
    """
    from lpr_lint.certify.certificate import certificate_baseline, load_certificate, verify
    from lpr_lint.certify.records import Verdict
    from lpr_lint.certify.signature import certificate_signature

    try:
        signers = settings(allowed_signers=(allowed_signers, "--allowed-signers"))[
            "allowed_signers"].value or None
        if require_signed and signers is None:
            fatal("--require-signed needs an allowed signers file (--allowed-signers FILE, or "
                  "allowed_signers in .lpr-lint.yaml)", ExitCode.USAGE)
        cert = load_certificate(certificate)
        base = certificate_baseline(cert, baseline)
        result = verify(cert, export, base)
        signature = (certificate_signature(certificate, signers)
                     if signers is not None else None)
    except LprLintError as exc:
        fatal(str(exc))
    if signature is not None:
        if signature.valid:
            typer.echo(f"note: {certificate} is {signature.message}")
        elif signature.status != "unsigned":
            typer.echo(f"BAD SIGNATURE: {certificate}: {signature.message}")
            raise typer.Exit(int(ExitCode.FINDINGS))
        elif require_signed:
            typer.echo(f"UNSIGNED: {certificate} is not signed, and --require-signed asks for "
                       "a signature")
            raise typer.Exit(int(ExitCode.FINDINGS))
    for note in result.notes:
        typer.echo(f"note: {note}")
    if not result.valid:
        typer.echo(f"MISMATCH: {certificate} does not match {export}:")
        for difference in result.differences:
            typer.echo(f"  - {difference}")
        raise typer.Exit(int(ExitCode.FINDINGS))
    typer.echo(f"valid: {certificate} matches {export} ({len(cert.rules)} rules re-checked "
               f"with baseline {cert.baseline.id} {cert.baseline.version} as of "
               f"{cert.as_of}; {cert.verdict.value.replace('_', ' ')})")
    if require_certified and cert.verdict is not Verdict.CERTIFIED:
        blocking = cert.blocking
        typer.echo(f"NOT CERTIFIED: {certificate} is a valid certificate, but its verdict is "
                   f"not certified: {len(blocking)} rule(s) failed or unknown at or above "
                   f"{cert.fail_on} ({', '.join(blocking)}); --require-certified needs a "
                   "certified one")
        raise typer.Exit(int(ExitCode.FINDINGS))
