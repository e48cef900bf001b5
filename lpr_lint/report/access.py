"""Access reports: who can reach an agency's data and do what.

Text for a terminal, Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY`` (every
cell escaped), JSON for tools (keys sorted). Outside: the organisations that receive the data,
by state and kind, and the totals in plain words; inside: each role permission with the roles
that hold it. A value the export does not give is said to be unknown, never left out.
"""

from __future__ import annotations

import abc
import json
import re
from collections.abc import Sequence
from typing import Any

from lpr_lint import TOOL_NAME, __version__
from lpr_lint.access.records import (
    AccessReport,
    Fact,
    Grant,
    Holding,
    Inside,
    Outside,
    PermissionTotal,
    Recipient,
    StateGroup,
    kind_word,
)
from lpr_lint.report.markdown import md_code, md_escape, md_opening

_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
"""Control characters (a terminal escape in a name), removed from text output."""
POOL_WORDS = {"national_lookup": "national lookup", "statewide_network": "statewide network",
              "radius_sharing_miles": "radius sharing"}
STATES_LISTED = 8
"""Up to this many states are named in a total (``3 in 2 states (CT, NY)``); more are counted."""
INBOUND = "inbound only (we search their cameras; they receive none of our data)"


class AccessReporter(abc.ABC):
    """Renders a whole access report as one string."""

    @abc.abstractmethod
    def render(self, report: AccessReport) -> str:
        """The complete output, ending in a newline."""


# --- words shared by every format -----------------------------------------------------------

def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def agency_text(report: AccessReport) -> str:
    """``Lakeside Police Department (CT, ORI CT0012300)``."""
    state = report.agency_state and report.agency_state + (
        " from its name" if report.agency_state_from_name else "")
    extra = [x for x in (state, f"ORI {report.agency_ori}" if report.agency_ori else None) if x]
    name = report.agency_name or "an agency the export does not name"
    return name + (f" ({', '.join(extra)})" if extra else "")


def home_word(report: AccessReport) -> str:
    return report.agency_state or "the agency's state"


def permissions_text(grants: Sequence[Grant] | None) -> str:
    if grants is None:
        return "unknown (not in the export): may hold any"
    return ", ".join(g.text for g in grants) or "none"


def where_text(t: PermissionTotal) -> str:
    """``3 in 2 states (CT, NY), 1 federal, 1 of unknown state``."""
    placed = t.organisations - t.federal - t.state_unknown
    parts = []
    if placed:
        codes = f" ({', '.join(t.states)})" if 1 < len(t.states) <= STATES_LISTED else ""
        where = t.states[0] if len(t.states) == 1 else f"{len(t.states)} states{codes}"
        parts.append(f"{placed} in {where}")
    parts += [f"{t.federal} federal"] if t.federal else []
    parts += [f"{t.state_unknown} of unknown state"] if t.state_unknown else []
    return ", ".join(parts)


def totals_lines(o: Outside) -> list[str]:
    """One line per partner permission (``4 organisations can search our plate reads: 3 in
    2 states (CT, NY), 1 federal``), then the organisations whose permissions are unknown."""
    c, lines = o.counts, []
    if c.recipients and c.permissions_unknown == c.recipients:
        every = [t.grant.meaning or t.grant.name for t in o.totals]
        return [f"permissions unknown for {'all ' if c.recipients > 1 else ''}"
                f"{_n(c.recipients, 'organisation')}: any of them may "
                f"{', '.join(every[:-1])} or {every[-1]}"]
    for i, t in enumerate(o.totals):
        who = _n(t.organisations, "organisation") if i == 0 else str(t.organisations)
        where = where_text(t)
        lines.append(f"{who} can {t.grant.meaning or t.grant.name}"
                     + (f": {where}" if where else ""))
    if c.permissions_unknown:
        lines.append(f"permissions unknown for {c.permissions_unknown} more "
                     f"organisation{'s' if c.permissions_unknown != 1 else ''}: "
                     "they may hold any of these")
    return lines


