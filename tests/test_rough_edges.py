"""The rough edges a new user hits (issue 15): the format's documentation ships with the
repository, verify-cert says in words what differs, and messages say what a user can act on."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT
from lpr_lint.cli import app
from lpr_lint.load import data as resources

DOC = ROOT / "docs" / "export-format-v1.md"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


# --- the export format's documentation ships in the repository ---------------------------


def test_the_export_format_is_documented_in_the_repository() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "schemas/export-v1.schema.json" in text  # where its schema is
    block = text[text.index("```yaml") + 7: text.index("```", text.index("```yaml") + 7)]
    from lpr_lint.load.yamlparse import load_yaml
    from lpr_lint.rules.engine import strictify
    from lpr_lint.rules.validator import Validator

    sample, _ = load_yaml(block, "docs/export-format-v1.md")
    schema = strictify(resources.load_json_schema("export-v1.schema.json"))
    assert Validator(schema).errors(sample) == []  # every name in it is the schema's


def test_the_documentation_is_the_published_interface() -> None:
    """The shipped copy keeps the published text (names and meanings), adding only where the
    schema is."""
    spec = ROOT.parent / "shared" / "spec" / "export-format-v1.md"
    if not spec.is_file():
        pytest.skip("../shared/spec is absent")
    ours = DOC.read_text(encoding="utf-8").splitlines()
    theirs = spec.read_text(encoding="utf-8").splitlines()
    added = [line for line in ours if line not in theirs]
    assert [line for line in theirs if line not in ours] == []
    assert any("schemas/export-v1.schema.json" in line for line in added) and len(added) <= 4


def test_the_export_schema_names_its_documentation() -> None:
    schema = resources.load_json_schema("export-v1.schema.json")
    assert "docs/export-format-v1.md" in schema["description"]


# --- a duplicate key names the kind of file it is in ----------------------------------------


@pytest.mark.parametrize(("name", "command", "expected"), [
    ("cert.json", ["verify-cert", "FILE", str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")],
     "FILE:3:3: the certificate is ambiguous: duplicate key 'vendor' (first at line 2)"),
    (".lpr-lint.yaml", ["config"],
     "FILE:3:1: the configuration file is ambiguous: duplicate key 'fail_on' (first at line 2)"),
    ("waivers.yaml", ["check", "--waivers", "FILE",
                      str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")],
     "FILE:3:1: the waivers file is ambiguous: duplicate key 'fail_on' (first at line 2)"),
    ("attest.yaml", ["certify", str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml"), "--vendor",
                     "V", "--out", "c.json", "--attest", "FILE"],
     "FILE:3:1: the attestation file is ambiguous: duplicate key 'fail_on' (first at line 2)"),
    ("export.yaml", ["check", "FILE"],
     "FILE:3:1: ERROR the export is ambiguous: duplicate key 'fail_on' (first at line 2)"),
])
def test_a_duplicate_key_names_the_kind_of_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               name: str, command: list[str],
                                               expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    for var in ("LPR_LINT_BASELINE", "LPR_LINT_FAIL_ON", "LPR_LINT_WAIVERS"):
        monkeypatch.delenv(var, raising=False)
    text = ('{\n  "vendor": "A",\n  "vendor": "B"\n}\n' if name.endswith(".json")
            else "# a file\nfail_on: high\nfail_on: low\n")
    (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, err = run(*[name if a == "FILE" else a for a in command])
    assert code == 3
    assert expected.replace("FILE", name) in out + err
    assert "export is ambiguous" not in (out + err) or name == "export.yaml"


def test_codec_names_are_the_ones_users_know() -> None:
    from lpr_lint.load.encodings import known_name

    try:
        b"\x81".decode("cp1252")
    except UnicodeDecodeError as exc:
        assert exc.encoding == "charmap"  # what Python says about cp1252
        assert known_name(exc.encoding, "cp1252") == "cp1252"
        assert known_name(exc.encoding) == "cp1252"
    assert known_name("charmap", "windows-1250") == "cp1250"
    assert known_name("utf_8") == "UTF-8" and known_name("utf-16-le") == "UTF-16"
    assert known_name("no-such-codec") == "no-such-codec"


# --- check on folders ---------------------------------------------------------------------


def test_a_folder_of_vendor_csvs_says_how_to_check_them(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "vendor").mkdir()
    for name in ("shares.csv", "users.csv", "more.csv"):
        (tmp_path / "vendor" / name).write_text("a,b\n", encoding="utf-8")
    code, out, _ = run("check", "vendor")
    assert code == 3
    assert ("vendor: ERROR no *.json, *.yaml or *.yml files found in this directory (it has 3 "
            "*.csv files: vendor files are read only when named, so name them directly, e.g. "
            "lpr-lint check vendor/more.csv)") in out
    # and named directly, a vendor CSV is read
    shares = ROOT / "tests" / "data" / "flock" / "shares.csv"
    code, out, err = run("check", str(shares))
    assert "read as flock-shares" in err and " ERROR " not in out


def test_an_empty_folder_is_not_counted_as_a_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    code, out, _ = run("check", "empty")
    assert code == 3  # a gate pointed at the wrong folder must not pass
    assert out.splitlines()[-1].startswith(
        "0 files checked: 0 passed, 0 failed; 1 folder had nothing to check; 0 findings;")
    code, out, _ = run("check", "empty", str(EXAMPLES / "compliant"))
    assert code == 3
    assert out.splitlines()[-1].startswith(
        "1 file checked: 1 passed, 0 failed; 1 folder had nothing to check; 0 findings;")
    code, out, _ = run("check", "empty", str(EXAMPLES / "compliant"), "-f", "json")
    import json

    report = json.loads(out)
    assert {k: report["summary"][k] for k in ("files", "passed", "errors", "empty_folders")} == {
        "files": 1, "passed": 1, "errors": 0, "empty_folders": 1}
    assert sorted(f.get("folder", False) for f in report["files"]) == [False, True]


# --- lpr-lint --help ------------------------------------------------------------------------


def _commands() -> list[tuple[list[str], str, str]]:
    """(group path, command name, first paragraph of its help) for every command."""
    import typer.main

    found = []

    def walk(group: object, path: list[str]) -> None:
        for name, cmd in sorted(group.commands.items()):  # type: ignore[attr-defined]
            if cmd.hidden:
                continue
            found.append((path, name, " ".join((cmd.help or "").partition("\n\n")[0].split())))
            if hasattr(cmd, "commands"):
                walk(cmd, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


@pytest.mark.parametrize(("path", "name", "first"), _commands(),
                         ids=[" ".join([*p, n]) for p, n, _ in _commands()])
def test_every_command_s_summary_is_one_complete_sentence(path: list[str], name: str,
                                                           first: str) -> None:
    """``lpr-lint --help`` lists each command with the first paragraph of its help: one
    sentence, ending with a full stop, shown whole (click cuts what does not fit with
    "...")."""
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"},
                                terminal_width=80)
    listed = [line.split(None, 1)
              for line in result.stdout.split("Commands:", 1)[1].splitlines() if line.strip()]
    summary = {row[0]: row[1] if len(row) > 1 else "" for row in listed}[name]
    assert not summary.endswith("..."), f"{name}: cut in lpr-lint --help: {summary!r}"
    assert summary.endswith("."), f"{name}: {summary!r} does not end with a full stop"
    assert summary == first, f"{name}: the first paragraph is more than one sentence: {first!r}"


# --- drift and approve say how they read a vendor file ------------------------------------


PORTAL = ROOT / "tests" / "data" / "flock" / "portal" / "pinecrest-ca-pd"


def test_drift_and_approve_say_a_vendor_file_was_detected(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    new, old = str(PORTAL / "2026-04-10.json"), str(PORTAL / "2026-04-03.json")
    note = "lpr-lint: {}: read as flock-portal (detected from its content; --from chooses)"
    code, out, err = run("drift", new, "--against", old, "--as-of", "2027-02-01")
    assert code == 1 and "Drift of" in out
    assert note.format(new) in err and note.format(old) in err
    assert "read as" not in out  # on stderr, as check prints it
    code, out, err = run("approve", new, "--by", "A. Rivera", "--store", "st", "--baseline",
                         "ca", "--accept-findings", "--as-of", "2027-02-01")
    assert code == 0 and out.startswith("approved "), err
    assert note.format(new) in err
    code, _, err = run("approve", new, "--by", "A. Rivera", "--store", "st", "--as-of",
                       "2027-02-01")
    assert code == 1 and note.format(new) in err  # refused, and still said
    code, _, err = run("drift", new, "--store", "st", "--as-of", "2027-02-01", "--baseline",
                       "ca")
    assert code == 0 and note.format(new) in err
    code, _, err = run("drift", new, "--against", old, "--from", "flock-portal", "--as-of",
                       "2027-02-01")
    assert "read as" not in err  # named, not detected: nothing to say
