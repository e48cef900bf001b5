"""Bad inputs: anything unreadable or ambiguous is exit 3 with ``path:line:col``, never a traceback.

Every case mutates the compliant example (written under ``tmp_path``; the repository's files are
only ever read) and is checked twice: ``parse_bytes`` raises an :class:`InputError` at the right
line/column, and ``lpr-lint check`` reports it in text and JSON without touching the file.
Values of the wrong type are findings (exit 1), not input errors.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from typer.testing import CliRunner, Result  # stderr is always kept apart from stdout

from lpr_lint.cli import app
from lpr_lint.errors import InputError
from lpr_lint.load.files import Document, parse_bytes
from lpr_lint.load.positions import MAX_DEPTH

ROOT = Path(__file__).resolve().parent.parent
COMPLIANT = ROOT / "examples" / "compliant" / "lakeside-ct-pd.yaml"
AS_OF = "2027-02-01"
ANY = "any"  # an expected column when the parser's own column is not worth pinning

Y = COMPLIANT.read_text(encoding="utf-8")
J = json.dumps(parse_bytes(Y.encode(), "x").data, indent=2, ensure_ascii=False) + "\n"


def line_of(text: str, needle: str) -> int:
    assert text.count(needle) == 1, needle
    return text.count("\n", 0, text.index(needle)) + 1


def swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


PRD, YV = "  plate_reads_days: 21", 21  # YAML line and the column of its value
JPRD, JV = '    "plate_reads_days": 21,', 25
YL, YL_HH, YL_ALD = line_of(Y, PRD), line_of(Y, "hotlist_hits_days"), line_of(Y, "audit_log_")
JL, JL_ALD = line_of(J, JPRD), line_of(J, "audit_log_")
JL_STATE = line_of(J, '"ori": "CT0012300",\n    "state": "CT"\n') + 1
OVER = MAX_DEPTH - 2  # nested "[" that fit in a retention value; the next is too deep


def yv(value: str) -> bytes:
    return swap(Y, PRD, f"  plate_reads_days: {value}").encode()


def jv(value: str) -> bytes:
    return swap(J, JPRD, f'    "plate_reads_days": {value},').encode()


class _OverBudget(BaseException):
    """Not an Exception: no ``except Exception`` in the code under test can swallow it."""


@contextlib.contextmanager
def call_budget(limit: int) -> Iterator[None]:
    """Fail as soon as the code inside makes more than ``limit`` function calls (Python or C).

    A count of calls, unlike a stopwatch, does not depend on how busy the machine is. Work that
    grows faster than the input (an alias bomb expanded, a quadratic scan) blows through a
    budget linear in the input long before it could finish, and is stopped right there
    instead of hanging the suite.
    """
    calls = 0

    def count(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1
            if calls > limit:
                raise _OverBudget

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        yield
    except _OverBudget:
        pytest.fail(f"more than {limit:,} function calls", pytrace=False)
    finally:
        sys.setprofile(previous)


def linear_budget(raw: bytes) -> int:
    """Calls a parse may make: generous per byte (today's worst is ~1.2), plus start-up."""
    return 20 * len(raw) + 20_000


CLI_CALLS = 2_000_000
"""Calls one ``lpr-lint check`` of a small file may make (about 150,000 today, cold)."""


def case(id_: str, name: str, raw: bytes, line: int, col: int | str | None,
         *words: str) -> object:
    return pytest.param(name, raw, line, col, words, id=id_)


BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True))
"""Billion laughs: nine levels of nine aliases each."""
U16_BAD = swap(Y, "  name: Lakeside Police", "  name: Lake\ud800side Police")
BIG_DIGITS = "9" * 5000
EY, EJ = "export.yaml", "export.json"