def counts_lines(report: AccessReport) -> list[str]:
    """Where the recipients are, and what is missing or flagged."""
    c, home = report.outside.counts, home_word(report)
    codes = f" ({', '.join(c.other_state_codes)})" if c.other_state_codes else ""
    where = ([f"{c.home_state} in {home}",
              _n(c.other_states, "in another state", "in other states") + codes]
             if c.home_state is not None else
             ["the agency's state is unknown", f"{c.other_states} with a known state{codes}"])
    where += [f"{c.federal} federal", f"{c.state_unknown} of unknown state"]
    lines = [", ".join(where), f"{c.private_or_vendor} private or vendor",
             f"{c.no_declaration} without a declaration" + (
                 f" ({c.no_declaration_away} of them not in {home})"
                 if c.home_state is not None else ""), f"{c.expired} expired"]
    if c.direction_unknown:
        lines.append(f"{c.direction_unknown} of unknown direction (counted as recipients)")
    if c.flagged:
        lines.append(f"{_n(c.flagged, 'organisation')} flagged")
    return lines


def pools_text(o: Outside) -> str:
    """``national lookup off; statewide network on; radius sharing off``."""
    parts = []
    for key, fact in o.pools:
        word = POOL_WORDS.get(key, key)
        if fact.value is None:
            parts.append(f"{word} {fact.unknown_text}")
        elif isinstance(fact.value, bool) or not fact.value:
            parts.append(f"{word} {'on' if fact.value else 'off'}")
        else:
            parts.append(f"{word} {fact.value:g} miles")
    return "; ".join(parts)


def pool_warnings(o: Outside) -> list[str]:
    """Pools that reach organisations the partner list does not name."""
    values = dict(o.pools)
    out = []
    if values.get("national_lookup", Fact(None)).value is True:
        out.append("national lookup is on: agencies in any state can search our data, "
                   "listed or not")
    radius = values.get("radius_sharing_miles", Fact(None)).value
    if isinstance(radius, (int, float)) and not isinstance(radius, bool) and radius > 0:
        out.append(f"radius sharing reaches every agency within {radius:g} miles, whatever "
                   "its state, listed or not")
    return out


def outside_heading(o: Outside) -> str:
    if not o.known:
        return o.problem or "who receives the data is unknown"
    return (f"{_n(o.counts.recipients, 'organisation')} "
            f"receive{'s' if o.counts.recipients == 1 else ''} our data; "
            f"{o.counts.inbound} inbound only")


def holding_users(h: Holding) -> str:
    if not h.roles:
        return "no role"
    if h.users_unknown == len(h.roles):
        return f"{_n(h.users_unknown, 'role')} of unknown size"
    unknown_part = f" and {_n(h.users_unknown, 'role')} of unknown size" if h.users_unknown else ""
    return f"{_n(h.users, 'user')}{unknown_part}"


def holding_notes(h: Holding, ceiling: int) -> list[str]:
    notes = [f"{_n(int(r.users.value or 0), 'user')} in {r.name} (more than {ceiling})"
             for r in h.over_ceiling]
    if h.grant.elevated and h.users_unknown:
        notes.append("a role of unknown size holds it")
    if h.grants_anything and h.roles:
        notes.append("can grant any permission")
    return notes


def setting_text(fact: Fact, yes: str, no: str, word: str) -> str:
    if fact.value is None:
        return f"{word} {fact.unknown_text}"
    return yes if fact.value else no


def inside_settings(i: Inside) -> list[str]:
    """``MFA required``, ``SSO on``, ``0 shared accounts``."""
    shared = i.shared_accounts
    return [setting_text(i.mfa_required, "MFA required", "MFA NOT required", "MFA"),
            setting_text(i.sso, "SSO on", "SSO off", "SSO"),
            f"shared accounts {shared.unknown_text}" if shared.value is None
            else _n(int(shared.value), "shared account")]


def inside_warnings(i: Inside) -> list[str]:
    """What the inside section flags beyond the per-permission notes."""
    out = []
    if i.mfa_required.value is False:
        out.append("MFA is not required: a stolen password is enough to search")
    if isinstance(i.shared_accounts.value, int) and i.shared_accounts.value > 0:
        out.append(f"{_n(i.shared_accounts.value, 'shared account')}: their searches cannot "
                   "be tied to a person")
    out += [f"permissions unknown for role {r.name} ("
            f"{_n(r.users.value, 'user') if isinstance(r.users.value, int) else r.users_text})"
            ": it may hold any" for r in i.permissions_unknown]
    return out


def inside_heading(i: Inside) -> str:
    if not i.known:
        return i.problem or "who inside can do what is unknown"
    size = _n(i.users, "user") + (f" and {_n(i.users_unknown, 'role')} of unknown size"
                                  if i.users_unknown else "")
    return f"{_n(len(i.roles), 'role')}, {size}"


