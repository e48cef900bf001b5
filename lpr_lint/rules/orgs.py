"""What a Flock organisation is, from its name alone: its kind and its state.

``classify("Houston TX PD")`` is ``OrgClass("municipal", "TX")``. Vendor adapters use it to
fill a partner's ``kind`` and ``state`` (export format v1); audits call it once per search-log
row, so it is cached.

Everything it knows is data, not code: state codes, names, aliases and the contexts in which
a code-like token is not a state in ``baselines/data/us-states.yaml``; the keyword patterns of
each kind in ``baselines/data/org-kinds.yaml``. Both are validated against their schemas
(``schemas/us-states.schema.json``, ``schemas/org-kinds.schema.json``) when first used, never
at import. Their patterns stay in the RE2-compatible subset (no lookaround, no
backreferences), so another engine could run them unchanged; they are compiled, alone or as
one alternation, by :mod:`lpr_lint.patterns`.

How a name is read:

* ``[Federal] …`` (and a few unmistakable federal names) is ``federal``, state ``US``.
* The state is the LAST uppercase standalone two-letter token that is a state code and not
  in a ``not_a_state`` context ("LA County CA SO" is CA, "Washington CT PD" is CT); failing
  that, a spelled-out state in a known context ("Texas DPS", "University of Iowa") or an
  alias ("Cal Fire"); failing that, None. A city or county name is never enough.
* The kind is the first of federal, tribal, prosecutor, university, state, private, county,
  municipal whose patterns match the name (parenthesised asides removed) and whose
  exclusions do not; otherwise ``unknown``. When unsure: ``unknown`` and None.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lpr_lint.errors import BaselineError
from lpr_lint.load import data as resources
from lpr_lint.patterns import compile_pattern, union, union1

MAX_NAME_LENGTH = 1000
"""Longer "names" are not organisation names: they are ``unknown`` without being read."""


@dataclass(frozen=True, slots=True)
class OrgClass:
    """The kind and state of one organisation, as far as its name tells."""

    kind: str
    """municipal | county | state | federal | tribal | university | prosecutor | private |
    unknown."""
    state: str | None
    """USPS code; ``US`` for a federal body; None when the name does not say."""
    inactive: bool = False
    """The name carries an inactive tag (``[Inactive]``, ``[DEACTIVATED]``, …)."""


UNKNOWN = OrgClass("unknown", None)

_SPACES = re.compile(r"\s+")
_DASHES = re.compile("[\u2010-\u2015\u2212]")
_TOKEN = re.compile(r"[A-Za-z0-9']+")
_PARENTHESISED = re.compile(r"\([^()]*\)")
_FINAL_KIND_TOKENS = frozenset({"PD", "SO", "DA", "DPS", "SD", "FD"})


@dataclass(frozen=True, slots=True)
class _Rules:
    codes: frozenset[str]
    word_codes: frozenset[str]
    names: Mapping[str, str]
    """Spelled-out name → code."""
    aliases: tuple[tuple[re.Pattern[str], str], ...]
    not_a_state: tuple[tuple[re.Pattern[str], bool], ...]
    name_exclusion: re.Pattern[str] | None
    name_contexts: tuple[re.Pattern[str], ...]
    inactive: re.Pattern[str]
    kinds: tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...]
    export: Mapping[str, str | None]


# --- loading ------------------------------------------------------------------------------


def _load(name: str, schema: str) -> tuple[str, Any]:
    """A data file, parsed and validated against its schema."""
    return resources.load_data_file(f"data/{name}", schema)


@functools.cache
def _rules() -> _Rules:
    """Both data files, loaded and compiled once per process (on first use)."""
    states_path, states = _load("us-states.yaml", "us-states.schema.json")
    kinds_path, kinds = _load("org-kinds.yaml", "org-kinds.schema.json")
    entries = states["states"]
    codes = [e["code"] for e in entries]
    if len(set(codes)) != len(codes) or len({e["name"] for e in entries}) != len(entries):
        raise BaselineError(f"{states_path}: a state code or name is listed twice")
    names = {e["name"]: e["code"] for e in entries}
    by_length = sorted(names, key=len, reverse=True)  # "West Virginia" before "Virginia"
    name_group = "(" + "|".join(re.escape(n) for n in by_length) + ")"
    name_any = "(?:" + "|".join(re.escape(n) for n in by_length) + ")"
    code_any = "(?:" + "|".join(codes) + ")"
    contexts = tuple(compile_pattern(states_path, e["pattern"], subs={"{STATE}": name_group})
                     for e in states["name_contexts"])
    seen: set[str] = set()
    compiled_kinds = []
    for entry in kinds["kinds"]:
        if entry["kind"] in seen:
            raise BaselineError(f"{kinds_path}: kind {entry['kind']} is listed twice")
        seen.add(entry["kind"])
        subs = {"{STATE}": name_any, "{CODE}": code_any}
        match = union1(kinds_path, (e["pattern"] for e in entry["match"]), subs)
        exclude = union(kinds_path, (e["pattern"] for e in entry["exclude"]), subs)
        compiled_kinds.append((entry["kind"], match, exclude))
    inactive = union1(kinds_path, (e["pattern"] for e in kinds["inactive"]))
    return _Rules(
        codes=frozenset(codes),
        word_codes=frozenset(e["code"] for e in entries if e.get("word")),
        names=names,
        aliases=tuple((compile_pattern(states_path, e["pattern"]), e["state"])
                      for e in states["aliases"]),
        not_a_state=tuple((compile_pattern(states_path, e["pattern"], groups=1),
                           bool(e.get("only_with_other_state")))
                          for e in states["not_a_state"]),
        name_exclusion=union(states_path, (e["pattern"] for e in states["name_exclusions"])),
        name_contexts=contexts,
        inactive=inactive,
        kinds=tuple(compiled_kinds),
        export={e["kind"]: e["export"] for e in kinds["kinds"]},
    )


# --- reading a name -------------------------------------------------------------------------


def _strong(text: str, tokens: list[re.Match[str]], i: int) -> bool:
    """Is token ``i`` where a state code sits even in an all-capitals name?"""
    tok = tokens[i]
    last = len(tokens) - 1
    if i == last:
        return True
    if i == last - 1 and tokens[last].group() in _FINAL_KIND_TOKENS:
        return True
    if text[tok.start() - 1:tok.start()] == "(" and text[tok.end():tok.end() + 1] == ")":
        return True
    return i == 0 and text[tok.end():].lstrip().startswith("-")


def _code_state(text: str, rules: _Rules) -> str | None:
    """The state named by a two-letter code, or None."""
    tokens = list(_TOKEN.finditer(text))
    all_caps = not any(c.islower() for c in text)
    found = [(t.span(), t.group()) for i, t in enumerate(tokens)
             if t.group() in rules.codes
             and not (all_caps and t.group() in rules.word_codes and not _strong(text, tokens, i))]
    if not found:
        return None
    dropped: set[tuple[int, int]] = set()
    conditional: set[tuple[int, int]] = set()
    for pattern, only_with_other in rules.not_a_state:
        for m in pattern.finditer(text):
            (conditional if only_with_other else dropped).add(m.span(1))
    found = [f for f in found if f[0] not in dropped]
    firm = {code for span, code in found if span not in conditional}
    found = [f for f in found if f[0] not in conditional or not firm - {f[1]}]
    return found[-1][1] if found else None


def _named_state(text: str, rules: _Rules) -> str | None:
    """The state named in words ("Texas DPS") or by an alias ("Cal Fire"), or None."""
    spans: set[tuple[int, int, str]] = set()
    if rules.name_exclusion is None or not rules.name_exclusion.search(text):
        for context in rules.name_contexts:
            for m in context.finditer(text):
                spans.update((*m.span(i), g) for i, g in enumerate(m.groups(), 1)
                             if g in rules.names)
    # "Virginia" inside "West Virginia" is no hit of its own
    hits = {rules.names[g] for s, e, g in spans
            if not any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2, _ in spans)}
    hits.update(code for pattern, code in rules.aliases if pattern.search(text))
    return hits.pop() if len(hits) == 1 else None


def _kind(text: str, rules: _Rules) -> str:
    for kind, match, exclude in rules.kinds:
        if match.search(text) and not (exclude is not None and exclude.search(text)):
            return kind
    return "unknown"


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


@functools.lru_cache(maxsize=100_000)
def classify(name: str) -> OrgClass:
    """The kind and state of the organisation called ``name``.

    Cached; never raises for any input (anything but a non-empty name of at most
    :data:`MAX_NAME_LENGTH` characters is ``unknown``). The one exception is a broken
    installation: if the shipped data files are missing or invalid, the first call raises
    :class:`~lpr_lint.errors.BaselineError`, as every other use of shipped data does.
    """
    if not isinstance(name, str) or len(name) > MAX_NAME_LENGTH:
        return UNKNOWN
    text = _collapse(_DASHES.sub("-", name.replace("\u2019", "'")))
    if not text:
        return UNKNOWN
    rules = _rules()
    inactive = rules.inactive.search(text) is not None
    core = _collapse(rules.inactive.sub(" ", text)) if inactive else text
    kind = _kind(_collapse(_PARENTHESISED.sub(" ", core)), rules)
    if kind == "federal":
        return OrgClass("federal", "US", inactive)
    state = _code_state(core, rules) or _named_state(core, rules)
    if kind == "unknown" and state is None and not inactive:
        return UNKNOWN
    return OrgClass(kind, state, inactive)


def export_kind(kind: str) -> str | None:
    """``kind`` in export format v1's partner vocabulary (municipal, county, state, federal,
    tribal, university, private): a prosecutor is ``county``; ``unknown`` (or anything else)
    is None."""
    return _rules().export.get(kind)