CASES = [
    # syntax
    case("yaml-syntax", EY, swap(Y, "hotlist_hits_days: 21", "hotlist_hits_days: 21: 3").encode(),
         YL_HH, 24, "invalid YAML", "mapping values are not allowed"),
    case("yaml-tab-indent", EY, swap(Y, "  hotlist_hits_days", "\thotlist_hits_days").encode(),
         YL_HH, 1, "invalid YAML", "tab"),
    case("json-syntax", EJ, swap(J, JPRD, '    "plate_reads_days" 21,').encode(), JL, 24,
         "invalid JSON", "':' delimiter"),
    case("json-trailing-comma", EJ, swap(J, '"state": "CT"\n  }', '"state": "CT",\n  }').encode(),
         JL_STATE + 1, 3, "invalid JSON", "property name"),
    case("yaml-truncated", EY, Y[:Y.index("[search, hotlist]") + 8].encode(),
         line_of(Y, "[search, hotlist]"), ANY, "invalid YAML"),
    case("json-truncated", EJ, J[:J.index(JPRD) + len(JPRD)].encode(), JL, len(JPRD) + 1,
         "invalid JSON", "property name"),
    # ambiguity
    case("yaml-duplicate-key", EY, swap(Y, "  audit_log_days: 1095\n",
                                        "  audit_log_days: 1095\n  plate_reads_days: 30\n"
                                        ).encode(),
         YL_ALD + 1, 3, "duplicate key 'plate_reads_days'", f"first at line {YL}"),
    case("json-duplicate-key", EJ, swap(J, '"audit_log_days": 1095,\n',
                                        '"audit_log_days": 1095,\n    "plate_reads_days": 30,\n'
                                        ).encode(),
         JL_ALD + 1, 5, "duplicate key 'plate_reads_days'", f"first at line {JL}"),
    # numbers that are not numbers
    *[case(f"json-{tok}", EJ, jv(tok), JL, JV, tok, "not a JSON number")
      for tok in ("NaN", "Infinity", "-Infinity", "1e400")],
    *[case(f"yaml-{tok}", EY, yv(tok), YL, YV, tok, "not allowed")
      for tok in (".nan", ".NaN", ".inf", "-.inf")],
    case("yaml-1e400", EY, yv("1e400"), YL, YV, "1e400", "too large"),
    case("yaml-5000-digits", EY, yv(BIG_DIGITS), YL, YV, "too many digits"),
    case("json-5000-digits", EJ, jv(BIG_DIGITS), JL, JV, "too many digits"),
    case("yaml-hex-int-over-4300-digits", EY, yv("0x" + "f" * 4000), YL, YV, "too many digits"),
    # YAML tags
    case("yaml-python-object", EY, yv('!!python/object/apply:os.system ["true"]'), YL, YV,
         "python/object/apply:os.system", "not allowed"),
    case("yaml-binary", EY, yv("!!binary aGVsbG8="), YL, YV, "binary", "not allowed"),
    case("yaml-custom-tag", EY, yv("!foo 21"), YL, YV, "'!foo'", "not allowed"),
    case("yaml-set", EY, yv("!!set {a, b}"), YL, YV, "set", "not allowed"),
    case("yaml-bad-int-tag", EY, yv("!!int twenty"), YL, YV, "'twenty' is not a valid int"),
    # aliases
    case("yaml-alias-bomb", EY, BOMB.encode(), 1, 1, "alias bomb"),
    case("yaml-recursive-alias", EY, yv("&r [*r]"), YL, YV, "recursive YAML alias"),
    case("yaml-undefined-alias", EY, yv("*nowhere"), YL, YV, "undefined alias"),
    case("yaml-merge-key", EY, swap(Y, PRD, "  <<: {plate_reads_days: 21}").encode(), YL, 3,
         "merge keys (<<)"),
    # nesting
    case("yaml-70-levels", EY, yv("[" * 68 + "]" * 68), YL, YV + OVER, "nested too deeply",
         str(MAX_DEPTH)),
    case("json-70-levels", EJ, jv("[" * 68 + "]" * 68), JL, JV + OVER, "nested too deeply",
         str(MAX_DEPTH)),
    case("yaml-100000-levels", EY, yv("[" * 100_000), YL, ANY, "nest"),
    case("json-100000-levels-alone", EJ, b"[" * 100_000, 1, ANY, "nested too deeply"),
    case("json-100000-levels", EJ, jv("[" * 100_000), JL, JV + OVER, "nested too deeply"),
    # encodings and binary
    case("png", EY, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", 1, 1, "UTF-8", "0x89"),
    case("nul-byte", EY, swap(Y, "hotlist_hits_days: 21", "hotlist_hits_days: 2\x001").encode(),
         YL_HH, None, "NUL", "binary"),
    case("utf-16-le-no-bom", EY, Y.encode("utf-16-le"), 1, None, "NUL", "byte-order mark"),
    case("utf-16-be-no-bom", EY, Y.encode("utf-16-be"), 1, None, "NUL", "byte-order mark"),
    case("latin-1", EY, swap(Y, "  name: Lakeside Police", "  name: Lakesid\udce9 Police"
                             ).encode("utf-8", "surrogateescape"),  # a Latin-1 é
         line_of(Y, "  name: Lakeside Police"), 16, "not valid UTF-8", "0xE9"),
    case("utf-16-bom-lone-surrogate", EY, codecs.BOM_UTF16_LE
         + U16_BAD.encode("utf-16-le", "surrogatepass"), line_of(Y, "  name: Lakeside Police"),
         13, "UTF-16"),
    # no export at all
    case("empty", EY, b"", 1, None, "empty"),
    case("whitespace-only", EY, b"  \n\t\n\n", 1, None, "empty"),
    case("comment-only", EY, b"# nothing to see\n", 1, None, "no YAML document"),
    case("two-documents", EY, (Y + "---\nagency: {}\n").encode(), Y.count("\n") + 1, 1,
         "several YAML documents"),
    case("top-level-list", EY, b"- agency: {}\n", 1, 1, "not an export", "a list"),
    case("top-level-scalar", EY, b"lakeside\n", 1, 1, "not an export", 'text "lakeside"'),
    case("json-top-level-list", EJ, b"[]\n", 1, 1, "not an export", "a list"),
    case("yaml-null-document", EY, b"---\n", 1, 1, "not an export", "null"),
    # keys that are not text
    *[case(f"yaml-{k}-key", EY, swap(Y, "  audit_log_days: 1095\n",
                                      f"  audit_log_days: 1095\n  {k}: a\n").encode(),
           YL_ALD + 1, 3, f"key '{k}' must be text")
      for k in ("1", "null", "true", "1.5")],
]


@pytest.mark.parametrize(("name", "raw", "line", "col", "words"), CASES)
def test_parse_bytes_refuses(name: str, raw: bytes, line: int, col: int | str | None,
                             words: tuple[str, ...]) -> None:
    with pytest.raises(InputError) as info, call_budget(linear_budget(raw)):
        parse_bytes(raw, name, name[-4:])
    err = info.value
    assert (err.path, err.line) == (name, line), err.one_line()
    if col != ANY:
        assert err.column == col, err.one_line()
    for word in words:
        assert word in err.message
    assert err.one_line().startswith(f"{name}:{line}")


def check(*args: str, as_of: str | None = AS_OF) -> Result:
    """Run ``lpr-lint check``; an exception escaping the app (a traceback) fails the test."""
    argv = ["check", *(["--as-of", as_of] if as_of else []), *args]
    result = CliRunner().invoke(app, argv)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in result.stdout + result.stderr
    return result


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def error_line(result: Result) -> tuple[str, str]:
    lines = [ln for ln in result.stdout.splitlines() if ": ERROR " in ln]
    assert len(lines) == 1, result.stdout
    where, message = lines[0].split(": ERROR ", 1)
    return where, message


@pytest.mark.parametrize(("name", "raw", "line", "col", "words"), CASES)
def test_cli_reports_bad_input(tmp_path: Path, name: str, raw: bytes, line: int,
                               col: int | str | None, words: tuple[str, ...]) -> None:
    path = tmp_path / name
    path.write_bytes(raw)
    before = sha(path)
    result = check(str(path))
    assert result.exit_code == 3, result.stdout
    where, message = error_line(result)
    if col == ANY:
        assert where.startswith(f"{path}:{line}:")
    else:
        assert where == f"{path}:{line}" + ("" if col is None else f":{col}")
    for word in words:
        assert word in message
    assert "1 unreadable" in result.stdout
    report = json.loads(check("--format", "json", str(path)).stdout)
    (entry,) = report["files"]
    assert (entry["path"], entry["status"], entry["sha256"]) == (str(path), "error", None)
    assert entry["error"]["message"] == message and entry["error"]["line"] == line
    assert report["findings"] == [] and report["summary"]["errors"] == 1
    assert sha(path) == before


def test_json_lone_surrogate_does_not_crash_the_report(tmp_path: Path) -> None:
    path = tmp_path / EJ
    path.write_text(swap(J, '"state": "CT"\n  }', '"state": "\\ud800"\n  }'), encoding="utf-8")
    result = check(str(path))
    assert result.exit_code in (1, 3)
    assert f"{path}:{JL_STATE}:" in result.stdout


def test_harmless_explicit_str_tag_is_text() -> None:
    assert parse_bytes(b"a: !!str 123\n", "t.yaml", "yaml").data == {"a": "123"}
    doc = parse_bytes(yv("!!str 21"), EY, "yaml")
    assert doc.data["retention"]["plate_reads_days"] == "21"


def test_nesting_at_the_limit_loads() -> None:
    for raw, name in ((yv("[" * OVER + "]" * OVER), EY),
                      (jv("[" * OVER + "]" * OVER), EJ)):
        assert isinstance(parse_bytes(raw, name, name[-4:]), Document)


def test_alias_bomb_is_refused_quickly_by_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    with call_budget(CLI_CALLS):  # expanded, the bomb would be 9**9 values
        result = check(str(path))
    assert result.exit_code == 3 and error_line(result)[0] == f"{path}:1:1"


def test_modest_aliases_are_fine(tmp_path: Path) -> None:
    text = swap(Y, "      permissions: [search, hotlist]\n",
                "      permissions: &p [search, hotlist]\n")
    text = swap(text, "  hotlist_hits_days: 21", "  hotlist_hits_days: &d 21")
    text = swap(text, "  vendor_backup_days: 21", "  vendor_backup_days: *d")
    (tmp_path / EY).write_text(text, encoding="utf-8")
    assert check(str(tmp_path / EY)).exit_code == 0


def test_yaml_11_traps_are_not_coerced() -> None:
    text = swap(Y, "  state: CT\nplatform", "  state: NO\nplatform")
    text = swap(text, "  sso: true", "  sso: on")
    data = parse_bytes(text.encode(), EY, "yaml").data
    assert data["agency"]["state"] == "NO" and data["access"]["sso"] == "on"
    assert data["exported_at"] == "2026-11-20T14:03:00Z"
    assert data["retention"]["extended_holds"][0]["expires"] == "2027-03-31"
    assert data["policy"]["adopted_on"] == "2026-11-01"


@pytest.mark.parametrize(("old", "new", "pointer", "rules"), [
    ("  mfa_required: true", "  mfa_required: yes", "/access/mfa_required",
     ("CT-ACC-001", "LPR-SCHEMA")),
    (PRD, '  plate_reads_days: "21"', "/retention/plate_reads_days", ("CT-RET-001", "LPR-SCHEMA")),
    (PRD, "  plate_reads_days: true", "/retention/plate_reads_days", ("CT-RET-001", "LPR-SCHEMA")),
], ids=["mfa-yes", "days-quoted", "days-true"])
def test_wrong_types_are_findings_not_input_errors(tmp_path: Path, old: str, new: str,
                                                   pointer: str, rules: tuple[str, ...]) -> None:
    path = tmp_path / EY
    path.write_text(swap(Y, old, new), encoding="utf-8")
    result = check(str(path))
    assert result.exit_code == 1 and ": ERROR " not in result.stdout
    at = f"{path}:{line_of(Y, old)}:3:"
    for rule in rules:
        assert any(ln.startswith(at) and f" {rule} {pointer}" in ln
                   for ln in result.stdout.splitlines()), (rule, result.stdout)
    findings = json.loads(check("-f", "json", str(path)).stdout)["findings"]
    assert {(f["rule_id"], f["outcome"]) for f in findings if f["pointer"] == pointer} == {
        (rule, "fail") for rule in rules}


@pytest.mark.parametrize(("encoding", "bom"), [
    ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE),
    ("utf-32-be", codecs.BOM_UTF32_BE)])
