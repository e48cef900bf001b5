"""The baselines that ship, and how a baseline is named: a built-in id, a file, or ``auto``
(each export's own state's). Kept apart from the loader so that a command can know the
names without loading a baseline."""

from __future__ import annotations

import os
from pathlib import Path

from lpr_lint.errors import BaselineError
from lpr_lint.load import data as resources

BUILTIN_BASELINES: dict[str, str] = {
    "ar": "ar.yaml",
    "ca": "ca.yaml",
    "core": "core.yaml",
    "ct": "ct.yaml",
    "ga": "ga.yaml",
    "il": "il.yaml",
    "md": "md.yaml",
    "me": "me.yaml",
    "mn": "mn.yaml",
    "mt": "mt.yaml",
    "nc": "nc.yaml",
    "ne": "ne.yaml",
    "nh": "nh.yaml",
    "or": "or.yaml",
    "ut": "ut.yaml",
    "va": "va.yaml",
    "vt": "vt.yaml",
    "wa": "wa.yaml",
}
"""Every baseline that ships: id → file under ``baselines/``. A state's baseline has the
state's code as its id (``--baseline auto`` relies on it; a test holds each file to it)."""
TEMPLATE_BASELINES: frozenset[str] = frozenset({"core"})
"""Built-in baselines that are abstract: bases for others, never checked against."""
CHECKABLE_BASELINES: tuple[str, ...] = tuple(sorted(set(BUILTIN_BASELINES) - TEMPLATE_BASELINES))
"""The built-in baselines an export can be checked against (all but the templates)."""


def state_baseline_id(state: object) -> str | None:
    """The built-in baseline of a state code (``CA`` → ``ca``; a state's baseline has the
    state's code as its id), or None when none ships for it."""
    bid = state.strip().lower() if isinstance(state, str) else ""
    return bid if bid in CHECKABLE_BASELINES else None
AUTO_ID = "auto"
"""``--baseline auto``: each export under its own state's baseline."""


class Auto:
    """The choice ``--baseline auto``: a baseline per export, from ``agency.state``."""


AUTO = Auto()


def builtin_path(baseline_id: str) -> str | None:
    """The file of a built-in baseline, or None when no baseline of that id ships."""
    name = BUILTIN_BASELINES.get(baseline_id)
    return None if name is None else str(resources.data_file("baselines", name))


def resolve_spec(spec: str, directory: str | None = None) -> tuple[str, str]:
    """(file path, display name) for a built-in baseline id or a baseline file; a path is
    taken relative to ``directory`` (the extending file's folder) when one is given."""
    builtin = builtin_path(spec)
    if builtin is not None:
        return builtin, spec
    candidate = os.path.join(directory, spec) if directory is not None else spec
    if Path(candidate).is_file():
        return candidate, candidate
    names = ", ".join(CHECKABLE_BASELINES)
    looked = f" (looked for {candidate})" if candidate != spec else ""
    raise BaselineError(f"{spec}: no built-in baseline of that name (built-in: {names}) and no "
                        f"such file{looked}")
