"""Flock Transparency Portal snapshots (the structured JSON of one portal page on one date).

What the portal publishes becomes export format v1; what it does not publish stays absent, so
the baseline reports it as unknown. A sharing list that is empty when the same agency's
snapshot just before or just after it (sibling files named by date) lists organisations is a
failed page load: the partners are left unknown, with a warning, rather than reported as "no
partners" (which drift would show as hundreds of removals).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from lpr_lint.adapters.base import Adapter, AdapterError, Conversion, classified_partner

FAILED_LOAD_MIN_NEIGHBOUR = 1
"""A list this long (or longer) the snapshot before or after, and empty now, is taken as a
failed page load: an empty list beside a non-empty one is more likely a page that did not
load than an agency that dropped every partner for one week, and unknown fails closed."""
_DATE_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_URL = re.compile(r"^https?://\S+$")
_PROHIBITED = (  # portal free text (lower-cased) → export vocabulary
    (re.compile(r"immigration"), "immigration_enforcement"),
    (re.compile(r"reproductive|abortion"), "reproductive_care_investigation"),
    (re.compile(r"gender[- ]affirming"), "gender_affirming_care_investigation"),
    (re.compile(r"first amendment|protest|free speech|religious (activity|practice)"),
     "first_amendment_activity"),
    (re.compile(r"protected (class|characteristic)"), "protected_characteristics"),
)


def _neighbours(path: str) -> list[tuple[str, dict[str, Any]]]:
    """The same agency's snapshots just before and just after this one (sibling files named
    by date), as (date, data)."""
    folder, base = os.path.split(path)
    if not _DATE_FILE.match(base):
        return []
    try:
        dated = sorted(n for n in os.listdir(folder or ".") if _DATE_FILE.match(n))
    except OSError:
        return []
    earlier, later = [n for n in dated if n < base], [n for n in dated if n > base]
    out = []
    for name in earlier[-1:] + later[:1]:
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            out.append((name[:-5], data))
    return out


def _names(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    seen: dict[str, None] = {}
    for item in value:
        if isinstance(item, str) and item.strip():
            seen.setdefault(item.strip(), None)  # trailing spaces are common; order kept
    return list(seen)


class FlockPortalAdapter(Adapter):
    """transparency.flocksafety.com snapshot JSON (sm-alpr structured scrape)."""

    name = "flock-portal"

    def sniff(self, text: str, path: str) -> bool:
        head = text[:4096]
        return '"crawled_slug"' in head or ('"sharing_outbound"' in text and
                                            '"data_retention_days"' in text)

    def convert(self, text: str, path: str) -> Conversion:
        from lpr_lint.load.jsonparse import load_json

        src, locate_src = load_json(text, path)
        if not isinstance(src, dict) or "sharing_outbound" not in src:
            raise AdapterError(f"{path}: not a Flock portal snapshot (no sharing_outbound)")
        warnings: list[str] = []
        where: dict[str, str] = {}
        out: dict[str, Any] = {"format_version": "1.0"}
        if isinstance(src.get("crawled_at"), str):
            out["exported_at"] = src["crawled_at"]
        name = str(src.get("crawled_name") or src.get("crawled_slug") or "").strip()
        agency: dict[str, Any] = {"name": name} if name else {}
        from lpr_lint.rules.orgs import classify

        state = classify(name).state if name else None
        slug = str(src.get("crawled_slug") or "")
        if not state and slug:  # "alameda-ca-pd": the slug carries the state code
            state = classify(slug.replace("-", " ").upper()).state
        if state:
            agency["state"] = state
        if agency:
            out["agency"] = agency
            where["/agency"] = "/crawled_name"
        out["platform"] = {"vendor": "Flock Safety", "product": "Transparency Portal"}

        days = src.get("data_retention_days")
        if isinstance(days, int) and not isinstance(days, bool):
            out["retention"] = {"plate_reads_days": days}
            where["/retention/plate_reads_days"] = "/data_retention_days"
        else:
            warnings.append("data retention is not published in this snapshot: unknown")

        outbound, inbound = _names(src.get("sharing_outbound")), _names(src.get("sharing_inbound"))
        neighbours = _neighbours(path) if not (outbound and inbound) else []
        failed = []
        for key, names in (("sharing_outbound", outbound), ("sharing_inbound", inbound)):
            if names:
                continue
            for date, data in neighbours:
                listed = len(_names(data.get(key)))
                if listed >= FAILED_LOAD_MIN_NEIGHBOUR:
                    failed.append(f"{key} is empty but the snapshot of {date} lists {listed} "
                                  "organisations (a failed page load?)")
                    break
        if failed:
            warnings += [f"{msg}; partners left unknown" for msg in failed]
        else:
            both = set(outbound) & set(inbound)
            partners = [classified_partner(n, "both" if n in both else "outbound")
                        for n in outbound]
            partners += [classified_partner(n, "inbound") for n in inbound if n not in both]
            out["sharing"] = {"partners": partners}
            index = {n: i for i, n in enumerate(_names(src.get("sharing_outbound")))}
            for i, p in enumerate(partners):
                if p["name"] in index:
                    where[f"/sharing/partners/{i}"] = f"/sharing_outbound/{index[p['name']]}"

        prohibited_text = str(src.get("prohibited_uses") or "").lower()
        if prohibited_text.strip():
            codes = [code for rx, code in _PROHIBITED if rx.search(prohibited_text)]
            out.setdefault("policy", {})["prohibited_purposes"] = codes
            where["/policy/prohibited_purposes"] = "/prohibited_uses"
        url = str(src.get("alpr_policy") or "").strip()
        if _URL.match(url):
            out.setdefault("policy", {})["published_url"] = url
            where["/policy/published_url"] = "/alpr_policy"
        hotlists = [h.strip() for h in str(src.get("hotlists_alerted_on") or "").split(",")
                    if h.strip()]
        if hotlists:
            out["hotlists"] = {"sources": hotlists}
            where["/hotlists/sources"] = "/hotlists_alerted_on"

        def locate(pointer: str) -> tuple[int, int]:
            prefix = pointer  # the longest mapped prefix, one segment shorter at a time
            while prefix:
                if prefix in where:
                    return locate_src(where[prefix])
                prefix = prefix[: prefix.rfind("/")]
            return (1, 1)

        return Conversion(out, tuple(warnings), locate, gaps=("/sharing",) if failed else ())
