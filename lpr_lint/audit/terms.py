"""Read a free-text search reason for a use Connecticut bars.

``Terms.load().match("ICE-assist")`` is ``(TermMatch("immigration", "ice-agency",
"violation"), TermMatch("immigration", "ice-context", "violation"))``; ``match("stolen
vehicle")`` is ``()``. ``vague("INV")`` is True: the reason states no purpose.

Everything it knows is data, not code: the terms of each group (``immigration``,
``reproductive_care``, ``first_amendment``), the exclusions that cancel them and the vague
reasons are in ``baselines/data/audit-terms.yaml``, each with a comment saying why, validated
against ``schemas/audit-terms.schema.json`` when first used (never at import). Patterns stay
in the RE2-compatible subset, so DuckDB or Spark can run the same lists; they are compiled,
alone or as one alternation, by :mod:`lpr_lint.patterns`.

How a reason is read (:func:`normalise`):

1. ``+`` and ``_`` become spaces (Eugene's portal log writes ``+`` for a space);
2. ``287(g)`` becomes ``287g``;
3. a dot after a single letter that starts a word is dropped (``I.C.E.`` → ``ICE``);
4. accents are stripped, every run of other characters than ``A-Za-z0-9`` becomes one space,
   and the text is padded with one space at each end.

That is the *cased* text (``" ICE assist "``); lower-cased it is the *norm* text. Words are
separated by exactly one space, so a pattern matches whole words by writing them between
spaces (``' ice '`` never matches "police" or "justice"). Spaces are used rather than ``\\b``
because they behave alike in every engine. In SQL the norm text is::

    ' ' || trim(regexp_replace(lower(regexp_replace(regexp_replace(regexp_replace(reason,
        '[+_]', ' ', 'g'), '287\\s*\\(\\s*[gG]\\s*\\)', '287g', 'g'),
        '\\b([A-Za-z])\\.', '\\1', 'g')), '[^a-z0-9]+', ' ', 'g')) || ' '

(accent stripping aside). Case is kept for one reason: ``ICE`` in capitals is the agency
(a violation), ``ice`` in lower or title case may be weather, food or methamphetamine
(review, unless an exclusion such as "black ice" or "ice cream" cancels it).

Verdicts: ``violation`` when the words alone state a barred use, ``review`` when a human must
look. Within one group a violation makes the group's review matches redundant and they are
dropped. A statute number such as ``10851`` (California vehicle theft) is not vague: it
names an offense.

Speed: every list is compiled once; the terms of each group form one alternation, and one
pre-check over all groups rejects most reasons in a single ``re.search``. Results are cached
by raw reason and by normalised text (reasons repeat heavily in audit logs).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lpr_lint.audit.cache import KEY_LENGTH
from lpr_lint.errors import BaselineError
from lpr_lint.load import data as resources
from lpr_lint.patterns import compile_pattern, scoped, union

MAX_REASON_LENGTH = 10_000
"""Longer reasons are read up to this many characters."""
CACHE_SIZE = 200_000
CACHED_LENGTH = KEY_LENGTH
"""Reasons (and normalised texts) longer than this are matched without the caches, so the
caches hold at most CACHE_SIZE short strings however long the reasons of a log are."""

_PLUS = re.compile(r"[+_]")
_287G = re.compile(r"287\s*\(\s*[gG]\s*\)")
_ACRONYM_DOT = re.compile(r"\b([A-Za-z])\.")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")


@dataclass(frozen=True, slots=True)
class TermMatch:
    """One term found in a reason."""

    group: str
    """immigration | reproductive_care | first_amendment."""
    term: str
    """The term's id in ``audit-terms.yaml``, e.g. ``ice-agency``."""
    verdict: str
    """violation | review."""


@dataclass(frozen=True, slots=True)
class _Term:
    match: TermMatch
    cased: bool
    pattern: re.Pattern[str]
    exclude: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class _Group:
    name: str
    norm: re.Pattern[str] | None
    """The group's norm-text terms as one alternation."""
    cased: re.Pattern[str] | None
    """The group's cased-text terms as one alternation."""
    terms: tuple[_Term, ...]


