"""The audit's memory does not grow with what a log repeats least: distinct organisation
names, distinct (garbage) times and very long reasons are counted and matched exactly, but
never make unbounded counters or cache entries."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

import pytest

from lpr_lint.audit import RENDERERS, tally
from lpr_lint.audit.cache import KEY_LENGTH as CACHED_LENGTH
from lpr_lint.audit.cache import Cache
from lpr_lint.audit.logs import open_reader
from lpr_lint.audit.review import Auditor, Options
from lpr_lint.audit.tally import Months, Requesters
from lpr_lint.audit.terms import Terms, normalise
from lpr_lint.report import load

HEADER = ["ID", "Org Name", "Total Networks Searched", "Reason", "Case #", "Search Time"]
STATES = ["CT", "NY", "TX", "MA", None]


def test_requesters_fold_the_smallest_into_exact_state_totals() -> None:
    rng = random.Random(5)
    orgs = [f"org{i}" for i in range(60)]
    state = {o: STATES[i % len(STATES)] for i, o in enumerate(orgs)}
    stream = rng.choices(orgs, weights=range(1, 61), k=5000)
    flagged = [o for o in stream if rng.random() < 0.3]
    small, exact = Requesters(state.get, limit=10), Requesters(state.get, limit=10**6)
    for part in range(0, 5000, 500):
        chunk = stream[part:part + 500]
        hits = [o for o in chunk if hash(o) % 3 == 0]
        small.add(chunk, hits)
        exact.add(chunk, hits)
    assert small.pruned > 0 and exact.pruned == 0 and len(small.searches) <= 10
    assert small.by_state() == exact.by_state()
    assert sum(v[0] for v in small.by_state().values()) == 5000
    assert small.top(3)[0][0] == exact.top(3)[0][0]  # the busiest is never folded away
    assert flagged  # (the random stream has flagged rows at all)


def test_months_fold_keys_into_the_same_months() -> None:
    keys = [f"2025-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29)] + ["garbage!"]
    small = Months(lambda k: k[:7] if k[4:5] == "-" else "", limit=5)
    exact = Months(lambda k: k[:7] if k[4:5] == "-" else "", limit=10**6)
    for months in (small, exact):
        for i in range(0, len(keys), 7):
            months.add(keys[i:i + 7] * 2, keys[i:i + 7][:1])
    assert small.result() == exact.result()
    assert exact.result()["unknown"] == [2, 1] and exact.result()["2025-03"] == [56, 4]


def _log(path: Path, rows: int, seed: int) -> Path:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(rows):
            org = f"Agency {rng.randrange(10**9)} {rng.choice(['TX', 'CT', 'NY'])} PD"
            when = (f"{rng.randrange(1, 13):02d}/{rng.randrange(1, 28):02d}/2025, 01:02:03 PM"
                    if i % 3 else f"garbage {rng.random()}")
            reason = "ICE assist" if i % 97 == 0 else rng.choice(["burglary", "INV", ""])
            writer.writerow([f"id{i}", org, rng.randrange(1, 300), reason, "", when])
    return path


def _report(path: Path, **options: Any) -> dict[str, Any]:
    auditor = Auditor(Options(agency_state="CT", **options))
    try:
        with open_reader(str(path)) as reader:
            auditor.scan(reader, path.name)
        out: list[str] = []
        load(RENDERERS, "json")(auditor, type("W", (), {"write": lambda _, s: out.append(s)})())
        return json.loads("".join(out))  # type: ignore[no-any-return]
    finally:
        auditor.close()


def test_a_log_of_distinct_names_and_times_keeps_exact_totals(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _log(tmp_path / "distinct.csv", 3000, 1)
    exact = _report(path)
    monkeypatch.setattr(tally, "ORG_LIMIT", 100)
    monkeypatch.setattr(tally, "KEY_LIMIT", 50)
    small = _report(path)
    assert small["summary"]["by_requester_approximate"] is True
    assert "by_requester_approximate" not in exact["summary"]
    for key in ("by_month", "by_requester_state", "by_flag", "flagged"):
        assert small["summary"][key] == exact["summary"][key], key
    assert small["flagged"] == exact["flagged"]
    assert exact["summary"]["by_month"]["unknown"]["searches"] == 1000


def test_long_reasons_are_matched_without_growing_the_caches(tmp_path: Path) -> None:
    terms = Terms.load()
    before = terms._match_cached.cache_info().currsize
    long_reasons = [f"{'x' * (CACHED_LENGTH + i)} ICE assist" for i in range(0, 300, 30)]
    long_reasons += [f"ICE assist {'word ' * 400}{i}" for i in range(10)]
    for reason in long_reasons:
        found = terms.match(reason)
        expected = terms._read(normalise(reason))
        assert found == expected
    assert terms._match_cached.cache_info().currsize == before
    path = tmp_path / "long.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows([f"id{i}", f"{'Houston ' * 200}TX PD {i}", 1, reason, "1",
                          "01/02/2025, 01:02:03 PM"] for i, reason in enumerate(long_reasons))
    auditor = Auditor(Options(agency_state="CT"))
    try:
        with open_reader(str(path)) as reader:
            auditor.scan(reader, "long.csv")
        rows = list(auditor.flagged())
        assert len(rows) == len(long_reasons)
        assert all("immigration" in r["flags"] for r in rows)
        assert all(len(k) <= CACHED_LENGTH for k in auditor._reason_info)
        assert all(len(k) <= CACHED_LENGTH for k in auditor._org_info)
    finally:
        auditor.close()


def test_the_cache_forgets_when_full_and_never_keeps_long_keys() -> None:
    cache: Cache[int] = Cache(limit=3, key_length=5)
    assert [cache.put(k, i) for i, k in enumerate("abc")] == [0, 1, 2] and len(cache) == 3
    assert cache.put("d", 3) == 3 and dict(cache) == {"d": 3}  # full: forgot the rest
    assert cache.put("toolong", 4) == 4 and "toolong" not in cache and len(cache) == 1
    assert list(map(cache.get, ["d", "x"])) == [3, None]
