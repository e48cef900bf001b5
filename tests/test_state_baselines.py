"""The shipped baselines as a family: the registry matches the files, every state baseline
has a compliant example that passes under it (and under ``--baseline auto``), and for every
baseline the composed JSON Schema agrees with ``check`` on that example and on variations of
it that break one thing each."""

from __future__ import annotations

import copy
import datetime as _dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from conftest import AS_OF, EXAMPLES, ROOT, shipped_baseline
from lpr_lint.cli import app
from lpr_lint.load.files import load_document
from lpr_lint.load.yamlparse import load_yaml
from lpr_lint.model import Outcome
from lpr_lint.rules.compose import compose, excluded
from lpr_lint.rules.engine import Checker, Options
from lpr_lint.rules.registry import BUILTIN_BASELINES, TEMPLATE_BASELINES

BASELINE_DIR = ROOT / "baselines"
STATES = EXAMPLES / "states"
FILES = sorted(p.stem for p in BASELINE_DIR.glob("*.yaml"))
CHECKED = [b for b in FILES if b not in TEMPLATE_BASELINES]
STATE_BASELINES = [b for b in CHECKED if b != "ct"]  # Connecticut's examples are examples/*


def _raw(bid: str) -> dict[str, Any]:
    data, _ = load_yaml((BASELINE_DIR / f"{bid}.yaml").read_text(encoding="utf-8"), bid)
    assert isinstance(data, dict)
    return data


def _example(bid: str) -> Path:
    found = sorted(STATES.glob(f"{bid}-*.yaml"))
    assert len(found) == 1, f"{bid} needs one compliant example examples/states/{bid}-*.yaml"
    return found[0]


def test_the_registry_is_the_baseline_folder() -> None:
    assert sorted(BUILTIN_BASELINES) == FILES
    assert {b: f"{b}.yaml" for b in FILES} == BUILTIN_BASELINES


@pytest.mark.parametrize("bid", FILES)
def test_each_file_has_its_id_and_state(bid: str) -> None:
    raw = _raw(bid)
    assert raw["baseline"] == bid
    if bid in TEMPLATE_BASELINES:
        assert raw.get("abstract") is True
    else:
        assert shipped_baseline(bid).jurisdiction == bid.upper()  # --baseline auto relies on it


@pytest.mark.parametrize("bid", STATE_BASELINES)
@pytest.mark.parametrize("as_of", ["2026-12-01", AS_OF.isoformat(), "2028-06-30"])
def test_the_compliant_example_passes(bid: str, as_of: str) -> None:
    doc = load_document(str(_example(bid)))
    assert doc.data["agency"]["state"] == bid.upper()
    result = Checker(shipped_baseline(bid), Options(as_of=_dt.date.fromisoformat(as_of))).check(doc)
    assert [f"{f.rule_id} {f.outcome.value} {f.pointer}" for f in result.findings] == []


def test_auto_judges_each_file_by_its_own_state(tmp_path: Path) -> None:
    for bid in STATE_BASELINES:
        (tmp_path / _example(bid).name).write_bytes(_example(bid).read_bytes())
    ct = EXAMPLES / "noncompliant" / "vendor-default-30-days.json"
    (tmp_path / ct.name).write_bytes(ct.read_bytes())
    result = CliRunner().invoke(app, ["check", "--baseline", "auto", "--as-of",
                                      AS_OF.isoformat(), "-f", "json", str(tmp_path)])
    assert result.exit_code == 1, result.output

    report = json.loads(result.stdout)
    chosen = {Path(f["path"]).name: f["baseline"]["id"] for f in report["files"]}
    assert chosen[ct.name] == "ct"
    for name, bid in chosen.items():
        if name != ct.name:
            assert name.startswith(f"{bid}-")
    failing = {Path(f["file"]).name for f in report["findings"] if f["gating"]}
    assert failing == {ct.name}  # the state examples pass under their own baselines
    ids = {f["rule_id"].split("-")[0] for f in report["findings"]}
    assert ids <= {"CT", "LPR"}


# ---------------------------------------------------------------- composed-schema equivalence

