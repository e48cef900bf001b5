"""load_checked: the one load → validate → relabel path, for every kind of checked file.

Each kind keeps its own error class (the CLI maps it to an exit code) and its own words; a
broken file is the reader's message relabelled ``invalid KIND``; a schema problem names
``file:line:col`` and, where a hook names it, the list item the problem is in.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lpr_lint import config
from lpr_lint.certify.certificate import CertificateError, load_attestations, load_certificate
from lpr_lint.config import ConfigError
from lpr_lint.errors import BaselineError, LprLintError
from lpr_lint.load import data as resources
from lpr_lint.load.data import check_data, item_label, items, load_checked
from lpr_lint.load.files import Document
from lpr_lint.rules.baseline import load_baseline
from lpr_lint.rules.waivers import WaiverError, load_waivers

WAIVER = """\
waivers:
  - rule: CT-RET-001
    justification: the vendor needs a release to shorten retention
    approved_by: J. Doe
    approved_on: 2026-01-01
    expires: {expires}
"""
ATTESTATION = """\
attestations:
  - control: CT-CON-001
    attested_by: M. Okafor
    role: Procurement Officer
    date: {date}
    statement: The executed contract prohibits selling plate data.
    evidence: Contract LPD-2026-014, section 7.2
"""


class OwnError(LprLintError):
    """A caller's own error class."""


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _message(excinfo: pytest.ExceptionInfo[LprLintError]) -> str:
    return str(excinfo.value)


# --- the function itself ---------------------------------------------------------------------


def test_a_valid_file_is_its_document(tmp_path: Path) -> None:
    path = _write(tmp_path, "w.yaml", WAIVER.format(expires="2026-02-01"))
    doc = load_checked(path, "waivers.schema.json", "waivers file", error=OwnError)
    assert isinstance(doc, Document)
    assert doc.path == path and doc.data["waivers"][0]["rule"] == "CT-RET-001"
    shown = load_checked(path, "waivers.schema.json", "waivers file", error=OwnError,
                         display="shown.yaml")
    assert shown.path == "shown.yaml"


@pytest.mark.parametrize(("text", "words"), [
    (None, "no such file or directory"),
    ("", ":1: invalid thing: the file is empty"),
    ("a: [1,\n", ":1:7: invalid thing: invalid YAML: did not find expected node content"),
    ("- 1\n", ":1:1: invalid thing: not an export: the top level is a list"),
])
def test_a_broken_file_is_the_callers_error_relabelled(tmp_path: Path, text: str | None,
                                                       words: str) -> None:
    path = str(tmp_path / "f.yaml") if text is None else _write(tmp_path, "f.yaml", text)
    with pytest.raises(OwnError) as excinfo:
        load_checked(path, "waivers.schema.json", "thing", error=OwnError)
    assert _message(excinfo).startswith(path)
    assert words in _message(excinfo)
    assert ": error: " not in _message(excinfo)


def test_without_a_kind_the_readers_message_is_kept(tmp_path: Path) -> None:
    path = _write(tmp_path, "f.yaml", "")
    with pytest.raises(OwnError, match=r"f\.yaml:1: error: the file is empty$"):
        load_checked(path, "waivers.schema.json", None, error=OwnError)


def test_a_schema_problem_names_file_line_column_kind_and_pointer(tmp_path: Path) -> None:
    path = _write(tmp_path, "w.yaml", WAIVER.format(expires="soon"))
    with pytest.raises(OwnError) as excinfo:
        load_checked(path, "waivers.schema.json", "thing", error=OwnError)
    assert _message(excinfo) == (f"{path}:6:5: invalid thing: /waivers/0/expires: expected a "
                                 'date written YYYY-MM-DD, found "soon"')
    with pytest.raises(OwnError) as excinfo:
        load_checked(path, "waivers.schema.json", None, error=OwnError)
    assert _message(excinfo).startswith(f"{path}:6:5: /waivers/0/expires: expected a date")