def normalise(reason: str) -> str:
    """The *cased* text of ``reason``: words separated by single spaces, padded with a space
    at each end (lower-case it for the *norm* text). See the module docstring."""
    text = _PLUS.sub(" ", reason[:MAX_REASON_LENGTH])
    text = _287G.sub("287g", text)
    text = _ACRONYM_DOT.sub(r"\1", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _NON_WORD.sub(" ", text).strip()
    return f" {text} " if text else " "


# --- loading ------------------------------------------------------------------------------


def _load_data() -> tuple[str, Any]:
    """The shipped data file, parsed and validated against its schema."""
    return resources.load_data_file("data/audit-terms.yaml", "audit-terms.schema.json")


# --- the matcher --------------------------------------------------------------------------


class Terms:
    """The compiled term lists; :meth:`load` gives the shipped ones."""

    __slots__ = ("_groups", "_match_cached", "_match_normalised", "_precheck", "_vague",
                 "_vague_cached")

    def __init__(self, data: Mapping[str, Any], path: str = "audit-terms.yaml") -> None:
        """Compile already-validated data (the shape of ``audit-terms.yaml``)."""
        exclusions: dict[str, str] = {}
        for entry in data["exclusions"]:
            if entry["id"] in exclusions:
                raise BaselineError(f"{path}: exclusion {entry['id']} is listed twice")
            exclusions[entry["id"]] = entry["pattern"]
        groups: list[_Group] = []
        seen_ids: set[str] = set()
        precheck: list[str] = []
        for group in data["groups"]:
            name = group["group"]
            if any(g.name == name for g in groups):
                raise BaselineError(f"{path}: group {name} is listed twice")
            terms: list[_Term] = []
            for entry in group["terms"]:
                term_id = entry["id"]
                if term_id in seen_ids:
                    raise BaselineError(f"{path}: term {term_id} is listed twice")
                seen_ids.add(term_id)
                unknown = [e for e in entry.get("exclude", ()) if e not in exclusions]
                if unknown:
                    raise BaselineError(f"{path}: term {term_id} names unknown exclusion(s) "
                                        f"{', '.join(unknown)}")
                cased = entry.get("text", "norm") == "cased"
                terms.append(_Term(
                    match=TermMatch(name, term_id, entry["verdict"]),
                    cased=cased,
                    pattern=compile_pattern(path, entry["pattern"]),
                    exclude=union(path, (exclusions[e] for e in entry.get("exclude", ()))),
                ))
                # the pre-check runs on the norm text: a cased pattern joins it case-blind
                precheck.append(scoped(entry["pattern"], ignore_case=True) if cased
                                else entry["pattern"])
            groups.append(_Group(
                name=name,
                norm=union(path, (e["pattern"] for e in group["terms"]
                                  if e.get("text", "norm") == "norm")),
                cased=union(path, (e["pattern"] for e in group["terms"]
                                   if e.get("text") == "cased")),
                terms=tuple(terms),
            ))
        self._groups = tuple(groups)
        self._precheck = union(path, precheck)
        self._vague = union(path, (e["pattern"] for e in data["vague"]))
        # per-instance caches (bound to this instance's lists)
        self._match_normalised = functools.lru_cache(maxsize=CACHE_SIZE)(self._read)
        self._match_cached = functools.lru_cache(maxsize=CACHE_SIZE)(self._match_raw)
        self._vague_cached = functools.lru_cache(maxsize=CACHE_SIZE // 4)(self._vague_raw)

    @classmethod
    @functools.cache
    def load(cls) -> Terms:
        """The shipped lists, loaded, validated and compiled once per process (on first use).

        Raises :class:`~lpr_lint.errors.BaselineError` if the shipped data file is missing or
        invalid (a broken installation)."""
        path, data = _load_data()
        return cls(data, path)

    def match(self, reason: str) -> tuple[TermMatch, ...]:
        """Every term found in ``reason``, in the order of the data file; ``()`` when none.

        Cached; never raises (a non-string is ``()``)."""
        try:
            if len(reason) > CACHED_LENGTH:
                return self._match_raw(reason)
            return self._match_cached(reason)
        except TypeError:  # unhashable, or no length: not a string anyway
            return ()

    def vague(self, reason: str) -> bool:
        """Does ``reason`` state no purpose ("investigation", "INV", "n/a", "-", "test")?

        Cached; never raises (a non-string is False)."""
        try:
            if len(reason) > CACHED_LENGTH:
                return self._vague_raw(reason)
            return self._vague_cached(reason)
        except TypeError:
            return False

    def _match_raw(self, reason: object) -> tuple[TermMatch, ...]:
        if not isinstance(reason, str) or not reason:
            return ()
        cased = normalise(reason)
        return self._read(cased) if len(cased) > CACHED_LENGTH else self._match_normalised(cased)

    def _read(self, cased: str) -> tuple[TermMatch, ...]:
        norm = cased.lower()
        if self._precheck is None or self._precheck.search(norm) is None:
            return ()
        found: list[TermMatch] = []
        for group in self._groups:
            if not ((group.norm is not None and group.norm.search(norm))
                    or (group.cased is not None and group.cased.search(cased))):
                continue
            hits = [t.match for t in group.terms
                    if t.pattern.search(cased if t.cased else norm)
                    and not (t.exclude is not None and t.exclude.search(norm))]
            if any(h.verdict == "violation" for h in hits):
                hits = [h for h in hits if h.verdict == "violation"]
            found.extend(hits)
        return tuple(found)

    def _vague_raw(self, reason: object) -> bool:
        if not isinstance(reason, str):
            return False
        return self._vague is not None and self._vague.search(
            normalise(reason).lower()) is not None

    def groups(self) -> tuple[str, ...]:
        """The groups in the order of the data file."""
        return tuple(g.name for g in self._groups)

    def term_ids(self) -> tuple[str, ...]:
        """Every term id, in the order of the data file."""
        return tuple(t.match.term for g in self._groups for t in g.terms)