def _mutations(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Variations that each break (or keep) one thing a state baseline may look at."""
    out = [("as is", doc)]

    def variant(name: str, edit: Any) -> None:
        d = copy.deepcopy(doc)
        edit(d)
        out.append((name, d))

    def partner(p: dict[str, Any]) -> Any:
        return lambda d: d.setdefault("sharing", {}).setdefault("partners", []).append(p)

    variant("retention 400 days", lambda d: d["retention"].update(plate_reads_days=400))
    variant("retention left out", lambda d: d["retention"].pop("plate_reads_days"))
    variant("vendor backups 400 days", lambda d: d["retention"].update(vendor_backup_days=400))
    variant("national lookup on", lambda d: d["sharing"].update(national_lookup=True))
    variant("an out-of-state recipient", partner(
        {"name": "Houston TX PD", "state": "TX", "kind": "municipal", "direction": "outbound"}))
    variant("a federal recipient", partner(
        {"name": "[Federal] HSI", "state": "US", "kind": "federal", "direction": "both"}))
    variant("a private recipient", partner(
        {"name": "Home Depot Corporation", "kind": "private", "direction": "outbound"}))
    variant("a tribal recipient", partner(
        {"name": "Blue Lake Rancheria Tribal PD", "kind": "tribal", "direction": "outbound"}))
    variant("a recipient without state or kind", partner(
        {"name": "Shasta County SO", "direction": "outbound"}))
    variant("an inbound out-of-state partner", partner(
        {"name": "Reno NV PD", "state": "NV", "kind": "municipal", "direction": "inbound"}))
    variant("searches without a reason",
            lambda d: d["search_controls"].update(reason_required=False))
    variant("searches not logged", lambda d: d["audit"].update(search_logging=False))
    variant("no audit recipient", lambda d: d["audit"].pop("annual_audit_reported_to"))
    variant("no policy address", lambda d: d["policy"].pop("published_url"))
    variant("no adoption date", lambda d: d["policy"].pop("adopted_on"))
    variant("no prohibited purposes", lambda d: d["policy"].update(prohibited_purposes=[]))
    variant("an immigration hotlist", lambda d: d["hotlists"]["ncic_topics"].append(
        "immigration_violator"))
    variant("a hold on no basis", lambda d: d["retention"]["extended_holds"].append(
        {"basis": "training_data", "case_number": "X-1", "expires": "2099-01-01"}))
    return out


def _cases() -> list[Any]:
    return [pytest.param(bid, id=bid) for bid in CHECKED]


@pytest.mark.parametrize("bid", _cases())
def test_the_composed_schema_agrees_with_check(bid: str) -> None:
    baseline = shipped_baseline(bid)
    left_out = {r.id for r in excluded(baseline)}
    example = (EXAMPLES / "compliant" / "lakeside-ct-pd.yaml") if bid == "ct" else _example(bid)
    doc = load_document(str(example))
    checker = Checker(baseline, Options(as_of=AS_OF))
    schema = compose(baseline, AS_OF)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    disagreements, verdicts = [], set()
    for name, data in _mutations(doc.data):
        result = checker.check(type(doc)(doc.path, data, doc.sha256, doc.syntax, doc.locate))
        ours = not any(checker.is_gating(f) for f in result.findings if f.rule_id not in left_out)
        theirs = validator.is_valid(data)
        verdicts.add(ours)
        if ours != theirs:
            disagreements.append(name)
    assert disagreements == []
    assert verdicts == {True, False}  # the variations did break something


@pytest.mark.parametrize("bid", STATE_BASELINES)
def test_every_unknown_is_a_missing_value(bid: str) -> None:
    """The variation with a recipient of no state or kind is unknown, never a pass."""
    doc = load_document(str(_example(bid)))
    data = copy.deepcopy(doc.data)
    data["sharing"]["partners"].append({"name": "Shasta County SO", "direction": "outbound"})
    result = Checker(shipped_baseline(bid), Options(as_of=AS_OF)).check(
        type(doc)(doc.path, data, doc.sha256, doc.syntax, doc.locate))
    judged = [f for f in result.findings if f.pointer.startswith("/sharing/partners/")]
    rules = {r.id for r in shipped_baseline(bid).rules
             if r.pointer.startswith("/sharing/partners/*/")
             and r.pointer.rsplit("/", 1)[1] in ("state", "kind")}
    if rules:
        assert judged and all(f.outcome is Outcome.UNKNOWN for f in judged)


def test_baseline_auto_in_the_configuration(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".lpr-lint.yaml").write_text("baseline: auto\n", encoding="utf-8")
    ca = tmp_path / "ca.yaml"
    ca.write_bytes(_example("ca").read_bytes())
    (tmp_path / "nostate.json").write_text('{"format_version": "1.0"}', encoding="utf-8")
    runner, as_of = CliRunner(), ["--as-of", AS_OF.isoformat()]
    result = runner.invoke(app, ["check", "ca.yaml", *as_of])
    assert result.exit_code == 0 and "baseline auto (ca " in result.stdout
    made = runner.invoke(app, ["certify", "ca.yaml", "--vendor", "V", "--out", "c.json", *as_of])
    assert made.exit_code == 0, made.output
    assert json.loads((tmp_path / "c.json").read_text())["baseline"]["id"] == "ca"
    assert runner.invoke(app, ["verify-cert", "c.json", "ca.yaml"]).exit_code == 0
    portal = ROOT / "tests" / "data" / "flock" / "portal" / "pinecrest-ca-pd"
    history = runner.invoke(app, ["history", str(portal), *as_of])
    assert history.exit_code in (0, 1) and "baseline ca " in history.stdout
    for command in (["drift", "nostate.json"], ["certify", "nostate.json", "--vendor", "V",
                                                 "--out", "d.json"], ["access", "nostate.json"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 3, (command, result.output)
        assert "nostate.json:1:1: error: no agency.state" in result.stderr
        assert "Traceback" not in result.output
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 2 and "name a baseline" in result.stderr
