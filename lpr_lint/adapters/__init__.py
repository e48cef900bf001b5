"""Adapters turn what vendors give agencies into export format v1.

:data:`ADAPTERS` is the registry: an explicit dict from name to ``module:Class``, imported only
when used. The CLI's ``--from`` choices are its keys. :func:`detect` picks an adapter from a
file's content and says which one it picked; it never guesses between candidates.
"""

from __future__ import annotations

import functools
import importlib

from lpr_lint.adapters.base import Adapter, AdapterError, Conversion

ADAPTERS: dict[str, str] = {
    "export-v1": "lpr_lint.adapters.export:ExportAdapter",
    "flock-portal": "lpr_lint.adapters.flock_portal:FlockPortalAdapter",
    "flock-shares": "lpr_lint.adapters.flock_csv:FlockSharesAdapter",
    "flock-users": "lpr_lint.adapters.flock_csv:FlockUsersAdapter",
}


@functools.cache
def adapter(name: str) -> Adapter:
    """The adapter with this registry name (adapters hold no state: one instance each)."""
    if name not in ADAPTERS:
        raise AdapterError(f"no adapter named {name!r} (choose from {', '.join(ADAPTERS)})")
    module, _, cls = ADAPTERS[name].partition(":")
    made = getattr(importlib.import_module(module), cls)()
    assert isinstance(made, Adapter)
    return made


def detect(text: str, path: str) -> str:
    """The one adapter whose signature the content carries.

    Raises :class:`AdapterError` when none or several match: the user is asked for ``--from``.
    """
    found = [name for name in ADAPTERS if adapter(name).sniff(text, path)]
    if len(found) == 1:
        return found[0]
    names = ", ".join(ADAPTERS)
    if not found:
        raise AdapterError(f"cannot tell what this file is; name its format with --from "
                           f"({names})")
    raise AdapterError(f"this file could be {' or '.join(found)}; choose with --from")


__all__ = ["ADAPTERS", "Adapter", "AdapterError", "Conversion", "adapter", "detect"]
