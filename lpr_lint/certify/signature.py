"""A certificate's SSH signature: made over its canonical JSON without the ``signature``
field (so a re-indented certificate still verifies), in the ``certificate`` role, and checked
against an allowed signers file (:mod:`lpr_lint.signing`). Nothing prints here."""

from __future__ import annotations

import json

from lpr_lint.certify.certificate import CertificateError
from lpr_lint.history.store import signed_bytes, snapshot_bytes
from lpr_lint.signing import SignatureCheck, sign, verify


def signed_certificate(certificate: bytes, key: str) -> bytes:
    """The certificate's bytes with its signature added."""
    data = json.loads(certificate)
    data["signature"] = sign(signed_bytes(data), key, "certificate")
    return snapshot_bytes(data)


def certificate_signature(path: str, allowed_signers: str) -> SignatureCheck:
    """Who signed the certificate at ``path`` (already read and checked by the caller)."""
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read())
    except (OSError, ValueError) as exc:
        raise CertificateError(f"{path}: cannot read the certificate: {exc}") from None
    return verify(signed_bytes(data), data.get("signature"), allowed_signers, "certificate")
