"""Flock admin CSV exports: the network-share snapshot and the user list.

Only what the file says is converted. The user list's names, e-mail addresses and phone
numbers are never copied: roles keep only their name, user count and permissions.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from lpr_lint.adapters.base import Adapter, AdapterError, Conversion, classified_partner

SHARES_HEADER = ("organization name", "networks shared with me", "networks i'm sharing")
USERS_HEADER = ("first name", "last name", "email")
_ENABLED = {"enabled", "yes", "true", "1"}
_USER_PERMISSIONS = (("search", "search"), ("hotlist tool", "hotlist_manage"),
                     ("user mgmt", "user_manage"))


def _rows(text: str, path: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise AdapterError(f"{path}: the CSV file is empty") from None
    except csv.Error as exc:
        raise AdapterError(f"{path}:1: not a readable CSV file: {exc}") from None
    keys = [h.strip().lower() for h in header]
    rows: list[dict[str, str]] = []
    try:
        rows.extend({k: (values[i].strip() if i < len(values) else "")
                     for i, k in enumerate(keys)}
                    for values in reader if any(v.strip() for v in values))
    except csv.Error as exc:
        raise AdapterError(f"{path}:{reader.line_num}: not a readable CSV file: {exc}") from None
    return keys, rows


def _starts_with(text: str, header: tuple[str, ...]) -> bool:
    first = text[:4096].lstrip("\ufeff").split("\n", 1)[0]  # a header is short
    cells = [c.strip().strip('"').lower() for c in first.split(",", len(header))]
    return tuple(cells[: len(header)]) == header


class FlockSharesAdapter(Adapter):
    """``Organization Name, Networks Shared With Me, Networks I'm Sharing``."""

    name = "flock-shares"

    def sniff(self, text: str, path: str) -> bool:
        return _starts_with(text, SHARES_HEADER)

    def convert(self, text: str, path: str) -> Conversion:
        keys, rows = _rows(text, path)
        if tuple(keys[:3]) != SHARES_HEADER:
            raise AdapterError(f"{path}:1: not a Flock share export (header {keys[:3]})")
        partners: list[dict[str, Any]] = []
        seen: dict[tuple[str, str], int] = {}
        for row in rows:
            name = row["organization name"]
            if not name:
                continue
            inbound = bool(row["networks shared with me"])
            outbound = bool(row["networks i'm sharing"])
            if not inbound and not outbound:
                continue
            direction = "both" if inbound and outbound else "outbound" if outbound else "inbound"
            partner = classified_partner(name, direction)
            key = (name, partner.get("state", ""))
            if key in seen:  # the same organisation twice: merge directions
                earlier = partners[seen[key]]
                if earlier["direction"] != direction:
                    earlier["direction"] = "both"
                continue
            seen[key] = len(partners)
            partners.append(partner)
        return Conversion({"format_version": "1.0", "platform": {"vendor": "Flock Safety"},
                           "sharing": {"partners": partners}})


class FlockUsersAdapter(Adapter):
    """``First Name, Last Name, Email, Phone, Title, Role, Identity Provider, User Mgmt, …``."""

    name = "flock-users"

    def sniff(self, text: str, path: str) -> bool:
        return _starts_with(text, USERS_HEADER)

    def convert(self, text: str, path: str) -> Conversion:
        keys, rows = _rows(text, path)
        if "role" not in keys:
            raise AdapterError(f"{path}:1: not a Flock user list (no Role column)")
        roles: dict[str, dict[str, Any]] = {}
        for row in rows:
            name = row.get("role") or "(no role)"
            role = roles.setdefault(name, {"name": name, "permissions": set(), "users": 0})
            role["users"] += 1
            for column, permission in _USER_PERMISSIONS:
                if row.get(column, "").lower() in _ENABLED:
                    role["permissions"].add(permission)
        out_roles = [{"name": r["name"], "permissions": sorted(r["permissions"]),
                      "users": r["users"]} for r in sorted(roles.values(), key=lambda r: r["name"])]
        return Conversion({"format_version": "1.0", "platform": {"vendor": "Flock Safety"},
                           "access": {"roles": out_roles}})
