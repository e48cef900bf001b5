"""Search reasons → barred-use terms: the labelled set, real audit logs, data file, speed."""

from __future__ import annotations

import csv
import dataclasses
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import ROOT, Counting
from lpr_lint.audit import terms as terms_module
from lpr_lint.audit.terms import TermMatch, Terms, normalise
from lpr_lint.errors import BaselineError
from lpr_lint.load import data as resources
from lpr_lint.load.files import load_document
from lpr_lint.rules.validator import Validator

GROUPS = resources.load_json_schema("audit-terms.schema.json")["properties"]["groups"]["items"][
    "properties"]["group"]["enum"]
"""The groups a reason can match: the data file's vocabulary."""

LABELLED = ROOT / "tests" / "data" / "audit" / "reasons.yaml"
ROWS: list[dict[str, Any]] = load_document(str(LABELLED)).data["reasons"]


@pytest.fixture(scope="module")
def terms() -> Terms:
    return Terms.load()


def _verdicts(found: tuple[TermMatch, ...]) -> dict[str, str]:
    """group → the strongest verdict found for it."""
    out: dict[str, str] = {}
    for m in found:
        if out.get(m.group) != "violation":
            out[m.group] = m.verdict
    return out


# --- the labelled set ---------------------------------------------------------------------


def test_labelled_set_is_well_formed() -> None:
    reasons = [r["reason"] for r in ROWS]
    assert len(reasons) == len(set(reasons))
    real = [r for r in ROWS if r["kind"] in ("positive", "trap", "negative")]
    assert len(real) >= 80
    for row in ROWS:
        assert row["kind"] in ("positive", "trap", "negative", "probe")
        assert set(row["expect"]) <= set(GROUPS)
        assert set(row["expect"].values()) <= {"violation", "review"}
        assert isinstance(row["immigration"], bool)


@pytest.mark.parametrize("row", ROWS, ids=[r["reason"] for r in ROWS])
def test_labelled_reason(terms: Terms, row: dict[str, Any]) -> None:
    assert _verdicts(terms.match(row["reason"])) == row["expect"]


def _scores(rows: list[dict[str, Any]], terms: Terms) -> tuple[int, int, int, int]:
    tp = fp = fn = tn = 0
    for row in rows:
        flagged = any(m.group == "immigration" for m in terms.match(row["reason"]))
        if flagged and row["immigration"]:
            tp += 1
        elif flagged:
            fp += 1
        elif row["immigration"]:
            fn += 1
        else:
            tn += 1
    return tp, fp, fn, tn


def test_immigration_precision_and_recall(terms: Terms) -> None:
    for label, rows in (("real rows", [r for r in ROWS if r["kind"] != "probe"]),
                        ("all rows", ROWS)):
        tp, fp, fn, tn = _scores(rows, terms)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"\nimmigration, {label} ({len(rows)}): TP={tp} FP={fp} FN={fn} TN={tn} "
              f"precision={precision:.3f} recall={recall:.3f}")
    positives = [r for r in ROWS if r["kind"] == "positive"]
    assert positives and all(any(m.group == "immigration" for m in terms.match(r["reason"]))
                             for r in positives)
    traps = [r for r in ROWS if r["kind"] == "trap"]
    assert len(traps) >= 14
    assert [r["reason"] for r in traps if terms.match(r["reason"])] == []


# --- behaviour ----------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "cased"), [
    ("I.C.E.", " ICE "),
    ("ICE-assist", " ICE assist "),
    ("Person+Crime", " Person Crime "),
    ("ICE_ERO", " ICE ERO "),
    ("287(g)", " 287g "),
    ("287 ( G )", " 287g "),
    ("Immig.", " Immig "),
    ("inmigración", " inmigracion "),
    ("***", " "),
    ("", " "),
])
def test_normalise(raw: str, cased: str) -> None:
    assert normalise(raw) == cased


def test_match_never_raises(terms: Terms) -> None:
    for bad in (None, 5, b"ICE", ["ICE"], {"a": 1}, "", " ", "\x00ICE", "ICE" * 10_000,
                "\ud800", "ICE " + "x" * 20_000):
        result = terms.match(bad)  # type: ignore[arg-type]
        assert isinstance(result, tuple)
        assert isinstance(terms.vague(bad), bool)  # type: ignore[arg-type]


