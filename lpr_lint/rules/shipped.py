"""``lpr-lint baselines``: every baseline that ships, its version, what it extends, its rules
and how many of them rest on a primary source.

A rule rests on a primary source when one of its citations is a statute whose text the
source reliability marks ``primary`` (the official or an exact copy of the text); rules that
rest only on secondary reports, third-party summaries or unverified pinpoints do not count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from lpr_lint.report.markdown import md_escape
from lpr_lint.rules.baseline import (
    BUILTIN_BASELINES,
    TEMPLATE_BASELINES,
    Baseline,
    Rule,
    load_baseline,
)
from lpr_lint.rules.family import compose


@dataclass(frozen=True, slots=True)
class Shipped:
    """One built-in baseline as the listing shows it."""

    id: str
    version: str
    title: str
    jurisdiction: str
    extends: str | None
    abstract: bool
    rules: int
    primary: int
    """Rules with a primary statute among their citations."""

    @property
    def share(self) -> str:
        return f"{100 * self.primary / self.rules:.0f}%" if self.rules else "-"


def on_primary(rule: Rule, baseline: Baseline) -> bool:
    """Whether a citation of the rule is a statute known from a primary source."""
    return any(c.reliability == "primary"
               and baseline.sources.get(c.source, {}).get("kind") == "statute"
               for c in rule.citations)


def shipped() -> list[Shipped]:
    """Every built-in baseline, by id."""
    from lpr_lint.rules.baseline import resolve_spec

    out = []
    for bid in sorted(BUILTIN_BASELINES):
        if bid in TEMPLATE_BASELINES:
            data = compose(bid, resolve_spec).data
            out.append(Shipped(bid, data["version"], data["title"], data["jurisdiction"],
                               data.get("extends"), True, len(data["rules"]), 0))
            continue
        base = load_baseline(bid)
        chain = base.chain
        out.append(Shipped(bid, base.version, base.title, base.jurisdiction,
                           chain[1] if len(chain) > 1 else None, False, len(base.rules),
                           sum(on_primary(r, base) for r in base.rules)))
    return out


def baselines_text(items: list[Shipped]) -> str:
    width = max(len(s.id) for s in items)
    lines = []
    for s in items:
        if s.abstract:
            what = f"templates for state baselines ({s.rules} rule templates; not checked against)"
        else:
            what = (f"{s.rules} rule{'s' if s.rules != 1 else ''}, {s.share} on primary "
                    f"sources ({s.primary})")
        parent = f"; extends {s.extends}" if s.extends else ""
        lines.append(f"{s.id:<{width}}  {s.version:<10}  {s.title}\n{'':<{width}}  "
                     f"{'':<10}  {what}{parent}")
    import textwrap

    lines.append("")
    lines += textwrap.wrap(
        "A rule is on a primary source when it cites a statute whose text the law reference "
        "confirms from a primary source. --baseline ID picks one; --baseline auto picks each "
        "export's by its agency.state. Not legal advice.", 92)
    return "\n".join(lines) + "\n"


def baselines_json(items: list[Shipped]) -> str:
    data = [{"id": s.id, "version": s.version, "title": s.title,
             "jurisdiction": s.jurisdiction, "extends": s.extends, "abstract": s.abstract,
             "rules": s.rules, "rules_on_primary_sources": s.primary} for s in items]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def baselines_markdown(items: list[Shipped]) -> str:
    lines = ["| Baseline | Version | Title | Rules | On primary sources | Extends |",
             "|---|---|---|---|---|---|"]
    for s in items:
        rules = f"{s.rules} templates" if s.abstract else str(s.rules)
        share = "-" if s.abstract else f"{s.primary} ({s.share})"
        lines.append(f"| `{s.id}` | {s.version} | {md_escape(s.title)} | {rules} | {share} | "
                     f"{s.extends or ''} |")
    return "\n".join(lines) + "\n"
