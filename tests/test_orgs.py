"""Organisation names → (kind, state): hand-checked cases, real-data accuracy, data files, speed."""

from __future__ import annotations

import csv
import dataclasses
import json
import random
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import ROOT, Counting
from lpr_lint.errors import BaselineError
from lpr_lint.load import data as resources
from lpr_lint.load.files import load_document
from lpr_lint.rules import orgs
from lpr_lint.rules.orgs import OrgClass, classify, export_kind
from lpr_lint.rules.validator import Validator

KINDS = {*resources.load_json_schema("org-kinds.schema.json")["properties"]["kinds"]["items"][
    "properties"]["kind"]["enum"], "unknown"}
"""Every kind classify may return: the data file's vocabulary, or unknown."""

# --- hand-written table -------------------------------------------------------------------
# (name, kind, state). Names marked "real" appear verbatim in ../shared/data (Flock portal
# sharing lists and an Orange County SO share export); the others are the traps from the issue
# and made-up names that probe one rule each.

TABLE: list[tuple[str, str, str | None]] = [
    # the examples and traps
    ("Houston TX PD", "municipal", "TX"),  # real
    ("Kings County Sheriff's Office CA ", "county", "CA"),  # real, trailing space
    ("Redding PD - CA", "municipal", "CA"),  # real
    ("Glendora (CA) PD", "municipal", "CA"),  # real
    ("Mendocino County SO-CA", "county", "CA"),  # real
    ("Las Vegas Metro Police Department - NV", "municipal", "NV"),  # real
    ("Connecticut State Police", "state", "CT"),
    ("Texas DPS", "state", "TX"),
    ("Washington CT PD", "municipal", "CT"),
    ("Kansas City MO PD", "municipal", "MO"),  # real
    ("Kansas City KS PD", "municipal", "KS"),  # real
    ("LA County CA SO", "county", "CA"),
    ("LA County SO", "county", None),  # "LA" is no county name in the gazetteer
    ("Washington State Patrol", "state", "WA"),
    ("Indiana University PD", "university", "IN"),
    ("[Federal] Loma Linda Healthcare System CA Veterans Affairs PD", "federal", "US"),  # real
    ("Grants Pass OR PD", "municipal", "OR"),  # real
    ("Edmond OK PD", "municipal", "OK"),  # real
    ("Scarborough ME PD", "municipal", "ME"),  # real
    ("Braintree MA PD", "municipal", "MA"),  # real
    ("Alabaster AL PD", "municipal", "AL"),  # real
    ("New Castle County DE PD", "county", "DE"),  # real
    ("Avoca PA PD", "municipal", "PA"),  # real
    ("Avon CO PD", "municipal", "CO"),  # real
    ("Auburn IN PD", "municipal", "IN"),  # real
    ("Police Department in Springfield", "municipal", None),  # lowercase "in" is a word
    ("Lake Oswego or Tigard PD", "municipal", None),  # lowercase "or" is a word
    # code-like tokens that are not states
    ("Los Angeles County CA SD", "county", "CA"),  # real: SD is Sheriff's Department
    ("Los Angeles County SD", "county", "CA"),  # the gazetteer: one Los Angeles County
    ("MN - Isanti CO SO", "county", "MN"),  # real: CO is County
    ("Chaffee County CO SO", "county", "CO"),  # real
    ("Moffat County SO CO", "county", "CO"),  # real
    ("Codington County SD SO", "county", "SD"),  # real
    ("Sioux Falls SD PD", "municipal", "SD"),  # real
    ("UT Southwestern Medical Center TX", "unknown", "TX"),  # real
    ("UT - Cedar City PD", "municipal", "UT"),  # real
    ("RIV CO ARSON TF CA PD", "unknown", "CA"),  # real, all capitals
    ("RIG WI DTF", "unknown", "WI"),  # real, all capitals
    ("VALLEY GLEN VOSE NEIGHBORHOOD WATCH (CA)", "private", "CA"),  # real
    ("FRIENDS OF PARKS IN OAKDALE", "unknown", None),  # capitals: IN is a word here
    ("Region VI Task Force", "unknown", None),
    ("Antioch PD (Ca PD", "municipal", None),  # real: "Ca" is not an uppercase code
    # where the state token sits
    ("IN - Angola PD", "municipal", "IN"),  # real
    ("IN- Noble County SO", "county", "IN"),  # real
    ("Oxford PD - OH", "municipal", "OH"),  # real
    ("Windsor- IL- PD", "municipal", "IL"),  # real
    ("Sun Valley PD ID", "municipal", "ID"),  # real
    ("ACRATT -CA", "unknown", "CA"),  # real
    ("Ohio County SO WV", "county", "WV"),  # real: the code beats the spelled-out name
    ("Metropolitan Washington DC PD", "municipal", "DC"),  # real
    ("Indiana State Police IN PD", "state", "IN"),  # real
    ("Georgia State Patrol GA PD", "state", "GA"),  # real
    ("Louisiana State Police (LA)", "state", "LA"),  # real
    ("18th Judicial District DA's Office- LA PD", "prosecutor", "LA"),  # real
    ("Nevada County CA SO", "county", "CA"),  # real
    ("Texas City TX PD", "municipal", "TX"),  # real
    ("Michigan City IN PD", "municipal", "IN"),  # real
    ("Wyoming MI PD", "municipal", "MI"),  # real
    # spelled-out states only in known contexts
    ("Colorado River Station - County - RCSD", "county", None),  # real: a river
    ("Kansas City PD", "municipal", None),
    ("Washington PD", "municipal", None),
    ("Washington University PD", "university", "MO"),  # the university list: St. Louis
    ("Shasta County SO", "county", "CA"),  # real: the gazetteer has one Shasta County
    ("Washington County SO", "county", None),  # a county of 31 states: no state
    ("Arizona Department of Public Safety", "state", "AZ"),  # real
    ("Missouri Information Analysis Center", "fusion_center", "MO"),  # real: MIAC
    ("Kansas KBI", "state", "KS"),  # real
    ("Illinois Attorney General", "state", "IL"),  # real
    ("Attorney General of Illinois - Medicare Fraud Division", "state", "IL"),  # real
    ("University of Central Missouri PD", "university", "MO"),  # real
    ("University of California, Berkeley", "university", "CA"),  # real
    ("Indiana HIDTA", "unknown", "IN"),  # real
    ("West Virginia State Police", "state", "WV"),
    ("NYS Crime Analysis Center Network", "state", "NY"),  # real
    ("Cal Fire", "state", "CA"),  # real
    # kinds
    ("Albion MI DPS", "municipal", "MI"),  # real: a city's public-safety department
    ("Rohnert Park Department of Public Safety (CA)", "municipal", "CA"),  # real
    ("WI Department of Justice", "state", "WI"),  # real
    ("Bay Area District - CA State Parks", "state", "CA"),  # real
    ("Navajo State Park CO PD", "state", "CO"),  # real
    ("California Highway Patrol", "state", "CA"),  # real
    ("Blue Lake Rancheria Tribal PD", "tribal", "CA"),  # real: a curated tribe
    ("Santa Rosa Band of Cahuilla Indians CA", "tribal", "CA"),  # real
    ("CA Iipay Nation of Santa Ysabel", "tribal", "CA"),  # real
    ("Colville WA Tribal Police", "tribal", "WA"),  # real
    ("National City CA PD", "municipal", "CA"),  # real
    ("Indian Head Park IL PD", "municipal", "IL"),  # real
    ("Cherokee County GA DA", "prosecutor", "GA"),  # real
    ("Kings County CA DAs Office", "prosecutor", "CA"),  # real
    ("Pinal County AZ Attorney's Office (Casa Grande)", "prosecutor", "AZ"),  # real
    ("Whitley County IN Prosector", "prosecutor", "IN"),  # real (sic)
    ("Monterey County District Attorney's Office", "prosecutor", "CA"),  # real: gazetteer
    ("Stanford University CA PD", "university", "CA"),  # real
    ("UC Irvine Campus PD CA", "university", "CA"),  # real
    ("Cal Poly CA PD", "university", "CA"),  # real
    ("CSU Long Beach PD (CA)", "university", "CA"),  # real
    ("Middle Tennessee State TN PD", "university", "TN"),  # real
    ("University City MO PD", "municipal", "MO"),  # real: a city
    ("College Place WA PD", "municipal", "WA"),  # real: a city
    ("Country Club Hills IL PD", "municipal", "IL"),  # real: a city
    ("Cobblestone HOA (CA)", "private", "CA"),  # real
    ("Glen Cove Community Association (CA)", "private", "CA"),  # real
    ("FedEx Corporation", "private", None),  # real
    ("Union Pacific Railroad PD", "private", None),  # real: railroad police are private
    ("Simon Property Group HQ (IN)", "private", "IN"),  # real
    ("St. Louis County MO PD", "county", "MO"),  # real: a county police department
    ("Mountain View CA PD (Santa Clara County)", "municipal", "CA"),  # real
    ("City of Agoura Hills CA (LASD)", "municipal", "CA"),  # real
    ("LASD CA - San Dimas Station", "county", "CA"),  # real
    ("Chino Hills CA (San Bernardino County SO)", "unknown", "CA"),  # real
    ("Harris County Const TX Pct 1", "county", "TX"),  # real
    ("Bienville Parish LA SO", "county", "LA"),  # real
    ("Curry Co NM SO", "county", "NM"),  # real
    ("Burbank Airport CA PD", "unknown", "CA"),  # real: an airport authority
    ("Galena Park ISD TX PD", "unknown", "TX"),  # real: a school district
    ("Forest Preserve District Will County PD (IL)", "unknown", "IL"),  # real
    ("Metra IL PD", "unknown", "IL"),  # real: commuter rail
    ("Beverly Hills Unified School District CA", "unknown", "CA"),  # real
    ("Alexandria VA PD", "municipal", "VA"),  # real
    ("Richmond VA Police Department", "municipal", "VA"),
    ("Loma Linda Healthcare System CA Veterans Affairs PD - LPR", "federal", "US"),  # real
    ("US Marshals Service - Hartford CT", "federal", "US"),
    ("Bel Air Hills (CA)", "unknown", "CA"),  # real
]


