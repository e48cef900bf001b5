"""Baselines: rule packs written as data, validated against ``schemas/baseline.schema.json``.

A baseline is chosen by name (:mod:`lpr_lint.rules.registry`) or given as a file path. Loading
checks the file against the metaschema (with file:line for each problem), then checks what
a schema cannot: unique rule ids, citations that name a declared source, scopes that
contain their pointer, message placeholders, and fragments that compile.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lpr_lint.errors import BaselineError, SchemaError
from lpr_lint.load.positions import Locator
from lpr_lint.model import BaselineInfo, Citation, Severity
from lpr_lint.pointer import WILDCARD, join, split
from lpr_lint.rules.dynamic import (
    PROBE,
    Unresolved,
    concretise,
    data_pointers,
    uses_dates,
    walk_fragments,
)
from lpr_lint.rules.keywords import RULE_KEYWORDS
from lpr_lint.rules.parameters import (
    Parameter,
    ParameterError,
    applies,
    declare,
    render_text,
    substitute,
)
from lpr_lint.rules.registry import BUILTIN_BASELINES, builtin_path, resolve_spec
from lpr_lint.rules.validator import Validator

BASIS_LABELS = {
    "statute": "statute",
    "derived": "derived from statute",
    "best_practice": "best practice",
    "unverified_statute": "statute, unverified (check the official text)",
}
PLACEHOLDER = re.compile(r"\{(@?[A-Za-z_][A-Za-z0-9_]*)\}")
"""Message placeholders: ``{value}`` (the governed value), ``{@field}`` (a scope field) and
``{limit}`` (the date a ``notBefore``/``notAfter`` bound stands for on the date judged)."""
Conditions = tuple[tuple[tuple[str, ...], Validator], ...]


@dataclass(frozen=True, slots=True)
class Case:
    """A check and the conditions under which it is the one that applies."""

    when: tuple[tuple[str, Any], ...]
    check: Any
    when_validators: Conditions = field(repr=False, compare=False, default=())
    static: Validator | None = field(repr=False, compare=False, default=None)
    """The compiled check; None when it depends on the date judged or on other values."""
    key: str = field(repr=False, compare=False, default="")
    """A dynamic check's identity (its JSON), for the compiled-validator cache."""
    refs: tuple[str, ...] = field(repr=False, compare=False, default=())
    """A dynamic check's ``$data`` pointers."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One baseline rule, with its fragments compiled."""

    id: str
    title: str
    severity: Severity
    basis: str
    citations: tuple[Citation, ...]
    rationale: str
    remediation: str
    effective: _dt.date
    effective_reason: str
    """Why the rule applies from that date."""
    reference_ids: tuple[str, ...]
    """The same idea's ids in the law reference's candidate list (law.md § 5)."""
    pointer: str
    scope: str
    when: tuple[tuple[str, Any], ...]
    check: Any
    missing: str
    message: str
    drift: Mapping[str, Any]
    scope_segments: tuple[str, ...] = field(repr=False, compare=False, default=())
    target_segments: tuple[str, ...] = field(repr=False, compare=False, default=())
    """Pointer segments below the scope."""
    target_suffix: str = field(repr=False, compare=False, default="")
    """The same, as a pointer to append to the scope item's."""
    when_validators: Conditions = field(repr=False, compare=False, default=())
    check_validator: Validator | None = field(repr=False, compare=False, default=None)
    """The compiled check of a rule with one static check (None otherwise)."""
    cases: tuple[Case, ...] = field(compare=False, default=())
    """The check, or the first case whose conditions hold (``cases`` in the baseline)."""
    parameters: tuple[str, ...] = ()
    """Baseline parameters the rule uses."""
    data_refs: tuple[str, ...] = ()
    """Pointers of other values the rule compares with (``$data``)."""
    dated: bool = False
    """The rule compares a date with the date judged (or a fixed date)."""
    extended: bool = False
    """The rule uses a keyword beyond JSON Schema (``orgKind``, ``uniqueBy``)."""

    @property
    def basis_label(self) -> str:
        """``statute``, ``derived from statute`` or ``best practice``."""
        return BASIS_LABELS[self.basis]