@pytest.mark.parametrize("base", ["yaml", "json"])
def test_byte_order_marks_load(tmp_path: Path, encoding: str, bom: bytes, base: str) -> None:
    text = Y if base == "yaml" else J
    path = tmp_path / f"export.{base}"
    path.write_bytes(bom + text.encode(encoding))
    assert check(str(path)).exit_code == 0
    old = PRD if base == "yaml" else JPRD
    path.write_bytes(bom + swap(text, old, old.replace("21", "30")).encode(encoding))
    result = check(str(path))
    assert result.exit_code == 1
    assert f"{path}:{line_of(text, old)}:{old.index(old.strip()[0]) + 1}: CRITICAL CT-RET-001 " \
           in result.stdout


def test_file_over_max_file_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(Y + ("# padding" + " " * 90 + "\n") * 21_000, encoding="utf-8")
    assert path.stat().st_size > 2 * 1024 * 1024
    result = check("--max-file-size", "1M", str(path))
    assert result.exit_code == 3
    where, message = error_line(result)
    assert where == str(path)
    assert "2.0 MiB" in message and "limit is 1.0 MiB" in message and "--max-file-size" in message
    assert check("--max-file-size", "500K", str(COMPLIANT)).exit_code == 0


def test_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    result = check(str(path))
    assert result.exit_code == 3 and error_line(result) == (str(path), "no such file or directory")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    result = check(str(path))
    assert result.exit_code == 3 and error_line(result) == (str(path), "not a regular file")


