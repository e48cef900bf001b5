"""The records of ``lpr-lint access``: who can reach an agency's data and do what.

A leaf: it imports nothing from lpr_lint, so the reporters (:mod:`lpr_lint.report.access`)
can import it without loading the analysis, the classifier or the loaders. Every record is a
frozen dataclass; a value the export does not give (or gives with the wrong type) is None,
never a guess, and the reporters say "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass

FEDERAL = "US"
"""The state code of a federal body (export format v1)."""
PRIVATE_KINDS = ("private", "vendor")


@dataclass(frozen=True, slots=True)
class Grant:
    """One permission as held, with its weight and meaning from the permission vocabulary."""

    name: str
    weight: str | None
    """ordinary | sensitive | elevated; None for a name outside the vocabulary."""
    meaning: str | None
    """What it lets its holder do (``search our plate reads``); None outside the vocabulary."""

    @property
    def elevated(self) -> bool:
        return self.weight == "elevated"

    @property
    def text(self) -> str:
        """``search (ordinary)``, ``vms_download (ELEVATED)``, ``x (not in the vocabulary)``."""
        weight = self.weight or "not in the vocabulary"
        return f"{self.name} ({weight.upper() if self.elevated else weight})"


@dataclass(frozen=True, slots=True)
class Fact:
    """One value the export may give: ``value`` None when it does not (``problem`` says why
    when it gives something of the wrong type, e.g. ``text "yes"``)."""

    value: bool | int | float | str | None
    problem: str | None = None

    @property
    def unknown_text(self) -> str:
        """``unknown (not in the export)`` or ``unknown (text "yes", not true or false)``."""
        return f"unknown ({self.problem or 'not in the export'})"


@dataclass(frozen=True, slots=True)
class Declaration:
    """An out-of-state recipient's written declaration, as the export records it."""

    reference: str | None
    signed_on: str | None
    covers: tuple[str, ...]
    problem: str | None = None
    """Set when ``declaration`` is there but is not a mapping (then the rest is empty)."""


@dataclass(frozen=True, slots=True)
class Recipient:
    """One organisation in ``sharing.partners``: a recipient of our data (outbound, both, or
    a direction the export does not give), or an inbound-only partner."""

    pointer: str
    name: str
    """"" when the entry has no name."""
    ori: str | None
    state: str | None
    """The state it is grouped under: ``US`` for federal, None when unknown."""
    labelled_state: str | None
    """The export's ``state`` field."""
    named_state: str | None
    """The state its name shows (:func:`lpr_lint.rules.orgs.classify`)."""
    kind: str
    """The kind it is grouped under; ``unknown`` when neither the export nor the name says."""
    labelled_kind: str | None
    named_kind: str | None
    direction: str | None
    """outbound | both | inbound; None when the export does not give one of these."""
    permissions: tuple[Grant, ...] | None
    """None: not in the export (the organisation may hold any permission)."""
    declaration: Declaration | None
    warrant_only: Fact
    expires: Fact
    expired: bool
    """``expires`` is before the report's as-of date."""
    flags: tuple[str, ...] = ()
    """What an auditor must look at: a label that disagrees with the name, an unknown
    direction, this agency itself, values of the wrong type."""

    def holds(self, permission: str) -> bool:
        return self.permissions is not None and any(g.name == permission
                                                    for g in self.permissions)

    @property
    def declaration_text(self) -> str:
        """``declaration DECL-1, signed 2026-10-02, covering immigration`` or
        ``no declaration``."""
        d = self.declaration
        if d is None:
            return "no declaration"
        if d.problem:
            return f"declaration unreadable ({d.problem})"
        return (f"declaration {d.reference or '(no reference)'}, signed "
                f"{d.signed_on or '(date unknown)'}, covering "
                f"{', '.join(d.covers) if d.covers else 'nothing listed'}")

    @property
    def warrant_text(self) -> str:
        fact = self.warrant_only
        if fact.value is None:
            return "warrant only: " + (fact.unknown_text if fact.problem else "not stated")
        return "warrant only" if fact.value else "not warrant only"

    @property
    def expires_text(self) -> str:
        fact = self.expires
        if fact.value is None:
            return f"expiry {fact.unknown_text}" if fact.problem else "no expiry"
        return f"EXPIRED {fact.value}" if self.expired else f"expires {fact.value}"

    @property
    def kind_text(self) -> str:
        """The kind, and where kind and state came from when the export does not label them."""
        sourced = [w for w, lab, named in (("kind", self.labelled_kind, self.named_kind),
                                           ("state", self.labelled_state, self.named_state))
                   if lab is None and named is not None]
        return kind_word(self.kind) + (f" ({' and '.join(sourced)} from its name)"
                                       if sourced else "")

    @property
    def direction_text(self) -> str:
        return self.direction or "direction unknown"