# --- text ---------------------------------------------------------------------------------

def _recipient_lines(r: Recipient, indent: str) -> list[str]:
    ori = f", ORI {r.ori}" if r.ori else ""
    lines = [f"{indent}{r.name or '(no name)'}{ori} ({r.direction_text})",
             f"{indent}  permissions: {permissions_text(r.permissions)}",
             f"{indent}  {r.declaration_text}; {r.warrant_text}; {r.expires_text}"]
    return lines + [f"{indent}  ! {f}" for f in r.flags]


class TextAccessReporter(AccessReporter):
    """Outside by state and kind, then inside by permission weight."""

    def render(self, report: AccessReport) -> str:
        o, i = report.outside, report.inside
        lines = [f"Who can reach the data of {agency_text(report)}",
                 f"{report.path} (read as {report.source}), as of {report.as_of}"]
        lines += [f"note: {n}" for n in report.notices]
        lines += ["", f"OUTSIDE: {outside_heading(o)}"]
        if o.known:
            lines += [f"  {x}" for x in totals_lines(o)] + [f"  {'; '.join(counts_lines(report))}"]
        lines.append(f"  pools beyond the partner list: {pools_text(o)}")
        lines += [f"  ! {w}" for w in pool_warnings(o)]
        for group in o.groups:
            lines += ["", f"  {group.heading}"]
            for kg in group.kinds:
                lines.append(f"    {kind_word(kg.kind)}")
                for r in kg.recipients:
                    lines += _recipient_lines(r, "      ")
        if o.inbound:
            lines += ["", f"  {INBOUND}: {len(o.inbound)}"]
            for r in o.inbound:
                lines.append(f"    {r.name or '(no name)'} ({r.state or 'state unknown'}, "
                             f"{r.kind_text})")
                lines += [f"      ! {f}" for f in r.flags]
        lines += ["", f"INSIDE: {inside_heading(i)}; {'; '.join(inside_settings(i))}"]
        lines += [f"  ! {w}" for w in inside_warnings(i)]
        if i.known:
            weight = None
            for h in i.holdings:
                if h.grant.weight != weight:
                    weight = h.grant.weight
                    ceiling = (f" (a role of more than {i.ceiling} users is flagged: "
                               f"{i.ceiling_source})" if weight == "elevated" else "")
                    lines.append(f"  {weight or 'not in the vocabulary'}{ceiling}")
                roles = ", ".join(f"{r.name} ({r.users_text})" for r in h.roles)
                meaning = f" — {h.grant.meaning}" if h.grant.meaning else ""
                lines.append(f"    {h.grant.name}{meaning}: {holding_users(h)}"
                             + (f" in {roles}" if roles else ""))
                lines += [f"      ! {x}" for x in holding_notes(h, i.ceiling)]
        return _CONTROL.sub("", "\n".join(lines)) + "\n"


# --- markdown -------------------------------------------------------------------------------

def _md_grants(grants: Sequence[Grant] | None) -> str:
    if grants is None:
        return "**unknown**"
    return ", ".join(f"**{md_escape(g.name)}** (elevated)" if g.elevated
                     else md_escape(g.text) for g in grants) or "none"


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


OUTSIDE_HEADER = ["| State | Kind | Organisation | ORI | Direction | Permissions | Declaration "
                  "| Warrant only | Expires | Flags |", "|---|---|---|---|---|---|---|---|---|---|"]
INSIDE_HEADER = ["| Weight | Permission | Meaning | Users | Roles | Notes |",
                 "|---|---|---|---|---|---|"]


def _md_recipient(r: Recipient, group: StateGroup) -> str:
    expires = r.expires_text
    return _md_row([
        md_escape(group.heading), md_escape(r.kind_text),
        md_escape(r.name or "(no name)"), md_code(r.ori or ""), md_escape(r.direction_text),
        _md_grants(r.permissions), md_escape(r.declaration_text),
        md_escape(r.warrant_text.removeprefix("warrant only: ")),
        f"**{md_escape(expires)}**" if r.expired else md_escape(expires),
        md_escape("; ".join(r.flags))])


