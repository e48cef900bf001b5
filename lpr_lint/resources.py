"""Locate the data that ships with lpr-lint (schemas and baselines).

In a wheel the top-level ``schemas/`` and ``baselines/`` folders are installed as
``lpr_lint/_data/schemas`` and ``lpr_lint/_data/baselines``; in a source checkout they sit
beside the package. Both layouts are looked up here, and nowhere else.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from lpr_lint.errors import BaselineError

_PACKAGE = Path(__file__).resolve().parent


def data_dir(kind: str) -> Path:
    """``schemas`` or ``baselines``: the installed copy, else the checkout's."""
    installed = _PACKAGE / "_data" / kind
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / kind


def data_file(kind: str, name: str) -> Path:
    """A shipped data file; a missing one is a broken installation."""
    path = data_dir(kind) / name
    if not path.is_file():
        raise BaselineError(f"lpr-lint is installed without its data file {kind}/{name}; "
                            "reinstall it")
    return path


@cache
def load_json_schema(name: str) -> Any:
    """A schema from ``schemas/`` (parsed once per process)."""
    with open(data_file("schemas", name), encoding="utf-8") as fh:
        return json.load(fh)
