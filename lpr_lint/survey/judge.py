"""Judge each surveyed agency and keep only what the survey shows.

Each agency is judged under the built-in baseline of its own ``agency.state`` (``auto``), or
every agency under one baseline; either way every count is relative to the agency's OWN
state, so an Iowa agency judged under Connecticut's baseline still shows its true
out-of-state recipients. An agency of a state with no baseline is listed as such and never
judged under another state's law. One :class:`~lpr_lint.rules.engine.Checker` per baseline
serves every agency, and a document is dropped as soon as its row is made: rows hold counts
and rule ids, and the recipients view holds one small integer per agency and recipient.
"""

from __future__ import annotations

import datetime as _dt
import os
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from lpr_lint import __version__
from lpr_lint.access.analysis import outside
from lpr_lint.access.records import FEDERAL, Outside
from lpr_lint.errors import InputError
from lpr_lint.history.agency import Agency
from lpr_lint.load.files import Document
from lpr_lint.model import Outcome, Severity, gates
from lpr_lint.paths import display_path
from lpr_lint.rules.baseline import Baseline, load_baseline
from lpr_lint.rules.engine import Checker, Options
from lpr_lint.rules.orgs import classify
from lpr_lint.rules.permissions import vocabulary
from lpr_lint.rules.registry import Auto, state_baseline_id
from lpr_lint.survey.gather import DATED, Source, gather
from lpr_lint.survey.records import (
    AgencyRows,
    Recipients,
    Row,
    Survey,
    Unreadable,
    Verdict,
)
from lpr_lint.survey.totals import recipient_lines, totals

RETENTION_POINTER = "/retention/plate_reads_days"


def retention_limit(baseline: Baseline, as_of: _dt.date) -> int | None:
    """Most days a baseline lets plate reads be kept: its ``retention_days`` parameter when
    ``retention_limited`` is true, else the ``maximum`` of a rule in effect on the retention
    value (Connecticut's 21); None when it sets no number of days."""
    params = baseline.parameters
    limited = params.get("retention_limited")
    days = params.get("retention_days")
    if limited is not None and limited.value is True and days is not None:
        return days.value if isinstance(days.value, int) else None
    for rule in baseline.rules:
        check = rule.check
        if (rule.pointer == RETENTION_POINTER and rule.effective <= as_of
                and isinstance(check, dict) and isinstance(check.get("maximum"), int)):
            return int(check["maximum"])
    return None


class _Judges:
    """The checker for each agency: one baseline for all, or each agency's state's."""

    def __init__(self, baseline: Baseline | Auto, options: Options) -> None:
        self.options = options
        self._fixed = None if isinstance(baseline, Auto) else Checker(baseline, options)
        self._by_id: dict[str, tuple[Checker, int | None]] = {}
        if self._fixed is not None:
            self._by_id[""] = (self._fixed, retention_limit(self._fixed.baseline, options.as_of))

    def pick(self, doc: Document) -> tuple[Checker, int | None] | str:
        """The checker and retention limit, or why the agency is not judged."""
        if self._fixed is not None:
            return self._by_id[""]
        state = Agency.of(doc.data).state  # as state_baseline reads it, without locating it
        if state is None:
            return "no agency.state, so no state's baseline applies; give --baseline ID"
        bid = state_baseline_id(state)
        if bid is None:
            return f"no baseline for its state ({state}); not judged under another state's law"
        if bid not in self._by_id:
            checker = Checker(load_baseline(bid), self.options)
            self._by_id[bid] = (checker, retention_limit(checker.baseline, self.options.as_of))
        return self._by_id[bid]


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _snapshot(source: Source, data: Any) -> str | None:
    if source.snapshot:
        return source.snapshot
    stamp = data.get("exported_at") if isinstance(data, dict) else None
    return stamp[:10] if isinstance(stamp, str) and DATED.match(stamp) else None


def _counts(out: Outside) -> Recipients | None:
    if not out.known:
        return None
    c = out.counts
    return Recipients(c.recipients, c.other_states, c.federal, c.private_or_vendor,
                      c.state_unknown, sum(r.kind == "unknown" for r in out.recipients))


def view_kind(name: str, kind: str) -> str:
    """A recipient's kind for the recipients view: the export kind, refined by the name."""
    if kind in ("federal", "vendor"):
        return kind
    named = classify(name)
    if named.kind == "university":
        if named.public is not None:
            return "university (public)" if named.public else "university (private)"
        return "private" if kind == "private" else "university"
    if kind == "private":
        return kind
    return named.kind if named.kind in ("fusion_center", "prosecutor") else kind


