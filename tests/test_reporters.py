"""The CI reporters: SARIF, JUnit, GitLab Code Quality, GitHub annotations and Markdown."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import AS_OF, EXAMPLES, ROOT
from lpr_lint.model import (
    BaselineInfo,
    Citation,
    FileResult,
    FileStatus,
    Finding,
    Outcome,
    Report,
    RuleInfo,
    Severity,
    Waiver,
)
from lpr_lint.report import REPORTERS, Reporter, reporter
from lpr_lint.report._paths import fingerprint, repo_relative
from lpr_lint.report.github import GithubReporter
from lpr_lint.report.gitlab import GitlabReporter
from lpr_lint.report.junit import JunitReporter
from lpr_lint.report.markdown import MarkdownReporter
from lpr_lint.report.sarif import SarifReporter, artifact_uri
from lpr_lint.rules.engine import Options
from lpr_lint.rules.run import run_check

FORMATS = ("sarif", "junit", "gitlab", "github", "markdown")
EXAMPLE_FILES = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".json", ".yaml", ".yml"))
CLEAN = EXAMPLES / "compliant" / "lakeside-ct-pd.yaml"
MOVED = EXAMPLES / "noncompliant" / "holds-and-hotlists.yaml"

CITE = Citation("PA 1 § 2", "primary", "https://example.org/pa1")
RULES = tuple(RuleInfo(f"R-{s.value.upper()}", f"{s.value} rule", s, "why it matters",
                       "how to fix it", "statute", (CITE,)) for s in Severity)
WAIVER = Waiver("R-MEDIUM", "vendor fix scheduled", "J. Doe", "2027-01-01", "2027-03-01",
                ticket="IT-1")


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # reporters show paths relative to the repository root


def check(ct_baseline: Any, *paths: Path | str) -> Report:
    return run_check([str(p) for p in paths], ct_baseline, Options(as_of=AS_OF))


def finding(severity: Severity = Severity.HIGH, pointer: str = "/a", line: int = 2,
            file: str = "a.yaml", message: str = "bad", **kw: Any) -> Finding:
    rule = kw.pop("rule_id", f"R-{severity.value.upper()}")
    return Finding(rule, severity, kw.pop("outcome", Outcome.FAIL), file, pointer, line,
                   kw.pop("column", 3), message, (CITE,), "how to fix it", **kw)


def result(path: str, *findings: Finding, outcomes: dict[str, Outcome] | None = None,
           status: FileStatus = FileStatus.FAIL, **kw: Any) -> FileResult:
    return FileResult(path, None if status is FileStatus.ERROR else "0" * 64, status,
                      tuple(findings), rule_outcomes=tuple(sorted((outcomes or {}).items())),
                      **kw)


def report(*files: FileResult) -> Report:
    return Report("0.1.0", BaselineInfo("t", "1", "0" * 64, "test"), "2027-02-01",
                  Severity.HIGH, False, False, tuple(files), RULES)


BROKEN = result("broken.yaml", status=FileStatus.ERROR, error_line=3, error_column=7,
                error_message='cannot parse <x> & "y"\x00')


def mixed() -> Report:
    """A gating finding, a waived one, a format finding, a not-applicable rule, an unreadable
    file."""
    a = result("a.yaml", finding(),
               finding(Severity.MEDIUM, "/b", 4, waiver=WAIVER),
               finding(Severity.HIGH, "/c", 5, rule_id="LPR-SCHEMA", message="wrong type"),
               outcomes={"R-HIGH": Outcome.FAIL, "R-MEDIUM": Outcome.FAIL,
                         "R-LOW": Outcome.NOT_APPLICABLE, "R-INFO": Outcome.PASS})
    return report(a, BROKEN)


def sarif(rep: Report) -> dict[str, Any]:
    return json.loads(SarifReporter().render(rep))  # type: ignore[no-any-return]


# --- SARIF ----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def sarif_validator(shared_data: Path) -> Any:
    from jsonschema import Draft4Validator

    path = shared_data / "formats" / "sarif-schema-2.1.0.json"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


@pytest.mark.parametrize("target", [*EXAMPLE_FILES, EXAMPLES, None],
                         ids=lambda p: "mixed" if p is None else str(p.relative_to(ROOT)))
def test_sarif_is_valid_and_has_what_github_needs(target: Path | None, ct_baseline: Any,
                                                  sarif_validator: Any) -> None:
    rep = mixed() if target is None else check(ct_baseline, target)
    log = sarif(rep)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in sarif_validator.iter_errors(log)]
    assert not errors, errors[:5]
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert {r.id for r in rep.rules} | {"LPR-INPUT"} <= {r["id"] for r in rules}
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert re.fullmatch(r"[A-Z0-9][A-Za-z0-9]*", rule["name"])
    assert len(run["results"]) == len(rep.findings) + sum(
        1 for f in rep.files if f.status is FileStatus.ERROR)
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note") and res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "./", "file:")) and "\\" not in uri
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
        assert re.fullmatch(r"[0-9a-f]{64}", res["partialFingerprints"]["lpr-lint/v1"])


def test_sarif_levels_suppressions_and_unreadable_files() -> None:
    results = sarif(mixed())["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    assert by_rule["R-HIGH"]["level"] == "error"
    assert "suppressions" not in by_rule["R-HIGH"]
    assert by_rule["R-MEDIUM"]["level"] == "warning"
    assert by_rule["R-MEDIUM"]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": WAIVER.describe()}]
    broken = by_rule["LPR-INPUT"]
    assert broken["level"] == "error"
    assert broken["locations"][0]["physicalLocation"]["region"] == {"startLine": 3,
                                                                    "startColumn": 7}
    assert by_rule["R-HIGH"]["properties"] == {"pointer": "/a", "outcome": "fail",
                                               "severity": "high"}


def test_sarif_clean_run_has_empty_results(ct_baseline: Any) -> None:
    text = SarifReporter().render(check(ct_baseline, CLEAN))
    assert '"results": []' in text
    assert json.loads(text)["runs"][0]["results"] == []


def _fingerprints(rep: Report) -> dict[tuple[str, str], tuple[str, int]]:
    return {(r["ruleId"], r["properties"]["pointer"]):
            (r["partialFingerprints"]["lpr-lint/v1"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in sarif(rep)["runs"][0]["results"]}


def test_fingerprints_survive_moved_lines(ct_baseline: Any, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    before = _fingerprints(check(ct_baseline, MOVED.relative_to(ROOT)))
    copy = tmp_path / MOVED.relative_to(ROOT)
    copy.parent.mkdir(parents=True)
    copy.write_text("# moved down\n\n# by three lines\n" + MOVED.read_text("utf-8"), "utf-8")
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    after = _fingerprints(check(ct_baseline, copy))  # absolute: made relative to tmp_path
    assert before.keys() == after.keys() and before
    for key, (fp, line) in before.items():
        assert after[key] == (fp, line + 3), key
    assert len({fp for fp, _ in before.values()}) == len(before)


def test_fingerprint_depends_on_rule_path_and_pointer_only() -> None:
    assert fingerprint("R", "a.yaml", "/x") != fingerprint("R", "a.yaml", "/y")
    assert fingerprint("R", "a.yaml", "/x") != fingerprint("S", "a.yaml", "/x")
    assert fingerprint("R", "a.yaml", "/x") != fingerprint("R", "b.yaml", "/x")
    one = sarif(report(result("a.yaml", finding(line=2))))["runs"][0]["results"][0]
    two = sarif(report(result("a.yaml", finding(line=9))))["runs"][0]["results"][0]
    assert one["partialFingerprints"] == two["partialFingerprints"]


def test_repo_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert repo_relative(str(EXAMPLES / "x.yaml")) == "examples/x.yaml"
    assert repo_relative("./examples/../examples/x.yaml") == "examples/x.yaml"
    monkeypatch.chdir(ROOT / "examples")
    assert repo_relative("x.yaml") == "examples/x.yaml"
    outside = str(tmp_path / "x.yaml")
    assert repo_relative(outside) == outside
    assert artifact_uri(outside) == "file://" + outside
    assert artifact_uri("dir with space/a#b.yaml") == "dir%20with%20space/a%23b.yaml"


# --- JUnit ----------------------------------------------------------------------------------

def _junit(rep: Report) -> Any:
    from junitparser import JUnitXml

    text = JunitReporter().render(rep)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n') and text.endswith(">\n")
    return JUnitXml.fromstring(text.encode("utf-8"))


def _kinds(case: Any) -> list[str]:
    return [type(r).__name__ for r in case.result]


@pytest.mark.parametrize("target", [EXAMPLES, None], ids=["examples", "mixed"])
def test_junit_counts_match_the_report(target: Path | None, ct_baseline: Any) -> None:
    rep = mixed() if target is None else check(ct_baseline, target)
    xml = _junit(rep)
    suites = list(xml)
    assert xml.name == "lpr-lint"
    assert [s.name for s in suites] == [repo_relative(f.path) for f in rep.files]
    for suite, file in zip(suites, rep.files, strict=True):
        cases = list(suite)
        rules = ({"LPR-INPUT"} if file.status is FileStatus.ERROR else set()) | {
            r for r, _ in file.rule_outcomes} | {f.rule_id for f in file.findings}
        assert sorted(c.name for c in cases) == sorted(rules)
        assert all(c.classname == suite.name for c in cases)
        failing = {f.rule_id for f in file.findings if f.waiver is None}
        assert {c.name for c in cases if _kinds(c) == ["Failure"]} == failing
        assert (suite.tests, suite.failures, suite.errors) == (
            len(rules), len(failing), int(file.status is FileStatus.ERROR))
        assert suite.skipped == sum(1 for c in cases if _kinds(c) == ["Skipped"])
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (
        sum(s.tests for s in suites), sum(s.failures for s in suites),
        sum(s.errors for s in suites), sum(s.skipped for s in suites))
    before = [(s.tests, s.failures, s.errors, s.skipped) for s in suites]
    for s in suites:
        s.update_statistics()  # junitparser recounts from the test cases
    assert [(s.tests, s.failures, s.errors, s.skipped) for s in suites] == before


def test_junit_failure_skip_and_error_details() -> None:
    a, broken = list(_junit(mixed()))
    cases = {c.name: c for c in a}
    (fail,) = cases["R-HIGH"].result
    assert (fail.message, fail.type) == ("bad", "high")
    assert fail.text.startswith("2:3 /a: bad [PA 1 § 2]")
    (waived,) = cases["R-MEDIUM"].result
    assert _kinds(cases["R-MEDIUM"]) == ["Skipped"] and waived.message == WAIVER.describe()
    assert cases["R-LOW"].result[0].message == "not applicable"
    assert cases["R-INFO"].result == []
    assert _kinds(cases["LPR-SCHEMA"]) == ["Failure"]
    (case,) = list(broken)
    (error,) = case.result
    assert (case.name, type(error).__name__) == ("LPR-INPUT", "Error")
    assert error.message == 'cannot parse <x> & "y"'  # the NUL XML cannot carry is gone


def test_junit_escapes_markup() -> None:
    nasty = 'a <b> & "c" \'d\' ]]> \x1b\ud800 done'
    text = JunitReporter().render(report(result("a&b.yaml", finding(message=nasty),
                                                outcomes={"R-HIGH": Outcome.FAIL})))
    assert "<b>" not in text and "&amp;" in text and "&lt;b&gt;" in text
    (suite,) = list(_junit(report(result("a&b.yaml", finding(message=nasty)))))
    (case,) = list(suite)
    assert suite.name == "a&b.yaml"
    assert case.result[0].message == 'a <b> & "c" \'d\' ]]>  done'


# --- GitLab ---------------------------------------------------------------------------------

def test_gitlab_code_quality(ct_baseline: Any) -> None:
    rep = check(ct_baseline, EXAMPLES)
    issues = json.loads(GitlabReporter().render(rep))
    assert len(issues) == len(rep.findings)
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert set(issue["location"]) == {"path", "lines"}
        assert issue["location"]["lines"]["begin"] >= 1
        assert not issue["location"]["path"].startswith(("/", "./"))
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert issues == sorted(issues, key=lambda i: (i["location"]["path"],
                                                   i["location"]["lines"]["begin"]))
    sarif_fps = {r["partialFingerprints"]["lpr-lint/v1"] for r in sarif(rep)["runs"][0]["results"]}
    assert {i["fingerprint"] for i in issues} == sarif_fps


def test_gitlab_severities_waivers_and_unreadable_files(ct_baseline: Any) -> None:
    rep = report(result("a.yaml", *(finding(s, f"/{s.value}") for s in Severity),
                        finding(Severity.MEDIUM, "/w", waiver=WAIVER)), BROKEN)
    issues = json.loads(GitlabReporter().render(rep))
    got = {i["check_name"]: i["severity"] for i in issues}
    assert got == {"R-CRITICAL": "blocker", "R-HIGH": "critical", "R-MEDIUM": "major",
                   "R-LOW": "minor", "R-INFO": "info", "LPR-INPUT": "blocker"}
    assert "/w" not in json.dumps(issues)  # waived: left out
    assert next(i for i in issues if i["check_name"] == "R-HIGH")["description"] == (
        "bad [PA 1 § 2]")
    assert GitlabReporter().render(check(ct_baseline, CLEAN)) == "[]\n"
    twice = report(result("a.yaml", finding(message="one"), finding(message="two")))
    assert len({i["fingerprint"] for i in json.loads(GitlabReporter().render(twice))}) == 2


# --- GitHub ---------------------------------------------------------------------------------

def test_github_escapes_messages_and_properties() -> None:
    rep = report(result("dir,with:odd/a.yaml",
                        finding(file="dir,with:odd/a.yaml", message="100% sure\nnext\rline")))
    assert GithubReporter().render(rep) == (
        "::error file=dir%2Cwith%3Aodd/a.yaml,line=2,col=3,title=R-HIGH (high)::"
        "100%25 sure%0Anext%0Dline [PA 1 § 2]\n")


def test_github_levels_waivers_and_unreadable_files(ct_baseline: Any) -> None:
    rep = report(result("a.yaml", *(finding(s, f"/{s.value}") for s in Severity),
                        finding(Severity.HIGH, "/w", message="waived one", waiver=WAIVER)),
                 BROKEN)
    lines = GithubReporter().render(rep).splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [
        "::error", "::error", "::error", "::warning", "::notice", "::notice"]
    assert lines[0].startswith("::error file=broken.yaml,line=3,col=7,title=LPR-INPUT")
    assert "title=R-CRITICAL (critical)" in lines[1] and "title=R-INFO (info)" in lines[-1]
    assert not any("waived one" in line for line in lines)
    clean = GithubReporter().render(check(ct_baseline, CLEAN))
    assert "::" not in clean and clean.endswith("\n")


def test_github_caps_annotations_per_level() -> None:
    highs = [finding(pointer=f"/h/{i}", line=i + 1) for i in range(25)]
    lows = [finding(Severity.LOW, f"/l/{i}", line=i + 1) for i in range(12)]
    lines = GithubReporter().render(report(result("a.yaml", *highs, *lows))).splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    notices = [line for line in lines if line.startswith("::notice")]
    assert len(errors) == 10 and len(notices) == 10
    assert [int(e.split("line=")[1].split(",")[0]) for e in errors] == list(range(1, 11))
    assert lines[-1] == ("::notice::18 more finding(s) not annotated; see the SARIF or JSON "
                         "report")  # 15 errors + 3 notices: the summary takes a notice slot
    only_high = GithubReporter().render(report(result("a.yaml", *highs))).splitlines()
    assert len(only_high) == 11
    assert only_high[-1].startswith("::notice::15 more finding(s) not annotated")
    mixed_severity = [finding(Severity.HIGH, f"/x/{i}", line=50 - i) for i in range(9)] + [
        finding(Severity.CRITICAL, f"/y/{i}", line=90 + i) for i in range(3)]
    lines = GithubReporter().render(report(result("a.yaml", *mixed_severity))).splitlines()
    assert sum("(critical)" in line for line in lines[:3]) == 3  # most severe first


# --- Markdown -------------------------------------------------------------------------------

def _cells(row: str) -> list[str]:
    return re.split(r"(?<!\\)\|", row)[1:-1]


def test_markdown_escapes_every_cell() -> None:
    nasty = "a | b *c* _d_ `e` <img> [f](g)\nnext"
    rep = report(result("a.yaml", finding(message=nasty, pointer="/we|ird/`key`")))
    text = MarkdownReporter().render(rep)
    row = next(line for line in text.splitlines() if "R-HIGH" in line)
    cells = _cells(row)
    assert len(cells) == 5
    assert cells[2].strip() == "`2:3` `` /we\\|ird/`key` ``"
    assert cells[3].strip() == ("a \\| b \\*c\\* \\_d\\_ \\`e\\` \\<img\\> \\[f\\](g) next")
    assert cells[4].strip() == "[PA 1 § 2](<https://example.org/pa1>)"
    assert "<img>" not in text


def test_markdown_waived_table_and_unreadable_files() -> None:
    text = MarkdownReporter().render(mixed())
    assert text.startswith("### ❌ lpr-lint check failed\n")
    head, waived = text.split("Waived (1):", 1)
    assert "| Severity | Rule | Location | Message | Citation |" in head
    assert "R-HIGH" in head and "R-MEDIUM" not in head
    assert "| Severity | Rule | Location | Message | Waiver |" in waived
    assert "waived until 2027-03-01 by J. Doe (IT-1): vendor fix scheduled" in waived
    assert "#### Unreadable files" in text
    assert "- `broken.yaml` line 3:7: cannot parse \\<x\\> \\& \"y\"" in text


def test_markdown_clean_run(ct_baseline: Any) -> None:
    text = MarkdownReporter().render(check(ct_baseline, CLEAN))
    assert text.startswith("### ✅ lpr-lint check passed\n")
    assert text.endswith("All 1 file passed: no findings.\n")
    assert "|" not in text


# --- All formats ----------------------------------------------------------------------------

def test_registered() -> None:
    assert set(FORMATS) <= set(REPORTERS)
    for name in REPORTERS:  # every lazy reference resolves to a Reporter
        assert isinstance(reporter(name), Reporter)


@pytest.mark.parametrize("fmt", FORMATS)
def test_deterministic(fmt: str, ct_baseline: Any) -> None:
    for make in (lambda: check(ct_baseline, EXAMPLES), mixed):
        first, second = reporter(fmt).render(make()), reporter(fmt).render(make())
        assert first == second
        assert first.endswith("\n") and str(ROOT) not in first
        assert "\x00" not in first  # BROKEN's message holds a NUL


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_format(fmt: str, ct_baseline: Any) -> None:
    from typer.testing import CliRunner

    from lpr_lint.cli import app

    out = CliRunner().invoke(app, ["check", "examples", "--as-of", "2027-02-01", "--format", fmt])
    assert out.exit_code == 1, out.stderr
    assert out.stdout == reporter(fmt).render(check(ct_baseline, "examples"))
