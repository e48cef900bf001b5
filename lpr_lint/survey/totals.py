"""The survey's sums: the recipients view and the totals row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from lpr_lint.survey.records import AgencyRows, RecipientLine, Totals, Verdict

PRIVATE_VIEW_KINDS = ("private", "vendor", "university (private)")


def recipient_lines(readings: Mapping[tuple[str, str, str | None, str], int],
                    shares: Mapping[int, int]) -> tuple[RecipientLine, ...]:
    """Every recipient once (by name, regardless of case and spacing), read as most of the
    agencies that share with it read it; those out of state for the sharing agencies, federal
    or private first (most such agencies first), then by how many agencies share with it."""
    by_index = {index: key for key, index in readings.items()}
    agencies: Counter[str] = Counter()
    away: Counter[str] = Counter()
    seen: dict[str, Counter[tuple[str, str | None, str]]] = {}
    for code, count in shares.items():
        name, shown, state, kind = by_index[code // 2]
        agencies[name] += count
        away[name] += count * (code % 2)
        seen.setdefault(name, Counter())[(shown, state, kind)] += count
    lines = []
    for name, counts in seen.items():
        shown, state, kind = min(counts, key=lambda k: (-counts[k], k[0], k[1] or "", k[2]))
        lines.append(RecipientLine(shown, kind, state, agencies[name], away[name],
                                   state == "US" or kind == "federal",
                                   kind in PRIVATE_VIEW_KINDS))
    return tuple(sorted(lines, key=lambda r: (-r.concerning, -r.agencies, r.name.casefold(),
                                              r.name)))


def totals(agencies: Sequence[AgencyRows], unreadable: int) -> Totals:
    """Sums over each agency's latest snapshot."""
    rows = [a.latest for a in agencies]
    verdicts = Counter(r.verdict for r in rows)
    listed = [r.recipients for r in rows if r.recipients is not None]
    judged = [r for r in rows if r.baseline is not None]
    return Totals(
        agencies=len(rows), judged=len(judged), passed=verdicts[Verdict.PASS],
        failed=verdicts[Verdict.FAIL], unknown=verdicts[Verdict.UNKNOWN],
        no_baseline=verdicts[Verdict.NO_BASELINE], unreadable=unreadable,
        over_retention=sum(r.over_retention for r in rows),
        critical=sum(len(r.critical) for r in judged), high=sum(len(r.high) for r in judged),
        unknown_rules=sum(len(r.unknown) for r in judged),
        recipients=sum(c.total for c in listed), out_of_state=sum(c.out_of_state for c in listed),
        federal=sum(c.federal for c in listed), private=sum(c.private for c in listed),
        state_unknown=sum(c.state_unknown for c in listed),
        kind_unknown=sum(c.kind_unknown for c in listed),
        partners_unknown=len(rows) - len(listed))
