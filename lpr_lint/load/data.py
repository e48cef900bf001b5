"""Locate the data that ships with lpr-lint (schemas and baselines), and load files checked
against a shipped schema.

In a wheel the top-level ``schemas/`` and ``baselines/`` folders are installed as
``lpr_lint/_data/schemas`` and ``lpr_lint/_data/baselines``; in a source checkout they sit
beside the package. Both layouts are looked up here, and nowhere else.

:func:`load_checked` is the one way a file meant to match a schema is read (baselines,
waivers, attestations, certificates, the configuration, shipped data files): every problem
becomes the caller's own error class, worded ``file:line:col: invalid KIND: ...``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lpr_lint.errors import BaselineError, InputError, LprLintError
from lpr_lint.load.duplicates import DuplicateKey
from lpr_lint.load.files import EXTENSIONS, Document, load_document, parse_bytes, read_bytes
from lpr_lint.load.positions import Locator

if TYPE_CHECKING:
    from lpr_lint.rules.validator import Validator

Describe = Callable[[Any, str], str]
"""Words for where a problem is, from the data and the problem's pointer."""

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


def item_label(data: Any, pointer: str, list_key: str, label_field: str) -> str:
    """The list item a pointer falls in: ``#2 (CT-RET-001): field 'expires'`` for
    ``/waivers/1/expires`` (``list_key`` ``waivers``, ``label_field`` ``rule``); the label
    in brackets only when the item has it as a string, the field only when the pointer
    names one; "" outside ``/list_key/N``."""
    parts = pointer.split("/")
    if len(parts) < 3 or parts[1] != list_key or not parts[2].isdigit():
        return ""
    i = int(parts[2])
    items = data.get(list_key) if isinstance(data, dict) else None
    item = items[i] if isinstance(items, list) and i < len(items) else None
    label = item.get(label_field) if isinstance(item, dict) else None
    named = f" ({label})" if isinstance(label, str) else ""
    return f"#{i + 1}{named}" + (f": field '{parts[3]}'" if len(parts) > 3 else "")


def items(noun: str, list_key: str, label_field: str) -> Describe:
    """A ``describe`` hook naming the item: ``invalid waiver #2 (CT-RET-001): field 'x'``,
    or ``invalid waiver`` for a problem outside the list's items."""

    def describe(data: Any, pointer: str) -> str:
        label = item_label(data, pointer, list_key, label_field)
        return f"invalid {noun} {label}" if label else f"invalid {noun}"

    return describe


def check_data(data: Any, schema: str, display: str, *, error: type[LprLintError],
               kind: str | None = None, describe: Describe | None = None,
               locate: Locator | None = None, more: bool = False) -> None:
    """Check data against a shipped schema; raise ``error`` naming the first problem as
    ``display[:line:col]: WHAT: message``.

    WHAT is ``describe(data, pointer)``, by default ``invalid KIND: /pointer`` (just the
    pointer when ``kind`` is None). The position is given when ``locate`` is; ``more`` adds
    `` (and N more)`` when there are further problems.
    """
    issues = schema_validator(schema).errors(data)
    if not issues:
        return
    first = issues[0]
    where = display
    if locate is not None:
        line, column = locate(first.pointer)
        where = f"{display}:{line}:{column}"
    if describe is not None:
        what = describe(data, first.pointer)
    else:
        what = first.pointer or "/"
        if kind is not None:
            what = f"invalid {kind}: {what}"
    extra = f" (and {len(issues) - 1} more)" if more and len(issues) > 1 else ""
    raise error(f"{where}: {what}: {first.message}{extra}")


def load_checked(path: str, schema: str, kind: str | None, *, error: type[LprLintError],
                 display: str | None = None, syntax: str | None = None,
                 describe: Describe | None = None, more: bool = False,
                 read: Callable[[str, str], Document] | None = None,
                 cached: bool = False) -> Document:
    """Load a file, check it against a shipped schema, and raise only ``error``.

    An unreadable or unparsable file is its :class:`InputError` message with ``error:``
    relabelled ``invalid KIND:`` (kept as is when ``kind`` is None); a schema problem is as
    :func:`check_data` words it, at the problem's line and column. ``read(path, display)``
    replaces :func:`~lpr_lint.load.files.load_document` (``display``, default ``path``, is
    the name messages give; ``syntax`` is passed to the default reader). ``cached``: a file
    whose bytes were checked against this schema before is taken from
    :mod:`lpr_lint.load.cache` (baselines and shipped data, read on every run).
    """
    shown = path if display is None else display
    try:
        if read is not None:
            doc = read(path, shown)
        elif cached:
            return _load_cached(path, shown, schema, kind, syntax=syntax, error=error,
                                describe=describe, more=more)
        else:
            doc = load_document(path, shown, syntax=syntax)
    except InputError as exc:
        raise _relabelled(exc, kind, error) from None
    check_data(doc.data, schema, doc.path, error=error, kind=kind, describe=describe,
               locate=doc.locate, more=more)
    return doc


_FILE_NOUNS = {"configuration": "configuration file", None: "file"}
"""What a duplicate key calls a file of each ``kind`` (its kind, unless listed)."""


def _relabelled(exc: InputError, kind: str | None, error: type[LprLintError]) -> LprLintError:
    if isinstance(exc, DuplicateKey):  # "the certificate is ambiguous", not "the export"
        return error(exc.of(_FILE_NOUNS.get(kind, kind or "file")).one_line().replace(
            ": error: ", ": ", 1))
    message = exc.one_line()
    if kind is not None:
        message = message.replace(": error: ", f": invalid {kind}: ", 1)
    return error(message)


@cache
def _schema_bytes(name: str) -> bytes:
    return data_file("schemas", name).read_bytes()


def _load_cached(path: str, shown: str, schema: str, kind: str | None, *, syntax: str | None,
                 error: type[LprLintError], describe: Describe | None,
                 more: bool) -> Document:
    from lpr_lint.load import cache as store

    raw = read_bytes(path, shown)
    syntax = syntax or EXTENSIONS.get(os.path.splitext(path)[1].lower())
    key = store.entry_key(raw, schema, _schema_bytes(schema))
    found, entry = store.read_entry(key)
    if found and isinstance(entry, dict) and entry.get("syntax") in ("json", "yaml"):
        parsed: list[Document] = []

        def locate(pointer: str) -> tuple[int, int]:  # positions need the text: read it again
            if not parsed:
                parsed.append(parse_bytes(raw, shown, entry["syntax"]))
            return parsed[0].locate(pointer)

        return Document(path=shown, data=entry["data"], sha256=hashlib.sha256(raw).hexdigest(),
                        syntax=entry["syntax"], locate=locate)
    doc = parse_bytes(raw, shown, syntax)
    check_data(doc.data, schema, doc.path, error=error, kind=kind, describe=describe,
               locate=doc.locate, more=more)
    store.write_entry(key, {"syntax": doc.syntax, "data": doc.data})
    return doc


def load_data_file(name: str, schema: str) -> tuple[str, Any]:
    """A data file shipped under ``baselines/`` (e.g. ``data/org-kinds.yaml``), parsed and
    checked against its schema. A broken one is a broken installation: BaselineError."""
    path = str(data_file("baselines", name))
    return path, load_checked(path, schema, None, error=BaselineError, cached=True).data
