"""The cache of checked data files: a hit is the same data, errors are the same errors, and a
broken, missing or unwritable cache is a miss, never a failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT
from lpr_lint.errors import BaselineError
from lpr_lint.load import cache
from lpr_lint.load import data as resources
from lpr_lint.rules.baseline import load_baseline

CT = (ROOT / "baselines" / "ct.yaml").read_text(encoding="utf-8").replace(
    "baseline: ct\n", "baseline: ct-copy\n", 1)  # a copy takes an id of its own
COMPLIANT = str(EXAMPLES / "compliant" / "lakeside-ct-pd.yaml")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV, str(folder))
    return folder


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed from text (a cache hit parses nothing)."""
    seen: list[str] = []
    real = resources.parse_bytes

    def counting(raw: bytes, display: str, syntax: str | None = None):  # type: ignore[no-untyped-def]
        seen.append(display)
        return real(raw, display, syntax)

    monkeypatch.setattr(resources, "parse_bytes", counting)
    return seen


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


def summary(spec: str) -> tuple[object, ...]:
    b = load_baseline(spec)
    return (b.id, b.version, b.sha256, b.path, [r.id for r in b.rules],
            [(r.pointer, r.when, r.check, r.message) for r in b.rules], b.drift.ignore)


def test_a_second_load_is_a_hit_with_the_same_baseline(store: Path, parses: list[str],
                                                       tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(CT, encoding="utf-8")
    first = summary(str(path))
    assert parses.count(str(path)) == 1
    before = entries(store)
    second = summary(str(path))
    assert parses.count(str(path)) == 1  # not parsed again
    assert entries(store) == before
    assert first == second


def test_an_edited_file_is_read_and_checked_again(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(CT, encoding="utf-8")
    load_baseline(str(path))
    path.write_text(CT.replace("version: ", "version_: ", 1), encoding="utf-8")
    with pytest.raises(BaselineError, match=r"mine\.yaml:\d+:\d+: invalid baseline: "):
        load_baseline(str(path))


def test_an_error_after_the_schema_names_the_same_line_on_a_hit(store: Path,
                                                                tmp_path: Path) -> None:
    """The schema passes, so the entry is written; the rule then fails to build, and the
    position is found by reading the file again."""
    path = tmp_path / "bad.yaml"
    path.write_text(CT.replace("- source: pa26-14-s13b2", "- source: nowhere", 1),
                    encoding="utf-8")
    messages = []
    for _ in range(2):
        with pytest.raises(BaselineError) as exc:
            load_baseline(str(path))
        messages.append(str(exc.value))
    assert messages[0] == messages[1]
    assert f"{path}:" in messages[0] and "cites unknown source 'nowhere'" in messages[0]
    assert messages[0].split(":")[1].isdigit()


@pytest.mark.parametrize("body", ["", "{", "[]", '{"key": "other", "data": {}}',
                                  '{"data": {"syntax": "yaml", "data": {}}}', "\x00\xff"])
def test_a_broken_entry_is_a_miss_and_is_replaced(store: Path, parses: list[str],
                                                  tmp_path: Path, body: str) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(CT, encoding="utf-8")
    expected = summary(str(path))
    [entry] = [e for e in entries(store) if '"title":"Connecticut' in e.read_text("utf-8")]
    entry.write_bytes(body.encode("latin-1"))
    assert summary(str(path)) == expected
    assert parses.count(str(path)) == 2
    assert json.loads(entry.read_text(encoding="utf-8"))["key"] == entry.stem


def test_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            parses: list[str]) -> None:
    monkeypatch.setenv(cache.ENV, "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "mine.yaml"
    path.write_text(CT, encoding="utf-8")
    summary(str(path))
    summary(str(path))
    assert parses.count(str(path)) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["mine.yaml"]


def test_the_default_place_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(cache.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "lpr-lint"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / ".cache" / "lpr-lint"


def test_an_unwritable_cache_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         parses: list[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(cache.ENV, str(blocker / "cache"))
    path = tmp_path / "mine.yaml"
    path.write_text(CT, encoding="utf-8")
    assert summary(str(path)) == summary(str(path))
    assert parses.count(str(path)) == 2
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_only_the_newest_entries_are_kept(store: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    for n in range(4):
        path = tmp_path / f"b{n}.yaml"
        path.write_text(CT.replace("title: ", f"title: v{n} ", 1), encoding="utf-8")
        load_baseline(str(path))
        stamp = 1_000_000_000 + n * 10
        for entry in entries(store):  # the last written is the newest
            if entry.stat().st_mtime_ns > stamp * 10**9:
                os.utime(entry, (stamp, stamp))
    kept = entries(store)
    assert len(kept) == 2
    assert {json.loads(p.read_text(encoding="utf-8"))["data"]["data"]["title"][:2]
            for p in kept} == {"v2", "v3"}


def test_shipped_data_files_are_cached_too(store: Path, parses: list[str]) -> None:
    first = resources.load_data_file("data/permissions.yaml", "permissions.schema.json")
    second = resources.load_data_file("data/permissions.yaml", "permissions.schema.json")
    assert first == second and len(parses) == 1 and len(entries(store)) == 1


def test_check_output_is_the_same_cold_warm_and_off(tmp_path: Path) -> None:
    """Whole processes: an empty cache, the filled one, eight at once, and no cache."""
    env = dict(os.environ, **{cache.ENV: str(tmp_path / "c")})
    cmd = [sys.executable, "-m", "lpr_lint", "check", COMPLIANT, "examples/noncompliant",
           "--as-of", "2027-02-01", "--format", "json"]

    def run(environ: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(cmd, capture_output=True, cwd=ROOT, env=environ, check=False)

    cold = run(env)
    assert cold.returncode == 1 and cold.stderr == b""
    assert len(entries(tmp_path / "c")) >= 3  # the baseline and the data files it reads
    assert run(env).stdout == cold.stdout
    together = [subprocess.Popen(cmd, stdout=subprocess.PIPE, cwd=ROOT,
                                 env=dict(env, **{cache.ENV: str(tmp_path / "d")}))
                for _ in range(8)]
    assert all(p.communicate()[0] == cold.stdout for p in together)
    assert not list((tmp_path / "d").glob(".tmp-*"))
    assert run(dict(env, **{cache.ENV: "off"})).stdout == cold.stdout