class MarkdownAccessReporter(AccessReporter):
    """A pull-request comment: the totals, a table of recipients, a table of permissions."""

    def render(self, report: AccessReport) -> str:
        o, i = report.outside, report.inside
        lines = md_opening(f"lpr-lint access: {md_escape(report.agency_name or report.path)}",
                           f"Who can reach the data of {md_escape(agency_text(report))}: "
                           f"{md_code(report.path, table=False)} (read as "
                           f"{md_escape(report.source)}), as of {report.as_of}.",
                           report.notices)
        lines += [f"#### Outside: {md_escape(outside_heading(o))}", ""]
        if o.known:
            lines += [f"- {md_escape(x)}" for x in totals_lines(o)]
            lines.append(f"- {md_escape('; '.join(counts_lines(report)))}")
        lines.append(f"- pools beyond the partner list: {md_escape(pools_text(o))}")
        lines += [f"- **{md_escape(w)}**" for w in pool_warnings(o)] + [""]
        if o.recipients:
            lines += OUTSIDE_HEADER
            lines += [_md_recipient(r, g) for g in o.groups for k in g.kinds
                      for r in k.recipients]
            lines.append("")
        if o.inbound:
            lines += [f"{md_escape(INBOUND[0].upper() + INBOUND[1:])}: {len(o.inbound)}", ""]
            lines += [f"- {md_escape(r.name or '(no name)')} "
                      f"({md_escape(r.state or 'state unknown')}, {md_escape(r.kind_text)})"
                      + (f": {md_escape('; '.join(r.flags))}" if r.flags else "")
                      for r in o.inbound]
            lines.append("")
        lines += [f"#### Inside: {md_escape(inside_heading(i))}", "",
                  f"- {md_escape('; '.join(inside_settings(i)))}"]
        lines += [f"- **{md_escape(w)}**" for w in inside_warnings(i)]
        if i.known:
            lines += [f"- a role of more than {i.ceiling} users holding an elevated permission "
                      f"is flagged ({md_escape(i.ceiling_source)})", "", *INSIDE_HEADER]
            for h in i.holdings:
                weight = h.grant.weight or "not in the vocabulary"
                notes = holding_notes(h, i.ceiling)
                lines.append(_md_row([
                    f"**{weight}**" if h.grant.elevated else md_escape(weight),
                    md_code(h.grant.name), md_escape(h.grant.meaning or ""),
                    md_escape(holding_users(h)),
                    md_escape(", ".join(f"{r.name} ({r.users_text})" for r in h.roles)),
                    md_escape("; ".join(notes))]))
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"


# --- json -----------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """A record as JSON data: its fields by name, a fact as ``{value, known, problem}``."""
    if isinstance(value, Fact):
        return {"value": value.value, "known": value.value is not None, "problem": value.problem}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    fields = getattr(value, "__dataclass_fields__", None)
    return value if fields is None else {k: _plain(getattr(value, k)) for k in fields}


class JsonAccessReporter(AccessReporter):
    """``outside`` (recipients in report order, inbound, totals, counts, pools) and
    ``inside`` (roles, holdings, settings); keys sorted."""

    def render(self, report: AccessReport) -> str:
        o, i = report.outside, report.inside
        data = {
            "tool": {"name": TOOL_NAME, "version": __version__},
            "path": report.path, "sha256": report.sha256, "source": report.source,
            "as_of": report.as_of, "notices": list(report.notices),
            "weights": list(report.weights),
            "agency": {"name": report.agency_name, "ori": report.agency_ori,
                       "state": report.agency_state,
                       "state_from_name": report.agency_state_from_name},
            "outside": {
                "known": o.known, "problem": o.problem,
                "pools": {k: _plain(f) for k, f in o.pools}, "pool_warnings": pool_warnings(o),
                "recipients": _plain(o.recipients), "inbound": _plain(o.inbound),
                "totals": _plain(o.totals), "counts": _plain(o.counts),
                "summary": totals_lines(o) + counts_lines(report) if o.known else [],
            },
            "inside": {
                **{k: _plain(getattr(i, k)) for k in ("known", "problem", "ceiling",
                                                      "ceiling_source", "users",
                                                      "mfa_required", "sso", "shared_accounts",
                                                      "roles")},
                "roles_of_unknown_size": i.users_unknown,
                "permissions_unknown": [r.pointer for r in i.permissions_unknown],
                "holdings": [{"grant": _plain(h.grant), "roles": [r.pointer for r in h.roles],
                              "users": h.users, "roles_of_unknown_size": h.users_unknown,
                              "over_ceiling": [r.pointer for r in h.over_ceiling],
                              "grants_anything": h.grants_anything,
                              "notes": holding_notes(h, i.ceiling)} for h in i.holdings],
                "warnings": inside_warnings(i),
            },
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
