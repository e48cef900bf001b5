"""Signatures with SSH keys, the way git signs commits: ``ssh-keygen -Y sign`` and
``ssh-keygen -Y verify`` against an ``allowed_signers`` file (OpenSSH 8.2 or newer; works
offline, no key material is handled here).

A role is an SSH signature namespace: approvals are signed in ``lpr-lint-approval``,
certificates in ``lpr-lint-certificate``, checkpoints in ``lpr-lint-checkpoint``. OpenSSH's
own ``namespaces="…"`` option on an ``allowed_signers`` line restricts a key to some roles, so
a vendor's key can sign certificates and not approvals::

    rivera@town.example namespaces="lpr-lint-approval,lpr-lint-checkpoint" ssh-ed25519 AAAA…
    certs@vendor.example namespaces="lpr-lint-certificate" ssh-ed25519 AAAA…

Verification tells apart, in plain words: a valid signature (and who made it), no signature,
a signature over other bytes, a key not in the allowed signers file, and a listed key that
may not sign in this role. Nothing here prints or exits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from lpr_lint.errors import LprLintError

NAMESPACES: dict[str, str] = {
    "approval": "lpr-lint-approval",
    "certificate": "lpr-lint-certificate",
    "checkpoint": "lpr-lint-checkpoint",
}
"""Role → SSH signature namespace."""
VALID, UNSIGNED, OTHER_BYTES, UNKNOWN_KEY, NOT_ALLOWED = (
    "valid", "unsigned", "other-bytes", "unknown-key", "not-allowed")
TIMEOUT_S = 30


class SigningError(LprLintError):
    """Signing or verifying cannot be done at all (no ssh-keygen, an unreadable key or
    allowed signers file): an input or setup problem, exit 3."""


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """What verifying one signature found."""

    status: str
    """valid | unsigned | other-bytes | unknown-key | not-allowed."""
    message: str
    signer: str | None = None
    """The allowed signer's principal (valid or not-allowed)."""

    @property
    def valid(self) -> bool:
        return self.status == VALID


def _tool() -> str:
    found = shutil.which("ssh-keygen")
    if found is None:
        raise SigningError("ssh-keygen (OpenSSH 8.2 or newer) is needed to sign and verify; "
                           "install OpenSSH's client tools")
    return found


def _run(args: list[str], data: bytes) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run([_tool(), *args], input=data, capture_output=True,
                              timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise SigningError("ssh-keygen did not answer (a key with a passphrase needs "
                           "ssh-agent)") from None


def _first_line(raw: bytes) -> str:
    lines = [x.strip() for x in raw.decode("utf-8", "replace").splitlines() if x.strip()]
    return lines[0] if lines else "no reason given"


def sign(data: bytes, key: str, role: str) -> str:
    """An armored SSH signature of ``data`` by ``key`` (a private key file, or a public key
    whose private half is in ssh-agent) in the role's namespace."""
    if not os.path.isfile(key):
        raise SigningError(f"{key}: no such key file")
    proc = _run(["-Y", "sign", "-q", "-f", key, "-n", NAMESPACES[role]], data)
    text = proc.stdout.decode("ascii", "replace")
    if proc.returncode != 0 or "BEGIN SSH SIGNATURE" not in text:
        raise SigningError(f"{key}: cannot sign: {_first_line(proc.stderr)}")
    return text


def verify(data: bytes, signature: str | None, allowed_signers: str,
           role: str) -> SignatureCheck:
    """Check a signature of ``data`` against the allowed signers for ``role``."""
    if not signature:
        return SignatureCheck(UNSIGNED, "not signed")
    if not os.path.isfile(allowed_signers):
        raise SigningError(f"{allowed_signers}: no such allowed signers file")
    namespace = NAMESPACES[role]
    with tempfile.TemporaryDirectory(prefix="lpr-lint-sig-") as tmp:
        sig = os.path.join(tmp, "signature")
        with open(sig, "w", encoding="ascii", errors="replace") as fh:
            fh.write(signature)
        if _run(["-Y", "check-novalidate", "-n", namespace, "-s", sig], data).returncode != 0:
            other = next((r for r, ns in NAMESPACES.items() if ns != namespace and _run(
                ["-Y", "check-novalidate", "-n", ns, "-s", sig], data).returncode == 0), None)
            if other is not None:
                return SignatureCheck(NOT_ALLOWED, f"signed as a {other}, not as a {role}")
            return SignatureCheck(OTHER_BYTES, "the signature does not match these bytes "
                                  "(it was made over other content, or is damaged)")
        found = _run(["-Y", "find-principals", "-s", sig, "-f", allowed_signers], b"")
        principals = found.stdout.decode("utf-8", "replace").split()
        if found.returncode != 0 or not principals:
            return SignatureCheck(UNKNOWN_KEY, f"signed by a key that is not in "
                                  f"{allowed_signers}")
        for principal in principals:
            ok = _run(["-Y", "verify", "-f", allowed_signers, "-I", principal, "-n", namespace,
                       "-s", sig], data)
            if ok.returncode == 0:
                return SignatureCheck(VALID, f"signed by {principal}", principal)
        return SignatureCheck(NOT_ALLOWED, f"signed by {principals[0]}, whose key "
                              f"{allowed_signers} does not allow to sign a {role} "
                              f"(namespaces=\"{namespace}\")", principals[0])