def test_more_counts_the_further_problems(tmp_path: Path) -> None:
    text = WAIVER.format(expires="soon").replace("approved_on: 2026-01-01", "approved_on: 1")
    path = _write(tmp_path, "w.yaml", text)
    with pytest.raises(OwnError, match=r" \(and 1 more\)$"):
        load_checked(path, "waivers.schema.json", "thing", error=OwnError, more=True)
    with pytest.raises(OwnError) as excinfo:
        load_checked(path, "waivers.schema.json", "thing", error=OwnError)
    assert "more)" not in _message(excinfo)


def test_the_describe_hook_names_the_item(tmp_path: Path) -> None:
    path = _write(tmp_path, "w.yaml", WAIVER.format(expires="soon"))
    with pytest.raises(OwnError) as excinfo:
        load_checked(path, "waivers.schema.json", "waivers file", error=OwnError,
                     describe=items("waiver", "waivers", "rule"))
    assert _message(excinfo) == (f"{path}:6:5: invalid waiver #1 (CT-RET-001): field 'expires':"
                                 ' expected a date written YYYY-MM-DD, found "soon"')


def test_the_read_hook_replaces_the_reader(tmp_path: Path) -> None:
    path = _write(tmp_path, "w.yaml", "anything")

    def read(given: str, display: str) -> Document:
        assert (given, display) == (path, "shown")
        return Document(display, {"waivers": 3}, "0" * 64, "yaml", lambda _p: (2, 4))

    with pytest.raises(OwnError, match=r"^shown:2:4: invalid thing: /waivers: expected a list"):
        load_checked(path, "waivers.schema.json", "thing", error=OwnError, display="shown",
                     read=read)


def test_check_data_without_a_locator_gives_no_position() -> None:
    with pytest.raises(OwnError) as excinfo:
        check_data({"waivers": 3}, "waivers.schema.json", "env", error=OwnError, kind="thing")
    assert _message(excinfo) == "env: invalid thing: /waivers: expected a list, found the number 3"
    check_data({"waivers": []}, "waivers.schema.json", "env", error=OwnError)


@pytest.mark.parametrize(("data", "pointer", "label"), [
    ({"waivers": [{}, {"rule": "CT-RET-001"}]}, "/waivers/1/expires",
     "#2 (CT-RET-001): field 'expires'"),
    ({"waivers": [{"rule": "CT-RET-001"}]}, "/waivers/0", "#1 (CT-RET-001)"),
    ({"waivers": [{"rule": 5}]}, "/waivers/0/rule", "#1: field 'rule'"),
    ({"waivers": [5]}, "/waivers/0", "#1"),
    ({"waivers": 5}, "/waivers/0", "#1"),
    ({"waivers": []}, "/waivers", ""),
    ({"waivers": []}, "", ""),
    ({"other": [{}]}, "/other/0", ""),
    ([], "/waivers/0", "#1"),
])
def test_item_label(data: Any, pointer: str, label: str) -> None:
    assert item_label(data, pointer, "waivers", "rule") == label


# --- each kind, through its own loader ---------------------------------------------------------


def _waivers(path: str) -> object:
    return load_waivers(path, ["CT-RET-001"])


_LOADERS: dict[str, tuple[Callable[[str], object], type[LprLintError], str]] = {
    "baseline": (load_baseline, BaselineError, "b.yaml"),
    "waivers": (_waivers, WaiverError, "w.yaml"),
    "attestations": (load_attestations, CertificateError, "a.yaml"),
    "certificate": (load_certificate, CertificateError, "c.json"),
}
_CASES = [
    ("baseline", "baseline: x\n",
     ":1:1: invalid baseline: /version: 'version' is required but missing"),
    ("baseline", "a: [1,\n", ":1:7: invalid baseline: invalid YAML: did not find expected node "
     "content"),
    ("waivers", WAIVER.format(expires="soon"), ":6:5: invalid waiver #1 (CT-RET-001): field "
     "'expires': expected a date written YYYY-MM-DD, found \"soon\""),
    ("waivers", WAIVER.format(expires="2025-01-01"), ":6:5: invalid waiver #1 (CT-RET-001): "
     "field 'expires': is before approved_on"),
    ("waivers", "other: 1\n", ":1:1: invalid waiver: 'waivers' is required but missing"),
    ("waivers", "", ":1: invalid waivers file: the file is empty"),
    ("attestations", ATTESTATION.format(date="yesterday"), ":5:5: invalid attestation #1 "
     "(CT-CON-001): field 'date': expected a date written YYYY-MM-DD, found \"yesterday\""),
    ("attestations", "", ":1: invalid attestation file: the file is empty"),
    ("certificate", '{\n  "vendor": "x"\n}\n', ":1:1: invalid certificate: /certificate_format: "
     "'certificate_format' is required but missing"),
    # a certificate is always JSON, whatever it is called
    ("certificate", "vendor: x\n", ":1:1: invalid certificate: invalid JSON: Expecting value"),
]