@dataclass(frozen=True, slots=True)
class Collection:
    """A list whose items drift matches by identity rather than by position."""

    pointer: str
    identity: tuple[tuple[str, ...], ...]
    """Key sets tried in order; two items match on the first set both items have in full."""
    label: tuple[str, ...]
    added: str
    """Direction of an item appearing: loosening, tightening or neutral."""
    removed: str
    neutral_when: Validator | None = None
    """Items matching this schema are neutral when they appear or disappear."""


@dataclass(frozen=True, slots=True)
class DriftConfig:
    """How drift compares two exports under this baseline."""

    ignore: tuple[str, ...] = ()
    collections: tuple[Collection, ...] = ()


@dataclass(frozen=True, slots=True)
class Baseline:
    """A loaded, validated baseline."""

    id: str
    version: str
    title: str
    jurisdiction: str
    disclaimer: str
    sha256: str
    path: str
    rules: tuple[Rule, ...]
    sources: Mapping[str, Mapping[str, Any]]
    drift: DriftConfig = field(default_factory=DriftConfig)
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    chain: tuple[str, ...] = ()
    """Baseline ids from this one to the root of its ``extends`` chain."""

    def info(self) -> BaselineInfo:
        """Identity for reports."""
        return BaselineInfo(self.id, self.version, self.sha256, self.title)

    def rule(self, rule_id: str) -> Rule | None:
        """The rule with this id (case-insensitive), if any."""
        wanted = rule_id.upper()
        return next((r for r in self.rules if r.id == wanted), None)


_At = tuple[Locator, str]
"""Where in a baseline: its locator and a pointer, turned into a position only for an error
(a baseline taken from the cache is read again to find one)."""


STATUTE_KIND = "statute"
"""The source kind (enacted law of the baseline's jurisdiction) a statutory basis needs."""


def basis_problem(basis: str, sources: list[Mapping[str, Any]]) -> str | None:
    """Why the cited sources cannot carry ``basis``, or None when they can.

    ``statute`` and ``derived`` (a check inferred from a statute) need at least one cited
    statute that is not unverified; ``best_practice`` needs at least one cited source of any
    kind that is not unverified; ``unverified_statute`` (a statute's rule whose text or number
    the sources do not confirm) needs a cited statute of any reliability. A rule never claims
    more than its strongest source allows.
    """
    checked = [s for s in sources if s["reliability"] != "unverified"]
    if basis == "unverified_statute":
        if not any(s["kind"] == STATUTE_KIND for s in sources):
            return "basis unverified_statute needs a cited statute"
    elif basis in ("statute", "derived"):
        if not any(s["kind"] == STATUTE_KIND for s in checked):
            return (f"basis {basis} needs a cited statute that is not unverified (cited: "
                    + ", ".join(f"{s['cite']} [{s['kind']}, {s['reliability']}]"
                                for s in sources) + ")")
    elif not checked:
        return "every cited source is unverified; cite one that is not"
    return None


def _fail(path: str, message: str, at: _At | None = None) -> BaselineError:
    position = at[0](at[1]) if at else None
    where = f"{path}:{position[0]}:{position[1]}" if position else path
    return BaselineError(f"{where}: invalid baseline: {message}")