def test_directory_with_good_and_broken_files(tmp_path: Path) -> None:
    (tmp_path / "a-good.yaml").write_text(swap(Y, PRD, "  plate_reads_days: 30"), "utf-8")
    (tmp_path / "b-broken.json").write_bytes(jv("NaN"))
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "clean.yml").write_text(Y, "utf-8")
    (tmp_path / "notes.txt").write_text("not an export", "utf-8")
    result = check(str(tmp_path))
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    good = [i for i, ln in enumerate(lines) if ln.startswith(f"{tmp_path}/a-good.yaml:{YL}:3: ")]
    bad = [i for i, ln in enumerate(lines) if ln.startswith(f"{tmp_path}/b-broken.json:{JL}:")]
    assert good and bad and max(good) < min(bad), result.stdout
    assert "CT-RET-001" in lines[good[0]] and "NaN" in lines[bad[0]]
    assert lines[-1].startswith("3 files checked: 1 passed, 1 failed, 1 unreadable")
    report = json.loads(check("-f", "json", str(tmp_path)).stdout)
    assert [(f["path"], f["status"]) for f in report["files"]] == [
        (f"{tmp_path}/a-good.yaml", "fail"), (f"{tmp_path}/b-broken.json", "error"),
        (f"{tmp_path}/c/clean.yml", "pass")]


