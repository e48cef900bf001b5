"""``lpr-lint audit``: search-audit log readers, flags, summaries, sampling and reports."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT
from lpr_lint.cli import app

DATA = ROOT / "tests" / "data" / "audit"
NET14 = str(DATA / "network-audit-14col.csv")
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["audit", *args])
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def report(*args: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(*args, "--agency-state", "CT", "--format", "json")
    assert code in (0, 1), err
    return json.loads(out)  # type: ignore[no-any-return]


def by_id(rep: dict) -> dict:  # type: ignore[type-arg]
    return {row["id"]: row for row in rep["flagged"]}


# --- input formats --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "fmt", "rows"), [
    ("network-audit-14col.csv", "flock-audit", 7),
    ("org-audit-13col-bom-crlf.csv", "flock-audit", 2),
    ("network-audit-headerless.csv", "flock-audit-headerless", 2),
    ("portal-2025.csv", "flock-portal", 4),
    ("portal-2026-case-offense.csv", "flock-portal", 3),
    ("portal-2026-network-offense.csv", "flock-portal", 2),
])
def test_formats_are_detected_from_the_header(name: str, fmt: str, rows: int) -> None:
    rep = report(str(DATA / name))
    assert rep["files"][0]["format"] == fmt
    assert rep["files"][0]["rows"] == rep["searches_scanned"] == rows


def test_network_audit_leading_spaces_two_line_time_frame_markers_and_duplicates() -> None:
    rep = report(NET14)
    f = rep["files"][0]
    assert f["duplicates"] == 1 and len(f["sha256"]) == 64
    rows = by_id(rep)
    a1 = rows["a1"]
    assert a1["row"] == 2 and a1["search_time"] == "2024-01-25T13:27:03Z"
    assert a1["networks"] == 1500 and a1["devices"] is None  # "——" is unknown, not a number
    assert a1["flags"] == ["immigration", "out_of_state_requester", "missing_case_number",
                           "bulk_search"]
    assert {"group": "immigration", "term": a1["matches"][0]["term"],
            "verdict": "violation"} in a1["matches"]
    assert rows["a4"]["flags"] == ["missing_reason", "missing_case_number"]  # case "***"
    assert "a7" not in rows  # a withheld reason ("***") is not a missing one
    assert rows["a2"]["org_kind"] == "federal" and "federal_requester" in rows["a2"]["flags"]
    assert "out_of_state_requester" not in rows["a2"]["flags"]
    assert "a3" not in rows  # in-state, specific reason, case number, few networks
    assert rep["summary"]["duplicates"] == 1
    assert rep["summary"]["case_number_not_recorded"] == []


def test_headerless_standard_order() -> None:
    rows = report(str(DATA / "network-audit-headerless.csv"))["flagged"]
    assert len(rows) == 1
    assert rows[0]["org"] == "Dallas TX PD" and rows[0]["id"] is None and rows[0]["row"] == 1
    assert rows[0]["flags"] == ["immigration", "out_of_state_requester", "missing_case_number",
                                "bulk_search"]


def test_bom_and_crlf() -> None:
    raw = (DATA / "org-audit-13col-bom-crlf.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = by_id(report(str(DATA / "org-audit-13col-bom-crlf.csv")))
    assert list(rows) == ["b2"] and rows["b2"]["flags"] == ["immigration"]


def test_portal_formats() -> None:
    rep = report(str(DATA / "portal-2025.csv"))
    rows = by_id(rep)
    assert rows["p3"]["search_time"] == "2025-06-18T00:02:04Z"
    assert rows["p3"]["flags"] == ["immigration"]
    assert rows["p2"]["flags"] == ["vague_reason", "bulk_search"] and rows["p2"]["devices"] == 17201
    summary = rep["summary"]
    assert summary["case_number_not_recorded"] == [str(DATA / "portal-2025.csv")]
    assert summary["requester_not_recorded"] == [str(DATA / "portal-2025.csv")]
    rows = by_id(report(str(DATA / "portal-2026-case-offense.csv")))
    assert rows["q2"]["offense_type"] == "Immigration (civil/administrative)"
    assert rows["q2"]["flags"] == ["immigration", "missing_case_number"]
    assert rows["q3"]["flags"] == ["bulk_search"] and rows["q3"]["networks"] == 449
    assert "q1" not in rows or "immigration" not in rows["q1"]["flags"]
    rows = by_id(report(str(DATA / "portal-2026-network-offense.csv")))
    assert list(rows) == ["r2"] and rows["r2"]["flags"] == ["missing_reason"]


def test_gzip_is_detected_by_magic_bytes(tmp_path: Path) -> None:
    gz = tmp_path / "audit.csv"  # no .gz suffix: content decides
    gz.write_bytes(gzip.compress(Path(NET14).read_bytes()))
    plain, packed = report(NET14), report(str(gz))
    assert [r["flags"] for r in packed["flagged"]] == [r["flags"] for r in plain["flagged"]]
    assert packed["files"][0]["duplicates"] == 1


def test_a_byte_cp1252_lacks_is_named_as_cp1252_not_charmap(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"a,b\n\x81\x90,\x8d\n")  # bytes cp1252 leaves undefined
    code, _, err = run(str(path), "--agency-state", "CT", "--encoding", "cp1252")
    assert code == 3 and "not valid cp1252 text" in err and "charmap" not in err
    assert "not cp1252 either" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(("encoding", "message"), [
    ("utf-16", "not valid UTF-16 text (UTF-16 stream does not start with BOM)"),
    ("undefined", "unknown encoding 'undefined'"),
    ("rot13", "unknown encoding 'rot13'"),
])
def test_an_encoding_that_cannot_read_the_file_is_one_line(tmp_path: Path, encoding: str,
                                                            message: str) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes((ROOT / "tests" / "data" / "audit" / "portal-2025.csv").read_bytes())
    code, _, err = run(str(path), "--agency-state", "CT", "--encoding", encoding)
    assert code == 3 and message in err and len(err.splitlines()) == 1, err
    assert "internal error" not in err


def test_cp1252_is_a_clear_input_error_unless_named(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(Path(NET14).read_bytes().replace(b"ICE assist", b"ICE assist caf\xe9"))
    code, _, err = run(str(path), "--agency-state", "CT")
    assert code == 3 and str(path) in err and "cp1252" in err and len(err.splitlines()) == 1
    path.write_bytes(Path(DATA / "portal-2025.csv").read_bytes().replace(b"483j", b"caf\xe9"))
    code, out, _ = run(str(path), "--agency-state", "CT", "--encoding", "cp1252", "-f", "json")
    assert code == 1 and json.loads(out)["searches_scanned"] == 4


def test_map_reads_any_csv() -> None:
    rep = report(str(DATA / "custom-mapped.csv"), "--map", "Agency=org", "--map",
                 "When=search_time", "--map", "Why=reason", "--map", "Ref=case_number",
                 "--map", "Nets=networks")
    assert rep["files"][0]["format"] == "mapped"
    rows = rep["flagged"]
    assert len(rows) == 1 and rows[0]["org"] == "Houston TX PD"
    assert rows[0]["flags"] == ["immigration", "out_of_state_requester", "missing_case_number"]
    assert rows[0]["search_time"] == "2024-05-01T10:00:00Z"


@pytest.mark.parametrize("args", [["--map", "Agency"], ["--map", "Agency=colour"],
                                  ["--agency-state", "Connecticut"], ["--output", "pdf:x.pdf"],
                                  ["--since", "2024-13-01"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    code, _, _ = run(str(DATA / "custom-mapped.csv"), "--agency-state", "CT", *args)
    assert code == 2


def test_map_of_a_missing_column_is_an_input_error() -> None:
    code, _, err = run(str(DATA / "custom-mapped.csv"), "--agency-state", "CT", "--map",
                       "Nope=reason")
    assert code == 3 and "Nope" in err


@pytest.mark.parametrize("make", ["not-audit", "empty", "missing", "directory", "bad-gzip"])
def test_not_an_audit_log_exits_3_naming_the_file(tmp_path: Path, make: str) -> None:
    path = {"not-audit": DATA / "not-audit.csv", "empty": tmp_path / "empty.csv",
            "missing": tmp_path / "missing.csv", "directory": tmp_path,
            "bad-gzip": tmp_path / "bad.gz"}[make]
    if make == "empty":
        path.write_text("")
    if make == "bad-gzip":
        path.write_bytes(b"\x1f\x8b" + b"junk" * 10)
    code, out, err = run(str(path), "--agency-state", "CT")
    assert code == 3 and out == ""
    assert str(path) in err and len(err.strip().splitlines()) == 1


# --- flags, partners, dates, sampling ---------------------------------------------------------


def test_every_flag_code_is_exercised() -> None:
    from lpr_lint.audit.review import FLAGS

    rep = report(NET14, str(DATA / "network-audit-headerless.csv"))
    assert {f for r in rep["flagged"] for f in r["flags"]} == set(FLAGS)
    assert all(rep["summary"]["by_flag"][f] > 0 for f in FLAGS)


def test_cli_choices_are_the_audit_registries() -> None:
    from lpr_lint.audit import GATES, RENDERERS
    from lpr_lint.audit.review import Auditor, Options

    help_text = runner.invoke(app, ["audit", "--help"], terminal_width=200).stdout
    assert f"[{'|'.join(GATES)}]" in help_text and f"[{'|'.join(RENDERERS)}]" in help_text
    for gate in GATES:  # every gate is one the auditor knows
        auditor = Auditor(Options(agency_state="CT", fail_on=gate))
        try:
            assert auditor.summary()["fail_on"] == gate
        finally:
            auditor.close()


def test_bulk_threshold_option() -> None:
    rows = by_id(report(NET14, "--bulk-threshold", "2000"))
    assert "bulk_search" not in rows["a1"]["flags"]


def test_config_marks_declared_partners() -> None:
    config = str(EXAMPLES / "noncompliant" / "ny-partner-no-declaration.yaml")
    rep = report(NET14, "--config", config)
    rows = by_id(rep)
    assert rows["a5"]["declared_partner"] is True  # Port Chester NY PD is a listed partner
    assert rows["a6"]["declared_partner"] is True  # Springfield MA PD
    assert rows["a1"]["declared_partner"] is False  # Houston TX PD is not
    assert rows["a2"]["declared_partner"] is False  # nor is Border Patrol
    assert rows["a4"]["declared_partner"] is None  # in-state: not applicable
    assert rep["summary"]["declared_partner"] == {"declared": 2, "undeclared": 2}
    assert "declared_partner" not in report(NET14)["summary"]


def test_since_and_until_filter_by_utc_day() -> None:
    rep = report(NET14, "--since", "2024-02-01", "--until", "2024-02-02")
    assert sorted(by_id(rep)) == ["a4", "a5"]
    assert rep["searches_scanned"] == 2 and rep["summary"]["excluded_by_date"] == 5
    code, _, _ = run(NET14, "--agency-state", "CT", "--since", "2024-03-01", "--until",
                     "2024-02-01")
    assert code == 2


def _many(tmp_path: Path, n: int = 300) -> str:
    path = tmp_path / "many.csv"
    states = ["TX", "NY", "CT", "MA", "GA"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ID", " Org Name", " Total Networks Searched", " Reason", " Case #",
                    " Search Time"])
        for i in range(n):
            w.writerow([f"id{i}", f"Town{i % 7} {states[i % 5]} PD", "3", "burglary", "1",
                        f"03/{i % 28 + 1:02d}/2024, 10:00:00 AM UTC"])
    return str(path)


def test_sample_is_reproducible(tmp_path: Path) -> None:
    path = _many(tmp_path)
    one = report(path, "--sample", "5", "--seed", "7")["sample"]
    two = report(path, "--sample", "5", "--seed", "7")["sample"]
    other = report(path, "--sample", "5", "--seed", "8")["sample"]
    assert one == two and one["seed"] == 7 and one["n"] == 5 and len(one["rows"]) == 5
    assert one["population"] == 240  # out-of-state rows only
    assert [r["row"] for r in one["rows"]] != [r["row"] for r in other["rows"]]
    assert [r["row"] for r in one["rows"]] == sorted(r["row"] for r in one["rows"])
    assert all(r["org_state"] != "CT" for r in one["rows"])
    assert "sample" not in report(path)


def test_sample_smaller_population_than_n(tmp_path: Path) -> None:
    rep = report(NET14, "--sample", "50")
    assert len(rep["sample"]["rows"]) == rep["sample"]["population"] == 4


# --- reports and exit codes -------------------------------------------------------------------


def test_json_is_deterministic(tmp_path: Path) -> None:
    args = [NET14, str(DATA / "portal-2025.csv"), "--agency-state", "CT", "--sample", "3"]
    outs = []
    for i in range(2):
        run(*args, "--output", f"json:{tmp_path / f'{i}.json'}")
        outs.append((tmp_path / f"{i}.json").read_bytes())
    assert outs[0] == outs[1]
    data = json.loads(outs[0])
    assert list(data) == sorted(data)
    assert [(r["file"], r["row"]) for r in data["flagged"]] == [
        (r["file"], r["row"]) for r in sorted(
            data["flagged"], key=lambda r: (r["file"] != NET14, r["row"]))]
    assert list(data["summary"]["by_month"]) == sorted(data["summary"]["by_month"])


def test_csv_neutralises_formulas(tmp_path: Path) -> None:
    out = tmp_path / "flagged.csv"
    code, _, err = run(str(DATA / "injection.csv"), "--agency-state", "CT", "-o", f"csv:{out}")
    assert code in (0, 1) and "Searches reviewed" in err  # summary to stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["reason"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["case_number"] == "'+1"
    assert rows[1]["reason"] == "'@SUM(A1)" and rows[1]["case_number"] == "'-2"
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


def test_html_escapes_every_input_string(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    run(str(DATA / "injection.csv"), "--agency-state", "CT", "-o", f"html:{out}",
        "--sample", "5")
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; TX PD" in page
    assert "<svg" in page and "<link" not in page and "src=" not in page
    assert "href=" not in page and "@import" not in page


def test_markdown_and_text(tmp_path: Path) -> None:
    code, out, _ = run(NET14, "--agency-state", "CT", "-f", "markdown", "--sample", "2")
    assert code == 1 and out.startswith("# LPR search-audit review (CT)")
    assert "| `immigration` |" in out and "## Review sample" in out
    code, out, _ = run(NET14, "--agency-state", "CT")
    assert code == 1 and out.startswith("Searches reviewed: 7 in 1 file(s); 5 flagged")
    assert "Houston TX PD" in out and "Duplicate search IDs counted once: 1" in out


def test_several_outputs_are_written_atomically(tmp_path: Path) -> None:
    outs = {fmt: tmp_path / "sub" / f"r.{fmt}" for fmt in ("json", "csv", "markdown", "html")}
    code, out, _ = run(NET14, "--agency-state", "CT",
                       *[a for fmt, p in outs.items() for a in ("-o", f"{fmt}:{p}")])
    assert code == 1 and out == ""
    assert all(p.stat().st_size > 0 for p in outs.values())
    assert sorted(os.listdir(tmp_path / "sub")) == sorted(p.name for p in outs.values())


def test_an_input_error_leaves_no_output(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    code, _, _ = run(NET14, str(DATA / "not-audit.csv"), "--agency-state", "CT",
                     "-o", f"json:{out}")
    assert code == 3 and not out.exists() and os.listdir(tmp_path) == []


@pytest.mark.parametrize(("args", "expected"), [
    ([NET14], 1),  # ICE assist (violation) and a federal requester
    ([NET14, "--fail-on", "never"], 0),
    ([str(DATA / "portal-2026-network-offense.csv")], 0),  # only missing_reason
    ([str(DATA / "portal-2026-network-offense.csv"), "--fail-on", "review"], 0),
    ([str(DATA / "custom-mapped.csv"), "--map", "Agency=org", "--map", "Why=reason",
      "--fail-on", "review"], 1),  # out-of-state requester
    ([str(DATA / "org-audit-13col-bom-crlf.csv")], 1),  # immigration enforcement
])
def test_exit_codes(args: list[str], expected: int) -> None:
    code, _, err = run(*args, "--agency-state", "CT")
    assert code == expected, err


def test_real_flock_audit_files(shared_data: Path, tmp_path: Path) -> None:
    files = sorted((shared_data / "flock-audit").glob("*.csv"))
    if not files:
        pytest.skip("no real audit logs")
    rep = report(*map(str, files))
    assert rep["searches_scanned"] == sum(f["rows"] for f in rep["files"]) > 5000
    assert all(f["format"] == "flock-portal" for f in rep["files"])
    flagged = {k: v for k, v in rep["summary"]["by_flag"].items() if v}
    files_seen = [(Path(f["path"]).name, f["rows"], f["duplicates"]) for f in rep["files"]]
    print(f"\nreal audit logs: {files_seen}; flagged {rep['summary']['flagged']}; "
          f"by flag {flagged}; violations {rep['summary']['violations']}")
    assert "police" not in {r["reason"].lower() for r in rep["flagged"]
                            if "immigration" in r["flags"]}


def test_a_large_log_is_parsed_by_the_helper_process(tmp_path: Path) -> None:
    """The parallel path really runs (a helper that always failed to start would fall back
    silently, correct but twice as slow)."""
    from lpr_lint.audit.columns import Columns
    from lpr_lint.audit.logs import open_reader

    with open_reader(NET14) as reader:
        source = Columns(reader, [reader.layout.columns["org"]], parallel=True)
        rows = [n for numbers, _, _ in source for n in numbers]
    assert source.mode == "helper" and rows == [2, 3, 4, 5, 6, 7, 8, 9]
    with open_reader(NET14) as reader:
        source = Columns(reader, [reader.layout.columns["org"]], parallel=False)
        assert [n for numbers, _, _ in source for n in numbers] == rows
    assert source.mode == "local"


def test_corrupt_gzip_data_near_the_header_is_an_input_error(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(Path(NET14).read_bytes() * 3))
    data[20:40] = b"\xff" * 20  # inside the deflate stream, before the first record ends
    path = tmp_path / "broken.csv.gz"
    path.write_bytes(bytes(data))
    result = runner.invoke(app, ["audit", str(path), "--agency-state", "CT"])
    assert result.exit_code == 3, result.output
    assert str(path) in result.output and "internal error" not in result.output


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", None])
def test_json_report_is_the_same_text_whatever_the_stream(encoding: str | None) -> None:
    """The flagged rows are copied byte for byte into a UTF-8 stream's buffer, and as text
    into any other stream: the report reads the same."""
    from lpr_lint.audit import RENDERERS
    from lpr_lint.audit.logs import open_reader
    from lpr_lint.audit.review import Auditor, Options
    from lpr_lint.report import load

    auditor = Auditor(Options(agency_state="CT"))
    try:
        with open_reader(NET14) as reader:
            auditor.scan(reader, "net14.csv")
        reference = io.StringIO()
        load(RENDERERS, "json")(auditor, reference)
        if encoding is None:
            again = io.StringIO()
            load(RENDERERS, "json")(auditor, again)
            text = again.getvalue()
        else:
            raw = io.BytesIO()
            stream = io.TextIOWrapper(raw, encoding=encoding, newline="")
            load(RENDERERS, "json")(auditor, stream)
            stream.flush()
            text = raw.getvalue().decode(encoding)
        assert text == reference.getvalue()
        rows = json.loads(text)["flagged"]
        assert len(rows) == 5 and rows[0]["id"] == "a1"
    finally:
        auditor.close()


def test_the_helper_is_not_used_on_a_single_core(monkeypatch: pytest.MonkeyPatch) -> None:
    from lpr_lint.audit import columns
    from lpr_lint.audit.logs import open_reader

    monkeypatch.setattr(columns, "PARALLEL_MIN_BYTES", 0)
    with open_reader(NET14) as reader:
        assert columns.Columns(reader, [0]).parallel is (columns._cores() > 1)
        monkeypatch.setattr(columns, "_cores", lambda: 1)
        assert columns.Columns(reader, [0]).parallel is False
