"""The permission vocabulary: every permission of export format v1 and its weight.

Data, not code: ``baselines/data/permissions.yaml`` (schema ``permissions.schema.json``). Its
names must be exactly the export format's permission vocabularies, which is checked when it is
first read, so a permission added to the format without a weight is a broken installation, not
a silently unweighted permission.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from lpr_lint.errors import BaselineError
from lpr_lint.load import data as resources

DATA_FILE = "data/permissions.yaml"
HOLDERS = ("roles", "partners")
"""Who holds permissions: the agency's own roles, and the organisations it shares with."""
_EXPORT_VOCABULARY = {
    "roles": ("properties", "access", "properties", "roles", "items", "properties",
              "permissions", "items", "enum"),
    "partners": ("$defs", "partner", "properties", "permissions", "items", "enum"),
}


@dataclass(frozen=True, slots=True)
class Permission:
    """One permission, what it lets its holder do, and how heavy that is."""

    name: str
    weight: str
    meaning: str


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Both permission vocabularies, in the data file's order."""

    weights: tuple[str, ...]
    """Lightest first."""
    roles: tuple[Permission, ...]
    partners: tuple[Permission, ...]

    def of(self, holder: str) -> tuple[Permission, ...]:
        """The permissions of ``roles`` or ``partners``."""
        return self.roles if holder == "roles" else self.partners

    def names(self, holder: str, weights: Iterable[str]) -> list[str]:
        """The permissions of a holder that have one of these weights, in the file's order."""
        wanted = set(weights)
        return [p.name for p in self.of(holder) if p.weight in wanted]

    def weight(self, holder: str, name: str) -> str | None:
        """A permission's weight (None for a name outside the vocabulary)."""
        return next((p.weight for p in self.of(holder) if p.name == name), None)

    def rank(self, weight: str) -> int:
        """0 for the lightest weight."""
        return self.weights.index(weight)


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary (read and checked once per process)."""
    path, data = resources.load_data_file(DATA_FILE, "permissions.schema.json")
    export = resources.load_json_schema("export-v1.schema.json")
    made = {}
    for holder in HOLDERS:
        entries = tuple(Permission(e["permission"], e["weight"], e["meaning"])
                        for e in data[holder])
        node = export
        for key in _EXPORT_VOCABULARY[holder]:
            node = node[key]
        if sorted(p.name for p in entries) != sorted(node):
            raise BaselineError(f"{path}: {holder} must list exactly the export format's "
                                f"permissions: {', '.join(node)}")
        made[holder] = entries
    return Vocabulary(tuple(data["weights"]), made["roles"], made["partners"])
