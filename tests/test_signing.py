"""SSH signatures as git uses them: real ssh-keygen keys made in a temporary folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from lpr_lint.signing import (
    NOT_ALLOWED,
    OTHER_BYTES,
    UNKNOWN_KEY,
    UNSIGNED,
    VALID,
    SigningError,
    sign,
    verify,
)

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None,
                                reason="ssh-keygen (OpenSSH) is not installed")


def _key(tmp: Path, name: str) -> tuple[str, str]:
    path = tmp / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
                   check=True)
    return str(path), (tmp / f"{name}.pub").read_text(encoding="ascii").strip()


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, str]:
    rivera, rivera_pub = _key(tmp_path, "rivera")
    vendor, vendor_pub = _key(tmp_path, "vendor")
    stranger, _ = _key(tmp_path, "stranger")
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(
        f'rivera@town.example namespaces="lpr-lint-approval,lpr-lint-checkpoint" {rivera_pub}\n'
        f'certs@vendor.example namespaces="lpr-lint-certificate" {vendor_pub}\n',
        encoding="ascii")
    return {"rivera": rivera, "vendor": vendor, "stranger": stranger, "allowed": str(allowed)}


def test_a_signature_verifies_and_names_its_signer(keys: dict[str, str]) -> None:
    data = b'{"seq":1,"approver":"Sgt. A. Rivera"}'
    signature = sign(data, keys["rivera"], "approval")
    assert signature.startswith("-----BEGIN SSH SIGNATURE-----")
    check = verify(data, signature, keys["allowed"], "approval")
    assert (check.status, check.signer, check.valid) == (VALID, "rivera@town.example", True)
    assert check.message == "signed by rivera@town.example"


def test_each_failure_is_told_apart(keys: dict[str, str]) -> None:
    data = b'{"seq":1}'
    by_rivera = sign(data, keys["rivera"], "approval")
    assert verify(b'{"seq":2}', by_rivera, keys["allowed"], "approval").status == OTHER_BYTES
    assert verify(data, None, keys["allowed"], "approval").status == UNSIGNED
    assert verify(data, "", keys["allowed"], "approval").status == UNSIGNED
    stranger = verify(data, sign(data, keys["stranger"], "approval"), keys["allowed"], "approval")
    assert stranger.status == UNKNOWN_KEY and "not in" in stranger.message
    # the vendor's key is listed, but only for certificates
    vendor = verify(data, sign(data, keys["vendor"], "approval"), keys["allowed"], "approval")
    assert vendor.status == NOT_ALLOWED and vendor.signer == "certs@vendor.example"
    # a certificate signature is not an approval signature, even by an allowed key
    as_cert = verify(data, sign(data, keys["rivera"], "certificate"), keys["allowed"], "approval")
    assert as_cert.status == NOT_ALLOWED and "signed as a certificate" in as_cert.message
    damaged = by_rivera.replace(by_rivera.splitlines()[2], "A" * 70)
    assert verify(data, damaged, keys["allowed"], "approval").status == OTHER_BYTES


def test_setup_problems_are_errors(keys: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(SigningError, match="no such key file"):
        sign(b"x", str(tmp_path / "none"), "approval")
    with pytest.raises(SigningError, match="no such allowed signers file"):
        verify(b"x", "sig", str(tmp_path / "none"), "approval")
    not_a_key = tmp_path / "not-a-key"
    not_a_key.write_text("hello", encoding="ascii")
    with pytest.raises(SigningError, match="cannot sign"):
        sign(b"x", str(not_a_key), "approval")
