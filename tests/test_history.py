"""``lpr-lint history``: one agency's snapshots in date order, from a folder or git history."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conftest import AS_OF, EXAMPLES, ROOT
from lpr_lint.cli import app
from lpr_lint.load.files import load_document

PINECREST = ROOT / "tests" / "data" / "flock" / "portal" / "pinecrest-ca-pd"
COMPLIANT = EXAMPLES / "compliant" / "lakeside-ct-pd.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["history", *args, "--as-of", AS_OF.isoformat()])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def history_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(*args, "--format", "json")
    assert code in (0, 1), err
    return code, json.loads(out)


def partner_names(step: dict[str, Any], kind: str) -> set[str]:
    return {c["item"]["name"] for c in step["changes"]
            if c["kind"] == kind and c["item"] and c["item"]["whole"]}


def test_portal_folder_timeline() -> None:
    code, report = history_json(str(PINECREST))
    assert code == 1 and report["gate_failed"]  # partners added in two weeks
    assert report["agency"] == "Pinecrest CA PD (CA)"
    assert [s["date"] for s in report["snapshots"]] == [
        "2026-04-03", "2026-04-10", "2026-04-17", "2026-04-24"]
    assert all(s["status"] == "fail" for s in report["snapshots"])
    first, failed_load, after_gap = report["steps"]
    assert partner_names(first, "added") == {"Lowe's Companies Inc"}
    assert partner_names(first, "removed") == {"Home Depot Corporation"}
    [direction] = [c for c in first["changes"] if c["pointer"].endswith("/direction")]
    assert (direction["label"], direction["before"], direction["after"]) == (
        "Shasta County SO", "outbound", "both")
    # the failed page load is one change of the whole section, with the adapter's warning;
    # sharing gone unknown loosens (check reports unknowns it did not before)
    assert [(c["kind"], c["pointer"], c["direction"]) for c in failed_load["changes"]] == [
        ("removed", "/sharing", "loosening")]
    assert "failed page load" in report["snapshots"][2]["notices"][0]
    # the week after is compared, for partners, with the last week whose page loaded
    assert after_gap["notes"] == ["/sharing is unknown in 2026-04-17; compared with 2026-04-10"]
    assert [(c["kind"], c["label"]) for c in after_gap["changes"]] == [
        ("added", "[Federal] US Border Patrol")]
    assert report["summary"]["steps_loosening"] == 3


def test_text_and_markdown_show_every_snapshot_and_the_verdict() -> None:
    code, out, _ = run(str(PINECREST))
    assert code == 1
    assert out.startswith("History of Pinecrest CA PD (CA): 4 snapshots in ")
    assert "2026-04-03  " in out and "since 2026-04-10: 1 change" in out
    assert "note: /sharing is unknown in 2026-04-17; compared with 2026-04-10" in out
    assert out.rstrip().endswith("Gate (--fail-on loosening): FAILED")
    assert run(str(PINECREST), "--fail-on", "never")[0] == 0
    code, md, _ = run(str(PINECREST), "--format", "markdown")
    assert "| 2026-04-17 | " in md and "#### 2026-04-10 → 2026-04-17" in md


def write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@pytest.fixture
def town() -> dict[str, Any]:
    return copy.deepcopy(load_document(str(COMPLIANT)).data)


def test_folder_order_by_file_date_then_exported_at(tmp_path: Path, town: dict[str, Any]) -> None:
    versions = []
    for days in (14, 30, 21):
        doc = copy.deepcopy(town)
        doc["retention"]["plate_reads_days"] = days
        versions.append(doc)
    write(tmp_path / "b-2026-05-01.yaml", versions[0])
    write(tmp_path / "a-2026-06-01.yaml", versions[1])
    versions[2]["exported_at"] = "2026-07-01T00:00:00Z"
    write(tmp_path / "latest.yaml", versions[2])  # no date in the name: its exported_at
    code, report = history_json(str(tmp_path))
    assert [s["date"] for s in report["snapshots"]] == ["2026-05-01", "2026-06-01", "2026-07-01"]
    values = [(c["before"], c["after"]) for st in report["steps"] for c in st["changes"]
              if c["pointer"] == "/retention/plate_reads_days"]
    assert values == [(14, 30), (30, 21)]
    assert code == 1 and [s["status"] for s in report["snapshots"]] == ["pass", "fail", "pass"]


def test_one_snapshot_is_a_timeline_without_steps(tmp_path: Path, town: dict[str, Any]) -> None:
    write(tmp_path / "2026-05-01.yaml", town)
    code, report = history_json(str(tmp_path))
    assert code == 0 and len(report["snapshots"]) == 1 and report["steps"] == []


def test_snapshots_of_another_agency_are_refused_unless_allowed(tmp_path: Path,
                                                                town: dict[str, Any]) -> None:
    write(tmp_path / "2026-05-01.yaml", town)
    other = copy.deepcopy(town)
    other["agency"]["ori"] = "CT0099999"
    write(tmp_path / "2026-05-08.yaml", other)
    code, out, err = run(str(tmp_path))
    assert code == 3 and not out and "2026-05-08.yaml describes" in err
    assert "--allow-other-agency" in err
    code, report = history_json(str(tmp_path), "--allow-other-agency")
    assert "listed with --allow-other-agency" in report["notices"][0]


@pytest.mark.parametrize(("setup", "message"), [
    (lambda p: p.mkdir(), "no *.json, *.yaml or *.yml snapshots here"),
    (lambda p: None, "no such file or directory"),
    (lambda p: p.write_text("{}", encoding="utf-8"), "use --git"),
])
def test_bad_paths_exit_3(tmp_path: Path, setup: Any, message: str) -> None:
    target = tmp_path / "snaps"
    setup(target)
    code, out, err = run(str(target))
    assert code == 3 and not out and message in err and len(err.strip().splitlines()) == 1


def test_a_malformed_snapshot_is_named_with_its_line(tmp_path: Path, town: dict[str, Any]) -> None:
    write(tmp_path / "2026-05-01.yaml", town)
    (tmp_path / "2026-05-08.json").write_text('{"agency": {"name": "x",,}}', encoding="utf-8")
    code, _, err = run(str(tmp_path))
    assert code == 3 and "2026-05-08.json:1:" in err


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "agency"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "it@example.gov")
    git(repo, "config", "user.name", "Agency IT")
    return repo


def test_git_history_of_one_export(repo: Path, town: dict[str, Any]) -> None:
    export = repo / "exports" / "town.yaml"
    write(export, town)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    town["sharing"]["national_lookup"] = True
    write(export, town)
    git(repo, "commit", "-qam", "vendor turned national lookup on")
    git(repo, "mv", "exports/town.yaml", "exports/lakeside.yaml")  # followed across a rename
    git(repo, "commit", "-qm", "rename")
    town["sharing"]["national_lookup"] = False
    write(repo / "exports" / "lakeside.yaml", town)
    git(repo, "commit", "-qam", "fixed")
    commits = git(repo, "log", "--format=%H", "--reverse").split()
    code, report = history_json(str(repo / "exports" / "lakeside.yaml"), "--git")
    assert code == 1
    assert [s["commit"] for s in report["snapshots"]] == commits
    assert report["snapshots"][0]["label"].endswith(f"lakeside.yaml@{commits[0][:12]}")
    assert [[(c["pointer"], c["direction"]) for c in st["changes"]]
            for st in report["steps"]] == [
        [("/sharing/national_lookup", "loosening")], [],
        [("/sharing/national_lookup", "tightening")]]
    # from another directory, with a relative path
    cwd = os.getcwd()
    try:
        os.chdir(repo / "exports")
        code, out, _ = run("lakeside.yaml", "--git")
        assert code == 1 and out.count("lakeside.yaml@") == 4
    finally:
        os.chdir(cwd)


def test_git_errors_exit_3(repo: Path, tmp_path: Path, town: dict[str, Any]) -> None:
    write(repo / "new.yaml", town)  # never committed
    code, _, err = run(str(repo / "new.yaml"), "--git")
    assert code == 3 and "does not have any commits yet" in err
    write(repo / "other.yaml", town)
    git(repo, "add", "other.yaml")
    git(repo, "commit", "-qm", "another file")
    code, _, err = run(str(repo / "new.yaml"), "--git")
    assert code == 3 and "no committed versions" in err
    outside = tmp_path / "outside"
    write(outside / "x.yaml", town)
    code, _, err = run(str(outside / "x.yaml"), "--git")
    assert code == 3 and "git rev-parse" in err


def test_real_agency_timelines(shared_data: Path) -> None:
    portal = shared_data / "flock-portal"
    for slug in ("atherton-ca-pd", "el-cerrito-ca-pd", "alameda-county-ca-so"):
        code, report = history_json(str(portal / slug))
        dates = [s["date"] for s in report["snapshots"]]
        assert dates == sorted(dates) and len(dates) == len(os.listdir(portal / slug))
        assert len(report["steps"]) == len(dates) - 1
        assert code == (1 if report["gate_failed"] else 0)
    code, report = history_json(str(portal / "atherton-ca-pd"))
    [retention] = [c for st in report["steps"] for c in st["changes"]
                   if c["pointer"] == "/retention/plate_reads_days"]
    assert (retention["before"], retention["after"], retention["direction"]) == (
        365, 30, "tightening")
    assert retention["compliance"] == "violating→violating"
