"""Baseline parameters: named values that rules use instead of literals.

A baseline declares ``parameters`` (a number, a list, …, or a list drawn from a vocabulary
such as the permission weights), and a rule writes ``{"$param": "name"}`` wherever a value
goes. Parameters are substituted when the baseline is loaded, so what ``check``, ``schema``,
``explain`` and the certificates see is plain data; ``explain`` names each rule's parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PARAM = "$param"
TEXT_PARAM = re.compile(r"\{param\.([A-Za-z_][A-Za-z0-9_]*)\}")
"""``{param.name}`` in a rule's title, message, rationale or remediation."""
UNSET: Any = type("Unset", (), {"__repr__": lambda self: "UNSET"})()
"""The value of a parameter an abstract baseline leaves to the baselines that extend it."""


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
    choices: tuple[Any, ...] = ()
    """The values it may take (empty: any)."""


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
        elif "value" in spec:
            value, source = spec["value"], ""
        else:
            value, source = UNSET, ""
        choices = tuple(spec.get("choices", ()))
        problem = choice_problem(name, value, choices)
        if problem:
            raise ParameterError(problem)
        out[name] = Parameter(name, value, spec["description"], source, choices)
    return out


def choice_problem(name: str, value: Any, choices: tuple[Any, ...] | list[Any]) -> str:
    """Why ``value`` cannot be the value of parameter ``name``, or ""."""
    if not choices or value is UNSET or any(_same(value, c) for c in choices):
        return ""
    return (f"parameter {name!r} cannot be {value!r}: it is one of "
            f"{', '.join(repr(c) for c in choices)}")


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def applies(condition: Mapping[str, Any], params: Mapping[str, Parameter]) -> bool:
    """Whether a rule's ``applies_if`` holds (raises ParameterError for a name or value the
    parameters do not have)."""
    for name, values in condition.items():
        if name not in params:
            raise ParameterError(f"applies_if names unknown parameter {name!r} (declared: "
                                 f"{', '.join(sorted(params)) or 'none'})")
        param = params[name]
        for v in values:
            problem = choice_problem(name, v, param.choices)
            if problem:
                raise ParameterError(f"applies_if: {problem}")
        if param.value is UNSET:
            raise ParameterError(f"parameter {name!r} has no value (give it one with set:)")
        if not any(_same(param.value, v) for v in values):
            return False
    return True


def render_text(text: str, params: Mapping[str, Parameter], used: set[str]) -> str:
    """``text`` with each ``{param.name}`` replaced by the parameter's value in words."""
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        value = substitute({PARAM: name}, params, used)
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)

    return TEXT_PARAM.sub(one, text)


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
        if params[name].value is UNSET:
            raise ParameterError(f"parameter {name!r} has no value (give it one with set:)")
        used.add(name)
        return params[name].value
    return {k: substitute(v, params, used) for k, v in node.items()}
