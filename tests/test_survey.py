"""``lpr-lint survey``: many agencies in one view, each judged under its own state's law.

Fixtures of real shapes: a folder of four portal snapshots of one California agency
(tests/data/flock/portal/pinecrest-ca-pd), the state examples, the compliant Connecticut
export, and Iowa-like exports written here (Iowa has no baseline).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from conftest import AS_OF, EXAMPLES, ROOT
from lpr_lint.cli import app
from lpr_lint.load import data as resources
from lpr_lint.report.survey import render_csv
from lpr_lint.rules.baseline import load_baseline
from lpr_lint.rules.engine import Options
from lpr_lint.rules.registry import AUTO
from lpr_lint.survey.judge import retention_limit, survey
from lpr_lint.survey.records import Verdict

PINECREST = ROOT / "tests" / "data" / "flock" / "portal" / "pinecrest-ca-pd"
LAKESIDE = EXAMPLES / "compliant" / "lakeside-ct-pd.yaml"
FORMATS = ("text", "markdown", "html", "csv", "json")
HOSTILE = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"

IOWA = """\
format_version: "1.0"
exported_at: 2026-11-20T10:00:00Z
agency: {{name: {name}, state: IA}}
platform: {{vendor: Flock Safety, product: FlockOS}}
retention: {{plate_reads_days: 30}}
sharing:
  partners:
    - {{name: Des Moines IA PD, state: IA, kind: municipal, direction: both}}
    - {{name: Omaha NE PD, state: NE, kind: municipal, direction: outbound}}
    - {{name: Kansas City MO PD, direction: outbound}}
    - {{name: "{partner}", direction: outbound}}
    - {{name: Rock Island IL PD, state: IL, kind: municipal, direction: inbound}}