@pytest.mark.parametrize(("name", "kind", "state"), TABLE, ids=[t[0] for t in TABLE])
def test_hand_checked_names(name: str, kind: str, state: str | None) -> None:
    got = classify(name)
    assert (got.kind, got.state, got.inactive) == (kind, state, False)


def test_the_table_is_big_and_real_enough() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    assert len(TABLE) >= 60
    assert len({t[0] for t in TABLE}) == len(TABLE)
    assert source.count("  # real") >= 15


@pytest.mark.parametrize(("name", "expected"), [
    ("Brooklyn Park MN PD [Inactive]", OrgClass("municipal", "MN", True)),
    ("Arizona Department of Public Safety [Inactive]", OrgClass("state", "AZ", True)),
    ("[Federal] FBI Los Angeles CA [Inactive]", OrgClass("federal", "US", True)),
    ("[federal] DEA Hartford", OrgClass("federal", "US")),
    ("Contra Costa County CA SO - Marsh Creek - Inactive", OrgClass("county", "CA", True)),
    ("Iberia MO PD (deactivated)", OrgClass("municipal", "MO", True)),
    ("[DEACTIVATED] - demo", OrgClass("unknown", None, True)),
    ("Los Angeles County CA SD [Inactive]", OrgClass("county", "CA", True)),
])
def test_inactive_and_federal_tags(name: str, expected: OrgClass) -> None:
    got = classify(name)
    assert (got.kind, got.state, got.inactive) == (expected.kind, expected.state,
                                                   expected.inactive)