def kind_word(kind: str) -> str:
    """A kind as a heading: ``kind unknown`` for ``unknown``."""
    return "kind unknown" if kind == "unknown" else kind


@dataclass(frozen=True, slots=True)
class KindGroup:
    kind: str
    recipients: tuple[Recipient, ...]


@dataclass(frozen=True, slots=True)
class StateGroup:
    """Recipients in one state (``US``: federal; None: state unknown), by kind."""

    state: str | None
    home: bool
    """The agency's own state."""
    kinds: tuple[KindGroup, ...]

    @property
    def heading(self) -> str:
        """``CT (this agency's state)``, ``NY``, ``US (federal)`` or ``state unknown``."""
        if self.state is None:
            return "state unknown"
        if self.state == FEDERAL:
            return "US (federal)"
        return self.state + (" (this agency's state)" if self.home else "")


@dataclass(frozen=True, slots=True)
class PermissionTotal:
    """How many recipients hold one partner permission, and where they are."""

    grant: Grant
    organisations: int
    states: tuple[str, ...]
    """The distinct states of the holders, federal and unknown left out."""
    federal: int
    state_unknown: int


@dataclass(frozen=True, slots=True)
class OutsideCounts:
    recipients: int
    home_state: int | None
    """In the agency's own state (None: the agency's state is unknown)."""
    other_states: int
    """In another state (federal and unknown state left out)."""
    other_state_codes: tuple[str, ...]
    federal: int
    state_unknown: int
    private_or_vendor: int
    no_declaration: int
    no_declaration_away: int
    """Of those with no declaration, the ones not known to be in the agency's state."""
    expired: int
    direction_unknown: int
    permissions_unknown: int
    flagged: int
    inbound: int


@dataclass(frozen=True, slots=True)
class Outside:
    """Every organisation that receives our data."""

    known: bool
    """Does the export list its partners? When not, who receives the data is unknown."""
    problem: str | None
    pools: tuple[tuple[str, Fact], ...]
    """``national_lookup``, ``statewide_network``, ``radius_sharing_miles``: pools that reach
    organisations the partner list does not name."""
    groups: tuple[StateGroup, ...]
    inbound: tuple[Recipient, ...]
    totals: tuple[PermissionTotal, ...]
    counts: OutsideCounts

    @property
    def recipients(self) -> tuple[Recipient, ...]:
        """Every recipient in report order (by state, then kind, then name)."""
        return tuple(r for g in self.groups for k in g.kinds for r in k.recipients)


@dataclass(frozen=True, slots=True)
class Role:
    pointer: str
    name: str
    users: Fact
    permissions: tuple[Grant, ...] | None
    """None: not in the export."""
    requires_training: Fact

    @property
    def users_text(self) -> str:
        """``117`` or ``users unknown`` (with what the export gives instead, if anything)."""
        fact = self.users
        if fact.value is not None:
            return str(fact.value)
        return "users unknown" + (f": {fact.problem}" if fact.problem else "")


@dataclass(frozen=True, slots=True)
class Holding:
    """Which roles hold one role permission, and how many users that is."""

    grant: Grant
    roles: tuple[Role, ...]
    users: int
    """The users of the roles whose count is known."""
    users_unknown: int
    """Roles among :attr:`roles` whose user count is unknown."""
    over_ceiling: tuple[Role, ...]
    """For an elevated permission: the roles with more users than the ceiling."""
    grants_anything: bool
    """``user_manage``: its holders can give anyone (themselves too) any permission."""


@dataclass(frozen=True, slots=True)
class Inside:
    """The agency's own roles, by permission."""

    known: bool
    """Does the export list its roles?"""
    problem: str | None
    mfa_required: Fact
    sso: Fact
    shared_accounts: Fact
    roles: tuple[Role, ...]
    holdings: tuple[Holding, ...]
    """Heaviest weight first, vocabulary order within a weight; names outside the vocabulary
    last."""
    permissions_unknown: tuple[Role, ...]
    """Roles whose permissions the export does not give (they may hold any)."""
    ceiling: int
    """Most users a role with an elevated permission should have."""
    ceiling_source: str
    """Where :attr:`ceiling` comes from (the baseline's parameter, or lpr-lint's default)."""
    users: int
    users_unknown: int


@dataclass(frozen=True, slots=True)
class AccessReport:
    """The answer to "who can reach our data, and do what"."""

    path: str
    sha256: str
    source: str
    """The adapter the input was read with (``export-v1``, ``flock-portal``, …)."""
    as_of: str
    agency_name: str | None
    agency_ori: str | None
    agency_state: str | None
    agency_state_from_name: bool
    """The export gives no ``agency.state``; the state is read from the agency's name."""
    notices: tuple[str, ...]
    """What the reader must know about the input (an adapter's warnings)."""
    weights: tuple[str, ...]
    """The vocabulary's weights, lightest first."""
    outside: Outside
    inside: Inside
