"""Baselines as a family: a baseline file may extend another, and this module composes the
chain into the plain data of one baseline.

A baseline that ``extends`` a parent inherits its sources, parameters, rules and drift
settings, then, in this order:

* ``rule_prefix`` (only when the parent is abstract) turns inherited ids such as ``RET-001``
  into ``CA-RET-001``;
* ``set`` gives inherited parameters new values (an unknown name is an error);
* ``parameters`` and ``sources`` declare new ones (a name the parent has is an error: use
  ``set``; sources are never redefined);
* ``drop`` removes inherited rules and ``amend`` replaces fields of inherited rules, by id
  (an unknown id is an error);
* ``rules`` adds rules (an id the parent has is an error: use ``amend``);
* ``title``, ``jurisdiction``, ``disclaimer``, ``export_format`` and ``drift`` replace the
  parent's when given.

A chain that comes back to a file it has read, two baselines in one chain with the same id,
and an unknown parent are errors naming the file and line. An abstract baseline is a base
for others: its rules may leave basis, citations and dates to the baselines that extend it,
and it cannot be checked against. Nothing here prints or exits.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from lpr_lint.errors import BaselineError
from lpr_lint.load import data as resources
from lpr_lint.load.files import Document
from lpr_lint.load.positions import Locator
from lpr_lint.rules.parameters import choice_problem

MAX_DEPTH = 8
"""Longest chain of ``extends`` accepted."""
INHERITED_FIELDS = ("title", "jurisdiction", "disclaimer", "export_format", "drift")
ROOT_FIELDS = ("title", "jurisdiction", "export_format", "sources", "rules")
"""What a baseline without a parent must give itself."""
TEMPLATE_FIELDS = ("basis", "citations", "effective", "effective_reason")
"""What a rule of a baseline that is checked against must have, and a template may lack."""

Resolve = Callable[[str, str | None], tuple[str, str]]
"""(spec, directory of the extending file or None) → (path, display name)."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a composed rule was last written: for errors found when it is built."""

    path: str
    locate: Locator
    pointer: str


