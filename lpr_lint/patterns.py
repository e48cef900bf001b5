"""Compile the patterns of the shipped data files: one at a time, or a list as one alternation.

The one place that does it, for :mod:`lpr_lint.rules.orgs` and :mod:`lpr_lint.audit.terms`.
The data files keep their patterns in the RE2-compatible subset (no lookaround, no
backreferences; an inline flag only as a leading ``(?i)``), so another engine could run
them unchanged; a union stays in that subset: each pattern becomes a group of its own, its
leading ``(?i)`` scoped to it as ``(?i:…)``.

A pattern that does not compile is a :class:`~lpr_lint.errors.BaselineError` naming the
data file: the shipped data is broken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from lpr_lint.errors import BaselineError

_FLAG = "(?i)"


def compile_pattern(path: str, pattern: str, groups: int | None = None,
                    subs: Mapping[str, str] | None = None) -> re.Pattern[str]:
    """``pattern`` compiled, after replacing each key of ``subs`` (a placeholder such as
    ``{STATE}``) by its value; ``groups``: the number of capturing groups it must have."""
    for key, value in (subs or {}).items():
        pattern = pattern.replace(key, value)
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise BaselineError(f"{path}: invalid pattern {pattern!r}: {exc}") from None
    if groups is not None and compiled.groups != groups:
        raise BaselineError(f"{path}: pattern {pattern!r} must have exactly {groups} "
                            "capturing group(s)")
    return compiled


def scoped(pattern: str, ignore_case: bool = False) -> str:
    """``pattern`` as a group that can be joined with others: ``(?:…)``, or ``(?i:…)`` when
    it starts with ``(?i)`` or ``ignore_case`` is set."""
    if pattern.startswith(_FLAG):
        return f"(?i:{pattern[len(_FLAG):]})"
    return f"(?i:{pattern})" if ignore_case else f"(?:{pattern})"


def union(path: str, patterns: Iterable[str],
          subs: Mapping[str, str] | None = None) -> re.Pattern[str] | None:
    """One pattern matching where any of ``patterns`` does (each :func:`scoped`, then
    ``subs`` replaced as by :func:`compile_pattern`); None for no patterns."""
    parts = [scoped(p) for p in patterns]
    return compile_pattern(path, "|".join(parts), subs=subs) if parts else None


def union1(path: str, patterns: Iterable[str],
           subs: Mapping[str, str] | None = None) -> re.Pattern[str]:
    """:func:`union` of a list the schema keeps non-empty."""
    compiled = union(path, patterns, subs)
    if compiled is None:
        raise BaselineError(f"{path}: an empty list of patterns")
    return compiled
