"""Locate the data that ships with lpr-lint (schemas and baselines).

In a wheel the top-level ``schemas/`` and ``baselines/`` folders are installed as
``lpr_lint/_data/schemas`` and ``lpr_lint/_data/baselines``; in a source checkout they sit
beside the package. Both layouts are looked up here, and nowhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lpr_lint.errors import BaselineError, InputError

if TYPE_CHECKING:
    from lpr_lint.load.files import Document
    from lpr_lint.rules.validator import Issue, Validator

_PACKAGE = Path(__file__).resolve().parent.parent  # lpr_lint/


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


@cache
def schema_validator(name: str) -> Validator:
    """A shipped schema, compiled once per process."""
    from lpr_lint.rules.validator import Validator

    return Validator(load_json_schema(name))


@dataclass(frozen=True, slots=True)
class Problem:
    """The first place a document breaks its schema."""

    issue: Issue
    line: int
    column: int
    more: int
    """How many further problems there are."""

    def where(self, path: str) -> str:
        """``path:line:col``."""
        return f"{path}:{self.line}:{self.column}"


def first_problem(doc: Document, schema: str) -> Problem | None:
    """Check a loaded document against a shipped schema; the first problem with its position."""
    issues = schema_validator(schema).errors(doc.data)
    if not issues:
        return None
    line, column = doc.locate(issues[0].pointer)
    return Problem(issues[0], line, column, len(issues) - 1)


def load_data_file(name: str, schema: str) -> tuple[str, Any]:
    """A data file shipped under ``baselines/`` (e.g. ``data/org-kinds.yaml``), parsed and
    checked against its schema. A broken one is a broken installation: BaselineError."""
    from lpr_lint.load.files import load_document

    path = str(data_file("baselines", name))
    try:
        doc = load_document(path)
    except InputError as exc:
        raise BaselineError(exc.one_line()) from None
    problem = first_problem(doc, schema)
    if problem:
        raise BaselineError(f"{problem.where(path)}: {problem.issue.pointer or '/'}: "
                            f"{problem.issue.message}")
    return path, doc.data
