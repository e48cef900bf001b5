"""The README's sample outputs are what the commands print (lines the README leaves out are
marked with "…"; the README shortens test-data paths)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from lpr_lint.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
PORTAL = "tests/data/flock/portal/"


def block_after(marker: str) -> list[str]:
    """The lines of the first fenced block after ``marker``."""
    rest = README.split(marker, 1)[1]
    body = re.search(r"```[a-z]*\n(.*?)```", rest, re.S)
    assert body is not None, marker
    return body.group(1).rstrip("\n").split("\n")


def output(*args: str) -> list[str]:
    result = CliRunner().invoke(app, list(args))
    return result.stdout.replace(PORTAL, "portal/").rstrip("\n").split("\n")


def in_order(sample: list[str], actual: list[str]) -> None:
    """Each sample line appears in the output, in order; "…" skips any number of lines."""
    at = 0
    for line in sample:
        if line.strip() == "…":
            continue
        assert line in actual[at:], f"README line not in the output (or out of order): {line!r}"
        at = actual.index(line, at) + 1


@pytest.mark.parametrize(("marker", "args"), [
    ("Text output is one line per finding, then a summary:",
     ["check", "examples/noncompliant/vendor-default-30-days.json", "--as-of", "2027-02-01"]),
    ("A drift report names what it compared, then lists the changes by section, loosening first:",
     ["drift", f"{PORTAL}pinecrest-ca-pd/2026-04-10.json", "--against",
      f"{PORTAL}pinecrest-ca-pd/2026-04-03.json", "--as-of", "2027-02-01"]),
    ("report, not a gate: exit 0, 3 for unreadable input, 2 for a usage error.",
     ["access", "examples/compliant/lakeside-ct-pd.yaml", "--as-of", "2027-02-01"]),
])
def test_readme_sample_matches_the_command(marker: str, args: list[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    sample = block_after(marker)
    if sample[0].startswith("$ lpr-lint "):
        assert sample[0].split()[2:] == args
        sample = sample[1:]
    in_order(sample, output(*args))
