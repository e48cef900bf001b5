"""Load any supported input as an export: export format v1 directly, vendor files converted."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from lpr_lint.adapters import adapter, detect
from lpr_lint.adapters.base import AdapterError
from lpr_lint.errors import InputError
from lpr_lint.load.files import (
    DEFAULT_MAX_BYTES,
    EXTENSIONS,
    Document,
    decode,
    parse_text,
    read_bytes,
)


@dataclass(frozen=True, slots=True)
class Loaded:
    """A document and how it was read."""

    document: Document
    adapter: str
    notices: tuple[str, ...] = ()
    """What the user should know: the format detected, and any adapter warnings."""
    warnings: tuple[str, ...] = ()
    """The adapter's warnings alone (what it could not read, e.g. a failed page load)."""
    gaps: tuple[str, ...] = ()
    """Pointers the source failed to give (see :attr:`Conversion.gaps`)."""


def load_input(path: str, display: str | None = None, *, source: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Read ``path`` as ``source`` (an adapter name), or as the format its content shows."""
    shown = display if display is not None else path
    return load_bytes(read_bytes(path, shown, max_bytes), path, shown, source=source)


def load_bytes(raw: bytes, path: str, display: str | None = None, *,
               source: str | None = None) -> Loaded:
    """Read file content (``path`` gives its extension, and vendor adapters may look beside
    it) as ``source``, or as the format the content shows."""
    shown = display if display is not None else path
    text = decode(raw, shown)
    ext = EXTENSIONS.get(os.path.splitext(path)[1].lower())
    detected = source is None
    try:
        name = source or detect(text, shown)
    except AdapterError as exc:
        if ext is None:  # not JSON/YAML by name, and no known vendor signature
            raise InputError(shown, str(exc)) from None
        name = "export-v1"  # a JSON/YAML file: judged as an export (missing fields are findings)
        detected = False
    digest = hashlib.sha256(raw).hexdigest()
    if name == "export-v1":
        return Loaded(parse_text(text, shown, ext, digest), name)
    try:
        conv = adapter(name).convert(text, shown)
    except AdapterError as exc:
        raise InputError(shown, str(exc).removeprefix(f"{shown}: ")) from None
    notices: tuple[str, ...] = (
        (f"{shown}: read as {name} (detected from its content; --from chooses)",)
        if detected else ())
    warnings = tuple(f"{shown}: warning: {w}" for w in conv.warnings)
    doc = Document(shown, conv.data, digest, name,
                   conv.locate or (lambda pointer: (1, 1)))
    return Loaded(doc, name, notices + warnings, warnings, conv.gaps)