def _row(doc: Document, source: Source, judges: _Judges, out: Outside) -> Row:
    data = doc.data
    retention = data.get("retention") if isinstance(data, dict) else None
    days = _int(retention.get("plate_reads_days")) if isinstance(retention, dict) else None
    base = Row(doc.path, _snapshot(source, data), None, Verdict.NO_BASELINE,
               retention_days=days, recipients=_counts(out))
    picked = judges.pick(doc)
    if isinstance(picked, str):
        return replace(base, note=picked)
    checker, limit = picked
    options = judges.options
    findings = checker.check(doc).findings

    def rules(outcome: Outcome, severity: Severity | None = None) -> tuple[str, ...]:
        return tuple(sorted({f.rule_id for f in findings if f.outcome is outcome
                             and (severity is None or f.severity is severity)}))

    gating = [f for f in findings if gates(f, options.fail_on, options.allow_unknown)]
    verdict = (Verdict.FAIL if any(f.outcome is Outcome.FAIL for f in gating) else
               Verdict.UNKNOWN if any(f.outcome is Outcome.UNKNOWN for f in gating) else
               Verdict.PASS)
    return replace(base, baseline=checker.baseline.id, verdict=verdict,
                   critical=rules(Outcome.FAIL, Severity.CRITICAL),
                   high=rules(Outcome.FAIL, Severity.HIGH), unknown=rules(Outcome.UNKNOWN),
                   retention_limit=limit)


@dataclass
class _Agency:
    name: str | None
    ori: str | None
    state: str | None
    origins: list[str]
    rows: list[Row]
    shares: array[int] = field(default_factory=lambda: array("i"))
    """The latest row's recipients: reading id * 2 + out of this agency's state."""


class _Collector:
    """Agencies as they are read, each keeping its latest row's recipients as integers."""

    def __init__(self, every: bool) -> None:
        self.every = every
        self.agencies: dict[tuple[str, ...], _Agency] = {}
        self.readings: dict[tuple[str, str, str | None, str], int] = {}

    def _shares(self, out: Outside, home: str | None) -> array[int]:
        codes: dict[str, int] = {}  # a name listed twice counts once
        for r in out.recipients:
            name = " ".join(r.name.casefold().split())
            key = (name, r.name, r.state, view_kind(r.name, r.kind))
            code = self.readings.setdefault(key, len(self.readings)) * 2 + (
                r.state not in (None, FEDERAL, home))
            codes[name] = max(code, codes.get(name, code))
        return array("i", sorted(codes.values()))

    def add(self, doc: Document, source: Source, judges: _Judges, as_of: _dt.date) -> None:
        who = Agency.of(doc.data)
        home = who.state or (classify(who.name).state if who.name else None)
        out = outside(doc.data, home, who.name, as_of, vocabulary())
        row = _row(doc, source, judges, out)
        key: tuple[str, ...] = (("ori", who.ori) if who.ori else
                                ("name", " ".join(who.name.casefold().split()), home or "")
                                if who.name else ("path", doc.path))
        origin = (os.path.dirname(source.path) if source.snapshot else source.path)
        agency = self.agencies.get(key)
        if agency is None:
            self.agencies[key] = _Agency(who.name, who.ori, home, [origin], [row],
                                         self._shares(out, home))
            return
        if origin not in agency.origins:
            agency.origins.append(origin)
        newest = max(agency.rows, key=_order)
        if _order(row) > _order(newest):
            agency.shares = self._shares(out, home)
            agency.name, agency.state = who.name, home
        agency.rows = [*agency.rows, row] if self.every else [max(newest, row, key=_order)]

    def notes(self) -> list[str]:
        notes = []
        for a in self.agencies.values():
            if len(a.origins) > 1:
                shown = ", ".join(display_path(o) for o in sorted(a.origins))
                latest = max(a.rows, key=_order).path
                what = ("their snapshots are listed together" if self.every
                        else f"surveyed once, from {latest} (the latest)")
                notes.append(f"{a.name or latest} ({a.state or 'state unknown'}) is named by "
                             f"{len(a.origins)} inputs ({shown}): one agency, {what}")
        return sorted(notes)


def _order(row: Row) -> tuple[str, str]:
    return (row.snapshot or "", row.path)


def survey(paths: Iterable[str], baseline: Baseline | Auto, options: Options, *,
           every: bool = False, source: str | None = None) -> Survey:
    """Read, judge and count every agency under ``paths`` (see :mod:`lpr_lint.survey`)."""
    from lpr_lint.adapters.load import load_input

    judges = _Judges(baseline, options)
    sources, empty = gather(paths, every)
    unreadable = [Unreadable(display_path(d), "no *.json, *.yaml or *.yml files found in "
                             "this folder") for d in empty]
    collector = _Collector(every)
    warnings: list[str] = []
    for src in sources:
        shown = display_path(src.path)
        try:
            loaded = load_input(src.path, shown, source=source)
        except InputError as exc:
            where = "" if exc.line is None else f"line {exc.line}: "
            unreadable.append(Unreadable(shown, where + exc.message))
            continue
        warnings += loaded.warnings
        collector.add(loaded.document, src, judges, options.as_of)
    agencies = sorted((AgencyRows(a.name, a.ori, a.state, tuple(sorted(a.rows, key=_order)))
                       for a in collector.agencies.values()),
                      key=lambda a: ((a.name or "").casefold(), a.name or "", a.state or "",
                                     a.latest.path))
    shares = Counter[int]()
    for a in collector.agencies.values():
        shares.update(a.shares)
    lines = recipient_lines(collector.readings, shares)
    mode = "auto" if isinstance(baseline, Auto) else f"{baseline.id} {baseline.version}"
    unread = tuple(sorted(unreadable, key=lambda u: u.path))
    return Survey(__version__, options.as_of.isoformat(), mode, every, tuple(agencies), unread,
                  lines, tuple(collector.notes() + warnings),
                  totals(agencies, len(unread)))
