"""Which agency an export describes: its NCIC ORI, else its name and state.

Used to find the approval that belongs to an export and to refuse, by default, a drift
between two different agencies' exports (which would otherwise read as a list of ordinary
changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


@dataclass(frozen=True, slots=True)
class Agency:
    """An export's agency identity; every field may be unknown."""

    ori: str | None = None
    name: str | None = None
    state: str | None = None

    @classmethod
    def of(cls, data: Any) -> Agency:
        """The identity in an export's ``/agency`` section."""
        agency = data.get("agency") if isinstance(data, dict) else None
        if not isinstance(agency, dict):
            return cls()
        ori = _text(agency.get("ori"))
        state = _text(agency.get("state"))
        return cls(ori.upper() if ori else None, _text(agency.get("name")),
                   state.upper() if state else None)

    @classmethod
    def from_record(cls, record: Any) -> Agency:
        """The identity recorded in a ledger entry (see :meth:`as_record`)."""
        return cls.of({"agency": record}) if isinstance(record, dict) else cls()

    def as_record(self) -> dict[str, str]:
        """The known fields, for a ledger entry."""
        return {k: v for k, v in (("ori", self.ori), ("name", self.name), ("state", self.state))
                if v is not None}

    @property
    def known(self) -> bool:
        """Does the export say which agency it is (an ORI or a name)?"""
        return self.ori is not None or self.name is not None

    def same_as(self, other: Agency) -> bool | None:
        """True for the same agency, False for different ones, None when it cannot be told.

        Two ORIs decide alone (a renamed agency keeps its ORI). Otherwise the names decide,
        compared without regard to case and spacing, and the states when both sides give one.
        """
        if self.ori is not None and other.ori is not None:
            return self.ori == other.ori
        if self.name is None or other.name is None:
            return None
        if self.name.casefold() != other.name.casefold():
            return False
        return self.state is None or other.state is None or self.state == other.state

    def describe(self) -> str:
        """``Lakeside Police Department (CT, ORI CT0012300)``."""
        extra = [x for x in (self.state, f"ORI {self.ori}" if self.ori else None) if x]
        name = self.name or (f"ORI {self.ori}" if self.ori else "an export with no agency name")
        if self.name is None and self.ori:
            extra = [x for x in extra if not x.startswith("ORI ")]
        return name + (f" ({', '.join(extra)})" if extra else "")
