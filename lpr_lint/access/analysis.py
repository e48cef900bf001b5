"""Who can reach an agency's data and do what, read from one export.

Outside: every organisation in ``sharing.partners`` that receives our data — direction
``outbound`` or ``both``, or a direction the export does not give (unknown is never assumed
safe) — with its state and kind from the export, else from its name
(:func:`lpr_lint.rules.orgs.classify`). Where the export's label and the name disagree on
federal or private, both are shown and the name's reading counts (a label must not launder a
recipient); where they disagree on the state and the label says the agency's own state, the
name's state counts. ``inbound`` partners (we search their cameras) receive nothing and are
listed apart. Inside: each role permission of the vocabulary with the roles that hold it and
their users.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from lpr_lint.access.records import (
    FEDERAL,
    PRIVATE_KINDS,
    AccessReport,
    Declaration,
    Fact,
    Grant,
    Holding,
    Inside,
    KindGroup,
    Outside,
    OutsideCounts,
    PermissionTotal,
    Recipient,
    Role,
    StateGroup,
)
from lpr_lint.history.agency import Agency
from lpr_lint.jsondata import describe, is_date, is_type
from lpr_lint.rules.orgs import classify, export_kind
from lpr_lint.rules.permissions import Vocabulary, vocabulary

if TYPE_CHECKING:
    from lpr_lint.rules.baseline import Baseline

CEILING_PARAMETER = "elevated_role_max_users"
"""The baseline parameter that caps the users of a role with a configuration permission
(rules CT-ACC-003 and CT-ACC-005 of the Connecticut baseline); the report applies it to every
elevated permission."""
ELEVATED_ROLE_CEILING = 5
"""The ceiling when the baseline judged with has no :data:`CEILING_PARAMETER` (a baseline of
one's own): the Connecticut baseline's value."""
GRANTS_ANYTHING = "user_manage"
"""A role that can create users and give them roles can give itself any permission."""
RECIPIENT_DIRECTIONS = ("outbound", "both")
KIND_ORDER = ("municipal", "county", "state", "tribal", "university", "federal", "private",
              "vendor")
"""Export format v1's partner kinds, the order recipients are grouped in within a state."""
NAME_WINS = ("federal", "private")
"""Kinds a name shows that outweigh a different label."""
POOLS = ("national_lookup", "statewide_network", "radius_sharing_miles")
DEFAULT_SOURCE = "lpr-lint's default"


# --- reading values -----------------------------------------------------------------------

def _text(value: Any) -> str | None:
    return (" ".join(value.split()) or None) if isinstance(value, str) else None


def _section(data: Any, key: str) -> dict[str, Any] | None:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else None


def _fact(holder: dict[str, Any] | None, key: str, kind: str) -> Fact:
    """``holder[key]`` if it has JSON type ``kind`` (boolean, integer, number, string)."""
    if holder is None or key not in holder or holder[key] is None:
        return Fact(None)
    value = holder[key]
    if not is_type(value, kind) or (kind != "boolean" and isinstance(value, bool)):
        return Fact(None, f"{describe(value)}, not {_TYPE_WORDS[kind]}")
    if kind == "integer":
        return Fact(None, f"{describe(value)}, below 0") if value < 0 else Fact(int(value))
    return Fact(_text(value) if kind == "string" else value)


_TYPE_WORDS = {"boolean": "true or false", "integer": "a whole number",
               "number": "a number", "string": "text"}


def _grants(value: Any, holder: str, vocab: Vocabulary) -> tuple[Grant, ...]:
    """A permission list as grants: vocabulary order, then names outside it, once each."""
    known = {p.name: (i, p) for i, p in enumerate(vocab.of(holder))}
    names = {v if isinstance(v, str) else describe(v) for v in value}
    ordered = sorted(names, key=lambda n: (0, known[n][0], "") if n in known else (1, 0, n))
    return tuple(Grant(n, known[n][1].weight, known[n][1].meaning) if n in known
                 else Grant(n, None, None) for n in ordered)


def _permissions(entry: dict[str, Any], holder: str, vocab: Vocabulary,
                 flags: list[str]) -> tuple[Grant, ...] | None:
    value = entry.get("permissions")
    if value is None:
        return None
    if not isinstance(value, list):
        flags.append(f"permissions are {describe(value)}, not a list: unknown")
        return None
    return _grants(value, holder, vocab)


# --- outside --------------------------------------------------------------------------------

def _declaration(value: Any) -> Declaration | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        return Declaration(None, None, (), f"{describe(value)}, not a mapping")
    covers = value.get("covers")
    return Declaration(_text(value.get("reference")), _text(value.get("signed_on")),
                       tuple(str(c) for c in covers) if isinstance(covers, list) else ())


def _expires(entry: dict[str, Any], as_of: _dt.date) -> tuple[Fact, bool]:
    fact = _fact(entry, "expires", "string")
    if fact.value is None:
        return fact, False
    if not is_date(str(fact.value)):
        return Fact(None, f"{describe(entry['expires'])}, not a date"), False
    return fact, _dt.date.fromisoformat(str(fact.value)) < as_of


def _upper(value: Any) -> str | None:
    text = _text(value)
    return text.upper() if text else None


@functools.lru_cache(maxsize=65_536)  # the same partners recur snapshot after snapshot
def _where(name: str, labelled_state: str | None, labelled_kind: str | None, home: str | None
           ) -> tuple[str | None, str, str | None, str | None, tuple[str, ...]]:
    """(state, kind, the name's state, the name's kind, what disagrees)."""
    flags: list[str] = []
    found = classify(name) if name else None
    named_kind = export_kind(found) if found is not None else None
    named_state = found.state if found is not None else None
    label = " ".join(x for x in (labelled_kind, labelled_state) if x)
    named = " ".join(x for x in (named_kind, named_state) if x and x != FEDERAL)
    labelled_federal = labelled_kind == "federal" or labelled_state == FEDERAL
    if labelled_federal or named_kind == "federal":
        if not labelled_federal and label:
            flags.append(f"labelled {label}, but its name reads federal: counted as federal")
        elif labelled_federal and named_kind not in (None, "federal"):
            flags.append(f"labelled {label}, but its name reads {named}: counted as federal")
        elif labelled_kind not in (None, "federal") or labelled_state not in (None, FEDERAL):
            flags.append(f"labelled {label}: counted as federal")
        return FEDERAL, "federal", named_state, named_kind, tuple(flags)
    kind = labelled_kind or named_kind or "unknown"
    if named_kind == "private" and labelled_kind not in (None, *PRIVATE_KINDS):
        flags.append(f"labelled {labelled_kind}, but its name reads private: counted as "
                     "private")
        kind = named_kind
    state = labelled_state or named_state
    if labelled_state and named_state and labelled_state != named_state:
        state = named_state if labelled_state == home else labelled_state
        flags.append(f"labelled {labelled_state}, but its name reads {named_state}"
                     + (f": counted in {state}" if state == named_state else ""))
    return state, kind, named_state, named_kind, tuple(flags)


def _recipient(index: int, entry: Any, home: str | None, agency_name: str | None,
               as_of: _dt.date, vocab: Vocabulary) -> Recipient:
    pointer = f"/sharing/partners/{index}"
    if not isinstance(entry, dict):
        return Recipient(pointer, "", None, None, None, None, "unknown", None, None, None,
                         None, None, Fact(None), Fact(None), False,
                         (f"the entry is {describe(entry)}, not an organisation: "
                          "counted as a recipient",))
    flags: list[str] = []
    name = _text(entry.get("name")) or ""
    if "name" in entry and not isinstance(entry["name"], str):
        flags.append(f"its name is {describe(entry['name'])}")
    labelled_state = _upper(entry.get("state"))
    labelled_kind = (_text(entry.get("kind")) or "").lower() or None
    state, kind, named_state, named_kind, disagree = _where(name, labelled_state,
                                                            labelled_kind, home)
    flags += disagree
    direction = entry.get("direction")
    if direction not in (*RECIPIENT_DIRECTIONS, "inbound"):
        flags.append("direction not in the export: counted as a recipient" if direction is None
                     else f"direction {describe(direction)} is not outbound, inbound or both: "
                     "counted as a recipient")
        direction = None
    if name and agency_name and name.casefold() == agency_name.casefold():
        flags.append("this agency itself")
    permissions = _permissions(entry, "partners", vocab, flags)
    expires, expired = _expires(entry, as_of)
    return Recipient(pointer, name, _text(entry.get("ori")), state, labelled_state,
                     named_state, kind, labelled_kind, named_kind, direction,
                     permissions, _declaration(entry.get("declaration")),
                     _fact(entry, "warrant_only", "boolean"), expires, expired, tuple(flags))


def _name_key(r: Recipient) -> tuple[str, str, int]:
    return (r.name.casefold(), r.name, int(r.pointer.rsplit("/", 1)[1]))


def _kind_key(kind: str) -> tuple[int, str]:
    if kind in KIND_ORDER:
        return (KIND_ORDER.index(kind), "")
    return (len(KIND_ORDER) + (kind == "unknown"), kind)


def _state_key(state: str | None, home: str | None) -> tuple[int, str]:
    if state == home and state is not None:
        return (0, "")
    return (3, "") if state is None else (2, "") if state == FEDERAL else (1, state)


def _groups(recipients: Sequence[Recipient], home: str | None) -> tuple[StateGroup, ...]:
    states = sorted({r.state for r in recipients}, key=lambda s: _state_key(s, home))
    groups = []
    for state in states:
        mine = [r for r in recipients if r.state == state]
        kinds = sorted({r.kind for r in mine}, key=_kind_key)
        groups.append(StateGroup(state, state is not None and state == home, tuple(
            KindGroup(k, tuple(sorted((r for r in mine if r.kind == k), key=_name_key)))
            for k in kinds)))
    return tuple(groups)


def _totals(recipients: Sequence[Recipient], vocab: Vocabulary) -> tuple[PermissionTotal, ...]:
    out = []
    for p in vocab.partners:
        holders = [r for r in recipients if r.holds(p.name)]
        out.append(PermissionTotal(
            Grant(p.name, p.weight, p.meaning), len(holders),
            tuple(sorted({str(r.state) for r in holders if r.state not in (None, FEDERAL)})),
            sum(r.state == FEDERAL for r in holders), sum(r.state is None for r in holders)))
    return tuple(out)


def _counts(recipients: Sequence[Recipient], inbound: int, home: str | None) -> OutsideCounts:
    other = [r for r in recipients if r.state not in (None, FEDERAL, home)]
    undeclared = [r for r in recipients
                  if r.declaration is None or r.declaration.problem is not None]
    return OutsideCounts(
        recipients=len(recipients),
        home_state=None if home is None else sum(r.state == home for r in recipients),
        other_states=len(other),
        other_state_codes=tuple(sorted({str(r.state) for r in other})),
        federal=sum(r.state == FEDERAL for r in recipients),
        state_unknown=sum(r.state is None for r in recipients),
        private_or_vendor=sum(r.kind in PRIVATE_KINDS for r in recipients),
        no_declaration=len(undeclared),
        no_declaration_away=sum(home is None or r.state != home for r in undeclared),
        expired=sum(r.expired for r in recipients),
        direction_unknown=sum(r.direction is None for r in recipients),
        permissions_unknown=sum(r.permissions is None for r in recipients),
        flagged=sum(bool(r.flags) for r in recipients),
        inbound=inbound)


def outside(data: Any, home: str | None, agency_name: str | None, as_of: _dt.date,
            vocab: Vocabulary) -> Outside:
    """Every organisation that receives our data, grouped, with the totals."""
    sharing = _section(data, "sharing")
    pools = tuple((key, _fact(sharing, key, "boolean" if key != POOLS[2] else "number"))
                  for key in POOLS)
    partners = sharing.get("partners") if sharing is not None else None
    problem = None
    if partners is None:
        problem = "partners not in the export: who receives the data is unknown"
    elif not isinstance(partners, list):
        problem = (f"partners are {describe(partners)}, not a list: who receives the data is "
                   "unknown")
    every = [_recipient(i, p, home, agency_name, as_of, vocab)
             for i, p in enumerate(partners if isinstance(partners, list) else [])]
    recipients = [r for r in every if r.direction != "inbound"]
    inbound = tuple(sorted((r for r in every if r.direction == "inbound"), key=_name_key))
    return Outside(problem is None, problem, pools, _groups(recipients, home), inbound,
                   _totals(recipients, vocab), _counts(recipients, len(inbound), home))


# --- inside ---------------------------------------------------------------------------------

def _role(index: int, entry: Any, vocab: Vocabulary) -> Role:
    pointer = f"/access/roles/{index}"
    if not isinstance(entry, dict):
        return Role(pointer, f"(entry {index}: {describe(entry)})", Fact(None), None,
                    Fact(None))
    return Role(pointer, _text(entry.get("name")) or f"(unnamed role {index})",
                _fact(entry, "users", "integer"), _permissions(entry, "roles", vocab, []),
                _fact(entry, "requires_training", "boolean"))


def _holding(grant: Grant, roles: Iterable[Role], ceiling: int) -> Holding:
    mine = tuple(r for r in roles if r.permissions is not None and grant in r.permissions)
    sizes = [r.users.value for r in mine]
    return Holding(grant, mine, sum(int(n) for n in sizes if isinstance(n, int)),
                   sum(not isinstance(n, int) for n in sizes),
                   tuple(r for r in mine if grant.elevated and isinstance(r.users.value, int)
                         and r.users.value > ceiling),
                   grant.name == GRANTS_ANYTHING)


def ceiling_of(baseline: Baseline) -> tuple[int, str]:
    """The baseline's ceiling on a role with an elevated permission, and where it comes from."""
    param = baseline.parameters.get(CEILING_PARAMETER)
    value = param.value if param is not None else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value, f"{CEILING_PARAMETER} of baseline {baseline.id} {baseline.version}"
    return ELEVATED_ROLE_CEILING, (f"baseline {baseline.id} {baseline.version} has no "
                                   f"{CEILING_PARAMETER}: lpr-lint's default")


def inside(data: Any, vocab: Vocabulary, ceiling: int = ELEVATED_ROLE_CEILING,
           ceiling_source: str = DEFAULT_SOURCE) -> Inside:
    """The agency's roles by permission, with MFA, SSO and shared accounts."""
    access = _section(data, "access")
    value = access.get("roles") if access is not None else None
    problem = None
    if value is None:
        problem = "roles not in the export: who inside can do what is unknown"
    elif not isinstance(value, list):
        problem = f"roles are {describe(value)}, not a list: who inside can do what is unknown"
    roles = tuple(_role(i, r, vocab) for i, r in
                  enumerate(value if isinstance(value, list) else []))
    rank = {w: i for i, w in enumerate(vocab.weights)}
    ordered = sorted(enumerate(vocab.roles), key=lambda ip: (-rank[ip[1].weight], ip[0]))
    grants = [Grant(p.name, p.weight, p.meaning) for _, p in ordered]
    grants += sorted({g for r in roles for g in r.permissions or () if g.weight is None},
                     key=lambda g: g.name)
    sizes = [r.users.value for r in roles]
    return Inside(problem is None, problem, _fact(access, "mfa_required", "boolean"),
                  _fact(access, "sso", "boolean"), _fact(access, "shared_accounts", "integer"),
                  roles, tuple(_holding(g, roles, ceiling) for g in grants),
                  tuple(r for r in roles if r.permissions is None), ceiling, ceiling_source,
                  sum(int(n) for n in sizes if isinstance(n, int)),
                  sum(not isinstance(n, int) for n in sizes))


# --- the report -----------------------------------------------------------------------------

def analyse(data: Any, *, path: str, sha256: str, source: str, as_of: _dt.date,
            notices: Sequence[str] = (),
            ceiling: tuple[int, str] = (ELEVATED_ROLE_CEILING, DEFAULT_SOURCE)) -> AccessReport:
    """Who can reach the data described by ``data`` (an export's parsed content); ``ceiling``
    is the most users a role with an elevated permission should have, and where that number
    comes from (see :func:`ceiling_of`)."""
    vocab = vocabulary()
    agency = Agency.of(data)
    state, from_name = agency.state, False
    if state is None and agency.name:
        state = classify(agency.name).state
        from_name = state is not None
    return AccessReport(path, sha256, source, as_of.isoformat(), agency.name, agency.ori,
                        state, from_name, tuple(notices), vocab.weights,
                        outside(data, state, agency.name, as_of, vocab),
                        inside(data, vocab, *ceiling))


def access_report(path: str, as_of: _dt.date, *, source: str | None = None,
                  display: str | None = None, baseline: Baseline | None = None
                  ) -> tuple[AccessReport, tuple[str, ...]]:
    """Read ``path`` (an export or a vendor file) and analyse it (with ``baseline``'s ceiling
    on large roles, when given): the report, and how the file was read (a detected vendor
    format) for the user's attention. Raises :class:`~lpr_lint.errors.InputError` for an
    unreadable file."""
    from lpr_lint.adapters.load import load_input
    from lpr_lint.paths import display_path

    loaded = load_input(path, display if display is not None else display_path(path),
                        source=source)
    doc = loaded.document
    report = analyse(doc.data, path=doc.path, sha256=doc.sha256, source=loaded.adapter,
                     as_of=as_of, notices=loaded.warnings,
                     ceiling=(ELEVATED_ROLE_CEILING, DEFAULT_SOURCE) if baseline is None
                     else ceiling_of(baseline))
    return report, tuple(n for n in loaded.notices if n not in loaded.warnings)