def test_checking_never_modifies_the_input() -> None:
    before, mtime = sha(COMPLIANT), COMPLIANT.stat().st_mtime_ns
    assert check(str(COMPLIANT)).exit_code == 0
    assert (sha(COMPLIANT), COMPLIANT.stat().st_mtime_ns) == (before, mtime)


@pytest.mark.parametrize("args", [
    ["--as-of", "2027-13-01"], ["--as-of", "tomorrow"], ["--format", "xml"],
    ["--max-file-size", "lots"], ["--max-file-size", "0"], ["--fail-on", "severe"]],
    ids=lambda a: " ".join(a))
def test_usage_errors(args: list[str]) -> None:
    result = check(*args, str(COMPLIANT), as_of=None)
    assert result.exit_code == 2
    assert args[0] in result.stderr and "Error: Invalid value" in result.stderr
    assert "files checked" not in result.stdout


def test_unknown_baseline_name() -> None:
    result = check("--baseline", "nj", str(COMPLIANT))
    assert result.exit_code == 3 and result.stdout == ""
    assert "nj: no built-in baseline of that name" in result.stderr


CT = (ROOT / "baselines" / "ct.yaml").read_text(encoding="utf-8")
SEV = "    severity: critical\n"


@pytest.mark.parametrize(("new", "col_of", "words"), [
    ("    severity: critical: x\n", ": x", ("invalid YAML", "mapping values")),
    ("    severity: severe\n", "severity", ("/rules/0/severity", '"severe"')),
], ids=["malformed-yaml", "metaschema"])
def test_bad_baseline_file(tmp_path: Path, new: str, col_of: str, words: tuple[str, ...]) -> None:
    path = tmp_path / "my-baseline.yaml"
    path.write_text(CT.replace(SEV, new, 1), encoding="utf-8")
    before = sha(path)
    result = check("--baseline", str(path), str(COMPLIANT))
    assert result.exit_code == 3 and result.stdout == ""
    line = CT.count("\n", 0, CT.index(SEV)) + 1
    assert f"{path}:{line}:{new.index(col_of) + 1}: invalid baseline: " in result.stderr
    for word in words:
        assert word in result.stderr
    assert sha(path) == before