def load_baseline(spec: str) -> Baseline:
    """Load a built-in baseline by id or a baseline file by path, composing its chain of
    ``extends`` (:mod:`lpr_lint.rules.family`)."""
    from lpr_lint.rules.family import compose, incomplete

    composed = compose(spec, _resolve_for_family)
    data = composed.data
    if data.get("abstract"):
        raise BaselineError(f"{spec}: baseline {data['baseline']} is abstract, a base for other "
                            "baselines; check against one that extends it (lpr-lint baselines "
                            "lists them)")
    sources: Mapping[str, Mapping[str, Any]] = data["sources"]
    try:
        params = declare(data.get("parameters", {}))
    except ParameterError as exc:
        raise _fail(composed.path, str(exc), (composed.locate, "")) from None
    rules: list[Rule] = []
    seen: set[str] = set()
    for raw, origin in zip(data["rules"], composed.origins, strict=True):
        where = (origin.locate, origin.pointer)
        path = origin.path
        if origin.path != composed.path:  # inherited as it is: the extending file must act
            line, _ = origin.locate(origin.pointer)
            where = (composed.locate, "/extends")
            path = composed.path
            inherited = f"{raw['id']} (inherited from {origin.path}:{line})"
        else:
            inherited = raw["id"]
        try:
            if not applies(raw.get("applies_if", {}), params):
                continue
        except ParameterError as exc:
            raise _fail(path, f"{inherited}: {exc}", where) from None
        missing = incomplete(raw)
        if missing:
            raise _fail(path, f"{inherited} has no {', '.join(missing)}: a rule of a "
                        "baseline that is checked against needs them (amend the inherited "
                        "rule with this baseline's sources and dates, or drop it)", where)
        rules.append(_build_rule(path, raw, sources, where, params))
        if rules[-1].id in seen:
            raise _fail(path, f"rule id {rules[-1].id} is used twice", where)
        seen.add(rules[-1].id)
    for bid, shown, real, locate in composed.files:  # checked last: a copy's own errors come first
        builtin = builtin_path(bid)
        if builtin is not None and os.path.realpath(builtin) != real:
            raise _fail(shown, f"baseline id {bid!r} is a built-in baseline's; give this "
                        "baseline an id of its own (lpr-lint baselines lists the built-in "
                        "ids)", (locate, "/baseline"))
    return Baseline(
        id=data["baseline"], version=data["version"], title=data["title"],
        jurisdiction=data["jurisdiction"], disclaimer=data.get("disclaimer", ""),
        sha256=composed.sha256, path=composed.path, rules=tuple(rules), sources=sources,
        drift=_drift_config(composed.path, data.get("drift", {}),
                            (composed.locate, "/drift")),
        parameters=params, chain=composed.chain,
    )


def _resolve_for_family(spec: str, directory: str | None) -> tuple[str, str]:
    path, shown = resolve_spec(spec, directory)
    return path, (path if spec in BUILTIN_BASELINES else shown)


def _drift_config(path: str, raw: Mapping[str, Any], where: _At) -> DriftConfig:
    collections = []
    for c in raw.get("collections", []):
        try:
            neutral = Validator(c["neutral_when"]) if "neutral_when" in c else None
        except SchemaError as exc:
            raise _fail(path, f"drift collection {c['pointer']}: {exc}", where) from None
        collections.append(Collection(
            pointer=c["pointer"], identity=tuple(tuple(k) for k in c["identity"]),
            label=tuple(c.get("label", c["identity"][0])), added=c["added"],
            removed=c["removed"], neutral_when=neutral))
    return DriftConfig(ignore=tuple(raw.get("ignore", ())), collections=tuple(collections))


def default_scope(pointer: str) -> str:
    """The last ``*`` item of a pointer pattern, or the document root."""
    segs = split(pointer)
    if WILDCARD not in segs:
        return ""
    last = len(segs) - 1 - segs[::-1].index(WILDCARD)
    return join(segs[: last + 1])


def _case(raw_when: Mapping[str, Any], check: Any) -> Case:
    """One compiled case (raises SchemaError, ValueError or ParameterError)."""
    when = tuple((k, v) for k, v in raw_when.items())
    for _, fragment in when:
        if uses_dates(fragment) or data_pointers(fragment):
            raise ValueError("a condition cannot use notBefore, notAfter or $data")
    dynamic = uses_dates(check) or bool(data_pointers(check))
    if dynamic:  # compile once with stand-ins, so a broken fragment is reported now
        Validator(concretise(check, _dt.date(2000, 1, 1), PROBE)[0], extensions=RULE_KEYWORDS)
    return Case(when, check,
                tuple((tuple(split(k)), Validator(v, extensions=RULE_KEYWORDS)) for k, v in when),
                None if dynamic else Validator(check, extensions=RULE_KEYWORDS),
                json.dumps(check, sort_keys=True) if dynamic else "",
                tuple(data_pointers(check)))