@pytest.mark.parametrize("name", ["Fresno", "Acme", "", "   ", "\t\n", "Danville", "DNU", "Demo",
                                  "DO NOT USE", "Test Demo 1234", "Talega", "Old", "x" * 5000])
def test_unknown_stays_unknown(name: str) -> None:
    assert classify(name) == OrgClass("unknown", None) == orgs.UNKNOWN


def test_never_raises_on_odd_input() -> None:
    assert classify(None) == orgs.UNKNOWN  # lru_cache accepts any hashable argument
    assert classify(42) == orgs.UNKNOWN
    rng = random.Random(26_14)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz ()[]-'’–,.&#\u00e9\u2014\t0123456789"
    codes = {"US", *orgs._rules().codes}
    for _ in range(3000):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
        got = classify(name)
        assert got.kind in KINDS, got
        assert got.state is None or got.state in codes


@pytest.mark.parametrize(("kind", "expected"), [
    ("municipal", "municipal"), ("county", "county"), ("state", "state"),
    ("federal", "federal"), ("tribal", "tribal"), ("university", None),
    ("private", "private"), ("prosecutor", "county"), ("fusion_center", None),
    ("unknown", None), ("vendor", None), ("", None),
])
def test_export_kind(kind: str, expected: str | None) -> None:
    assert export_kind(kind) == expected