@dataclass(frozen=True, slots=True)
class Composed:
    """One baseline's data after composition, with where each rule came from."""

    data: dict[str, Any]
    origins: tuple[Origin, ...]
    """Parallel to ``data["rules"]``."""
    chain: tuple[str, ...]
    """Baseline ids from this one to the root."""
    path: str
    """The file of the baseline itself (the last of the chain)."""
    locate: Locator
    files: tuple[tuple[str, str, str, Locator], ...] = ()
    """(baseline id, path shown, real path, locator) of each file of the chain, this one
    first."""

    @property
    def sha256(self) -> str:
        """Digest of the composed data (canonical JSON): an overlay's differs from its
        parent's, and a comment or a reordered key does not change it."""
        canonical = json.dumps(self.data, sort_keys=True, ensure_ascii=False,
                               separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _fail(path: str, locate: Locator | None, pointer: str, message: str) -> BaselineError:
    if locate is not None:
        line, column = locate(pointer)
        return BaselineError(f"{path}:{line}:{column}: invalid baseline: {message}")
    return BaselineError(f"{path}: invalid baseline: {message}")


def compose(spec: str, resolve: Resolve) -> Composed:
    """The composed data of the baseline ``spec`` (a built-in id or a path)."""
    path, shown = resolve(spec, None)
    return _compose(path, shown, resolve, ())


def _load(path: str, shown: str) -> Document:
    return resources.load_checked(path, "baseline.schema.json", "baseline",
                                  error=BaselineError, more=True, display=shown, cached=True)


def _compose(path: str, shown: str, resolve: Resolve,
             seen: tuple[tuple[str, str, Document], ...]) -> Composed:
    """``seen``: (real path, baseline id, document) of the files extending this one."""
    doc = _load(path, shown)
    data = doc.data
    real = os.path.realpath(path)
    for other_real, other_id, other in seen:
        if other_real == real:
            child = seen[-1][2]
            if other is child:
                raise _fail(child.path, child.locate, "/extends", "a baseline cannot extend "
                            "itself")
            cycle = " → ".join([*(d.data["baseline"] for _, _, d in seen), data["baseline"]])
            raise _fail(child.path, child.locate, "/extends", f"extends {shown}, which "
                        f"extends it back (a cycle of extends: {cycle})")
        if other_id == data["baseline"]:
            raise _fail(other.path, other.locate, "/baseline", f"baseline id {other_id!r} "
                        f"is also the id of {doc.path}, which it extends; each baseline needs "
                        "an id of its own")
    if "extends" not in data:
        missing = [k for k in ROOT_FIELDS if k not in data]
        if missing:
            raise _fail(doc.path, doc.locate, "", f"{', '.join(missing)} missing: a baseline "
                        "either extends another (extends: ct) or gives its title, "
                        "jurisdiction, export_format, sources and rules")
        for key in ("rule_prefix", "set", "drop", "amend"):
            if key in data:
                raise _fail(doc.path, doc.locate, f"/{key}",
                            f"{key} needs extends (this baseline has no parent)")
        # the loader gives each call its own data, so a root is used as it is (no copy:
        # check start-up); a baseline that extends it copies before it changes anything
        rules = data["rules"]
        origins = tuple(Origin(doc.path, doc.locate, f"/rules/{i}") for i in range(len(rules)))
        out = dict(data)
        out.setdefault("parameters", {})
        out.setdefault("abstract", False)
        return Composed(out, origins, (data["baseline"],), doc.path, doc.locate,
                        ((data["baseline"], doc.path, real, doc.locate),))
    if len(seen) >= MAX_DEPTH:
        raise _fail(doc.path, doc.locate, "/extends",
                    f"more than {MAX_DEPTH} baselines extend one another")
    try:
        parent_path, parent_shown = resolve(data["extends"], os.path.dirname(path) or ".")
    except BaselineError as exc:
        raise _fail(doc.path, doc.locate, "/extends", f"extends {exc}") from None
    parent = _compose(parent_path, parent_shown, resolve,
                      (*seen, (real, data["baseline"], doc)))
    composed = _apply(parent, doc)
    return replace(composed, files=((data["baseline"], doc.path, real, doc.locate),
                                    *parent.files))


def _apply(parent: Composed, doc: Document) -> Composed:
    data, path, locate = doc.data, doc.path, doc.locate

    def fail(pointer: str, message: str) -> BaselineError:
        return _fail(path, locate, pointer, message)

    out = copy.deepcopy(parent.data)
    rules: list[dict[str, Any]] = out["rules"]
    origins = list(parent.origins)
    prefix = data.get("rule_prefix")
    if prefix is not None:
        if not out.get("abstract"):
            raise fail("/rule_prefix", f"rule_prefix applies to the rules of an abstract "
                       f"baseline; {parent.chain[0]} is not abstract (its rule ids are final)")
        for rule in rules:
            rule["id"] = f"{prefix}-{rule['id']}"
    params = out.setdefault("parameters", {})
    for name, value in data.get("set", {}).items():
        if name not in params:
            raise fail(f"/set/{name}", f"cannot set parameter {name!r}: {parent.chain[0]} "
                       f"declares no such parameter (declared: {', '.join(sorted(params))})")
        problem = choice_problem(name, value, params[name].get("choices", ()))
        if problem:
            raise fail(f"/set/{name}", problem)
        if "vocabulary" in params[name] and not isinstance(value, list):
            raise fail(f"/set/{name}", f"parameter {name!r} is a list of permissions; set it "
                       "to a list")
        spec = {k: v for k, v in params[name].items() if k in ("description", "choices")}
        params[name] = {**spec, "value": copy.deepcopy(value)}
    for name, spec in data.get("parameters", {}).items():
        if name in params:
            raise fail(f"/parameters/{name}", f"parameter {name!r} is inherited from "
                       f"{parent.chain[0]}; give it a value with set:")
        params[name] = spec
    sources = out.setdefault("sources", {})
    for key, spec in data.get("sources", {}).items():
        if key in sources:
            raise fail(f"/sources/{key}", f"source {key!r} is inherited from "
                       f"{parent.chain[0]}; cite it as it is, or add a source with a new key")
        sources[key] = spec
    index = {r["id"]: i for i, r in enumerate(rules)}
    for n, rid in enumerate(data.get("drop", [])):
        if rid not in index:
            raise fail(f"/drop/{n}", _no_rule(rid, parent.chain[0], index))
    for rid, patch in data.get("amend", {}).items():
        if rid not in index:
            raise fail(f"/amend/{rid}", _no_rule(rid, parent.chain[0], index))
        if rid in data.get("drop", []):
            raise fail(f"/amend/{rid}", f"rule {rid} is both dropped and amended")
        rule = rules[index[rid]]
        rule.update(copy.deepcopy(patch))
        if "check" in patch:
            rule.pop("cases", None)
        if "cases" in patch:
            rule.pop("check", None)
        origins[index[rid]] = Origin(path, locate, f"/amend/{rid}")
    dropped = set(data.get("drop", []))
    kept = [(r, o) for r, o in zip(rules, origins, strict=True) if r["id"] not in dropped]
    for n, rule in enumerate(data.get("rules", [])):
        if rule["id"] in index and rule["id"] not in dropped:
            raise fail(f"/rules/{n}/id", f"rule {rule['id']} is inherited from "
                       f"{parent.chain[0]}; change it with amend:, or drop it first")
        kept.append((copy.deepcopy(rule), Origin(path, locate, f"/rules/{n}")))
    out["rules"] = [r for r, _ in kept]
    for key in ("baseline", "version", *INHERITED_FIELDS):
        if key in data:
            out[key] = copy.deepcopy(data[key])
    out["abstract"] = bool(data.get("abstract", False))
    out["extends"] = data["extends"]
    return Composed(out, tuple(o for _, o in kept), (data["baseline"], *parent.chain),
                    path, locate)


def _no_rule(rid: str, parent: str, index: dict[str, int]) -> str:
    import difflib

    close = difflib.get_close_matches(rid, list(index), n=2)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return f"{parent} has no rule {rid}{hint}"


def incomplete(rule: dict[str, Any]) -> list[str]:
    """The fields a rule of a baseline that is checked against lacks."""
    return [f for f in TEMPLATE_FIELDS if not rule.get(f)]
