"""Flag searches in audit logs, summarise them and draw a review sample, in bounded memory.

Memory does not grow with the input: counters are keyed by month, organisation and row
mask; flagged rows are spooled to an anonymous temporary file (one JSON object per line, in
file/row order); caches are cleared when they grow past a bound; duplicate IDs are found
among the most recent :data:`DEDUPE_WINDOW` to ``2 ×`` that many searches (repeated rows and
the overlap between consecutive monthly exports), by the ID itself or a keyed digest of it
(:mod:`lpr_lint.audit.dedupe`: exact, and the same under any ``PYTHONHASHSEED``).

Speed: rows arrive as columns, 512 at a time (:mod:`lpr_lint.audit.columns`, which parses
a large file in a helper process, on another core); each row's flags are one bit mask built
from cached per-organisation and per-reason masks with C-level ``map`` calls, and only
flagged rows are touched one by one, to be written out (:mod:`lpr_lint.audit.spool`).

Gate (``--fail-on``): ``violation`` fails on a violation-level immigration,
reproductive-care or First-Amendment match, or any federal requester; ``review`` also on
review-level matches and out-of-state requesters; ``never`` never fails.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from json.encoder import encode_basestring as _q
from operator import add, and_, gt, itemgetter, or_
from typing import IO, Any

from lpr_lint.audit.cache import Cache
from lpr_lint.audit.columns import Columns
from lpr_lint.audit.dedupe import WINDOW, Dedupe
from lpr_lint.audit.logs import UNKNOWN_MARKERS, LogReader, day_of, iso_time, partner_key
from lpr_lint.audit.logs import count as _count
from lpr_lint.audit.spool import Spool
from lpr_lint.audit.tally import Months, Requesters

FLAGS = ("immigration", "reproductive_care", "first_amendment", "federal_requester",
         "out_of_state_requester", "vague_reason", "missing_reason", "missing_case_number",
         "bulk_search")
"""Every flag code, in report order (flag ``i`` is bit ``1 << i`` of a row's mask)."""
DEDUPE_WINDOW = WINDOW
TOP_REQUESTERS = 50
_READ = ("id", "org", "search_time", "reason", "case_number", "networks", "devices",
         "offense_type")
_REPEATED = frozenset({"org", "reason", "offense_type"})
"""Long values that repeat from row to row: the helper sends equal ones as one object
(measured: worth it for these; for short counts, sharing costs the helper more than it
saves here)."""
_UNKNOWN = frozenset(UNKNOWN_MARKERS | {m.upper() for m in UNKNOWN_MARKERS} | {"REDACTED"})
_BIT = {f: 1 << i for i, f in enumerate(FLAGS)}
# Bits beyond the flags: what the gate and the declared-partner counts need.
_VIOLATION, _REVIEW, _DECLARED, _UNDECLARED = (1 << len(FLAGS) + i for i in range(4))
_REQUESTER = _BIT["federal_requester"] | _BIT["out_of_state_requester"]
_MASK = itemgetter(0)
_ORG_MASK = itemgetter(2)


@dataclass(frozen=True)
class Options:
    """What to flag and how."""

    agency_state: str
    bulk_networks: int = 100
    bulk_devices: int = 1000
    since: str | None = None
    """First UTC day (YYYY-MM-DD) of searches to read; None: no limit."""
    until: str | None = None
    """Last UTC day, inclusive."""
    sample: int = 0
    seed: int = 0
    partners: frozenset[str] | None = None
    """Declared partners' names (:func:`partner_key`); None when no --config was given."""
    fail_on: str = "violation"


class Auditor:
    """Reads logs one after another and keeps what the reports need.

    Each row gets a bit mask: its flags (bit ``i`` for ``FLAGS[i]``) and what the gate and
    the declared-partner counts need. The organisation and reason parts are cached; every
    count in the summary is derived from the counter of masks."""

    def __init__(self, options: Options, terms: Any = None,
                 classify: Callable[[str], Any] | None = None) -> None:
        if terms is None:
            from lpr_lint.audit.terms import Terms

            terms = Terms.load()
        if classify is None:
            from lpr_lint.rules.orgs import classify as default_classify

            classify = default_classify
        self.options = options
        self._terms = terms
        self._classify: Callable[[str], Any] = classify
        self.files: list[dict[str, Any]] = []
        self.scanned = 0
        self.excluded = 0
        self.masks: Counter[int] = Counter()
        """Row mask → number of rows."""
        self._requesters = Requesters(lambda org: (self._org_info.get(org) or self._org(org))[1])
        self._months = Months(lambda key: (self._days.get(key) or day_of(key))[:7])
        self.case_not_recorded: list[str] = []
        """Logs whose format records no case number."""
        self.requester_not_recorded: list[str] = []
        """Logs whose format records no requesting organisation."""
        self._org_info: Cache[tuple[str, str | None, int, str, str]] = Cache()
        self._reason_info: Cache[tuple[int, str]] = Cache()
        self._bulk: Cache[int] = Cache(key_length=64)
        self._missing_case = dict.fromkeys((*_UNKNOWN, ""), _BIT["missing_case_number"])
        self._reservoir: list[dict[str, Any]] = []
        self._candidates = 0
        self._rng = random.Random(options.seed)
        self._spool = Spool(FLAGS)
        self._dedupe = Dedupe(_UNKNOWN, DEDUPE_WINDOW)
        self._since, self._until = options.since or "", options.until or "9999"
        self._days: Cache[str] = Cache()

    @property
    def duplicates(self) -> int:
        """Searches not counted: they repeat the ID of a recent one."""
        return self._dedupe.duplicates

    # --- per organisation, reason and count (cached) -----------------------------------

    def _org(self, org: str) -> tuple[str, str | None, int, str, str]:
        """(kind, state, mask, declared_partner JSON, JSON of org/org_kind/org_state)."""
        name = org.strip()
        cls = self._classify(name) if name and name not in _UNKNOWN else None
        kind = cls.kind if cls else "unknown"
        state = cls.state if cls else None
        mask = 0
        if kind == "federal" or state == "US":
            mask = _BIT["federal_requester"] | _VIOLATION | _REVIEW
        elif state is not None and state != self.options.agency_state:
            mask = _BIT["out_of_state_requester"] | _REVIEW
        declared = "null"
        if mask and self.options.partners is not None:
            declared = "true" if partner_key(name) in self.options.partners else "false"
            mask |= _DECLARED if declared == "true" else _UNDECLARED
        enc = (f'"org":{_q(org) if org else "null"},"org_kind":{_q(kind)},'
               f'"org_state":{_q(state) if state else "null"}')
        return self._org_info.put(org, (kind, state, mask, declared, enc))

    def _reason(self, key: str, reason: str, offense: str) -> tuple[int, str]:
        """(mask, matches JSON) for one reason (+ offense type)."""
        parts = [p.strip() for p in (offense, reason) if p.strip()]
        known = [p for p in parts if p not in _UNKNOWN and p.lower() not in UNKNOWN_MARKERS]
        mask = 0
        matches: list[dict[str, str]] = []
        if not parts:
            mask = _BIT["missing_reason"]
        elif known:
            text = " - ".join(known)
            found = self._terms.match(text)
            for m in found:
                mask |= _BIT[m.group] | _REVIEW | (_VIOLATION if m.verdict == "violation" else 0)
            matches = [{"group": m.group, "term": m.term, "verdict": m.verdict} for m in found]
            if self._terms.vague(text):
                mask |= _BIT["vague_reason"]
        return self._reason_info.put(key, (mask, json.dumps(
            matches, sort_keys=True, ensure_ascii=False, separators=(",", ":"))))

    def _bulk_bit(self, nets: str, devs: str) -> int:
        cn, cd = _count(nets), _count(devs)
        opts = self.options
        bulk = (cn is not None and cn > opts.bulk_networks) or (
            cd is not None and cd > opts.bulk_devices)
        return _BIT["bulk_search"] if bulk else 0

    # --- reading ----------------------------------------------------------------------------

    def scan(self, reader: LogReader, display: str,
             progress: Callable[[str, float | None, int], None] | None = None,
             parallel: bool | None = None) -> None:
        """Read every search of one log.

        The records come as columns, a chunk at a time (:mod:`lpr_lint.audit.columns`;
        ``parallel``: parse the CSV in a helper process, default for large files), and
        every per-row step is a C-level ``map`` over a column (cache look-ups, bit masks,
        counters); only flagged rows reach Python code, to be written to the spool.
        Meanwhile a thread computes the file's SHA-256. ``progress(path, fraction, rows)``
        is called every 65,536 searches."""
        layout = reader.layout
        present = [f for f in _READ if f in layout.columns]
        if "case_number" not in layout.columns and display not in self.case_not_recorded:
            self.case_not_recorded.append(display)
        if "org" not in layout.columns and display not in self.requester_not_recorded:
            self.requester_not_recorded.append(display)
        source = Columns(reader, [layout.columns[f] for f in present], parallel,
                         [i for i, f in enumerate(present) if f in _REPEATED],
                         present.index("search_time") if "search_time" in present else None)
        scanned, dups = self.scanned, self.duplicates
        file_enc = _q(display)
        filtered = bool(self.options.since or self.options.until)
        chunks = iter(source)
        try:
            for numbers, columns, day_keys in chunks:
                cols = dict(zip(present, columns, strict=True))
                keep = self._dedupe.keep(cols["id"]) if "id" in cols else None
                keys = [""] * len(numbers) if day_keys is None else day_keys
                if filtered:
                    in_range = self._in_range(keys, cols.get("search_time") or keys)
                    if keep is None:
                        self.excluded += len(in_range) - sum(in_range)
                        keep = in_range
                    else:
                        self.excluded += sum(map(gt, keep, in_range))
                        keep = list(map(and_, keep, in_range))
                if keep is not None and not all(keep):
                    numbers = list(compress(numbers, keep))
                    cols = {f: tuple(compress(v, keep)) for f, v in cols.items()}
                    keys = list(compress(keys, keep))
                    if not keys:
                        continue
                before = self.scanned
                self.scanned += len(keys)
                if progress is not None and self.scanned >> 16 != before >> 16:
                    progress(reader.path, source.position, self.scanned - scanned)
                self._months.add(keys, self._chunk(cols, numbers, keys, file_enc, display))
        finally:
            chunks.close()  # type: ignore[attr-defined]
        self.files.append({"path": display, "format": layout.format,
                           "rows": self.scanned - scanned,
                           "duplicates": self.duplicates - dups, "sha256": source.sha256})

    def _chunk(self, cols: dict[str, tuple[str, ...]], numbers: Sequence[int],
               keys: Sequence[str], file_enc: str, display: str) -> Iterator[str]:
        """Flag one chunk of rows (as columns); the day keys of its flagged rows."""
        size = len(keys)
        orgs = cols.get("org") or ("",) * size
        ois: list[Any] = list(map(self._org_info.get, orgs))
        if not all(ois):  # (all() is the fast test: `None in` compares each entry)
            ois = [oi or self._org(org) for oi, org in zip(ois, orgs, strict=True)]
        reasons = cols.get("reason") or ("",) * size
        offenses = cols.get("offense_type")
        rkeys = reasons if offenses is None else list(
            map(add, reasons, map(add, repeat("\x1f"), offenses)))
        ris: list[Any] = list(map(self._reason_info.get, rkeys))
        if not all(ris):
            ris = [ri or self._reason(k, r, o) for ri, k, r, o in zip(
                ris, rkeys, reasons, offenses or repeat(""), strict=False)]
        mask_iter = map(or_, map(_MASK, ris), map(_ORG_MASK, ois))
        cases = cols.get("case_number")
        if cases is not None:
            mask_iter = map(or_, mask_iter, map(self._missing_case.get, map(str.strip, cases),
                                                repeat(0)))
        nets, devs = cols.get("networks"), cols.get("devices")
        if nets is not None or devs is not None:
            bkeys: Sequence[str] = nets if devs is None else list(  # type: ignore[assignment]
                map(add, nets or repeat(""), map(add, repeat("|"), devs)))
            bulk = list(map(self._bulk.get, bkeys, repeat(-1)))
            if -1 in bulk:
                for i, (b, k) in enumerate(zip(bulk, bkeys, strict=True)):
                    if b < 0:
                        bulk[i] = self._bulk.put(k, self._bulk_bit(nets[i] if nets else "",
                                                                   devs[i] if devs else ""))
            mask_iter = map(or_, mask_iter, bulk)
        masks = list(mask_iter)
        self.masks.update(masks)
        if self.options.sample:
            for i in compress(range(size), map(and_, map(_ORG_MASK, ois), repeat(_REQUESTER))):
                self._offer(display, numbers[i], cols, i, ois[i], masks[i])
        if not any(masks):
            self._requesters.add(orgs, ())
            return iter(())
        self._requesters.add(orgs, compress(orgs, masks))

        def flagged(column: Sequence[Any] | None) -> Iterator[Any]:
            return compress(repeat("") if column is None else column, masks)

        self._spool.write(file_enc, flagged(numbers), flagged(cols.get("id")),
                          repeat(None) if cases is None else flagged(cases),
                          flagged(nets), flagged(devs), list(flagged(cols.get("search_time"))),
                          flagged(reasons), flagged(offenses), flagged(ois), flagged(ris),
                          flagged(masks))
        return compress(keys, masks)

    def _in_range(self, keys: Sequence[str], times: Sequence[str]) -> list[bool]:
        """Which rows fall within --since/--until (their day cached by the first 10
        characters of the time)."""
        days = self._days
        found: list[Any] = list(map(days.get, keys))
        if not all(found):
            for i, (day, key) in enumerate(zip(found, keys, strict=True)):
                if day is None:
                    found[i] = days.put(key, day_of(times[i]))
        since, until = self._since, self._until
        return [bool(d) and since <= d <= until for d in found]

    def _offer(self, display: str, n: int, cols: dict[str, tuple[str, ...]], i: int,
               oi: tuple[str, str | None, int, str, str], mask: int) -> None:
        """Reservoir sampling (Algorithm R) of out-of-state and federal searches."""
        k = self._candidates
        self._candidates += 1
        size = self.options.sample
        slot = k if k < size else self._rng.randrange(k + 1)
        if slot >= size:
            return
        rid = cols["id"][i] if "id" in cols else ""
        item = {"_index": len(self.files), "file": display, "row": n, "id": rid or None,
                "org": cols["org"][i], "org_state": oi[1],
                "search_time": iso_time(cols["search_time"][i]) if "search_time" in cols
                else None, "reason": cols["reason"][i] if "reason" in cols else "",
                "flags": self._spool.flag_names(mask)}
        if k < size:
            self._reservoir.append(item)
        else:
            self._reservoir[slot] = item

    # --- results ----------------------------------------------------------------------------

    def flagged_lines(self) -> Iterator[str]:
        """Each flagged row as JSON (keys sorted, one line), in file/row order."""
        return self._spool.lines()

    def write_flagged(self, out: IO[str]) -> bool:
        """The flagged rows as the items of an indented JSON array (see
        :meth:`Spool.copy_to`); False when there are none."""
        return self._spool.copy_to(out)

    def flagged(self) -> Iterator[dict[str, Any]]:
        for line in self.flagged_lines():
            yield json.loads(line)

    def close(self) -> None:
        self._spool.close()

    def _count(self, bit: int) -> int:
        """How many rows have ``bit`` in their mask."""
        return sum(n for mask, n in self.masks.items() if mask & bit)

    def exit_failed(self) -> bool:
        gate = self.options.fail_on
        return (gate == "violation" and self._count(_VIOLATION) > 0) or (
            gate == "review" and self._count(_REVIEW) > 0)

    def not_recorded(self) -> list[str]:
        """The flags no log could raise: every log's format lacks the column they need (the
        requester for the requester flags, the case number for ``missing_case_number``).
        Their counts are None, not 0: nothing was found because nothing was recorded."""
        def nowhere(files: list[str]) -> bool:
            return bool(self.files) and all(f["path"] in files for f in self.files)

        missing: list[str] = []
        if nowhere(self.requester_not_recorded):
            missing += ["federal_requester", "out_of_state_requester"]
        if nowhere(self.case_not_recorded):
            missing.append("missing_case_number")
        return [f for f in FLAGS if f in missing]

    def summary(self) -> dict[str, Any]:
        requesters = self._requesters
        not_recorded = self.not_recorded()
        top = []
        for org, searches, flagged in requesters.top(TOP_REQUESTERS):
            kind, state = (self._org_info.get(org) or self._org(org))[:2]
            top.append({"org": org or None, "org_state": state, "org_kind": kind,
                        "searches": searches, "flagged": flagged})
        out: dict[str, Any] = {
            "flagged": sum(n for mask, n in self.masks.items() if mask),
            "by_flag": {f: None if f in not_recorded else self._count(_BIT[f]) for f in FLAGS},
            "not_recorded": not_recorded,
            "by_month": {m: {"searches": v[0], "flagged": v[1]}
                         for m, v in self._months.result().items()},
            "by_requester_state": {s: {"searches": v[0], "flagged": v[1]}
                                   for s, v in requesters.by_state().items()},
            "by_requester": top,
            "violations": self._count(_VIOLATION),
            "needs_review": self._count(_REVIEW),
            "fail_on": self.options.fail_on,
            "agency_state": self.options.agency_state,
            "excluded_by_date": self.excluded,
            "duplicates": self.duplicates,
            "case_number_not_recorded": list(self.case_not_recorded),
            "requester_not_recorded": list(self.requester_not_recorded),
            "since": self.options.since,
            "until": self.options.until,
        }
        if requesters.pruned:
            out["by_requester_approximate"] = True  # (more than ORG_LIMIT organisations)
        if self.options.partners is not None:
            out["declared_partner"] = {"declared": self._count(_DECLARED),
                                       "undeclared": self._count(_UNDECLARED)}
        return out

    def sample(self) -> dict[str, Any] | None:
        if not self.options.sample:
            return None
        rows = [{k: v for k, v in r.items() if k != "_index"}
                for r in sorted(self._reservoir, key=lambda r: (r["_index"], r["row"]))]
        return {"n": self.options.sample, "seed": self.options.seed,
                "population": self._candidates, "rows": rows}