@pytest.mark.parametrize(("kind", "text", "message"), _CASES)
def test_each_kind_keeps_its_error_and_words(tmp_path: Path, kind: str, text: str,
                                             message: str) -> None:
    load, error, name = _LOADERS[kind]
    path = _write(tmp_path, name, text)
    with pytest.raises(error) as excinfo:
        load(path)
    assert _message(excinfo) == path + message


@pytest.mark.parametrize("kind", ["waivers", "attestations", "certificate"])
def test_a_missing_file_of_each_kind(tmp_path: Path, kind: str) -> None:
    load, error, _ = _LOADERS[kind]
    with pytest.raises(error, match=r"none\.yaml: invalid [a-z ]+: no such file or directory$"):
        load(str(tmp_path / "none.yaml"))


def test_valid_attestations_load(tmp_path: Path) -> None:
    path = _write(tmp_path, "ok.yaml", ATTESTATION.format(date="2026-01-01"))
    assert load_attestations(path).attestations[0].control == "CT-CON-001"


@pytest.mark.parametrize(("text", "message"), [
    ("", None),
    ("# nothing set\n", None),
    ("fail_on: severe\n", ".lpr-lint.yaml:1:1: setting 'fail_on': expected one of "
     '"critical", "high", "medium", "low", "info"; found "severe"'),
    ("strict: false\nfail_level: high\n", ".lpr-lint.yaml:2:1: unknown setting 'fail_level' "
     "(known: allow_unknown, allowed_signers, baseline, fail_on, outputs, store, strict, "
     "waiver_max_days, waivers)"),
    ("- 1\n", ".lpr-lint.yaml: the configuration must be a mapping of settings"),
    ("a: [1,\n", ".lpr-lint.yaml:1:7: invalid configuration: invalid YAML: did not find "
     "expected node content"),
])
def test_configuration(tmp_path: Path, text: str, message: str | None) -> None:
    _write(tmp_path, ".lpr-lint.yaml", text)
    if message is None:
        assert config.read_file(str(tmp_path)) == ({}, ".lpr-lint.yaml")
        return
    with pytest.raises(ConfigError) as excinfo:
        config.read_file(str(tmp_path))
    assert _message(excinfo) == message


def test_configuration_outside_a_file_has_no_position(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[tool.lpr-lint]\nfail-on = "severe"\n')
    with pytest.raises(ConfigError, match=r"^pyproject\.toml \[tool\.lpr-lint\]: setting "
                                          r"'fail_on': expected one of"):
        config.read_file(str(tmp_path))
    with pytest.raises(ConfigError, match=r"^environment: setting 'waiver_max_days': "):
        config.resolve(None, str(tmp_path / "none"), {"LPR_LINT_WAIVER_MAX_DAYS": "0"})


def test_shipped_data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = resources.data_file
    broken = _write(tmp_path, "org-kinds.yaml", "version: 1\n")
    monkeypatch.setattr(resources, "data_file", lambda kind, name: (
        broken if kind == "baselines" else shipped(kind, name)))
    with pytest.raises(BaselineError) as excinfo:
        resources.load_data_file("data/org-kinds.yaml", "org-kinds.schema.json")
    assert _message(excinfo).startswith(f"{broken}:1:1: /")
    assert "invalid" not in _message(excinfo).split(": ")[1]
    os.remove(broken)
    with pytest.raises(BaselineError, match=r"org-kinds\.yaml: error: no such file"):
        resources.load_data_file("data/org-kinds.yaml", "org-kinds.schema.json")
