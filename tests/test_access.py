"""``lpr-lint access``: who can reach an agency's data and do what.

The analysis (recipients by state and kind, labels that disagree with names, totals, roles by
permission, unknowns), the three formats (escaped Markdown, sorted JSON, determinism), vendor
files, exit codes, and every real portal snapshot.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import AS_OF, EXAMPLES, ROOT
from lpr_lint.access.analysis import ELEVATED_ROLE_CEILING, access_report, analyse, ceiling_of
from lpr_lint.access.records import AccessReport, Recipient
from lpr_lint.cli import app
from lpr_lint.report import ACCESS_REPORTERS, load
from lpr_lint.report.access import AccessReporter

COMPLIANT = EXAMPLES / "compliant" / "lakeside-ct-pd.yaml"
NONCOMPLIANT = EXAMPLES / "noncompliant"
PORTAL = ROOT / "tests" / "data" / "flock" / "portal"
DATE = AS_OF.isoformat()


def report_of(path: Path) -> AccessReport:
    return access_report(str(path), AS_OF)[0]


def of(data: Any) -> AccessReport:
    return analyse(data, path="x.yaml", sha256="0" * 64, source="export-v1", as_of=AS_OF)


def render(report: AccessReport, fmt: str) -> str:
    made = load(ACCESS_REPORTERS, fmt)()
    assert isinstance(made, AccessReporter)
    return str(made.render(report))


def named(report: AccessReport) -> dict[str, Recipient]:
    return {r.name: r for r in report.outside.recipients}


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["access", *args])


def export(*partners: Any, **sections: Any) -> dict[str, Any]:
    return {"format_version": "1.0", "agency": {"name": "Town PD", "state": "CT"},
            "sharing": {"partners": list(partners)}, **sections}


# --- the shipped examples ------------------------------------------------------------------

def test_compliant_example_outside() -> None:
    report = report_of(COMPLIANT)
    o = report.outside
    assert o.known and report.agency_state == "CT"
    assert [g.state for g in o.groups] == ["CT", "NY", "US"]  # home first, federal last
    assert o.groups[0].home and not o.groups[1].home
    who = named(report)
    assert set(who) == {"Westport CT PD", "Connecticut State Police", "Port Chester NY PD",
                        "[Federal] FBI New Haven Field Office"}
    assert [r.name for r in o.inbound] == ["Harris County TX SO"]  # receives nothing
    ny = who["Port Chester NY PD"]
    assert ny.declaration is not None and ny.declaration.reference == "DECL-2026-014"
    assert set(ny.declaration.covers) >= {"immigration", "reproductive_care"}
    assert ny.expires.value == "2027-10-01" and not ny.expired
    fbi = who["[Federal] FBI New Haven Field Office"]
    assert fbi.kind == "federal" and fbi.warrant_only.value is True
    assert who["Westport CT PD"].ori == "CT0016200"
    assert not any(r.flags for r in o.recipients)
    search = o.totals[0]
    assert (search.grant.name, search.organisations, search.states, search.federal) == (
        "search", 4, ("CT", "NY"), 1)
    c = o.counts
    assert (c.recipients, c.home_state, c.other_states, c.other_state_codes, c.federal,
            c.private_or_vendor, c.expired, c.inbound) == (4, 2, 1, ("NY",), 1, 0, 0, 1)


def test_compliant_example_inside() -> None:
    i = report_of(COMPLIANT).inside
    assert i.known and i.mfa_required.value is True and i.shared_accounts.value == 0
    held = {h.grant.name: h for h in i.holdings}
    assert [h.grant.weight for h in i.holdings] == sorted(
        (h.grant.weight for h in i.holdings), key=["elevated", "sensitive", "ordinary"].index)
    assert [r.name for r in held["admin"].roles] == ["ALPR Administrator"]
    assert held["admin"].users == 2 and not held["admin"].over_ceiling
    assert held["user_manage"].grants_anything and not held["search"].grants_anything
    assert held["search"].users == sum(int(r.users.value or 0) for r in held["search"].roles)
    assert i.ceiling == ELEVATED_ROLE_CEILING == 5


def test_the_ceiling_comes_from_the_baseline(ct_baseline: Any) -> None:
    assert ceiling_of(ct_baseline) == (5, "elevated_role_max_users of baseline ct "
                                          f"{ct_baseline.version}")
    param = ct_baseline.parameters["elevated_role_max_users"]
    loose = dataclasses.replace(ct_baseline, parameters={
        "elevated_role_max_users": dataclasses.replace(param, value=20)})
    report = access_report(str(NONCOMPLIANT / "weak-access-and-contract.yaml"), AS_OF,
                           baseline=loose)[0]
    assert report.inside.ceiling == 20
    assert not any(h.over_ceiling for h in report.inside.holdings)  # 14 users are fewer
    bare = dataclasses.replace(ct_baseline, parameters={})
    assert ceiling_of(bare)[0] == ELEVATED_ROLE_CEILING
    assert "has no elevated_role_max_users" in ceiling_of(bare)[1]


def test_compliant_example_text() -> None:
    result = run(str(COMPLIANT), "--as-of", DATE)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Who can reach the data of Lakeside Police Department (CT, ORI "
                          "CT0012300)\n")
    assert "OUTSIDE: 4 organisations receive our data; 1 inbound only" in out
    assert ("4 organisations can search our plate reads: 3 in 2 states (CT, NY), 1 federal"
            in out)
    assert "0 can download our camera video" in out
    assert out.index("CT (this agency's state)") < out.index("\n  NY\n") < out.index(
        "US (federal)") < out.index("inbound only (we search")
    assert "Harris County TX SO (TX, county)" in out
    assert "INSIDE: " in out and "MFA required" in out and "can grant any permission" in out
    assert ("elevated (a role of more than 5 users is flagged: elevated_role_max_users of "
            "baseline ct") in out


def test_federal_partners_are_grouped_as_federal() -> None:
    report = report_of(NONCOMPLIANT / "federal-ice-assist.json")
    who = named(report)
    ice, hsi = who["[Federal] ICE ERO Hartford"], who["[Federal] HSI New Haven"]
    assert ice.state == hsi.state == "US" and ice.kind == hsi.kind == "federal"
    assert ice.warrant_only.value is False and hsi.warrant_only.value is None
    assert report.outside.counts.federal == 2
    hotlist = next(t for t in report.outside.totals if t.grant.name == "hotlist")
    assert (hotlist.organisations, hotlist.federal) == (1, 1)
    text = render(report, "text")
    assert "not warrant only" in text and "warrant only: not stated" in text


def test_large_roles_with_elevated_permissions_are_flagged() -> None:
    report = report_of(NONCOMPLIANT / "weak-access-and-contract.yaml")
    i = report.inside
    held = {h.grant.name: h for h in i.holdings}
    for permission in ("admin", "share_manage", "user_manage"):
        assert [r.name for r in held[permission].over_ceiling] == ["Admin"], permission
    assert not held["search"].over_ceiling  # ordinary permissions are not capped
    assert i.mfa_required.value is False and i.shared_accounts.value == 4
    assert report.outside.counts.private_or_vendor == 1
    text = render(report, "text")
    assert "14 users in Admin (more than 5)" in text
    assert "MFA NOT required" in text and "4 shared accounts" in text


def test_an_unknown_direction_is_counted_as_a_recipient() -> None:
    report = report_of(NONCOMPLIANT / "partial-export.yaml")
    harris = named(report)["Harris County TX SO"]
    assert harris.direction is None and harris.state == "TX"
    assert harris.flags == ("direction not in the export: counted as a recipient",)
    assert report.outside.counts.direction_unknown == 1


def test_inbound_partners_receive_nothing() -> None:
    report = report_of(NONCOMPLIANT / "ny-partner-no-declaration.yaml")
    assert "Westerly RI PD" not in named(report)
    assert [r.name for r in report.outside.inbound] == ["Westerly RI PD"]
    assert named(report)["Port Chester NY PD"].declaration is None
    assert report.outside.counts.no_declaration_away == 1


def test_pools_beyond_the_partner_list() -> None:
    report = report_of(NONCOMPLIANT / "vendor-default-30-days.json")
    text = render(report, "text")
    assert "national lookup on" in text
    assert "! national lookup is on: agencies in any state can search our data" in text
    assert "radius sharing reaches every agency within 25 miles" in render(
        of(export(sharing={"radius_sharing_miles": 25, "partners": []})), "text")


def test_wrong_types_are_unknown_and_say_why() -> None:
    report = report_of(NONCOMPLIANT / "wrong-types.json")
    westport = named(report)["Westport CT PD"]
    assert westport.direction is None
    assert westport.flags == ('direction text "outgoing" is not outbound, inbound or both: '
                              "counted as a recipient",)
    assert report.inside.mfa_required.value is None
    assert 'MFA unknown (text "yes", not true or false)' in render(report, "text")


@pytest.mark.parametrize("path", sorted(p.name for p in NONCOMPLIANT.iterdir()))
def test_every_example_renders_in_every_format(path: str) -> None:
    report = report_of(NONCOMPLIANT / path)
    for fmt in ACCESS_REPORTERS:
        out = render(report, fmt)
        assert out.endswith("\n") and out == render(report_of(NONCOMPLIANT / path), fmt)


# --- labels and names -----------------------------------------------------------------------

def test_a_label_does_not_launder_a_federal_recipient() -> None:
    report = of(export(
        {"name": "ICE ERO Hartford", "state": "CT", "kind": "municipal",
         "direction": "outbound", "permissions": ["search"]},
        {"name": "[Federal] CBP Boston", "kind": "county", "direction": "both"},
        {"name": "Houston TX PD", "kind": "federal", "direction": "outbound"}))
    who = named(report)
    ice = who["ICE ERO Hartford"]
    assert (ice.state, ice.kind, ice.labelled_state, ice.labelled_kind) == (
        "US", "federal", "CT", "municipal")
    assert ice.flags == ("labelled municipal CT, but its name reads federal: counted as "
                         "federal",)
    assert who["[Federal] CBP Boston"].flags == (
        "labelled county, but its name reads federal: counted as federal",)
    assert who["Houston TX PD"].state == "US"  # a federal label is never lightened
    assert who["Houston TX PD"].flags == (
        "labelled federal, but its name reads municipal TX: counted as federal",)
    assert report.outside.counts.federal == 3 and report.outside.counts.home_state == 0
    text = render(report, "text")
    assert "! labelled municipal CT, but its name reads federal" in text


def test_a_label_does_not_launder_a_private_or_out_of_state_recipient() -> None:
    report = of(export(
        {"name": "Acme Towing LLC", "state": "CT", "kind": "municipal",
         "direction": "outbound"},
        {"name": "Houston TX PD", "state": "CT", "kind": "municipal", "direction": "both"},
        {"name": "Fresno CA PD", "state": "NV", "kind": "municipal", "direction": "both"},
        {"name": "Yale Security Vendor Inc", "kind": "vendor", "state": "CT",
         "direction": "outbound"}))
    who = named(report)
    assert who["Acme Towing LLC"].kind == "private"
    assert who["Houston TX PD"].state == "TX"  # labelled with our own state: the name counts
    assert who["Houston TX PD"].flags == ("labelled CT, but its name reads TX: counted in TX",)
    assert who["Fresno CA PD"].state == "NV"  # another state either way: the label stays
    assert who["Fresno CA PD"].flags == ("labelled NV, but its name reads CA",)
    assert who["Yale Security Vendor Inc"].flags == ()  # a vendor is not laundered private
    assert report.outside.counts.private_or_vendor == 2


def test_missing_state_and_kind_come_from_the_name() -> None:
    report = of(export({"name": "Harris County TX SO", "direction": "outbound"},
                       {"name": "MOCIC", "direction": "outbound"},  # spans several states
                       {"name": "NCRIC", "direction": "outbound"}))  # a CA fusion centre
    harris, mocic = named(report)["Harris County TX SO"], named(report)["MOCIC"]
    assert (harris.state, harris.kind, harris.flags) == ("TX", "county", ())
    assert harris.kind_text == "county (kind and state from its name)"
    assert (mocic.state, mocic.kind) == (None, "unknown")
    ncric = named(report)["NCRIC"]
    assert (ncric.state, ncric.kind) == ("CA", "unknown")  # a fusion centre has no export kind
    assert [g.state for g in report.outside.groups] == ["CA", "TX", None]  # unknown last
    assert "state unknown\n    kind unknown\n      MOCIC (outbound)" in render(report, "text")


def test_the_agency_itself_and_its_state_from_its_name() -> None:
    data = export({"name": "Pinecrest CA PD", "direction": "outbound"})
    data["agency"] = {"name": "Pinecrest CA PD"}
    report = of(data)
    assert report.agency_state == "CA" and report.agency_state_from_name
    assert named(report)["Pinecrest CA PD"].flags == ("this agency itself",)
    assert report.outside.groups[0].home


# --- unknowns -----------------------------------------------------------------------------

def test_missing_sections_are_unknown_never_safe() -> None:
    report = of({"format_version": "1.0", "agency": {"name": "Town PD", "state": "CT"}})
    assert not report.outside.known and not report.inside.known
    assert report.outside.problem == "partners not in the export: who receives the data is unknown"
    assert report.inside.problem == "roles not in the export: who inside can do what is unknown"
    for fmt in ACCESS_REPORTERS:
        out = render(report, fmt)
        assert "partners not in the export" in out and "roles not in the export" in out
    text = render(report, "text")
    assert "national lookup unknown (not in the export)" in text
    assert "MFA unknown (not in the export)" in text
    assert "shared accounts unknown (not in the export)" in text
    data = json.loads(render(report, "json"))
    assert data["outside"]["known"] is False and data["inside"]["known"] is False


def test_a_section_of_the_wrong_type_is_unknown() -> None:
    report = of({"sharing": {"partners": "all of them"}, "access": {"roles": {"a": 1}}})
    assert report.outside.problem == ('partners are text "all of them", not a list: who '
                                      "receives the data is unknown")
    assert report.inside.problem is not None and not report.inside.known


def test_an_empty_partner_list_is_known_and_empty() -> None:
    report = of(export())
    assert report.outside.known and report.outside.counts.recipients == 0
    assert "0 organisations receive our data" in render(report, "text")


def test_unknown_permissions_and_user_counts_are_never_guessed() -> None:
    report = of(export(
        {"name": "Westport CT PD", "direction": "outbound"},
        {"name": "Norwalk CT PD", "direction": "outbound", "permissions": ["search"]},
        access={"roles": [{"name": "Admins", "permissions": ["admin"]},
                          {"name": "Ghosts", "users": 3},
                          {"name": "Big", "permissions": ["admin"], "users": "many"}]}))
    o, i = report.outside, report.inside
    assert named(report)["Westport CT PD"].permissions is None
    assert o.counts.permissions_unknown == 1 and o.totals[0].organisations == 1
    text = render(report, "text")
    assert "permissions unknown for 1 more organisation: they may hold any of these" in text
    admin = next(h for h in i.holdings if h.grant.name == "admin")
    assert (admin.users, admin.users_unknown) == (0, 2)
    assert "admin — every setting: 2 roles of unknown size in Admins (users unknown), Big " \
           '(users unknown: text "many", not a whole number)' in text
    assert "! a role of unknown size holds it" in text
    assert "! permissions unknown for role Ghosts (3 users): it may hold any" in text
    assert i.users == 3 and i.users_unknown == 2


def test_all_permissions_unknown_says_so_once() -> None:
    report = of(export({"name": "Westport CT PD", "direction": "outbound"},
                       {"name": "Norwalk CT PD", "direction": "both"}))
    assert "permissions unknown for all 2 organisations: any of them may search our plate " \
           "reads, " in render(report, "text")


def test_expiry_against_the_as_of_date() -> None:
    report = of(export(
        {"name": "A CT PD", "direction": "outbound", "expires": "2027-01-31"},
        {"name": "B CT PD", "direction": "outbound", "expires": DATE},
        {"name": "C CT PD", "direction": "outbound", "expires": "soon"}))
    who = named(report)
    assert who["A CT PD"].expired and not who["B CT PD"].expired
    assert who["C CT PD"].expires.problem == 'text "soon", not a date'
    assert report.outside.counts.expired == 1
    text = render(report, "text")
    assert "EXPIRED 2027-01-31" in text and 'expiry unknown (text "soon", not a date)' in text


def test_entries_that_are_not_organisations_still_count() -> None:
    report = of(export("just text", {"name": 42, "direction": "inbound"}))
    [odd] = report.outside.recipients
    assert odd.direction is None and odd.flags == (
        'the entry is text "just text", not an organisation: counted as a recipient',)
    assert report.outside.inbound[0].flags == ("its name is the number 42",)


# --- formats ------------------------------------------------------------------------------

HOSTILE = export(
    {"name": "<script>alert(1)</script> | `x` PD", "ori": "CT|`1`", "state": "CT",
     "kind": "municipal", "direction": "outbound", "permissions": ["search", "<img src=x>"],
     "declaration": {"reference": "D|<b>", "signed_on": "2026-01-01", "covers": ["a|b"]}},
    {"name": "Evil\x1b[31m CT PD\nline", "direction": "both"},
    access={"roles": [{"name": "Ops | `admins` <i>", "permissions": ["admin", "x|y"],
                       "users": 1}]})


def test_markdown_escapes_every_cell() -> None:
    out = render(of(HOSTILE), "markdown")
    assert not re.search(r"(?<!\\)[<>]", out)  # no markup character left unescaped
    assert "\x1b" not in out
    for line in out.splitlines():
        if line.startswith("|"):
            header = line.count("|") - len(re.findall(r"\\\|", line))
            assert header in (7, 11), line  # 6 or 10 columns: no cell split by a name
    assert "\\<script\\>" in out and "\\`x\\`" in out


def test_text_drops_control_characters() -> None:
    out = render(of(HOSTILE), "text")
    assert "\x1b" not in out and "Evil[31m CT PD line" in out


def test_json_is_sorted_and_machine_readable() -> None:
    out = render(report_of(COMPLIANT), "json")
    data = json.loads(out)
    assert out == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert data["agency"]["state"] == "CT" and data["as_of"] == DATE
    assert [r["name"] for r in data["outside"]["inbound"]] == ["Harris County TX SO"]
    first = data["outside"]["recipients"][0]
    assert first["pointer"].startswith("/sharing/partners/")
    assert first["permissions"][0] == {"meaning": "search our plate reads", "name": "search",
                                       "weight": "ordinary"}
    assert data["outside"]["totals"][0]["organisations"] == 4
    assert data["inside"]["mfa_required"] == {"known": True, "problem": None, "value": True}


def test_output_is_deterministic(tmp_path: Path) -> None:
    """The same input gives byte-identical output, in another process with another hash seed
    too; partners listed in another order give the same text and Markdown."""
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(HOSTILE), encoding="utf-8")
    here = {fmt: run(str(path), "--as-of", DATE, "-f", fmt).stdout for fmt in ACCESS_REPORTERS}
    code = ("import sys; from lpr_lint.cli import main; "
            f"main(['access', {str(path)!r}, '--as-of', {DATE!r}, '-f', 'json'])")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, check=False)
    assert there.returncode == 0, there.stderr
    assert there.stdout == here["json"]
    flipped = copy.deepcopy(HOSTILE)
    flipped["sharing"]["partners"].reverse()
    for fmt in ("text", "markdown"):
        assert render(of(flipped), fmt) == render(of(HOSTILE), fmt)


def test_the_registry_offers_the_formats() -> None:
    assert list(ACCESS_REPORTERS) == ["text", "markdown", "json"]
    result = run(str(COMPLIANT), "--format", "sarif")
    assert result.exit_code == 2
    assert "'text', 'markdown', 'json'" in result.stderr


# --- vendor files and exit codes ------------------------------------------------------------

def test_a_portal_snapshot_uses_the_classifier() -> None:
    path = PORTAL / "pinecrest-ca-pd" / "2026-04-10.json"
    result = run(str(path), "--as-of", DATE)
    assert result.exit_code == 0, result.stderr
    assert "read as flock-portal (detected from its content" in result.stderr
    report = report_of(path)
    assert report.source == "flock-portal" and report.agency_state == "CA"
    who = named(report)
    assert who["Houston TX PD"].state == "TX" and who["Shasta County SO"].state == "CA"
    assert who["Pinecrest CA PD"].flags == ("this agency itself",)
    assert report.outside.counts.permissions_unknown == report.outside.counts.recipients
    assert not report.inside.known
    assert "permissions unknown for all 10 organisations" in result.stdout


def test_a_failed_portal_page_leaves_the_partners_unknown() -> None:
    report = report_of(PORTAL / "pinecrest-ca-pd" / "2026-04-17.json")
    assert not report.outside.known and report.outside.counts.recipients == 0
    assert any("failed page load" in n for n in report.notices)
    assert "note: " in render(report, "text")


def test_unreadable_input_is_one_line_and_exit_3(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1,\n b: }\n", encoding="utf-8")
    result = run(str(bad))
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and f"{bad}:2:" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    missing = run(str(tmp_path / "nope.json"))
    assert missing.exit_code == 3 and "no such file or directory" in missing.stderr


def test_usage_errors_are_exit_2() -> None:
    assert run(str(COMPLIANT), "--as-of", "2027-13-01").exit_code == 2
    assert run(str(COMPLIANT), "--from", "nothing").exit_code == 2
    assert run().exit_code == 2


def test_real_portal_snapshots(shared_data: Path) -> None:
    """Every real snapshot gives a report in text (the latest of each agency in every
    format), and every partner is either a recipient or inbound."""
    files = sorted((shared_data / "flock-portal").glob("*/*.json"))
    assert files
    latest = {path.parent: path for path in files}
    for path in files:
        report = report_of(path)
        assert render(report, "text").startswith("Who can reach the data of ")
        if report.outside.known:
            data = json.loads(path.read_text(encoding="utf-8"))
            listed = {x.strip() for key in ("sharing_outbound", "sharing_inbound")
                      for x in data.get(key) or [] if isinstance(x, str) and x.strip()}
            seen = [*report.outside.recipients, *report.outside.inbound]
            assert {r.name for r in seen} <= listed, path
        if latest[path.parent] == path:
            for fmt in ("markdown", "json"):
                assert render(report, fmt).endswith("\n")