"""


def _iowa(folder: Path, name: str = "Prairie View IA PD", partner: str = "Hy-Vee Inc") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "prairie-view-ia-pd.yaml"
    path.write_text(IOWA.format(name=json.dumps(name), partner=partner.replace('"', '\\"')),
                    encoding="utf-8")
    return path


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, ["survey", "--as-of", AS_OF.isoformat(), *args])


def _json(*args: str) -> dict[str, Any]:
    result = _run(*args, "-f", "json")
    assert result.exit_code in (0, 1, 3), result.output
    return dict(json.loads(result.stdout))


def _agency(report: dict[str, Any], name: str) -> dict[str, Any]:
    [found] = [a for a in report["agencies"] if a["name"] == name]
    return found


# --- inputs and agencies --------------------------------------------------------------------

def test_a_folder_of_snapshots_is_one_agency_at_its_latest_snapshot() -> None:
    s = survey([str(PINECREST)], AUTO, Options(as_of=AS_OF))
    [agency] = s.agencies
    assert agency.name == "Pinecrest CA PD" and agency.state == "CA"
    [row] = agency.rows
    assert row.snapshot == "2026-04-24" and row.baseline == "ca"
    assert row.verdict is Verdict.FAIL and "CA-SHR-001" in row.critical + row.high
    assert row.recipients is not None and row.recipients.out_of_state == 1  # Houston TX PD
    assert row.recipients.federal == 1 and row.recipients.private == 1
    assert s.totals.agencies == 1 and s.failed


def test_all_snapshots_lists_every_snapshot_under_one_agency() -> None:
    report = _json(str(PINECREST), "--all-snapshots")
    [agency] = report["agencies"]
    assert [r["snapshot"] for r in agency["snapshots"]] == [
        "2026-04-03", "2026-04-10", "2026-04-17", "2026-04-24"]
    assert report["totals"]["agencies"] == 1 and report["all_snapshots"] is True
    text = _run(str(PINECREST), "--all-snapshots").stdout
    assert text.count("Pinecrest CA PD ") == 4 + 1  # four rows, and the recipient itself


def test_each_agency_is_judged_under_its_own_states_baseline() -> None:
    report = _json(str(EXAMPLES / "states"), str(PINECREST))
    assert len(report["agencies"]) == 17
    for agency in report["agencies"]:
        [row] = agency["snapshots"]
        assert row["baseline"] == agency["state"].lower()
    assert _agency(report, "Pinecrest CA PD")["snapshots"][0]["verdict"] == "fail"
    assert _run(str(EXAMPLES / "states"), str(PINECREST)).exit_code == 1
    assert _run(str(LAKESIDE)).exit_code == 0


def test_an_agency_of_a_state_without_a_baseline_is_never_judged(tmp_path: Path) -> None:
    report = _json(str(_iowa(tmp_path)), str(LAKESIDE))
    [row] = _agency(report, "Prairie View IA PD")["snapshots"]
    assert row["verdict"] == "no baseline" and row["baseline"] is None
    assert "IA" in row["note"] and row["critical"] == row["high"] == []
    # its numbers are still shown, relative to Iowa
    assert row["recipients"] == {"total": 4, "out_of_state": 2, "federal": 0, "private": 1,
                                 "state_unknown": 1, "kind_unknown": 0}  # Hy-Vee Inc
    assert report["totals"]["no_baseline"] == 1
    assert _run(str(_iowa(tmp_path)), str(LAKESIDE)).exit_code == 0  # nothing judged fails


def test_one_baseline_for_all_still_counts_from_each_agencys_own_state(tmp_path: Path) -> None:
    """An Iowa agency judged under Connecticut's baseline: its out-of-state recipients are
    those outside Iowa (NE, MO), never 0 beside a failed out-of-state rule."""
    report = _json(str(_iowa(tmp_path)), "--baseline", "ct")
    [row] = _agency(report, "Prairie View IA PD")["snapshots"]
    assert row["baseline"] == "ct" and row["verdict"] == "fail"
    assert row["recipients"]["out_of_state"] == 2
    assert report["baseline"].startswith("ct ")
    assert row["retention_limit"] == 21 and row["over_retention"] is True
    text = _run(str(_iowa(tmp_path)), "--baseline", "ct").stdout
    assert "for every agency (counts relative to each agency's own state)" in text


def test_two_inputs_naming_one_agency_are_one_agency(tmp_path: Path) -> None:
    copy = tmp_path / "copy" / "lakeside.yaml"
    copy.parent.mkdir()
    shutil.copy(LAKESIDE, copy)
    report = _json(str(LAKESIDE), str(copy))
    assert [a["name"] for a in report["agencies"]] == ["Lakeside Police Department"]
    [note] = [n for n in report["notes"] if "named by 2 inputs" in n]
    assert "one agency" in note and report["totals"]["agencies"] == 1


def test_unreadable_inputs_are_listed_and_exit_3(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"agency": ', encoding="utf-8")
    result = _run(str(broken), str(LAKESIDE), str(tmp_path / "missing.yaml"))
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert "Lakeside Police Department" in result.stdout  # the others are still reported
    assert "broken.json" in result.stdout and "missing.yaml" in result.stdout
    assert "broken.json" in result.stderr
    report = _json(str(broken), str(LAKESIDE))
    [unreadable] = report["unreadable"]
    assert unreadable["path"].endswith("broken.json") and "\n" not in unreadable["error"]
    assert report["totals"]["unreadable"] == 1


def test_an_empty_folder_is_an_unreadable_input(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = _run(str(tmp_path / "empty"))
    assert result.exit_code == 3 and "no *.json" in result.stdout


def test_usage_errors_exit_2() -> None:
    assert _run(str(LAKESIDE), "-f", "pdf").exit_code == 2
    assert _run(str(LAKESIDE), "-o", "xml:out.xml").exit_code == 2
    assert _run().exit_code == 2


def test_an_unknown_baseline_exits_3() -> None:
    result = _run(str(LAKESIDE), "--baseline", "zz")
    assert result.exit_code == 3 and "Traceback" not in result.output


# --- the recipients view --------------------------------------------------------------------

def test_recipients_view_puts_out_of_state_federal_and_private_first(tmp_path: Path) -> None:
    s = survey([str(PINECREST), str(_iowa(tmp_path))], AUTO, Options(as_of=AS_OF))
    kinds = {r.name: r for r in s.recipients}
    assert kinds["NCRIC"].kind == "fusion_center"
    assert kinds["Monterey County District Attorney's Office"].kind == "prosecutor"
    assert kinds["Houston TX PD"].out_of_state_for == 1
    assert kinds["[Federal] US Border Patrol"].federal
    assert kinds["Lowe's Companies Inc"].private and kinds["Hy-Vee Inc"].private
    assert "Rock Island IL PD" not in kinds  # inbound only: receives nothing
    flagged = [r.concerning > 0 for r in s.recipients]
    assert flagged == sorted(flagged, reverse=True) and flagged[0]


def test_a_private_university_reads_as_one(tmp_path: Path) -> None:
    s = survey([str(_iowa(tmp_path, partner="Stanford University CA PD"))], AUTO,
               Options(as_of=AS_OF))
    [line] = [r for r in s.recipients if r.name.startswith("Stanford")]
    assert line.kind == "university (private)" and line.private and line.state == "CA"


def test_retention_limits_come_from_the_baseline() -> None:
    assert retention_limit(load_baseline("ct"), AS_OF) == 21
    assert retention_limit(load_baseline("ca"), AS_OF) is None
    assert retention_limit(load_baseline("mn"), AS_OF) == 60


# --- formats --------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_deterministic_and_says_not_legal_advice(fmt: str) -> None:
    args = (str(EXAMPLES / "states"), str(PINECREST), "-f", fmt)
    first, second = _run(*args), _run(*args)
    assert first.exit_code == 1 and first.stdout == second.stdout
    if fmt != "csv":
        assert "Not legal advice" in first.stdout


def test_the_json_survey_matches_its_schema(tmp_path: Path) -> None:
    schema = resources.load_json_schema("survey.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    broken = tmp_path / "broken.json"
    broken.write_text("[", encoding="utf-8")
    for args in ((str(EXAMPLES / "states"), str(PINECREST)),
                 (str(PINECREST), "--all-snapshots"),
                 (str(_iowa(tmp_path / "ia")), str(broken), "--baseline", "ct")):
        jsonschema.Draft202012Validator(schema).validate(_json(*args))


def test_the_csv_is_one_header_and_one_line_per_agency(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[", encoding="utf-8")
    text = render_csv(survey([str(EXAMPLES / "states"), str(PINECREST), str(broken)], AUTO,
                             Options(as_of=AS_OF)))
    assert text.count("\r\n") == 19 and text.endswith("\r\n")  # RFC 4180 line ends
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 18 and rows[-1]["verdict"] == "unreadable"
    [pinecrest] = [r for r in rows if r["agency"] == "Pinecrest CA PD"]
    assert pinecrest["verdict"] == "fail" and pinecrest["out_of_state"] == "1"


def test_hostile_names_are_inert_in_every_format(tmp_path: Path) -> None:
    _iowa(tmp_path / "a", name=FORMULA, partner=HOSTILE)
    _iowa(tmp_path / "b", name=HOSTILE + " IA PD", partner=FORMULA)
    outputs = {fmt: _run(str(tmp_path), "-f", fmt).stdout for fmt in FORMATS}
    html = outputs["html"]
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "script-src" not in html and "default-src 'none'" in html
    rows = list(csv.reader(io.StringIO(outputs["csv"])))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert any(cell == "'" + FORMULA for row in rows for cell in row)
    assert "<script>" not in outputs["markdown"] and r"\<script\>" in outputs["markdown"]
    assert "\x1b" not in outputs["text"]


def test_html_tables_wrap_names_and_show_counts_as_cells() -> None:
    html = _run(str(EXAMPLES / "states"), str(PINECREST), "-f", "html").stdout
    assert "overflow-wrap:anywhere" in html and "max-width:18em" in html
    assert '<td class="n">11</td>' in html  # Pinecrest's recipients, a number in a cell
    assert "<svg" not in html or "<td class=\"n\">" in html


def test_outputs_go_to_files_as_asked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _run(str(PINECREST), "-o", f"html:{out / 's.html'}", "-o",
                  f"csv:{out / 's.csv'}")
    assert result.exit_code == 1 and result.stdout == ""
    assert (out / "s.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (out / "s.csv").read_text(encoding="utf-8").startswith("agency,")
    assert "survey of 1 agencies" in result.stderr


# --- the real data --------------------------------------------------------------------------

def test_every_real_agency_in_one_view(shared_data: Path) -> None:
    result = _run(str(shared_data / "flock-portal"), "-f", "json")
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    agencies = report["agencies"]
    assert len(agencies) == len([d for d in (shared_data / "flock-portal").iterdir()
                                 if d.is_dir()]) >= 150
    for agency in agencies:
        [row] = agency["snapshots"]
        if agency["state"] in ("CA", "MN", "VA", "WA"):
            assert row["baseline"] == agency["state"].lower(), agency["name"]
        else:  # Iowa, Ohio: no baseline, never another state's
            assert row["verdict"] == "no baseline" and row["baseline"] is None
    top = report["recipients"][:10]
    assert any(r["kind"] == "university (private)" and r["agencies"] >= 100 for r in top)
    jsonschema.Draft202012Validator(resources.load_json_schema("survey.schema.json")).validate(
        report)
