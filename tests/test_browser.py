"""Every HTML report, rendered in headless Chromium (``tests/browser.py``): it fits a laptop
screen and a printed page, identifiers never break across lines, the audit chart says what
its colours and axes mean, markup in the data stays text, and the page shows the same with
its Content-Security-Policy (no script may run) as without it.

Each page is rendered a few times (measured at two widths, and the original against a copy
without its CSP); set ``BROWSER_SCREENSHOTS=DIR`` to also get a PNG of each for a human.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib
import json
import os
import re
from pathlib import Path
from typing import Any

import browser
import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES
from lpr_lint.cli import app
from lpr_lint.report import CERTIFICATE_RENDERERS, SURVEY_REPORTERS, load

pytestmark = pytest.mark.skipif(browser.chromium() is None,
                                reason="no chromium on the PATH (apt-get install chromium)")

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
PORTAL = Path(__file__).parent / "data" / "audit" / "portal-2025.csv"
HEADER = ["ID", "Name", "Org Name", "Total Networks Searched", "Reason", "Case #",
          "Search Time"]
ORGS = ["Hartford CT PD", "Houston TX PD", "[Federal] US Border Patrol",
        f"{SCRIPT} TX PD", f"{IMG} NY PD", "Springfield MA PD"]
REASONS = ["burglary 24-113", "ICE assist", "investigation", f"theft {IMG}", SCRIPT,
           "protest at the capitol"]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def many_months_log(folder: Path) -> Path:
    """A Flock audit log over 30 months (one gap), at a long absolute path, with hostile
    organisation names and reasons."""
    deep = folder.joinpath(*(["a-rather-long-folder-name-for-an-audit-export"] * 4))
    deep.mkdir(parents=True)
    path = deep / "organization-audit-export-2024-01-to-2026-06-with-a-long-name.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        n = 0
        for month in range(30):
            if month == 7:
                continue  # a month with no search
            year, mon = 2024 + month // 12, month % 12 + 1
            for k in range(1 + (month * 7) % 5):
                n += 1
                writer.writerow([f"s{n}", "Officer", ORGS[n % len(ORGS)], str(1 + n % 3),
                                 REASONS[n % len(REASONS)], "" if n % 4 else "24-1",
                                 f"{mon:02d}/{1 + k:02d}/{year}, 10:00:00 AM UTC"])
    return path


def audit_html(tmp_path: Path, *logs: Path, name: str = "audit.html") -> str:
    out = tmp_path / name
    code, _, err = _run("audit", *map(str, logs), "--agency-state", "CT", "-o", f"html:{out}",
                        "--sample", "3")
    assert code in (0, 1), err
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def audit_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("audit")
    return audit_html(folder, many_months_log(folder))


@pytest.fixture(scope="module")
def portal_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    return audit_html(tmp_path_factory.mktemp("portal"), PORTAL)


LONG_ID = "CT-RETENTION-OFFSITE-BACKUP-0001"


@pytest.fixture(scope="module")
def certificate_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A certificate with failing findings, rules not yet in effect (judged before CT's
    December 2026 rules), a hostile vendor and agency name, and a long rule id."""
    from lpr_lint.certify.certificate import load_certificate
    from lpr_lint.load.files import load_document

    folder = tmp_path_factory.mktemp("cert")
    data = load_document(str(EXAMPLES / "noncompliant" / "federal-ice-assist.json")).data
    data.setdefault("agency", {})["name"] = SCRIPT
    export = folder / "hostile.json"
    export.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = _run("certify", str(export), "--vendor", f"{IMG} Vendor", "--out",
                        str(folder / "cert.json"), "--as-of", "2026-11-01")
    assert code == 1, err
    cert = load_certificate(str(folder / "cert.json"))
    rules = (dataclasses.replace(cert.rules[0], rule_id=LONG_ID), *cert.rules[1:])
    render = load(CERTIFICATE_RENDERERS, "html")
    page: str = render(dataclasses.replace(cert, rules=rules))
    return page


def shoot(page: str, name: str) -> None:
    """A screenshot for a human, when BROWSER_SCREENSHOTS names a folder."""
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        browser.screenshot(page, Path(folder) / f"{name}.png")


def fits(page: str) -> None:
    """No horizontal scrolling on a laptop or on paper; print CSS; ids on one line; no markup
    from the data became an element."""
    for width, m in zip((browser.DESKTOP, browser.PRINT),
                        browser.measure_widths(page, browser.DESKTOP, browser.PRINT), strict=True):
        assert m["scrollWidth"] <= m["viewport"], (width, m["wide"])
        broken = [i["text"] for i in m["ids"] if not i["oneLine"]]
        assert not broken, (width, broken)
        assert not m["splitWords"], (width, "heading words broken across lines",
                                     m["splitWords"])
        assert m["scripts"] == 0 and m["imgs"] == 0 and not m["handlers"] and not m["links"]
        assert m["printCss"], "no @media print rules"


def same_without_script(page: str) -> None:
    """The page as written (CSP, no script) renders exactly as the copy without the CSP: the
    CSP blocks nothing the page needs, and nothing needs JavaScript."""
    assert "Content-Security-Policy" in page and "<script" not in page.lower()
    same, size = browser.same_pixels(page, browser._CSP.sub("", page))
    assert same, "the page renders differently under its Content-Security-Policy"
    assert size > 20_000  # not a blank page


# --- audit ------------------------------------------------------------------------------


def test_audit_html_fits_screen_and_paper(audit_page: str) -> None:
    shoot(audit_page, "audit")
    fits(audit_page)
    text = browser.measure(audit_page)["text"]
    assert SCRIPT in text and IMG in text  # shown as text


