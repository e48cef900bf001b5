"""SSH signatures as git uses them: real ssh-keygen keys made in a temporary folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

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


# ---------------------------------------------------------------- signed approvals, end to end

def _cli(*args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from lpr_lint.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _rechain(ledger: Path, edit: Any) -> None:
    """Rewrite the ledger as a forger with write access would: edit the entries, then
    recompute every hash and link so the chain verifies again."""
    import json

    from lpr_lint.history.store import GENESIS, canonical_bytes, entry_hash

    entries = [json.loads(x) for x in ledger.read_bytes().splitlines() if x.strip()]
    edit(entries)
    prev = GENESIS
    for e in entries:
        e["prev"] = prev
        e["hash"] = entry_hash(e)
        prev = e["hash"]
    ledger.write_bytes(b"".join(canonical_bytes(e) + b"\n" for e in entries))


def test_signed_approvals_and_the_ledger_check(keys: dict[str, str], tmp_path: Path) -> None:
    from conftest import EXAMPLES

    store = str(tmp_path / "store")
    export = str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")
    assert _cli("approve", export, "--by", "Sgt. A. Rivera", "--store", store,
                "--sign-key", keys["rivera"], "--as-of", "2027-02-01")[0] == 0
    assert _cli("approve", export, "--by", "B", "--store", store, "--as-of", "2027-02-01")[0] == 0
    code, out, _ = _cli("ledger", "verify", "--store", store, "--allowed-signers",
                        keys["allowed"])
    assert code == 0, out
    assert "#1 (approved by Sgt. A. Rivera): signed by rivera@town.example" in out
    assert "#2 (approved by B): not signed" in out
    code, out, _ = _cli("ledger", "verify", "--store", store, "--allowed-signers",
                        keys["allowed"], "--require-signed")
    assert code == 1 and "UNSIGNED: entry #2 (approved by B) is not signed" in out
    code, _, err = _cli("ledger", "verify", "--store", store, "--require-signed")
    assert code == 2 and "needs an allowed signers file" in err
    # removing a signature breaks the chain: the hash covers it
    ledger = Path(store) / "ledger.jsonl"
    lines = ledger.read_bytes().splitlines(keepends=True)
    ledger.write_bytes(lines[0].replace(b'"signature":', b'"signaturX":') + lines[1])
    assert _cli("ledger", "verify", "--store", store)[1].startswith("TAMPERED")


def test_a_forged_chain_keeps_a_signature_over_other_bytes(keys: dict[str, str],
                                                            tmp_path: Path) -> None:
    from conftest import EXAMPLES

    store = str(tmp_path / "store")
    export = str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")
    for key in ("rivera", "rivera"):
        _cli("approve", export, "--by", "Sgt. A. Rivera", "--store", store, "--sign-key",
             keys[key], "--as-of", "2027-02-01")

    def forge(entries: list[dict[str, Any]]) -> None:
        entries[0]["approver"] = "Chief"

    _rechain(Path(store) / "ledger.jsonl", forge)
    assert _cli("ledger", "verify", "--store", store)[0] == 0  # the chain alone is fooled
    code, out, _ = _cli("ledger", "verify", "--store", store, "--allowed-signers",
                        keys["allowed"])
    assert code == 1
    assert ("BAD SIGNATURE: entry #1 (approved by Chief): the signature does not match these "
            "bytes") in out


def test_a_key_not_allowed_to_approve(keys: dict[str, str], tmp_path: Path) -> None:
    from conftest import EXAMPLES

    store = str(tmp_path / "store")
    export = str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")
    for key in ("vendor", "stranger"):
        _cli("approve", export, "--by", key, "--store", store, "--sign-key", keys[key],
             "--as-of", "2027-02-01")
    code, out, _ = _cli("ledger", "verify", "--store", store, "--allowed-signers",
                        keys["allowed"])
    assert code == 1
    assert "BAD SIGNATURE: entry #1 (approved by vendor): signed by certs@vendor.example" in out
    assert "BAD SIGNATURE: entry #2 (approved by stranger): signed by a key that is not in" in out


def test_a_checkpoint_catches_a_removed_entry(keys: dict[str, str], tmp_path: Path) -> None:
    from conftest import EXAMPLES

    store = str(tmp_path / "store")
    export = str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")
    for _ in range(2):
        _cli("approve", export, "--by", "A", "--store", store, "--as-of", "2027-02-01")
    point = str(tmp_path / "head.json")
    code, _, err = _cli("ledger", "checkpoint", "--store", store, "-o", point, "--sign-key",
                        keys["rivera"])
    assert code == 0 and "checkpoint written" in err
    code, out, _ = _cli("ledger", "verify", "--store", store, "--checkpoint", point,
                        "--allowed-signers", keys["allowed"])
    assert code == 0 and "reaches checkpoint" in out, out
    ledger = Path(store) / "ledger.jsonl"
    ledger.write_bytes(ledger.read_bytes().splitlines(keepends=True)[0])  # the newest removed
    assert _cli("ledger", "verify", "--store", store)[0] == 0
    code, out, _ = _cli("ledger", "verify", "--store", store, "--checkpoint", point)
    assert code == 1 and "SHORT OF CHECKPOINT:" in out and "has 1 entry," in out


def test_signed_certificates(keys: dict[str, str], tmp_path: Path) -> None:
    import json

    from conftest import EXAMPLES

    export = str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")
    cert = str(tmp_path / "cert.json")
    code, out, err = _cli("certify", export, "--vendor", "V", "--out", cert, "--sign-key",
                          keys["vendor"], "--as-of", "2027-02-01")
    assert code == 0, out + err
    assert json.loads(Path(cert).read_text())["signature"].startswith("-----BEGIN SSH")
    code, out, _ = _cli("verify-cert", cert, export, "--allowed-signers", keys["allowed"],
                        "--require-signed")
    assert code == 0 and "is signed by certs@vendor.example" in out, out
    # re-indented, the same certificate still verifies: the signature covers canonical JSON
    Path(cert).write_text(json.dumps(json.loads(Path(cert).read_text()), indent=7))
    assert _cli("verify-cert", cert, export, "--allowed-signers", keys["allowed"])[0] == 0
    # signed by a key allowed to approve but not to certify
    by_rivera = str(tmp_path / "rivera.json")
    _cli("certify", export, "--vendor", "V", "--out", by_rivera, "--sign-key", keys["rivera"],
         "--as-of", "2027-02-01")
    code, out, _ = _cli("verify-cert", by_rivera, export, "--allowed-signers", keys["allowed"])
    assert code == 1 and "BAD SIGNATURE" in out and "rivera@town.example" in out
    # an unsigned certificate passes unless a signature is required
    plain = str(tmp_path / "plain.json")
    _cli("certify", export, "--vendor", "V", "--out", plain, "--as-of", "2027-02-01")
    assert _cli("verify-cert", plain, export, "--allowed-signers", keys["allowed"])[0] == 0
    code, out, _ = _cli("verify-cert", plain, export, "--allowed-signers", keys["allowed"],
                        "--require-signed")
    assert code == 1 and out.startswith("UNSIGNED: ")
    # a signed certificate whose vendor was edited: the signature no longer matches
    data = json.loads(Path(cert).read_text())
    data["vendor"] = "Someone Else"
    Path(cert).write_text(json.dumps(data))
    code, out, _ = _cli("verify-cert", cert, export, "--allowed-signers", keys["allowed"])
    assert code == 1 and "does not match these bytes" in out
