"""The README's sample outputs are what the commands print (lines the README leaves out are
marked with "…"; the README shortens test-data paths)."""

from __future__ import annotations

import os
import re
from pathlib import Path

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


def test_the_readme_links_nothing_outside_the_repository() -> None:
    """A user's clone has no ``../shared``: every link resolves inside the repository."""
    links = re.findall(r"\]\(([^)\s]+)\)", README)
    assert links
    outside = [link for link in links if not link.startswith(("http://", "https://", "#"))
               and not (ROOT / link.split("#", 1)[0]).resolve().is_relative_to(ROOT.resolve())]
    assert outside == []
    missing = [link for link in links if not link.startswith(("http://", "https://", "#"))
               and not (ROOT / link.split("#", 1)[0]).exists()]
    assert missing == []
    assert "](docs/export-format-v1.md)" in README


def test_the_readme_schema_command_works(tmp_path: Path) -> None:
    """The README's check-jsonschema sample runs as written (on a compliant export)."""
    import json
    import shutil
    import subprocess
    import sys

    from lpr_lint.load.files import load_document

    bindir = Path(sys.executable).parent
    if not (bindir / "check-jsonschema").exists() and not shutil.which("check-jsonschema"):
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]')")
    marker = "Write it to a file first"
    commands = block_after(marker)
    assert any("check-jsonschema" in c for c in commands) and "<(" not in "\n".join(commands)
    data = load_document(str(ROOT / "examples" / "compliant" / "lakeside-ct-pd.yaml")).data
    (tmp_path / "town.json").write_text(json.dumps(data), encoding="utf-8")
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run(["bash", "-e", "-c", "\n".join(commands)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok -- validation done" in proc.stdout


def test_the_first_command_s_exit_code_and_output_are_explained(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's first command exits 1 on the shipped examples, and says so beside it."""
    first = block_after("# lpr-lint")[0]
    assert first.endswith("lpr-lint check --baseline auto examples/")
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["check", "--baseline", "auto", "examples/"])
    assert result.exit_code == 1
    failed = sorted({line.split(":", 1)[0] for line in result.stdout.splitlines()
                     if line.startswith("examples/") and ": ERROR " not in line})
    assert failed and all(f.startswith("examples/noncompliant/") for f in failed)
    after = README.split(first, 1)[1].split("Run the tests", 1)[0]
    words = " ".join(after.split())
    assert "exit code 1" in words
    assert f"the {len(failed)} exports in `examples/noncompliant/`" in words
    assert "file:line:column: SEVERITY RULE-ID message" in words