NOISE = b" \t\n\r:,-#&*!|>?[]{}\"'0123456789.eE+"  # random bytes mostly stop at UTF-8


def corruptions(base: bytes, count: int, seed: int = 1234) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        raw, kind = bytearray(base), rng.choice(("truncate", "flip", "insert", "punctuate"))
        if kind == "truncate":
            del raw[rng.randrange(len(raw)):]
        for _ in range(0 if kind == "truncate" else rng.randint(1, 8)):
            at = rng.randrange(len(raw))
            if kind == "flip":
                raw[at] = rng.randrange(256)
            elif kind == "insert":
                raw[at:at] = rng.randbytes(rng.randint(1, 4))
            else:
                raw[at] = rng.choice(NOISE)
        out.append(bytes(raw))
    return out


FUZZ = [(f"y{i:03}.yaml", raw) for i, raw in enumerate(corruptions(Y.encode(), 200))] + [
    (f"j{i:03}.json", raw) for i, raw in enumerate(corruptions(J.encode(), 100, seed=4321))]


def fuzz_problem(name: str, raw: bytes) -> str | None:
    try:
        parse_bytes(raw, name, name[-4:])
    except InputError as exc:
        # + 2: libyaml names the line after the last at end of file (see yaml-truncated)
        if exc.line is not None and not 1 <= exc.line <= raw.count(b"\n") + 2:
            return f"{exc.one_line()}: line outside the file"
    except Exception as exc:
        return f"{name}: {type(exc).__name__}: {exc}"
    return None


def test_random_corruptions_parse_or_raise_input_error() -> None:
    problems = [p for name, raw in FUZZ if (p := fuzz_problem(name, raw))]
    assert problems == []


def test_random_corruptions_through_the_cli(tmp_path: Path) -> None:
    for name, raw in FUZZ:
        (tmp_path / name).write_bytes(raw)
    assert check(str(tmp_path)).exit_code == 3
    for name, _ in FUZZ[::5]:
        result = check(str(tmp_path / name))
        assert result.exit_code in (0, 1, 3), (name, result.stdout, result.stderr)
