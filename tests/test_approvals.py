"""Approvals belong to an export: drift compares with the latest approval of the export's
agency (ORI, else name and state; its path when it names no agency), refuses to compare two
agencies unless asked, and approving inside a git work tree says what to commit."""

from __future__ import annotations

import copy
import datetime as _dt
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conftest import AS_OF, EXAMPLES
from lpr_lint.cli import app
from lpr_lint.history.agency import Agency
from lpr_lint.history.pipeline import approve
from lpr_lint.history.store import Store, canonical_bytes, entry_hash
from lpr_lint.load.files import load_document
from lpr_lint.rules.engine import Options

COMPLIANT = EXAMPLES / "compliant" / "lakeside-ct-pd.yaml"
OTHER = EXAMPLES / "noncompliant" / "vendor-default-30-days.json"  # another agency (ORI differs)
NOW = _dt.datetime(2027, 2, 1, 9, 30, tzinfo=_dt.timezone.utc)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--as-of", AS_OF.isoformat()]
                                if args[0] in ("drift", "approve") else list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, data: Any) -> str:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def town(tmp_path: Path) -> dict[str, Any]:
    return copy.deepcopy(load_document(str(COMPLIANT)).data)


@pytest.mark.parametrize(("a", "b", "same"), [
    ({"ori": "CT1"}, {"ori": "ct1 "}, True),
    ({"ori": "CT1", "name": "A"}, {"ori": "CT1", "name": "B"}, True),  # renamed, same ORI
    ({"ori": "CT1", "name": "A"}, {"ori": "CT2", "name": "A"}, False),
    ({"name": "Lakeside  PD", "state": "CT"}, {"name": "lakeside pd", "state": "CT"}, True),
    ({"name": "Lakeside PD", "state": "CT"}, {"name": "Lakeside PD", "state": "NY"}, False),
    ({"name": "Lakeside PD"}, {"name": "Lakeside PD", "state": "CT"}, True),
    ({"ori": "CT1", "name": "A"}, {"name": "B"}, False),  # no ORI on one side: names decide
    ({"name": "A"}, {}, None),  # cannot be told
    ({}, {}, None),
])
def test_agency_identity(a: dict[str, str], b: dict[str, str], same: bool | None) -> None:
    first, second = Agency.of({"agency": a}), Agency.of({"agency": b})
    assert first.same_as(second) is same and second.same_as(first) is same


def test_agency_of_odd_documents() -> None:
    assert not Agency.of([]).known and not Agency.of({"agency": "x"}).known
    assert not Agency.of({"agency": {"name": "  ", "ori": 7}}).known
    assert Agency.from_record({"ori": "CT1"}).describe() == "ORI CT1"
    assert Agency().describe() == "an export with no agency name"
    assert Agency.of({"agency": {"name": "A", "state": "ct", "ori": "ct1"}}).describe() == (
        "A (CT, ORI CT1)")


