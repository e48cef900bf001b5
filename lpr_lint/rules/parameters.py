"""Baseline parameters: named values that rules use instead of literals.

A baseline declares ``parameters`` (a number, a list, …, or a list drawn from a vocabulary
such as the permission weights), and a rule writes ``{"$param": "name"}`` wherever a value
goes. Parameters are substituted when the baseline is loaded, so what ``check``, ``schema``,
``explain`` and the certificates see is plain data; ``explain`` names each rule's parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PARAM = "$param"


class ParameterError(Exception):
    """A rule names a parameter the baseline does not declare."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """One declared parameter, its value and what it means."""

    name: str
    value: Any
    description: str
    source: str = ""
    """Where a drawn value comes from (``permissions: roles weighted elevated``), or ""."""


def declare(raw: Mapping[str, Any]) -> dict[str, Parameter]:
    """The parameters of a baseline file's ``parameters`` section (vocabularies resolved)."""
    out = {}
    for name, spec in raw.items():
        if "vocabulary" in spec:
            vocab = spec["vocabulary"]
            from lpr_lint.rules.permissions import vocabulary

            holder, weights = vocab["permissions"], tuple(vocab["weights"])
            left_out = set(vocab.get("except", ()))
            value: Any = [n for n in vocabulary().names(holder, weights) if n not in left_out]
            source = (f"permissions of {holder} weighted {', '.join(weights)}"
                      + (f", except {', '.join(sorted(left_out))}" if left_out else ""))
        else:
            value, source = spec["value"], ""
        out[name] = Parameter(name, value, spec["description"], source)
    return out


def substitute(node: Any, params: Mapping[str, Parameter], used: set[str]) -> Any:
    """``node`` with every ``{"$param": name}`` replaced by the parameter's value; the names
    substituted are added to ``used``."""
    if isinstance(node, list):
        return [substitute(x, params, used) for x in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {PARAM}:
        name = node[PARAM]
        if name not in params:
            raise ParameterError(f"unknown parameter {name!r} (declared: "
                                 f"{', '.join(sorted(params)) or 'none'})")
        used.add(name)
        return params[name].value
    return {k: substitute(v, params, used) for k, v in node.items()}
