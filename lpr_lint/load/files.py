"""Read an export file into plain data plus a way to find any JSON Pointer's line and column.

Everything that can go wrong with a file becomes an :class:`~lpr_lint.errors.InputError`
naming the file and, where it can be known, the line: missing or unreadable files, files
over the size limit, binary content, undeclared encodings, syntax errors, duplicate keys,
``NaN``/``Infinity``, YAML tags, alias bombs and excessive nesting. Nothing is ever guessed
("last key wins") and the input file is only ever read.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from dataclasses import dataclass
from typing import Any

from lpr_lint.errors import InputError
from lpr_lint.load.positions import Locator

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Largest export read by default (64 MiB; a 100,000-partner export is about 25 MiB)."""

EXTENSIONS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}



@dataclass(frozen=True, slots=True)
class Document:
    """A parsed export: its data, identity, and a pointer → (line, column) locator."""

    path: str
    data: Any
    sha256: str
    syntax: str
    """``json`` or ``yaml``."""
    locate: Locator
    """1-based (line, column) of a pointer, or of its nearest existing ancestor."""


def read_bytes(path: str, display: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a regular file, refusing anything larger than ``max_bytes``."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(display, "no such file or directory") from None
    except OSError as exc:
        raise InputError(display, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(display, "is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(display, "not a regular file")
    if st.st_size > max_bytes:
        raise InputError(display, f"file is {_size(st.st_size)}; the limit is {_size(max_bytes)}"
                         " (raise it with --max-file-size)")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(display, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise InputError(display, f"file is larger than the limit of {_size(max_bytes)}")
    return raw


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB" if n >= 1024 * 1024 else f"{n} bytes"


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(raw: bytes, display: str) -> str:
    """UTF-8 (with or without BOM), or UTF-16/UTF-32 with a BOM; anything else is an error."""
    encoding, body = "utf-8", raw
    for bom, name in _BOMS:
        if raw.startswith(bom):
            encoding, body = name, raw[len(bom):]
            break
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        before = body[:exc.start].decode(encoding, errors="replace")
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        bad = body[exc.start:exc.start + 1].hex().upper()
        if encoding == "utf-8":
            hint = "save it as UTF-8 (UTF-16 needs a byte-order mark)"
            msg = f"not valid UTF-8 text (byte 0x{bad}); {hint}"
        else:
            msg = f"not valid {encoding.upper()} text despite its byte-order mark"
        raise InputError(display, msg, line, col) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError(display, "contains NUL characters: a binary file, or UTF-16 without a "
                         "byte-order mark", line)
    return text


def sniff(text: str) -> str:
    """Guess the syntax of a file without a known extension."""
    stripped = text.lstrip()
    return "json" if stripped[:1] in ("{", "[") else "yaml"


def load_document(path: str, display: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  syntax: str | None = None) -> Document:
    """Read, decode and parse one export file."""
    shown = display if display is not None else path
    raw = read_bytes(path, shown, max_bytes)
    return parse_bytes(raw, shown, syntax or EXTENSIONS.get(os.path.splitext(path)[1].lower()))


def parse_bytes(raw: bytes, display: str, syntax: str | None = None) -> Document:
    """Parse already-read bytes; ``syntax`` is ``json``, ``yaml`` or None to sniff."""
    return parse_text(decode(raw, display), display, syntax, hashlib.sha256(raw).hexdigest())


def parse_text(text: str, display: str, syntax: str | None, sha256: str) -> Document:
    """Parse already-decoded text (``sha256`` is of the raw bytes it was decoded from)."""
    if not text.strip():
        raise InputError(display, "the file is empty", 1)
    kind = syntax or sniff(text)
    if kind == "json":
        from lpr_lint.load.jsonparse import load_json

        data, locate = load_json(text, display)
    else:
        from lpr_lint.load.yamlparse import load_yaml

        data, locate = load_yaml(text, display)
    if not isinstance(data, dict):
        from lpr_lint.jsondata import describe

        raise InputError(display, f"not an export: the top level is {describe(data)}, "
                         "expected a mapping of sections", 1, 1)
    return Document(display, data, sha256, kind, locate)
