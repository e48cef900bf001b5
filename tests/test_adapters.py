"""Adapters: detection, the three Flock formats, and the real portal snapshots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import AS_OF, EXAMPLES, ROOT
from lpr_lint.adapters import ADAPTERS, adapter
from lpr_lint.adapters.load import load_input
from lpr_lint.cli import app
from lpr_lint.errors import InputError

DATA = ROOT / "tests" / "data" / "flock"
LAKEVIEW = DATA / "portal" / "lakeview-ca-pd"
HILLCREST = DATA / "portal" / "hillcrest-ca-pd"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_registry_names_resolve() -> None:
    for name in ADAPTERS:
        assert adapter(name).name == name


@pytest.mark.parametrize(("path", "expected"), [
    (EXAMPLES / "compliant" / "lakeside-ct-pd.yaml", "export-v1"),
    (EXAMPLES / "noncompliant" / "vendor-default-30-days.json", "export-v1"),
    (LAKEVIEW / "2026-04-17.json", "flock-portal"),
    (DATA / "shares.csv", "flock-shares"),
    (DATA / "users.csv", "flock-users"),
])
def test_detection(path: Path, expected: str) -> None:
    loaded = load_input(str(path))
    assert loaded.adapter == expected
    if expected != "export-v1":
        assert loaded.notices[0].endswith(f"read as {expected} (detected from its content; "
                                          "--from chooses)")


def test_portal_snapshot_converts_what_it_publishes_and_nothing_else() -> None:
    data = load_input(str(LAKEVIEW / "2026-04-17.json")).document.data
    assert data["retention"] == {"plate_reads_days": 30}
    assert data["agency"] == {"name": "The Lakeview California Police Department", "state": "CA"}
    partners = {p["name"]: p for p in data["sharing"]["partners"]}
    assert partners["Houston TX PD"] == {"name": "Houston TX PD", "direction": "both",
                                         "state": "TX", "kind": "municipal"}
    assert partners["Fresno CA PD"]["direction"] == "inbound"
    assert partners["[Federal] US Border Patrol [Inactive]"]["state"] == "US"
    assert partners["[Federal] US Border Patrol [Inactive]"]["kind"] == "federal"
    assert "Bishop CA PD" in partners  # trailing space trimmed
    assert data["policy"]["prohibited_purposes"] == ["immigration_enforcement",
                                                     "protected_characteristics"]
    assert data["hotlists"] == {"sources": ["California SVS", "NCMEC Amber Alert"]}
    for absent in ("access", "audit", "contract", "search_controls", "exports"):
        assert absent not in data  # never invented: unknown


def test_empty_sharing_after_a_full_week_is_a_failed_load_not_no_partners() -> None:
    loaded = load_input(str(HILLCREST / "2026-04-17.json"))
    assert "sharing" not in loaded.document.data
    assert "retention" not in loaded.document.data
    assert any("sharing_outbound is empty but the snapshot of 2026-04-10 lists 6 organisations"
               in n for n in loaded.notices)
    assert any("data retention is not published" in n for n in loaded.notices)


def test_check_on_a_portal_snapshot_points_into_the_source(tmp_path: Path) -> None:
    code, out, err = run("check", str(LAKEVIEW / "2026-04-10.json"), "--as-of", "2027-02-01")
    assert code == 1 and "read as flock-portal" in err
    line = next(x for x in out.splitlines() if " CT-RET-001 " in x)
    assert line.startswith(f"{LAKEVIEW / '2026-04-10.json'}:7:2: CRITICAL CT-RET-001 "
                           "/retention/plate_reads_days: plate reads are kept 365 days")
    assert "CT-SHR-001 /sharing/partners/2/state: outbound partner Houston TX PD is in TX" in out
    assert "CT-SHR-003 /sharing/partners/3/warrant_only" in out
    assert "CT-CON-001 unknown" in out  # the portal says nothing about the contract


def test_drift_between_weekly_snapshots() -> None:
    code, out, _ = run("drift", str(LAKEVIEW / "2026-04-17.json"), "--against",
                       str(LAKEVIEW / "2026-04-10.json"), "--as-of", "2027-02-01",
                       "--format", "json")
    assert code == 0  # only tightening: retention shortened, a partner removed
    changes = {c["pointer"]: c for c in json.loads(out)["changes"]}
    assert changes["/retention/plate_reads_days"]["before"] == 365
    assert changes["/retention/plate_reads_days"]["direction"] == "tightening"
    removed = [c for c in changes.values() if c["kind"] == "removed"]
    assert [c["label"] for c in removed] == ["Kansas City MO PD"]
    assert removed[0]["direction"] == "tightening"


def test_shares_csv() -> None:
    partners = load_input(str(DATA / "shares.csv")).document.data["sharing"]["partners"]
    got = {p["name"]: (p["direction"], p.get("state"), p.get("kind")) for p in partners}
    assert got == {
        "Kings County Sheriff's Office CA": ("both", "CA", "county"),
        "Marina CA PD": ("inbound", "CA", "municipal"),
        "[Federal] US Postal Inspection Service": ("outbound", "US", "federal"),
        "Houston TX PD": ("outbound", "TX", "municipal"),
    }


def test_users_csv_keeps_roles_and_drops_personal_details() -> None:
    loaded = load_input(str(DATA / "users.csv"))
    assert loaded.document.data["access"]["roles"] == [
        {"name": "Admin", "permissions": ["hotlist_manage", "search", "user_manage"], "users": 1},
        {"name": "Detective", "permissions": ["hotlist_manage", "search"], "users": 1},
        {"name": "Patrol Officer's / CSO", "permissions": ["search"], "users": 2},
    ]
    text = json.dumps(loaded.document.data)
    for personal in ("First1", "Last2", "user3@example.gov", "555-0100"):
        assert personal not in text


def test_convert_command(tmp_path: Path) -> None:
    code, out, err = run("convert", str(DATA / "users.csv"))
    assert code == 0 and json.loads(out)["access"]["roles"][0]["name"] == "Admin"
    assert "read as flock-users" in err
    code, out, _ = run("convert", str(DATA / "shares.csv"), "--from", "flock-shares",
                       "--format", "yaml")
    assert code == 0 and out.startswith("format_version: '1.0'")


def test_unknown_formats_ask_for_from(tmp_path: Path) -> None:
    odd = tmp_path / "report.csv"
    odd.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    code, _, err = run("convert", str(odd))
    assert code == 3 and "cannot tell what this file is; name its format with --from" in err
    code, _, err = run("convert", str(DATA / "users.csv"), "--from", "flock-portal")
    assert code == 3 and "users.csv" in err
    assert run("convert", str(DATA / "users.csv"), "--from", "acme")[0] == 2
    code, out, _ = run("check", str(odd))
    assert code == 3 and "cannot tell what this file is" in out


def test_a_converted_portal_snapshot_can_be_approved_and_drifted(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    assert run("approve", str(LAKEVIEW / "2026-04-10.json"), "--by", "Auditor", "--store", store,
               "--accept-findings")[0] == 0
    code, out, _ = run("drift", str(LAKEVIEW / "2026-04-17.json"), "--store", store)
    assert code == 0
    assert "~ /retention/plate_reads_days: 365 → 30  [tightening" in out


# --- real data ----------------------------------------------------------------------------


def test_every_real_portal_snapshot_converts(shared_data: Path) -> None:
    from lpr_lint.load import data as resources
    from lpr_lint.rules.validator import Validator

    schema = Validator(resources.load_json_schema("export-v1.schema.json"))
    files = sorted((shared_data / "flock-portal").glob("*/*.json"))
    assert len(files) == 703
    failed: list[tuple[str, Any]] = []
    for path in files:
        try:
            doc = load_input(str(path), source="flock-portal").document
        except InputError as exc:
            failed.append((str(path), exc.message))
            continue
        issues = schema.errors(doc.data)
        if issues:
            failed.append((str(path), issues[0].message))
    assert failed == []


def test_real_atherton_retention_change_is_tightening(shared_data: Path) -> None:
    folder = shared_data / "flock-portal" / "atherton-ca-pd"
    if not (folder / "2026-04-24.json").exists():
        pytest.skip("the Atherton snapshots are not in this copy of ../shared/data")
    code, out, _ = run("drift", str(folder / "2026-04-24.json"), "--against",
                       str(folder / "2026-04-17.json"), "--format", "json",
                       "--as-of", AS_OF.isoformat())
    assert code in (0, 1)  # other weekly changes may loosen; retention must tighten
    change = next(c for c in json.loads(out)["changes"]
                  if c["pointer"] == "/retention/plate_reads_days")
    assert (change["before"], change["after"], change["direction"]) == (365, 30, "tightening")


@pytest.mark.parametrize(("lists", "failed"), [
    # an empty list beside a week that listed any organisation: a failed page load, whichever
    # side of it that week is (the first snapshot of a folder has only a later neighbour)
    ([[], ["Fresno CA PD"]], [True, False]),
    ([["Fresno CA PD"], [], ["Fresno CA PD"]], [False, True, False]),
    ([["Fresno CA PD"], []], [False, True]),
    # empty every week: the agency publishes no partners; not a failed load
    ([[], []], [False, False]),
])
def test_failed_page_load_seen_from_either_neighbour(tmp_path: Path, lists: list[list[str]],
                                                      failed: list[bool]) -> None:
    source = json.loads((LAKEVIEW / "2026-04-10.json").read_text(encoding="utf-8"))
    paths = []
    for n, names in enumerate(lists):
        doc = dict(source, sharing_outbound=names, sharing_inbound=[])
        paths.append(tmp_path / f"2026-04-{10 + 7 * n:02d}.json")
        paths[-1].write_text(json.dumps(doc), encoding="utf-8")
    got = []
    for path in paths:
        loaded = load_input(str(path))
        got.append("sharing" not in loaded.document.data)
        assert got[-1] == any("a failed page load" in w for w in loaded.warnings)
        assert loaded.gaps == (("/sharing",) if got[-1] else ())
    assert got == failed
