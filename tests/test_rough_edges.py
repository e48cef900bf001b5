"""The rough edges a new user hits (issue 15): the format's documentation ships with the
repository, verify-cert says in words what differs, and messages say what a user can act on."""

from __future__ import annotations

import json
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