def _build_rule(path: str, raw: Mapping[str, Any], sources: Mapping[str, Mapping[str, Any]],
                where: _At, params: Mapping[str, Parameter]) -> Rule:
    rid = raw["id"]
    used: set[str] = set()
    try:
        texts = {k: render_text(raw[k], params, used)
                 for k in ("title", "rationale", "remediation", "message") if k in raw}
    except ParameterError as exc:
        raise _fail(path, f"{rid}: {exc}", where) from None
    citations = []
    for cited in raw["citations"]:
        sid = cited["source"]
        if sid not in sources:
            raise _fail(path, f"{rid} cites unknown source {sid!r}", where)
        src = sources[sid]
        citations.append(Citation(src["cite"], src["reliability"], src.get("url"),
                                  " ".join(cited["claim"].split()), sid))
    problem = basis_problem(raw["basis"], [sources[c["source"]] for c in raw["citations"]])
    if problem:
        raise _fail(path, f"{rid}: {problem}", where)
    pointer = raw["pointer"]
    scope = raw.get("scope", default_scope(pointer))
    p_segs, s_segs = split(pointer), split(scope)
    if p_segs[: len(s_segs)] != s_segs:
        raise _fail(path, f"{rid}: scope {scope!r} does not contain pointer {pointer!r}", where)
    if not p_segs:
        raise _fail(path, f"{rid}: a rule must govern a value below the document root", where)
    message = texts.get("message", texts["title"])
    for name in PLACEHOLDER.findall(message):
        if name not in ("value", "limit") and not name.startswith("@"):
            raise _fail(path, f"{rid}: unknown message placeholder {{{name}}} (use {{value}}, "
                        "{limit} or {@field})", where)
    try:
        effective = _dt.date.fromisoformat(raw["effective"])
        when_raw = substitute(raw.get("when", {}), params, used)
        rule_case = _case(when_raw, True)
        specs = raw["cases"] if "cases" in raw else [{"when": {}, "check": raw["check"]}]
        cases = tuple(_case(substitute(c.get("when", {}), params, used),
                            substitute(c["check"], params, used)) for c in specs)
    except (SchemaError, ValueError, ParameterError, Unresolved) as exc:
        raise _fail(path, f"{rid}: {exc}", where) from None
    checks = [c.check for c in cases]
    return Rule(
        id=rid, title=texts["title"], severity=Severity(raw["severity"]), basis=raw["basis"],
        citations=tuple(citations), rationale=texts["rationale"],
        remediation=texts["remediation"],
        effective=effective, effective_reason=raw["effective_reason"],
        reference_ids=tuple(raw.get("reference_ids", ())),
        pointer=pointer, scope=scope, when=rule_case.when,
        check=cases[0].check if "check" in raw else None,
        missing=raw.get("missing", "unknown"), message=message, drift=raw["drift"],
        scope_segments=tuple(s_segs), target_segments=tuple(p_segs[len(s_segs):]),
        target_suffix=join(p_segs[len(s_segs):]),
        when_validators=rule_case.when_validators,
        check_validator=cases[0].static if "check" in raw else None, cases=cases,
        parameters=tuple(sorted(used)), data_refs=tuple(data_pointers(checks)),
        dated=uses_dates(checks),
        extended=any(isinstance(n, dict) and k in n
                     for n in walk_fragments([checks, dict(rule_case.when),
                                             [dict(c.when) for c in cases]])
                     for k in RULE_KEYWORDS),
    )