def test_case_rules(terms: Terms) -> None:
    assert _verdicts(terms.match("ICE")) == {"immigration": "violation"}
    assert _verdicts(terms.match("ice")) == {"immigration": "review"}
    assert _verdicts(terms.match("Ice")) == {"immigration": "review"}
    assert _verdicts(terms.match("ice warrant")) == {"immigration": "violation"}
    assert terms.match("ICE ON ROAD") == ()
    # a violation makes the same group's review matches redundant
    assert [m.term for m in terms.match("ICE")] == ["ice-agency"]


def test_results_are_in_data_order_and_typed(terms: Terms) -> None:
    found = terms.match("ICE+ERO immigration protest at the Planned Parenthood clinic")
    assert [m.group for m in found] == ["immigration"] * 4 + ["reproductive_care",
                                                              "first_amendment"]
    ids = terms.term_ids()
    assert [m.term for m in found[:4]] == sorted((m.term for m in found[:4]), key=ids.index)
    assert all(isinstance(m, TermMatch) for m in found)


@pytest.mark.parametrize(("reason", "vague"), [
    ("investigation", True), ("INV", True), ("invest", True), ("Investigative", True),
    ("investigative+", True), ("Criminal Investigation", True), ("test", True), ("n/a", True),
    ("NA", True), ("-", True), ("--", True), ("other", True), ("***", True), ("", True),
    ("Daytime search for best result", True), ("Administrative Test", True),
    ("10851", False), ("stolen vehicle", False), ("459 PC", False), ("ICE", False),
    ("investigation 25-8370", False), ("Welfare Check", False),
])
def test_vague(terms: Terms, reason: str, vague: bool) -> None:
    assert terms.vague(reason) is vague


# --- real audit logs ----------------------------------------------------------------------

EXPECTED_TOKENS = re.compile(
    r"(?i)\b(?:ice|i\.c\.e|ero|hsi|cbp|usbp|dhs|border|customs|homeland|immig\w*|migrants?|"
    r"deport\w*|removal|detainers?|aliens?|undocumented|visas?|overstay\w*|287\s*\(?g|i-?2\d\d|"
    r"abortions?|reproductive|planned|parenthood|gender|transgender|transsexual|clinic|family|"
    r"mifepristone|misoprostol|protest\w*|demonstrat\w*|rall(?:y|ies)|march\w*|activists?|"
    r"picket\w*|sit|amendment|speech|illegals?)\b")


def test_real_audit_logs(terms: Terms, shared_data: Path) -> None:
    files = sorted((shared_data / "flock-audit").glob("*.csv"))
    if not files:
        pytest.skip("no flock-audit CSVs")
    rows = 0
    per: Counter[tuple[str, str]] = Counter()
    flagged: Counter[str] = Counter()
    vague = 0
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for record in csv.DictReader(fh):
                reason = record["reason"]
                rows += 1
                vague += terms.vague(reason)
                found = terms.match(reason)
                for group, verdict in _verdicts(found).items():
                    per[group, verdict] += 1
                if found:
                    flagged[reason] += 1
    print(f"\nreal audit logs: {len(files)} files, {rows} rows, {vague} vague reasons")
    for (group, verdict), n in sorted(per.items()):
        print(f"  {group}/{verdict}: {n} rows")
    print(f"  distinct flagged reasons: {dict(flagged) or 'none'}")
    assert rows > 1000
    for reason in flagged:
        assert EXPECTED_TOKENS.search(reason.replace("+", " ")), reason