def test_drift_compares_with_the_latest_approval_of_that_export(tmp_path: Path,
                                                                town: dict[str, Any]) -> None:
    store = str(tmp_path / "st")
    first = write(tmp_path / "town.yaml", town)
    assert run("approve", first, "--by", "Sgt. A", "--store", store)[0] == 0
    assert run("approve", str(OTHER), "--by", "Lt. B", "--store", store,
               "--accept-findings")[0] == 0  # the newest entry is another agency's
    code, out, err = run("drift", first, "--store", store)
    assert code == 0, err
    assert "No changes." in out and "from approval #1 of " in out and "(Sgt. A, " in out
    town["retention"]["plate_reads_days"] = 30
    write(tmp_path / "town.yaml", town)
    code, out, _ = run("drift", first, "--store", store, "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["before"]["approval"]["seq"] == 1
    assert report["before"]["approval"]["approver"] == "Sgt. A"
    assert [c["pointer"] for c in report["changes"]] == ["/retention/plate_reads_days"]
    # the other agency's export is compared with its own approval, #2
    code, out, _ = run("drift", str(OTHER), "--store", store)
    assert code == 0 and "from approval #2 of " in out


def test_a_renamed_export_under_the_same_ori_keeps_its_approval(tmp_path: Path,
                                                                  town: dict[str, Any]) -> None:
    store = str(tmp_path / "st")
    assert run("approve", write(tmp_path / "a.yaml", town), "--by", "A", "--store", store)[0] == 0
    town["agency"]["name"] = "Lakeside Town Police"
    moved = write(tmp_path / "renamed.yaml", town)  # another path, another name, same ORI
    code, out, _ = run("drift", moved, "--store", store)
    assert code == 0 and "~ /agency/name" in out and "approval #1" in out


def test_no_approval_for_the_export_exits_3_and_says_how_to_approve(
        tmp_path: Path, town: dict[str, Any]) -> None:
    store = str(tmp_path / "st")
    assert run("approve", str(OTHER), "--by", "B", "--store", store, "--accept-findings")[0] == 0
    path = write(tmp_path / "town.yaml", town)
    code, out, err = run("drift", path, "--store", store)
    assert code == 3 and not out
    assert "no approval of Lakeside Police Department (CT, ORI CT0012300)" in err
    assert f"lpr-lint approve {path} --by NAME" in err


def test_an_export_without_an_agency_is_matched_by_path(tmp_path: Path,
                                                        town: dict[str, Any]) -> None:
    del town["agency"]
    store = str(tmp_path / "st")
    path = write(tmp_path / "anon.yaml", town)
    assert run("approve", path, "--by", "A", "--store", store, "--accept-findings")[0] == 0
    assert run("drift", path, "--store", store)[0] == 0
    other = write(tmp_path / "other.yaml", town)
    code, _, err = run("drift", other, "--store", store)
    assert code == 3 and f"no approval of {other}" in err


def test_entries_written_before_agencies_were_recorded_are_found_by_their_snapshot(
        tmp_path: Path, ct_baseline: Any) -> None:
    store = Store(str(tmp_path / "st"))
    approve(str(COMPLIANT), ct_baseline, Options(as_of=AS_OF), store, "A", now=NOW)
    [entry] = store.entries()
    del entry["agency"]  # as an older lpr-lint wrote it, hash and all
    entry["hash"] = entry_hash(entry)
    Path(store.ledger).write_bytes(canonical_bytes(entry) + b"\n")
    code, out, _ = run("drift", str(COMPLIANT), "--store", store.path)
    assert code == 0 and "approval #1" in out


def test_against_another_agency_is_refused_unless_allowed(tmp_path: Path,
                                                          town: dict[str, Any]) -> None:
    code, out, err = run("drift", str(OTHER), "--against", str(COMPLIANT))
    assert code == 3 and not out
    assert ("describe different agencies; compare them anyway with --allow-other-agency"
            in err)
    code, out, _ = run("drift", str(OTHER), "--against", str(COMPLIANT), "--allow-other-agency",
                       "--format", "json")
    assert code == 1 and "different agencies" in json.loads(out)["notices"][0]
    # same name and state, no ORIs: the same agency
    for doc in (town,):
        del doc["agency"]["ori"]
    a = write(tmp_path / "a.yaml", town)
    town["agency"]["state"] = "NY"
    b = write(tmp_path / "b.yaml", town)
    assert run("drift", a, "--against", a)[0] == 0
    code, _, err = run("drift", b, "--against", a)
    assert code == 3 and "(NY)" in err and "(CT)" in err


def test_approve_in_a_git_work_tree_says_what_to_commit_and_ignores_the_lock(
        tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "agency"
    (repo / "exports").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    export = repo / "exports" / "town.yaml"
    shutil.copy(COMPLIANT, export)
    store = repo / ".lpr-lint"
    code, out, _ = run("approve", str(export), "--by", "A", "--store", str(store))
    assert code == 0
    [entry] = Store(str(store)).entries()
    snapshot = store / "snapshots" / f"{entry['snapshot_sha256']}.json"
    assert (f"git add {store / 'ledger.jsonl'} {snapshot} {store / '.gitignore'}"
            in out)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=repo, check=True, capture_output=True, text=True).stdout
    assert ".lpr-lint/ledger.jsonl" in status and ".lpr-lint/.gitignore" in status
    assert ".lpr-lint/lock" not in status  # ignored by the store's own .gitignore
    # outside a work tree nothing is said about git
    code, out, _ = run("approve", str(export), "--by", "A", "--store", str(tmp_path / "st"))
    assert code == 0 and "git add" not in out
