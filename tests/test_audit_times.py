"""Search times in audit reports: ``Spool._iso_column`` (three small caches per fixed-width
format) gives exactly what ``Spool._iso`` (:func:`lpr_lint.audit.logs.iso_time`) gives, for
any text, whatever came before it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from lpr_lint.audit.review import FLAGS
from lpr_lint.audit.spool import Spool

US, ISO, ISO_SPACE = "01/25/2024, 01:27:03 PM UTC", "2026-03-10T04:31:52.901Z", \
    "2025-06-18 00:02:04.789"
TIMES = {
    "us": [US, "12/31/2024, 12:00:00 AM UTC", "12/31/2024, 12:59:59 PM UTC",
           "01/01/2024, 12:30:00 AM UTC", "07/04/2024, 11:59:59 PM UTC"],
    "iso": [ISO, ISO_SPACE, "2025-06-18T23:59:59", "2025-06-18T00:00:00+02:00"],
    "us-first": [US, ISO, ISO_SPACE, "", "2024-01-25, 01:27:03 PM"],
    "iso-first": [ISO, US, "12/31/2024, 12:00:00 AM UTC", ISO_SPACE],
    "not-padded": ["1/5/2024, 1:02:03 PM", US, "1/5/2024, 9:15:00 PM UTC", "01/5/2024, 1:02 AM"],
    "odd-hours": ["01/25/2024, 13:27:03 PM UTC", "01/25/2024, 00:27:03 PM UTC",
                  "01/25/2024, 99:27:03 AM UTC", "01/25/2024, 1:27:03 PM UTC"],
    "not-am-pm": ["01/25/2024, 01:27:03 PX UTC", "01/25/2024, 01:27:03 pm UTC", US,
                  "01/25/2024, 01:27:03 P UTC", "01/25/2024, 01:27:03PM"],
    "withheld-short": ["", "***", "—", "x", "01/", "2024-01-2", ",", " ", US],
    "garbage": ["garbage", "2024-13-45T99:99:99", "ab/cd/efgh, 01:27:03 PM", " " + US,
                "01/25/2024, 01:27:03", "0000-00-00T00:00:00", "01/25/2024, ab:cd:ef PM"],
    "repeated": [US] * 5 + [ISO] * 5 + [US], "empty-list": [],
}
FORMAT_CONFUSIONS = {"us-no-comma": ["01/25/2024 01:27:03 PM UTC"],
                "us-24-hour": [ISO, "01/25/2024 04:31:52", "01/25/2024T04:31:52"]}


@pytest.fixture
def spool() -> Iterator[Spool]:
    spool = Spool(FLAGS)
    yield spool
    spool.close()


def iso(t: str) -> str:
    """``Spool._iso`` with fresh caches: the general path, free of earlier calls."""
    spool = Spool(FLAGS)
    try:
        return spool._iso(t)
    finally:
        spool.close()


def test_iso_reference_values() -> None:
    assert iso(US) == '"2024-01-25T13:27:03Z"' and iso(ISO) == '"2026-03-10T04:31:52Z"'
    assert iso("12/31/2024, 12:00:00 AM UTC") == '"2024-12-31T00:00:00Z"'
    assert iso("1/5/2024, 1:02:03 PM") == '"2024-01-05T13:02:03Z"' and iso("***") == "null"


@pytest.mark.parametrize("times", [*TIMES.values(), *FORMAT_CONFUSIONS.values()],
                         ids=[*TIMES, *FORMAT_CONFUSIONS])
def test_iso_column_equals_iso(times: list[str], spool: Spool) -> None:
    expected = [iso(t) for t in times]
    assert spool._iso_column(times) == expected
    assert spool._iso_column(times) == expected  # warm caches
    for other in TIMES.values():
        spool._iso_column(other)
    assert spool._iso_column(times) == expected


@pytest.mark.parametrize(("earlier", "later"), [("n/a,01/02/2024", "01/02/2024, 5:00 PM"),
                                               ("2024-01-25,x", "01/02/2024,2024-01-25")])
def test_iso_does_not_depend_on_earlier_rows(earlier: str, later: str, spool: Spool) -> None:
    assert spool._iso_column([earlier, later]) == [iso(earlier), iso(later)]


def _random_lists(seed: int, mutate: bool) -> Iterator[list[str]]:
    """Lists of random strings over the alphabet, or of valid times with 1-2 characters
    replaced, inserted or deleted; the first time of a list decides the slicing."""
    rng, alphabet = random.Random(seed), "0123456789/:-, TAPMUZ."
    templates = [US, ISO, ISO_SPACE, "12/31/2024, 12:00:00 AM UTC"]
    for _ in range(100):
        times = [] if mutate or rng.random() < 0.5 else [rng.choice(templates)]
        for _ in range(rng.randrange(1, 60)):
            t = list(rng.choice(templates)) if mutate else [
                rng.choice(alphabet) for _ in range(rng.randrange(0, 30))]
            for _ in range(rng.randrange(1, 3) if mutate else 0):
                at = rng.randrange(len(t) + 1)
                t[at:at + rng.randrange(2)] = [rng.choice(alphabet)] * (rng.random() < 0.6)
            times.append("".join(t))
        yield times


@pytest.mark.parametrize("mutate", [False, True], ids=["random", "mutated-times"])
def test_iso_column_equals_iso_for_random_strings(mutate: bool, spool: Spool) -> None:
    for times in _random_lists(11, mutate):
        expected = [iso(t) for t in times]
        assert spool._iso_column(times) == expected, times
        assert spool._iso_column(times) == expected, times




def test_flagged_rows_and_the_sample_agree_on_every_time(tmp_path: Path) -> None:
    """The sample converts times with iso_time, flagged rows through the caches: the same
    search must show the same time in both, whatever its format."""
    from lpr_lint.audit.logs import open_reader
    from lpr_lint.audit.review import Auditor, Options

    times = [*TIMES["us"], *TIMES["iso"], *TIMES["garbage"], *TIMES["not-am-pm"],
             *FORMAT_CONFUSIONS["us-no-comma"], "01/25/2024 13:27:03", ""]
    path = tmp_path / "mapped.csv"
    path.write_text("Agency,When,Why\n" + "".join(
        f'Houston TX PD,"{t}",stolen car\n' for t in times), encoding="utf-8")
    auditor = Auditor(Options(agency_state="CT", sample=len(times), seed=1))
    try:
        with open_reader(str(path), mapping={"Agency": "org", "When": "search_time",
                                             "Why": "reason"}) as reader:
            auditor.scan(reader, str(path))
        flagged = {r["row"]: r["search_time"] for r in auditor.flagged()}
        sample = auditor.sample()
        assert sample is not None and len(sample["rows"]) == len(times) == len(flagged)
        assert {r["row"]: r["search_time"] for r in sample["rows"]} == flagged
        assert flagged[2] == "2024-01-25T13:27:03Z"
    finally:
        auditor.close()
