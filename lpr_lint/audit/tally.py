"""Counts of searches and flagged searches by month and by requester, in bounded memory
whatever the input: a log with a million distinct (garbage) times or organisation names
does not make a million counters.

* :class:`Months` counts by the first 10 characters of each search time (a cheap key
  that repeats) and folds the keys into months when there are more than
  :data:`KEY_LIMIT` of them, and when asked for the result.
* :class:`Requesters` counts by organisation. Past :data:`ORG_LIMIT` organisations, the
  half with the fewest searches are folded into per-state totals: the totals by state stay
  exact, and the top requesters become approximate (:attr:`Requesters.pruned` says so).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

KEY_LIMIT = 100_000
ORG_LIMIT = 100_000


class Months:
    """Searches and flagged searches by month (``YYYY-MM``, or ``unknown``)."""

    def __init__(self, month_of: Callable[[str], str], limit: int | None = None) -> None:
        self._month_of = month_of
        self._limit = KEY_LIMIT if limit is None else limit
        self._all: Counter[str] = Counter()
        self._flagged: Counter[str] = Counter()
        self._months: dict[str, list[int]] = {}

    def add(self, keys: Iterable[str], flagged_keys: Iterable[str]) -> None:
        """Count searches by key (``flagged_keys``: those of the flagged ones)."""
        self._all.update(keys)
        self._flagged.update(flagged_keys)
        if len(self._all) > self._limit:
            self._fold()

    def _fold(self) -> None:
        for key, searched in self._all.items():
            entry = self._months.setdefault(self._month_of(key) or "unknown", [0, 0])
            entry[0] += searched
            entry[1] += self._flagged[key]
        self._all.clear()
        self._flagged.clear()

    def result(self) -> dict[str, list[int]]:
        """Month → [searches, flagged], sorted by month."""
        self._fold()
        return dict(sorted(self._months.items()))


class Requesters:
    """Searches and flagged searches by requester organisation (as written in the log)."""

    def __init__(self, state_of: Callable[[str], str | None], limit: int | None = None) -> None:
        self._state_of = state_of
        self._limit = ORG_LIMIT if limit is None else limit
        self.searches: Counter[str] = Counter()
        self.flagged: Counter[str] = Counter()
        self._other: dict[str | None, list[int]] = {}
        self.pruned = 0
        """How many organisations' counts were folded into their state's total."""

    def add(self, orgs: Iterable[str], flagged_orgs: Iterable[str]) -> None:
        self.searches.update(orgs)
        self.flagged.update(flagged_orgs)
        if len(self.searches) > self._limit:
            self._prune()

    def _prune(self) -> None:
        ranked = sorted(self.searches.items(), key=lambda item: (-item[1], item[0]))
        for org, searched in ranked[self._limit // 2:]:
            entry = self._other.setdefault(self._state_of(org), [0, 0])
            entry[0] += searched
            entry[1] += self.flagged.pop(org, 0)
            del self.searches[org]
            self.pruned += 1

    def by_state(self) -> dict[str, list[int]]:
        """State (or ``unknown``) → [searches, flagged], sorted by state; exact."""
        states: dict[str, list[int]] = {}
        rows = [(self._state_of(org), n, self.flagged[org]) for org, n in self.searches.items()]
        rows += [(state, n, f) for state, (n, f) in self._other.items()]
        for state, searched, flagged in rows:
            entry = states.setdefault(state or "unknown", [0, 0])
            entry[0] += searched
            entry[1] += flagged
        return dict(sorted(states.items()))

    def top(self, n: int) -> list[tuple[str, int, int]]:
        """The ``n`` organisations with the most searches: (org, searches, flagged)."""
        ranked = sorted(self.searches.items(), key=lambda item: (-item[1], item[0]))
        return [(org, searched, self.flagged[org]) for org, searched in ranked[:n]]
