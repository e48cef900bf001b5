"""Shared fixtures: repository paths, the real-data folder, golden-file handling."""

from __future__ import annotations

import datetime as _dt
import functools
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"
AS_OF = _dt.date(2027, 2, 1)
"""Tests judge as of a fixed date after every rule's effective date, so results never drift."""


def pytest_configure(config: pytest.Config) -> None:
    """Tests keep lpr-lint's cache of checked data files (lpr_lint.load.cache) in a folder of
    their own, removed afterwards, for this process and every process it starts."""
    if "LPR_LINT_CACHE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="lpr-lint-test-cache-")
        os.environ["LPR_LINT_CACHE_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/* from the current output instead of comparing")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (real public data); tests using it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent (it is not part of a user's clone)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def ct_baseline():  # type: ignore[no-untyped-def]
    from lpr_lint.rules.baseline import load_baseline

    return load_baseline("ct")


class Counting:
    """A compiled pattern that counts its searches (speed tests count work, not seconds)."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.calls = 0

    def search(self, text: str) -> re.Match[str] | None:
        self.calls += 1
        return self.pattern.search(text)


@functools.cache
def shipped_baseline(baseline_id: str):  # type: ignore[no-untyped-def]
    """A built-in baseline, loaded once per test session."""
    from lpr_lint.rules.baseline import load_baseline

    return load_baseline(baseline_id)
