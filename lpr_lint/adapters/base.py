"""The adapter interface."""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lpr_lint.errors import LprLintError


class AdapterError(LprLintError):
    """A file cannot be converted (wrong format, or the format cannot be told): exit 3."""


@dataclass(frozen=True, slots=True)
class Conversion:
    """An export produced from a vendor file."""

    data: dict[str, Any]
    """Export format v1; what the source does not say is absent (unknown), never invented."""
    warnings: tuple[str, ...] = ()
    locate: Callable[[str], tuple[int, int]] | None = None
    """Maps an export pointer to a line and column in the source file, where it can."""
    gaps: tuple[str, ...] = ()
    """Pointers left unknown because the source failed (a page that did not load), not
    because it never publishes them: a timeline compares them with the last snapshot that
    had them."""


class Adapter(abc.ABC):
    """Reads one vendor format."""

    name: str = ""

    @abc.abstractmethod
    def sniff(self, text: str, path: str) -> bool:
        """Does the content carry this format's signature?"""

    @abc.abstractmethod
    def convert(self, text: str, path: str) -> Conversion:
        """The export for this file (raises :class:`AdapterError` or ``InputError``)."""


def classified_partner(name: str, direction: str) -> dict[str, Any]:
    """A sharing partner with the state and kind its name shows (absent when unsure: a
    fusion centre or a university not known to be public or private has no kind)."""
    from lpr_lint.rules.orgs import classify, export_kind

    org = classify(name)
    out: dict[str, Any] = {"name": name, "direction": direction}
    if org.state:
        out["state"] = org.state
    kind = export_kind(org)
    if kind:
        out["kind"] = kind
    return out
