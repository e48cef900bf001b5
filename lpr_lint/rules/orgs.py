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


@dataclass(frozen=True, slots=True)
class _States:
    path: str
    data: Any
    codes: tuple[str, ...]
    names: Mapping[str, str]
    """Spelled-out name → code."""


@functools.cache
def _states() -> _States:
    """``us-states.yaml``, loaded and checked once per process (on first use)."""
    path, data = _load("us-states.yaml", "us-states.schema.json")
    entries = data["states"]
    codes = tuple(e["code"] for e in entries)
    if len(set(codes)) != len(codes) or len({e["name"] for e in entries}) != len(entries):
        raise BaselineError(f"{path}: a state code or name is listed twice")
    return _States(path, data, codes, {e["name"]: e["code"] for e in entries})


@functools.cache
def _kind_source() -> tuple[str, Any]:
    """``org-kinds.yaml``, loaded and checked once per process (on first use)."""
    path, data = _load("org-kinds.yaml", "org-kinds.schema.json")
    kinds = [e["kind"] for e in data["kinds"]]
    if len(set(kinds)) != len(kinds):
        duplicate = next(k for k in kinds if kinds.count(k) > 1)
        raise BaselineError(f"{path}: kind {duplicate} is listed twice")
    return path, data


def _by_length(states: _States) -> list[str]:
    return sorted(states.names, key=len, reverse=True)  # "West Virginia" before "Virginia"


@functools.cache
def _kind_subs() -> Mapping[str, str]:
    """What ``{STATE}`` (any state name) and ``{CODE}`` (any code) stand for in kind patterns."""
    states = _states()
    return {"{STATE}": "(?:" + "|".join(re.escape(n) for n in _by_length(states)) + ")",
            "{CODE}": "(?:" + "|".join(states.codes) + ")"}


@functools.cache
def _compiled_kind(index: int) -> tuple[str, re.Pattern[str], re.Pattern[str] | None]:
    """Kind ``index`` of ``org-kinds.yaml`` with its patterns and exclusions compiled, each
    list as one alternation; the state list is read only when a pattern needs it."""
    path, data = _kind_source()
    entry = data["kinds"][index]
    match = [e["pattern"] for e in entry["match"]]
    exclude = [e["pattern"] for e in entry["exclude"]]
    placeholders = any("{STATE}" in p or "{CODE}" in p for p in match + exclude)
    subs = _kind_subs() if placeholders else None
    return entry["kind"], union1(path, match, subs), union(path, exclude, subs)


@functools.cache
def _inactive() -> re.Pattern[str]:
    path, data = _kind_source()
    return union1(path, (e["pattern"] for e in data["inactive"]))


@functools.cache
def _rules() -> _Rules:
    """Both data files, loaded and compiled once per process (on first use)."""
    states = _states()
    _, kinds = _kind_source()
    name_group = "(" + "|".join(re.escape(n) for n in _by_length(states)) + ")"
    data = states.data
    return _Rules(
        codes=frozenset(states.codes),
        word_codes=frozenset(e["code"] for e in data["states"] if e.get("word")),
        names=states.names,
        aliases=tuple((compile_pattern(states.path, e["pattern"]), e["state"])
                      for e in data["aliases"]),
        not_a_state=tuple((compile_pattern(states.path, e["pattern"], groups=1),
                           bool(e.get("only_with_other_state")))
                          for e in data["not_a_state"]),
        name_exclusion=union(states.path, (e["pattern"] for e in data["name_exclusions"])),
        name_contexts=tuple(compile_pattern(states.path, e["pattern"],
                                            subs={"{STATE}": name_group})
                            for e in data["name_contexts"]),
        inactive=_inactive(),
        kinds=tuple(_compiled_kind(i) for i in range(len(kinds["kinds"]))),
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


def _normalised(name: object) -> str | None:
    """The name with dashes, apostrophes and spaces made plain; None when it is no name."""
    if not isinstance(name, str) or len(name) > MAX_NAME_LENGTH:
        return None
    return _collapse(_DASHES.sub("-", name.replace("\u2019", "'"))) or None


def _cores(text: str) -> tuple[bool, str, str]:
    """Whether the name carries an inactive tag; the name without it (where the state is
    read); and that without parenthesised asides (where the kind is read)."""
    inactive_tag = _inactive()
    inactive = inactive_tag.search(text) is not None
    core = _collapse(inactive_tag.sub(" ", text)) if inactive else text
    return inactive, core, _collapse(_PARENTHESISED.sub(" ", core))


@functools.lru_cache(maxsize=100_000)
def kind_among(name: str, wanted: frozenset[str]) -> str | None:
    """``classify(name).kind`` when it is one of ``wanted``, else None.

    Reads only as many kinds' patterns as it takes to tell (kinds are tried in their order,
    the first match wins), so a rule asking "does this name read as federal?" compiles the
    federal patterns alone. Cached; never raises for any input but a broken installation.
    """
    text = _normalised(name)
    if text is None:
        return "unknown" if "unknown" in wanted else None
    _, _, kind_text = _cores(text)
    order = [e["kind"] for e in _kind_source()[1]["kinds"]]
    for index in range(len(order)):
        if "unknown" not in wanted and wanted.isdisjoint(order[index:]):
            return None  # no kind left to try is wanted
        kind, match, exclude = _compiled_kind(index)
        if match.search(kind_text) and not (exclude is not None and exclude.search(kind_text)):
            return kind if kind in wanted else None
    return "unknown" if "unknown" in wanted else None


@functools.lru_cache(maxsize=100_000)
def classify(name: str) -> OrgClass:
    """The kind and state of the organisation called ``name``.

    Cached; never raises for any input (anything but a non-empty name of at most
    :data:`MAX_NAME_LENGTH` characters is ``unknown``). The one exception is a broken
    installation: if the shipped data files are missing or invalid, the first call raises
    :class:`~lpr_lint.errors.BaselineError`, as every other use of shipped data does.
    """
    text = _normalised(name)
    if text is None:
        return UNKNOWN
    rules = _rules()
    inactive, core, kind_text = _cores(text)
    kind = _kind(kind_text, rules)
    if kind == "federal":
        return OrgClass("federal", "US", inactive)
    state = _code_state(core, rules) or _named_state(core, rules)
    if kind == "unknown" and state is None and not inactive:
        return UNKNOWN
    return OrgClass(kind, state, inactive)


def forget() -> None:
    """Drop what was loaded, compiled and read (for tests that swap the data files)."""
    for cached in (_states, _kind_source, _kind_subs, _compiled_kind, _inactive, _rules,
                   kind_among, classify):
        cached.cache_clear()


def export_kind(kind: str) -> str | None:
    """``kind`` in export format v1's partner vocabulary (municipal, county, state, federal,
    tribal, university, private): a prosecutor is ``county``; ``unknown`` (or anything else)
    is None."""
    return _rules().export.get(kind)