def test_audit_chart_has_legend_axes_and_separate_month_labels(audit_page: str) -> None:
    for width in (browser.DESKTOP, browser.PRINT):
        (chart,) = browser.measure(audit_page, width)["charts"]
        assert chart["clashes"] == [], chart["clashes"]
        assert len(chart["labels"]) >= 10
        assert "Flagged" in chart["legend"] and "All searches" in chart["legend"]
        assert set(chart["axes"]) == {"Searches", "Month (UTC)"}


def test_audit_counts_are_printed_not_only_in_tooltips(audit_page: str) -> None:
    text = browser.measure(audit_page)["text"]
    assert "2024-01\t" in text and "2025-06\t" in text  # the table of months
    assert "By requester state" in text and "TX\t" in text
    # the full path once, in the table of files; rows name the file shortly
    assert text.count("a-rather-long-folder-name") == 4
    assert text.count("organization…-long-name.csv") > 3


def test_audit_html_shows_the_same_without_script(audit_page: str) -> None:
    same_without_script(audit_page)


def test_audit_of_a_log_with_no_requester_column(portal_page: str) -> None:
    shoot(portal_page, "audit-portal")
    fits(portal_page)
    text = browser.measure(portal_page)["text"]
    assert "federal_requester\treason" not in text
    rows = [line for line in text.splitlines() if line.startswith(("federal_requester",
                                                                   "out_of_state_requester"))]
    assert len(rows) == 2 and all(r.endswith("not recorded by this log format") for r in rows)
    assert "Requester: not recorded by the log format of" in text
    assert "Top requesters" not in text


# --- certificate ------------------------------------------------------------------------


def test_certificate_html_fits_and_rule_ids_never_wrap(certificate_page: str) -> None:
    shoot(certificate_page, "certificate")
    fits(certificate_page)
    ids = {i["text"] for i in browser.measure(certificate_page, browser.PRINT)["ids"]}
    assert {LONG_ID, "CT-RET-002", "CT-SHR-003"} <= ids


def test_certificate_html_says_why_a_rule_does_not_apply_and_is_not_legal_advice(
        certificate_page: str) -> None:
    text = browser.measure(certificate_page)["text"]
    assert "not in effect until 2026-12-01" in text
    assert "Not legal advice" in text
    assert SCRIPT in text and IMG in text


def test_certificate_findings_name_their_pointer_once(certificate_page: str) -> None:
    text = browser.measure(certificate_page)["text"]
    cells = [c for row in text.splitlines() for c in row.split("\t")
             if re.search(r"\bline \d+", c)]
    assert len(cells) >= 3
    for c in cells:
        pointers = re.findall(r"(?<![\w/])/[A-Za-z0-9_~*/-]+", c)
        assert len(pointers) == len(set(pointers)), c


def test_certificate_html_shows_the_same_without_script(certificate_page: str) -> None:
    same_without_script(certificate_page)


# --- survey -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def survey_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A survey of the state examples, a folder of portal snapshots, and two agencies with
    hostile and very long names sharing with hostile recipients."""
    folder = tmp_path_factory.mktemp("survey")
    for i, name in enumerate((f"{SCRIPT} IA PD", "The Very Long Named Consolidated "
                              "Metropolitan Public Safety Department of Somewhere IA PD")):
        export = {"format_version": "1.0", "agency": {"name": name, "state": "IA"},
                  "retention": {"plate_reads_days": 30},
                  "sharing": {"partners": [
                      {"name": f"{IMG} NE PD", "direction": "outbound"},
                      {"name": "A-Recipient-Name-Without-Any-Spaces-That-Goes-On-And-On-"
                               "And-On-Forever-MO-PD", "direction": "outbound"}]}}
        (folder / f"agency-{i}.json").write_text(json.dumps(export), encoding="utf-8")
    out = folder / "survey.html"
    code, _, err = _run("survey", str(EXAMPLES / "states"),
                        str(Path(__file__).parent / "data" / "flock" / "portal" /
                            "pinecrest-ca-pd"), str(folder), "--as-of", "2027-02-01",
                        "-o", f"html:{out}")
    assert code in (0, 1), err
    return out.read_text(encoding="utf-8")


def test_survey_html_fits_screen_and_paper(survey_page: str) -> None:
    shoot(survey_page, "survey")
    fits(survey_page)


def test_survey_counts_are_printed_and_names_stay_text(survey_page: str) -> None:
    text = browser.measure(survey_page)["text"]
    assert SCRIPT in text and IMG in text and "Not legal advice" in text
    assert "Pinecrest CA PD" in text and "no baseline" in text


def test_survey_html_shows_the_same_without_script(survey_page: str) -> None:
    same_without_script(survey_page)


# --- every other HTML report ------------------------------------------------------------


def html_renderers() -> list[tuple[str, str]]:
    """Every HTML renderer in the report registries (``module:attribute``)."""
    registries = importlib.import_module("lpr_lint.report")
    found = []
    for name in dir(registries):
        registry: Any = getattr(registries, name)
        if name.isupper() and isinstance(registry, dict):
            found += [(name, target) for fmt, target in registry.items() if fmt == "html"]
    from lpr_lint.audit import RENDERERS

    return [*found, ("audit.RENDERERS", RENDERERS["html"])]


def test_every_html_renderer_is_covered_here() -> None:
    covered = {CERTIFICATE_RENDERERS["html"], "lpr_lint.audit.reports:write_html",
               SURVEY_REPORTERS["html"]}
    assert {target for _, target in html_renderers()} <= covered, (
        "a new HTML report: add it to tests/test_browser.py")
