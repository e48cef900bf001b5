"""Audit reports on paper and screen (issue 15): what a log format does not record is said,
never counted as 0; the state code is checked; the HTML carries every count as text."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from lpr_lint.cli import app

DATA = ROOT / "tests" / "data" / "audit"
PORTAL = str(DATA / "portal-2025.csv")
NET14 = str(DATA / "network-audit-14col.csv")
NOT_RECORDED = "not recorded by this log format"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def audit(*logs: str, fmt: str = "json") -> str:
    code, out, err = run("audit", *logs, "--agency-state", "CT", "--format", fmt)
    assert code in (0, 1), err
    return out


# --- a log with no requester column ------------------------------------------------------


def test_json_says_the_requester_flags_are_not_recorded() -> None:
    summary = json.loads(audit(PORTAL))["summary"]
    assert summary["by_flag"]["federal_requester"] is None
    assert summary["by_flag"]["out_of_state_requester"] is None
    assert summary["by_flag"]["missing_case_number"] is None
    assert summary["not_recorded"] == ["federal_requester", "out_of_state_requester",
                                       "missing_case_number"]
    assert summary["requester_not_recorded"] == [PORTAL]
    assert summary["by_flag"]["vague_reason"] == 2  # what the log records is counted


def test_json_counts_what_some_log_records() -> None:
    summary = json.loads(audit(PORTAL, NET14))["summary"]
    assert summary["not_recorded"] == []
    assert summary["by_flag"]["out_of_state_requester"] > 0
    assert summary["requester_not_recorded"] == [PORTAL]


def test_markdown_says_not_recorded_and_has_no_requester_tables() -> None:
    out = audit(PORTAL, fmt="markdown")
    assert f"| `federal_requester` | requester is a federal agency | {NOT_RECORDED} |" in out
    assert f"| `out_of_state_requester` | requester is in another state | {NOT_RECORDED} |" in out
    assert "Requester: not recorded by the log format of" in out
    assert "## By requester state" not in out and "## Top requesters" not in out


def test_text_summary_notes_the_requester_is_not_recorded() -> None:
    out = audit(PORTAL, fmt="text")
    assert "Note: Requester: not recorded by the log format of" in out
    assert "federal_requester" not in out.split("Note:")[0]
    assert "(not recorded)" not in out  # no "top requester" that is no requester


def test_html_says_not_recorded() -> None:
    page = audit(PORTAL, fmt="html")
    assert f"<td><span class=\"nr\">{NOT_RECORDED}</span></td>" in page
    assert "<h2>By requester state</h2>" not in page


def test_csv_of_a_log_with_no_requester_has_no_requester_flag() -> None:
    rows = list(csv.DictReader(io.StringIO(audit(PORTAL, fmt="csv"))))
    assert rows and all("requester" not in r["flags"] for r in rows)


# --- the HTML carries every count as text --------------------------------------------------


def test_html_has_a_month_table_requester_states_and_short_file_names(tmp_path: Path) -> None:
    folder = tmp_path.joinpath(*["a-long-folder-name-of-an-audit-export"] * 3)
    folder.mkdir(parents=True)
    log = folder / Path(NET14).name
    log.write_bytes(Path(NET14).read_bytes())
    page = audit(str(log), fmt="html")
    assert "<td><span class=\"nowrap\">2024-01</span></td><td class=\"n\">3</td>" in page
    assert "<h2>By requester state</h2>" in page and "<td>TX</td>" in page
    assert 'class="legend"' in page and "Flagged searches" in page
    assert page.count(str(log)) == 1 + page.count(f'title="{log}"')  # once in full, in Files
    assert f'<span title="{log}">network-audit-14col.csv</span>' in page
    assert "@media print" in page


def test_chart_month_labels_are_spaced_and_years_shown() -> None:
    from lpr_lint.audit.reports import _svg_chart

    months = {f"{2020 + i // 12}-{i % 12 + 1:02d}": {"searches": i + 1, "flagged": i % 3}
              for i in range(72)}
    svg = _svg_chart(months)
    xs = [float(x) for x in re.findall(r'<text class="month" x="([0-9.]+)"', svg)]
    assert len(xs) >= 12 and min(b - a for a, b in itertools.pairwise(xs)) >= 28
    assert re.findall(r'<text class="year"[^>]*>(\d{4})</text>', svg) == [
        str(y) for y in range(2020, 2026)]
    assert '<rect class="all"' in svg and "Month (UTC)" in svg and ">Searches</text>" in svg


def test_chart_fills_months_with_no_search() -> None:
    from lpr_lint.audit.reports import _calendar

    got = _calendar({"2024-11": {"searches": 1, "flagged": 0},
                     "2025-02": {"searches": 2, "flagged": 1},
                     "unknown": {"searches": 5, "flagged": 0}})
    assert got == [("2024-11", 1, 0), ("2024-12", 0, 0), ("2025-01", 0, 0), ("2025-02", 2, 1)]


# --- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize("state", ["ZZ", "US", "XX", "C1"])
def test_agency_state_must_be_a_us_state_code(state: str) -> None:
    code, _, err = run("audit", NET14, "--agency-state", state)
    assert code == 2 and f"'{state}' is not a US state code" in err


@pytest.mark.parametrize("state", ["ct", "DC", "PR"])
def test_agency_state_takes_states_dc_and_territories(state: str) -> None:
    code, _, err = run("audit", NET14, "--agency-state", state)
    assert code in (0, 1), err


def test_help_summary_is_one_whole_sentence() -> None:
    result = CliRunner().invoke(app, ["--help"], terminal_width=80)
    (line,) = [line for line in result.stdout.splitlines() if line.strip().startswith("audit ")]
    assert line.rstrip().endswith(".") and not line.rstrip().endswith("..."), line