def test_real_portal_reasons(terms: Terms, shared_data: Path) -> None:
    """Every reason and offense type in the portal snapshots (125k rows): none raises, and
    every flagged one holds an expected token."""
    import json

    reasons: Counter[str] = Counter()
    for path in sorted((shared_data / "flock-portal").glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for row in data.get("search_audit_csv") or ():
            for key in ("reason", "offenseType"):
                value = row.get(key)
                if isinstance(value, str):
                    reasons[value] += 1
    if not reasons:
        pytest.skip("no portal search audits")
    flagged = {r: n for r, n in reasons.items() if terms.match(r)}
    print(f"\nportal reasons+offense types: {sum(reasons.values())} values, {len(reasons)} "
          f"distinct; flagged: {flagged or 'none'}")
    for reason in flagged:
        assert EXPECTED_TOKENS.search(reason), reason


# --- the data file ------------------------------------------------------------------------

ALLOWED_KEYWORDS = {"type", "enum", "const", "minimum", "maximum", "minLength", "maxLength",
                    "pattern", "properties", "required", "additionalProperties", "items",
                    "minItems", "maxItems", "uniqueItems", "allOf", "anyOf", "oneOf", "not",
                    "$ref", "$defs", "description", "title", "$schema", "$id"}
FORBIDDEN = re.compile(r"\(\?<?[=!]|\\[1-9]|\(\?P=|\(\?P?<[A-Za-z_]|\(\?>|[*+?}]\+|\\[AZzbBG]")


def _raw_data() -> Any:
    return load_document(str(resources.data_file("baselines", "data/audit-terms.yaml"))).data


def _keywords(node: Any, in_properties: bool = False) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if not in_properties:
                assert k in ALLOWED_KEYWORDS, k
            _keywords(v, in_properties=(k in ("properties", "$defs") and not in_properties))
    elif isinstance(node, list):
        for v in node:
            _keywords(v)


def test_data_file_validates() -> None:
    raw = _raw_data()
    schema = resources.load_json_schema("audit-terms.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert Validator(schema).errors(raw) == []
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(raw)) == []
    _keywords(schema)
    groups = [g["group"] for g in raw["groups"]]
    assert groups == list(GROUPS)
    for entry in [*raw["exclusions"], *raw["vague"],
                  *(t for g in raw["groups"] for t in g["terms"])]:
        assert len(entry["comment"]) >= 10


def _patterns(raw: Any) -> list[str]:
    return ([e["pattern"] for e in raw["exclusions"]] + [e["pattern"] for e in raw["vague"]]
            + [t["pattern"] for g in raw["groups"] for t in g["terms"]])


def test_every_pattern_is_re2_safe() -> None:
    """No lookaround, backreference, named group, atomic group, possessive quantifier or
    engine-specific anchor/boundary escape: DuckDB/Spark/RE2 read every pattern alike."""
    found = _patterns(_raw_data())
    assert len(found) > 40
    for pattern in found:
        assert not FORBIDDEN.search(pattern), pattern
        re.compile(pattern)


def test_term_patterns_match_whole_words() -> None:
    """Every term and exclusion alternative starts and ends at a space, so it matches words,
    never a substring ('ice' in 'police')."""
    raw = _raw_data()
    for pattern in [e["pattern"] for e in raw["exclusions"]] + [
            t["pattern"] for g in raw["groups"] for t in g["terms"]]:
        assert pattern.startswith(" ") or pattern.startswith("(?:"), pattern


def test_schema_rejects_a_lookahead() -> None:
    raw = _raw_data()
    raw["groups"][0]["terms"][0]["pattern"] = " ice(?! cream) "
    assert Validator(resources.load_json_schema("audit-terms.schema.json")).errors(raw)


def test_an_invalid_data_file_is_a_baseline_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "data" / "audit-terms.yaml"
    bad.parent.mkdir()
    text = (ROOT / "baselines" / "data" / "audit-terms.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("verdict: violation", "verdict: maybe", 1), encoding="utf-8")
    real = resources.data_file

    def fake(kind: str, name: str) -> Path:
        return bad if name == "data/audit-terms.yaml" else real(kind, name)

    monkeypatch.setattr(resources, "data_file", fake)
    Terms.load.cache_clear()
    try:
        with pytest.raises(BaselineError,
                           match=r"audit-terms\.yaml:\d+:\d+: /groups/0/terms/0/verdict"):
            Terms.load()
    finally:
        Terms.load.cache_clear()


def test_unknown_exclusion_is_a_baseline_error() -> None:
    raw = _raw_data()
    raw["groups"][0]["terms"][0]["exclude"] = ["no-such-exclusion"]
    with pytest.raises(BaselineError, match="no-such-exclusion"):
        Terms(raw)


def test_loaded_once() -> None:
    assert Terms.load() is Terms.load()
    assert terms_module.Terms is Terms


# --- speed ---------------------------------------------------------------------------------
# Speed is asserted as work done, never as wall-clock time (which flakes on a busy machine):
# repeated reasons are served by the caches, and reading a new reason is a bounded number of
# regex searches, most often one. The real figures: bench/bench_audit.py.


@dataclasses.dataclass
class Searches:
    """The counting wrappers of one :class:`Terms`."""

    precheck: Counting
    unions: list[tuple[Counting | None, Counting | None]]
    """Per group: its norm-text and cased-text unions."""
    terms: list[list[Counting]]
    """Per group: its terms' patterns and exclusions."""

    def counts(self) -> tuple[int, list[int], list[int]]:
        return (self.precheck.calls,
                [sum(u.calls for u in pair if u is not None) for pair in self.unions],
                [sum(t.calls for t in group) for group in self.terms])


def _counting(fresh: Terms) -> Searches:
    """Wrap every pattern ``fresh`` searches."""
    def wrap(pattern: re.Pattern[str] | None, into: list[Counting] | None = None) -> Any:
        if pattern is None:
            return None
        wrapper = Counting(pattern)
        if into is not None:
            into.append(wrapper)
        return wrapper

    assert isinstance(fresh._precheck, re.Pattern)  # every term in one union
    found = Searches(wrap(fresh._precheck), [], [])
    groups = []
    for g in fresh._groups:
        mine: list[Counting] = []
        norm, cased = wrap(g.norm), wrap(g.cased)
        groups.append(dataclasses.replace(
            g, norm=norm, cased=cased,
            terms=tuple(dataclasses.replace(t, pattern=wrap(t.pattern, mine),
                                            exclude=wrap(t.exclude, mine)) for t in g.terms)))
        found.unions.append((norm, cased))
        found.terms.append(mine)
    precheck: Any = found.precheck  # a wrapper where a compiled pattern is expected
    fresh._precheck, fresh._groups = precheck, tuple(groups)
    return found


def test_a_million_matches_read_each_distinct_reason_once() -> None:
    """1,000,000 ``match`` calls over realistic, heavily repeated reasons: each distinct
    reason is read (normalised and searched) once; every repeat is a cache hit."""
    pool = [r["reason"] for r in ROWS] + [f"25-{n}" for n in range(3000)] + [
        f"case {n} stolen vehicle" for n in range(3000)]
    weights = [50 if r in ("investigation", "inv", "Investigation", "UUV", "Property Crime")
               else 1 for r in pool]
    rng = random.Random(7)
    reasons = rng.choices(pool, weights=weights, k=1_000_000)
    fresh = Terms(_raw_data())
    searches = _counting(fresh)
    match = fresh.match
    flagged = 0
    for reason in reasons:
        if match(reason):
            flagged += 1
    distinct = set(reasons)
    info = fresh._match_cached.cache_info()
    assert flagged > 0 and all(len(r) <= terms_module.CACHED_LENGTH for r in distinct)
    assert (info.hits, info.misses) == (len(reasons) - len(distinct), len(distinct))
    assert searches.precheck.calls == len({normalise(r) for r in distinct if r}) < 7000


def test_a_new_reason_is_a_bounded_number_of_searches() -> None:
    """Cache misses: each of 40,000 distinct reasons is read with one search of the
    pre-check (every term in one union); only a reason it lets through is searched further:
    once by each group's unions, then by the terms of a group whose union matched."""
    fresh = Terms(_raw_data())
    searches = _counting(fresh)
    reasons = [f"case {n} {r['reason']}" for n in range(150) for r in ROWS][:20_000]
    reasons += [f"case {n} stolen vehicle" for n in range(20_000)]
    read: set[str] = set()
    passed = 0
    for reason in reasons:
        before = searches.counts()
        found = fresh.match(reason)
        after = searches.counts()
        cased = normalise(reason)
        unions = [a - b for a, b in zip(after[1], before[1], strict=True)]
        terms = [a - b for a, b in zip(after[2], before[2], strict=True)]
        if cased in read:  # read already, as another reason: a cache hit
            assert (after[0] - before[0], sum(unions), sum(terms)) == (0, 0, 0)
            continue
        read.add(cased)
        assert after[0] - before[0] == 1
        if searches.precheck.pattern.search(cased.lower()) is None:
            assert (sum(unions), sum(terms), found) == (0, 0, ())
            continue
        passed += 1
        assert all(n <= 2 for n in unions)
        for (norm, cased_union), n in zip(searches.unions, terms, strict=True):
            matched = ((norm is not None and norm.pattern.search(cased.lower()))
                       or (cased_union is not None and cased_union.pattern.search(cased)))
            assert n == 0 or matched
    assert 0 < passed < len(reasons) // 2
