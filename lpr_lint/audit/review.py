"""Flag searches in audit logs, summarise them and draw a review sample, in bounded memory.

Memory does not grow with the input: counters are keyed by month, organisation and flag;
flagged rows are spooled to an anonymous temporary file (one JSON object per line, in
file/row order); caches are cleared when they grow past a bound; duplicate IDs are found
among the most recent :data:`DEDUPE_WINDOW` to ``2 ×`` that many searches (repeated rows and
the overlap between consecutive monthly exports), by the hash of the ID.

Gate (``--fail-on``): ``violation`` fails on a violation-level immigration,
reproductive-care or First-Amendment match, or any federal requester; ``review`` also on
review-level matches and out-of-state requesters; ``never`` never fails.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring as _q
from operator import itemgetter
from typing import Any

from lpr_lint.audit.logs import (
    UNKNOWN_MARKERS,
    LogReader,
    day_of,
    fixed_width_iso,
    iso_time,
    partner_key,
)
from lpr_lint.audit.logs import count as _count

FLAGS = ("immigration", "reproductive_care", "first_amendment", "federal_requester",
         "out_of_state_requester", "vague_reason", "missing_reason", "missing_case_number",
         "bulk_search")
"""Every flag code, in report order."""
TERM_GROUPS = ("immigration", "reproductive_care", "first_amendment")
GATES = ("violation", "review", "never")
DEDUPE_WINDOW = 200_000
CACHE_LIMIT = 100_000
TOP_REQUESTERS = 50
_READ = ("id", "org", "search_time", "reason", "case_number", "networks", "devices",
         "offense_type")
_UNKNOWN = frozenset(UNKNOWN_MARKERS | {m.upper() for m in UNKNOWN_MARKERS} | {"REDACTED"})


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
    """Reads logs one after another and keeps what the reports need."""

    def __init__(self, options: Options, terms: Any = None,
                 classify: Callable[[str], Any] | None = None) -> None:
        if terms is None:
            from lpr_lint.audit.terms import Terms

            terms = Terms.load()
        if classify is None:
            from lpr_lint.orgs import classify as default_classify

            classify = default_classify
        self.options = options
        self._terms = terms
        self._classify: Callable[[str], Any] = classify
        self.files: list[dict[str, Any]] = []
        self.scanned = 0
        self.excluded = 0
        self.by_flag = dict.fromkeys(FLAGS, 0)
        self.by_month: dict[str, list[int]] = {}
        """Month → [searches, flagged]."""
        self._orgs: dict[str, list[int]] = {}
        """Organisation → [searches, flagged]."""
        self.violations = 0
        self.reviews = 0
        self.declared = {"declared": 0, "undeclared": 0}
        self.reason_withheld = 0
        self.case_not_recorded: list[str] = []
        self._org_info: dict[str, tuple[str, str | None, tuple[str, ...], str, str]] = {}
        self._reason_info: dict[str, tuple[tuple[str, ...], str, bool, bool]] = {}
        self._flags_json: dict[tuple[str, ...], str] = {}
        self._reservoir: list[dict[str, Any]] = []
        self._candidates = 0
        self._rng = random.Random(options.seed)
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._numbers: dict[str, str] = {}
        self._times: dict[str, str] = {}
        self._buffer: list[str] = []
        self._seen: set[int] = set()
        self._seen_before: set[int] = set()

    # --- per organisation and per reason (cached) ---------------------------------------

    def _org(self, org: str) -> tuple[str, str | None, tuple[str, ...], str, str]:
        """(kind, state, flags, declared_partner JSON, JSON of org/org_kind/org_state)."""
        if len(self._org_info) > CACHE_LIMIT:
            self._org_info.clear()
        name = org.strip()
        cls = self._classify(name) if name and name not in _UNKNOWN else None
        kind = cls.kind if cls else "unknown"
        state = cls.state if cls else None
        flags: tuple[str, ...] = ()
        if kind == "federal" or state == "US":
            flags = ("federal_requester",)
        elif state is not None and state != self.options.agency_state:
            flags = ("out_of_state_requester",)
        declared = "null"
        if flags and self.options.partners is not None:
            declared = "true" if partner_key(name) in self.options.partners else "false"
        enc = (f'"org":{_q(org) if org else "null"},"org_kind":{_q(kind)},'
               f'"org_state":{_q(state) if state else "null"}')
        info = (kind, state, flags, declared, enc)
        self._org_info[org] = info
        return info

    def _reason(self, key: str, reason: str,
                offense: str) -> tuple[tuple[str, ...], str, bool, bool]:
        """(flags, matches JSON, violation, review) for one reason (+ offense type)."""
        if len(self._reason_info) > CACHE_LIMIT:
            self._reason_info.clear()
        parts = [p.strip() for p in (offense, reason) if p.strip()]
        known = [p for p in parts if p not in _UNKNOWN and p.lower() not in UNKNOWN_MARKERS]
        flags: list[str] = []
        matches: list[dict[str, str]] = []
        if not parts:
            flags.append("missing_reason")
        elif known:
            text = " - ".join(known)
            found = self._terms.match(text)
            groups = {m.group for m in found}
            flags.extend(g for g in TERM_GROUPS if g in groups)
            matches = [{"group": m.group, "term": m.term, "verdict": m.verdict} for m in found]
            if self._terms.vague(text):
                flags.append("vague_reason")
        violation = any(m["verdict"] == "violation" for m in matches)
        info = (tuple(flags), json.dumps(matches, sort_keys=True, ensure_ascii=False,
                                         separators=(",", ":")),
                violation, bool(matches))
        self._reason_info[key] = info
        return info

    # --- reading ----------------------------------------------------------------------------

    def scan(self, reader: LogReader, display: str,
             progress: Callable[[LogReader, int], None] | None = None) -> None:
        """Read every search of one log."""
        layout = reader.layout
        cols = layout.columns
        order = [cols.get(f, -1) for f in _READ]
        get = itemgetter(*order)
        width = max(max(order) + 1, 1)
        has_id, has_case = "id" in cols, "case_number" in cols
        if not has_case and display not in self.case_not_recorded:
            self.case_not_recorded.append(display)
        opts = self.options
        since, until = opts.since or "", opts.until or "9999"
        filtered = bool(opts.since or opts.until)
        bulk_n, bulk_d = opts.bulk_networks, opts.bulk_devices
        days: dict[str, str] = {}
        bulk_cache: dict[str, bool] = {}
        org_counts = self._orgs
        org_info, reason_info = self._org_info, self._reason_info
        seen, before = self._seen, self._seen_before
        rows = dups = 0
        file_enc = _q(display)
        key_counts: dict[str, list[int]] = {}
        index = len(self.files)
        try:
            for n, row in reader.rows():
                if not row:
                    continue
                row.append("")
                if len(row) <= width:
                    row.extend([""] * (width + 1 - len(row)))
                rid, org, t, reason, case, nets, devs, offense = get(row)
                if has_id and rid and rid not in _UNKNOWN:
                    h = hash(rid)
                    if h in seen or h in before:
                        dups += 1
                        continue
                    seen.add(h)
                    if len(seen) >= DEDUPE_WINDOW:
                        self._seen_before = before = seen
                        self._seen = seen = set()
                key = t[:10]
                if filtered:
                    day = days.get(key)
                    if day is None:
                        day = days[key] = day_of(t)
                    if not (day and since <= day <= until):
                        self.excluded += 1
                        continue
                rows += 1
                kc = key_counts.get(key)
                if kc is None:
                    kc = key_counts[key] = [0, 0]
                kc[0] += 1
                if progress is not None and not rows & 0xFFFF:
                    progress(reader, rows)
                oc = org_counts.get(org)
                if oc is None:
                    oc = org_counts[org] = [0, 0]
                oc[0] += 1
                oi = org_info.get(org) or self._org(org)
                rkey = reason if not offense else reason + "\x1f" + offense
                ri = reason_info.get(rkey) or self._reason(rkey, reason, offense)
                flags = ri[0] + oi[2]
                if has_case and (not case or case in _UNKNOWN or not case.strip()):
                    flags += ("missing_case_number",)
                if nets or devs:
                    bkey = nets + "|" + devs if devs else nets
                    bulk = bulk_cache.get(bkey)
                    if bulk is None:
                        cn, cd = _count(nets), _count(devs)
                        bulk = bulk_cache[bkey] = bool(
                            (cn is not None and cn > bulk_n) or (cd is not None and cd > bulk_d))
                    if bulk:
                        flags += ("bulk_search",)
                if oi[2] and opts.sample:
                    self._offer(index, display, n, rid, org, oi, t, reason, flags)
                if not flags:
                    continue
                oc[1] += 1
                kc[1] += 1
                self._record(file_enc, n, rid if has_id else "", case if has_case else None,
                             nets, devs, t, reason, offense, oi, ri, flags)
        except (UnicodeDecodeError, csv.Error, OSError, EOFError) as exc:
            raise reader.failure(exc) from None
        for key, (searched, flagged) in key_counts.items():
            month = (days.get(key) or day_of(key))[:7] or "unknown"
            entry = self.by_month.setdefault(month, [0, 0])
            entry[0] += searched
            entry[1] += flagged
        self.scanned += rows
        self.files.append({"path": display, "format": layout.format, "rows": rows,
                           "duplicates": dups, "sha256": _sha256(reader.path)})

    def _record(self, file_enc: str, n: int, rid: str, case: str | None, nets: str,
                devs: str, t: str, reason: str, offense: str,
                oi: tuple[str, str | None, tuple[str, ...], str, str],
                ri: tuple[tuple[str, ...], str, bool, bool], flags: tuple[str, ...]) -> None:
        by_flag = self.by_flag
        for f in flags:
            by_flag[f] += 1
        federal = "federal_requester" in oi[2]
        if ri[2] or federal:
            self.violations += 1
        if ri[3] or ri[2] or oi[2]:
            self.reviews += 1
        if oi[3] != "null":
            self.declared["declared" if oi[3] == "true" else "undeclared"] += 1
        fj = self._flags_json.get(flags)
        if fj is None:
            fj = self._flags_json[flags] = json.dumps(sorted(flags, key=FLAGS.index),
                                                      separators=(",", ":"))
        numbers = self._numbers
        cn = numbers.get(nets) or self._number(nets)
        cd = numbers.get(devs) or self._number(devs)
        buffer = self._buffer
        buffer.append(
            f'{{"case_number":{"null" if case is None else _q(case)},'
            f'"declared_partner":{oi[3]},"devices":{cd},'
            f'"file":{file_enc},"flags":{fj},"id":{_q(rid) if rid else "null"},'
            f'"matches":{ri[1]},"networks":{cn},'
            f'"offense_type":{_q(offense) if offense else "null"},{oi[4]},'
            f'"reason":{_q(reason)},"row":{n},"search_time":{self._iso(t)}}}\n')
        if len(buffer) >= 2048:
            self._spool.write("".join(buffer))
            buffer.clear()

    def _number(self, raw: str) -> str:
        """A count cell as a JSON number (or null), cached."""
        if len(self._numbers) > CACHE_LIMIT:
            self._numbers.clear()
        value = _count(raw)
        text = self._numbers[raw] = "null" if value is None else str(value)
        return text

    def _iso(self, t: str) -> str:
        """:func:`iso_time` as JSON, cached by day and by time of day (both bounded)."""
        fast = fixed_width_iso(t)
        if fast is not None:
            return fast
        head, sep, tail = t.partition(",")
        if not sep:
            when = iso_time(t)
            return _q(when) if when else "null"
        times = self._times
        if len(times) > CACHE_LIMIT:
            times.clear()
        day = times.get(head)
        if day is None:
            day = times[head] = day_of(head)
        tod = times.get(tail)
        if tod is None:
            when = iso_time("1/1/2000," + tail)
            tod = times[tail] = when[10:] if when else ""
        return f'"{day}{tod}"' if day and tod else "null"

    def _offer(self, index: int, display: str, n: int, rid: str, org: str,
               oi: tuple[str, str | None, tuple[str, ...], str, str], t: str, reason: str,
               flags: tuple[str, ...]) -> None:
        """Reservoir sampling (Algorithm R) of out-of-state and federal searches."""
        k = self._candidates
        self._candidates += 1
        size = self.options.sample
        slot = k if k < size else self._rng.randrange(k + 1)
        if slot >= size:
            return
        item = {"_index": index, "file": display, "row": n, "id": rid or None, "org": org,
                "org_state": oi[1], "search_time": iso_time(t), "reason": reason,
                "flags": sorted(flags, key=FLAGS.index)}
        if k < size:
            self._reservoir.append(item)
        else:
            self._reservoir[slot] = item

    # --- results ----------------------------------------------------------------------------

    def flagged_lines(self) -> Iterator[str]:
        """Each flagged row as a JSON line (keys sorted), in file/row order."""
        self._spool.write("".join(self._buffer))
        self._buffer.clear()
        self._spool.flush()
        self._spool.seek(0)
        yield from self._spool

    def flagged(self) -> Iterator[dict[str, Any]]:
        for line in self.flagged_lines():
            yield json.loads(line)

    def close(self) -> None:
        self._spool.close()

    def exit_failed(self) -> bool:
        gate = self.options.fail_on
        return (gate == "violation" and self.violations > 0) or (
            gate == "review" and self.reviews > 0)

    def summary(self) -> dict[str, Any]:
        flagged_total = sum(v[1] for v in self._orgs.values())
        states: dict[str, list[int]] = {}
        requesters = []
        for org, (searches, flagged) in self._orgs.items():
            kind, state = (self._org_info.get(org) or self._org(org))[:2]
            s = states.setdefault(state or "unknown", [0, 0])
            s[0] += searches
            s[1] += flagged
            requesters.append((-searches, org, state, kind, flagged))
        requesters.sort(key=lambda r: (r[0], r[1]))
        out: dict[str, Any] = {
            "flagged": flagged_total,
            "by_flag": dict(self.by_flag),
            "by_month": {m: {"searches": v[0], "flagged": v[1]}
                         for m, v in sorted(self.by_month.items())},
            "by_requester_state": {s: {"searches": v[0], "flagged": v[1]}
                                   for s, v in sorted(states.items())},
            "by_requester": [{"org": org or None, "org_state": state, "org_kind": kind,
                              "searches": -neg, "flagged": flagged}
                             for neg, org, state, kind, flagged in requesters[:TOP_REQUESTERS]],
            "violations": self.violations,
            "needs_review": self.reviews,
            "fail_on": self.options.fail_on,
            "agency_state": self.options.agency_state,
            "excluded_by_date": self.excluded,
            "duplicates": sum(f["duplicates"] for f in self.files),
            "case_number_not_recorded": list(self.case_not_recorded),
            "since": self.options.since,
            "until": self.options.until,
        }
        if self.options.partners is not None:
            out["declared_partner"] = dict(self.declared)
        return out

    def sample(self) -> dict[str, Any] | None:
        if not self.options.sample:
            return None
        rows = [{k: v for k, v in r.items() if k != "_index"}
                for r in sorted(self._reservoir, key=lambda r: (r["_index"], r["row"]))]
        return {"n": self.options.sample, "seed": self.options.seed,
                "population": self._candidates, "rows": rows}


def _sha256(path: str) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()