def test_export_kinds_are_in_the_export_schema() -> None:
    schema = resources.load_json_schema("export-v1.schema.json")
    found = _find_key(schema, "kind")
    vocab = next(set(k["enum"]) for k in found if isinstance(k, dict) and "enum" in k
                 and "municipal" in k["enum"])
    states = set(schema["$defs"]["state"]["enum"])
    for kind in KINDS:
        assert export_kind(kind) is None or export_kind(kind) in vocab
    assert orgs._rules().codes | {"US"} <= states


def _find_key(node: Any, key: str) -> Iterator[Any]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from _find_key(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from _find_key(v, key)


# --- the data files -----------------------------------------------------------------------

DATA = [("us-states.yaml", "us-states.schema.json"), ("org-kinds.yaml", "org-kinds.schema.json")]
LOOKAROUND_OR_BACKREF = re.compile(r"\(\?=|\(\?!|\(\?<=|\(\?<!|\\[1-9]|\(\?P=|\(\?>|[*+?}]\+")
ALLOWED_KEYWORDS = {"$schema", "$id", "description", "type", "enum", "const", "minimum",
                    "maximum", "minLength", "maxLength", "pattern", "properties", "required",
                    "additionalProperties", "items", "minItems", "maxItems", "uniqueItems",
                    "allOf", "anyOf", "oneOf", "not", "$ref", "$defs"}


@pytest.mark.parametrize(("data", "schema"), DATA)
def test_data_files_validate(data: str, schema: str) -> None:
    raw = load_document(str(resources.data_file("baselines", f"data/{data}"))).data
    meta = resources.load_json_schema(schema)
    jsonschema.Draft202012Validator.check_schema(meta)
    assert meta["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert Validator(meta).errors(raw) == []
    assert list(jsonschema.Draft202012Validator(meta).iter_errors(raw)) == []
    _check_keywords(meta)


def _check_keywords(node: Any, in_properties: bool = False) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if not in_properties:
                assert k in ALLOWED_KEYWORDS, k
            _check_keywords(v, in_properties=(k in ("properties", "$defs") and not in_properties))
    elif isinstance(node, list):
        for v in node:
            _check_keywords(v)


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "pattern" and isinstance(v, str):
                yield v
            else:
                yield from _patterns(v)
    elif isinstance(node, list):
        for v in node:
            yield from _patterns(v)


@pytest.mark.parametrize(("data", "schema"), DATA)
def test_every_pattern_is_re2_safe(data: str, schema: str) -> None:
    raw = load_document(str(resources.data_file("baselines", f"data/{data}"))).data
    found = list(_patterns(raw))
    assert len(found) > 10
    for pattern in found:
        assert not LOOKAROUND_OR_BACKREF.search(pattern), pattern
        # an inline flag only at the very start, or scoped: (?i:...)
        assert "(?i)" not in pattern[1:], pattern
        re.compile(pattern.replace("{STATE}", "(?:Ohio)").replace("{CODE}", "(?:OH)"))


@pytest.mark.parametrize("pattern", [r"a(?=b)", r"a(?!b)", r"(?<=a)b", r"(?<!a)b", r"(a)\1",
                                     r"(?P<x>a)(?P=x)", r"(?>a)", r"a*+"])
def test_the_schemas_refuse_re2_unsafe_patterns(pattern: str) -> None:
    meta = resources.load_json_schema("org-kinds.schema.json")
    assert Validator(meta["$defs"]["pattern"]).errors(pattern)
    assert LOOKAROUND_OR_BACKREF.search(pattern)


@pytest.fixture
def fresh_rules() -> Iterator[None]:
    orgs.forget()
    yield
    orgs.forget()


def test_an_invalid_data_file_is_a_baseline_error(tmp_path: Path, fresh_rules: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    real = resources.data_file
    bad = tmp_path / "org-kinds.yaml"
    text = real("baselines", "data/org-kinds.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace(r"'\bPD\b'", r"'\bPD(?=\s)'"), encoding="utf-8")

    def fake(kind: str, name: str) -> Path:
        return bad if name.endswith("org-kinds.yaml") else real(kind, name)

    monkeypatch.setattr(resources, "data_file", fake)
    with pytest.raises(BaselineError, match=r"org-kinds\.yaml:\d+:\d+: /kinds/8/match/0/pattern"):
        classify("Houston TX PD")


def test_data_is_loaded_lazily_once() -> None:
    code = ("import sys, lpr_lint.rules.orgs as o\n"
            "assert o._rules.cache_info().currsize == 0\n"
            "assert 'lpr_lint.rules.validator' not in sys.modules\n"
            "o.classify('Houston TX PD'); o.classify('Texas DPS')\n"
            "assert o._rules.cache_info().misses == 1\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def _wanted_sets() -> list[frozenset[str]]:
    kinds = sorted(KINDS | {"unknown"})
    return [frozenset({k}) for k in kinds] + [frozenset({"municipal", "state"}),
                                              frozenset({"federal", "unknown"}),
                                              frozenset(kinds)]


def assert_kind_among_agrees(names: Iterable[Any]) -> int:
    """``kind_among`` is ``classify(...).kind`` filtered by the wanted set, for every set."""
    compared = 0
    for name in names:
        kind = classify(name).kind
        for wanted in _wanted_sets():
            assert orgs.kind_among(name, wanted) == (kind if kind in wanted else None), name
            compared += 1
    return compared


def test_kind_among_agrees_with_classify_on_the_table() -> None:
    odd = ["", "   ", "x" * 5000, None, "(Federal)", "[Inactive] [Federal] FBI"]
    names = [t[0] for t in TABLE] + odd + [
        "Brooklyn Park MN PD [Inactive]", "Iberia MO PD (deactivated)", "[DEACTIVATED] - demo"]
    assert assert_kind_among_agrees(names) == len(names) * len(_wanted_sets())


def test_kind_among_federal_reads_the_federal_patterns_alone() -> None:
    code = ("import lpr_lint.rules.orgs as o\n"
            "assert o.kind_among('Westport CT PD', frozenset({'federal'})) is None\n"
            "assert o.kind_among('[Federal] HSI Boston', frozenset({'federal'})) == 'federal'\n"
            "assert o._compiled_kind.cache_info().currsize == 1\n"
            "assert o._states.cache_info().currsize == 0, 'the state list was read'\n"
            "assert o._rules.cache_info().currsize == 0\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# --- accuracy over real names ---------------------------------------------------------------
# The expected answer comes from a deliberately simple rule that shares nothing with the
# classifier: "[Federal]" first → US; else the last uppercase standalone two-letter state code;
# else the one spelled-out state name in the text. Names where that rule sees two different
# states are ambiguous to it and skipped. Where the classifier knowingly disagrees, the reason
# is written down in JUSTIFIED and checked there instead.

SIMPLE_STATES = dict(pair.split(" ", 1)[::-1] for pair in """AL Alabama|AK Alaska|AZ Arizona
|AR Arkansas|CA California|CO Colorado|CT Connecticut|DE Delaware|DC District of Columbia
|FL Florida|GA Georgia|HI Hawaii|ID Idaho|IL Illinois|IN Indiana|IA Iowa|KS Kansas|KY Kentucky
|LA Louisiana|ME Maine|MD Maryland|MA Massachusetts|MI Michigan|MN Minnesota|MS Mississippi
|MO Missouri|MT Montana|NE Nebraska|NV Nevada|NH New Hampshire|NJ New Jersey|NM New Mexico
|NY New York|NC North Carolina|ND North Dakota|OH Ohio|OK Oklahoma|OR Oregon|PA Pennsylvania
|RI Rhode Island|SC South Carolina|SD South Dakota|TN Tennessee|TX Texas|UT Utah|VT Vermont
|VA Virginia|WA Washington|WV West Virginia|WI Wisconsin|WY Wyoming|PR Puerto Rico|GU Guam
|VI Virgin Islands|AS American Samoa|MP Northern Mariana Islands""".replace("\n", "").split("|"))
SIMPLE_CODES = set(SIMPLE_STATES.values())
SIMPLE_TOKEN = re.compile(r"(?<![A-Za-z0-9'])[A-Z]{2}(?![A-Za-z0-9'])")

JUSTIFIED: dict[str, tuple[str | None, bool, str]] = {
    # name: (state, federal, why the simple rule is wrong)
    "Loma Linda Healthcare System CA Veterans Affairs PD - LPR": (
        "US", True, "a Veterans Affairs police department is federal, tagged or not (its "
        "twin is '[Federal] Loma Linda Healthcare System CA Veterans Affairs PD')"),
    "Colorado River Station - County - RCSD": (
        None, False, "the Colorado River, not Colorado: a Riverside County (CA) sheriff's "
        "station, and nothing in the name says CA"),
}


AMBIGUOUS = "ambiguous"


def simple_rule(name: str) -> tuple[str, bool] | str | None:
    """(state, federal); None: no state evidence at all; AMBIGUOUS: two states."""
    if name.strip().startswith("[Federal]"):
        return ("US", True)
    codes = [t for t in SIMPLE_TOKEN.findall(name) if t in SIMPLE_CODES]
    if codes:
        return (codes[-1], False) if len(set(codes)) == 1 else AMBIGUOUS
    spelled = {code for state, code in SIMPLE_STATES.items()
               if re.search(rf"\b{re.escape(state)}\b", name)}
    if not spelled:
        return None
    return (spelled.pop(), False) if len(spelled) == 1 else AMBIGUOUS


def real_names(shared: Path) -> set[str]:
    names: set[str] = set()
    for path in sorted((shared / "flock-portal").glob("*/*.json")):
        snap = json.loads(path.read_text(encoding="utf-8"))
        for key in ("sharing_outbound", "sharing_inbound"):
            names.update(n for n in snap.get(key) or [] if isinstance(n, str))
    for path in sorted((shared / "flock-shares").glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                for column, value in row.items():
                    if column == "Organization Name":
                        names.add(value)
                    elif value:
                        names.update(value.split(","))
    return names


def test_accuracy_on_real_names(shared_data: Path) -> None:
    names = real_names(shared_data)
    considered = ambiguous = state_ok = federal_ok = justified = 0
    wrong: list[str] = []
    for name in sorted(names):
        expected = simple_rule(name)
        if expected is None:
            continue
        considered += 1
        if isinstance(expected, str):
            ambiguous += 1
            continue
        got = classify(name)
        want_state: str | None = expected[0]
        want_federal = expected[1]
        if name in JUSTIFIED:
            justified += 1
            want_state, want_federal, _ = JUSTIFIED[name]
            assert (want_state, want_federal) != expected, f"{name!r} needs no override"
        state_ok += got.state == want_state
        federal_ok += (got.kind == "federal") == want_federal
        if got.state != want_state or (got.kind == "federal") != want_federal:
            wrong.append(f"{name!r}: expected {want_state}/{want_federal}, got {got}")
    confident = considered - ambiguous
    print(f"\norganisation names: {len(names)} distinct; with a state token, [Federal] or a "
          f"spelled-out state: {considered}; ambiguous to the simple rule: {ambiguous}; "
          f"judged: {confident}; state correct: {state_ok}/{confident}; federal correct: "
          f"{federal_ok}/{confident}; simple rule overridden by a written reason: {justified}")
    assert not wrong, "\n".join(wrong)
    assert justified == len(JUSTIFIED)  # every override is still needed
    assert confident > 1500
    assert assert_kind_among_agrees(sorted(names)) > 10_000


def test_ambiguous_real_names_are_read_as_documented(shared_data: Path) -> None:
    names = real_names(shared_data)
    ambiguous = sorted(n for n in names if simple_rule(n) == AMBIGUOUS)
    print("\n" + "\n".join(f"ambiguous to the simple rule: {n!r} -> {classify(n)}"
                           for n in ambiguous))
    expected = {"Los Angeles County CA SD": "CA", "Riverside County CA SD": "CA",
                "San Diego County CA SD": "CA", "MN - Isanti CO SO": "MN",
                "RIV CO ARSON TF CA PD": "CA", "UT Southwestern Medical Center TX": "TX"}
    assert {n: classify(n).state for n in ambiguous} == expected


# --- speed ----------------------------------------------------------------------------------
# Speed is asserted as work done, never as wall-clock time (which flakes on a busy machine);
# the real figures: bench/bench_audit.py.


def test_a_million_calls_read_each_name_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """1,000,000 ``classify`` calls over 2,000 names: each name is read once (every repeat is
    a cache hit), and reading one searches each kind's single compiled union at most twice
    (its patterns, then its exclusions)."""
    cities = ["Springfield", "Franklin", "Greenville", "Bristol", "Clinton", "Fairview",
              "Salem", "Madison", "Georgetown", "Arlington"]
    suffixes = ["PD", "SO", "DA", "County SO", "PD - Condor", "PD (Flex)", "Police Department",
                "Township PD", "HOA", "University PD"]
    rules = orgs._rules()
    codes = sorted(rules.codes)[:20]
    names = [f"{c} {s} {k}" if i % 2 else f"{c} {k} {s}"
             for i, (c, s, k) in enumerate((c, s, k) for c in cities for s in suffixes
                                           for k in codes)]
    assert len(set(names)) == 2000
    assert all(isinstance(m, re.Pattern) and (x is None or isinstance(x, re.Pattern))
               for _, m, x in rules.kinds)
    searches = [Counting(p) for _, m, x in rules.kinds for p in (m, x) if p is not None]
    wrapped: Iterator[Any] = iter(searches)  # where the code expects compiled patterns
    counted = dataclasses.replace(rules, kinds=tuple(
        (kind, next(wrapped), None if x is None else next(wrapped)) for kind, _, x in rules.kinds))
    reads: list[str] = []
    real_kind = orgs._kind

    def kind(text: str, given: orgs._Rules) -> str:
        reads.append(text)
        return real_kind(text, given)

    monkeypatch.setattr(orgs, "_rules", lambda: counted)
    monkeypatch.setattr(orgs, "_kind", kind)
    classify.cache_clear()
    try:
        found = {name: classify(name) for name in names}
        for _ in range(499):
            for name in names:
                classify(name)
        info = classify.cache_info()
    finally:
        classify.cache_clear()
    assert (info.hits, info.misses) == (998_000, 2000) and len(reads) == 2000
    assert 2000 <= sum(s.calls for s in searches) <= 2000 * 2 * len(rules.kinds)
    monkeypatch.undo()
    assert found == {name: classify(name) for name in names}  # the wrappers changed nothing
