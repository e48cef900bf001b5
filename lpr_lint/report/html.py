"""The one way lpr-lint writes HTML: escaping, tables, and a self-contained page.

A page has no external assets and no JavaScript, and its Content-Security-Policy forbids
scripts and every network fetch outright, so a name in an export or a log (``<script>…``)
can never run in an auditor's browser. Every string is escaped unless the caller marks it as
:class:`Markup` it has built from escaped parts.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

CSP = "default-src 'none'; style-src 'unsafe-inline'"
"""No scripts, no fetches; inline CSS (and inline SVG) only."""

BASE_CSS = (
    "html{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "table{border-collapse:collapse;max-width:100%}"
    "td{overflow-wrap:anywhere}th{overflow-wrap:normal}"
    ".id,.nowrap,td.n{white-space:nowrap;overflow-wrap:normal}"
    "svg{max-width:100%;height:auto}"
    "code{font-family:ui-monospace,Menlo,Consolas,'DejaVu Sans Mono',monospace;font-size:.9em}")
"""What every page shares, before its own CSS: cells wrap anywhere (a long path or name
never widens a table past the page), headings only between words, and identifiers and
numbers (``.id``, ``.nowrap``, ``td.n``) never; colours and charts print as they show."""
MEDIA_CSS = (
    "@media (max-width:50rem){body{margin:1rem}td,th{padding:.2rem .3rem}}"
    "@media print{body{margin:0;max-width:none;font-size:10pt}"
    "h1,h2{break-after:avoid}tr,svg,li{break-inside:avoid}"
    "thead{display:table-header-group}}"
    "@page{margin:1.5cm}")
"""After a page's own CSS (so it wins): narrow screens and paper get small margins; table
heads repeat on each printed page; headings stay with what follows."""


class Markup(str):
    """HTML already made safe (built from :func:`esc`-aped parts)."""


def esc(text: object) -> str:
    """Text safe inside an element or a quoted attribute."""
    return html.escape(str(text), quote=True)


def ident(text: object) -> Markup:
    """An identifier (a rule id, a flag code): monospace, and never broken across lines."""
    return Markup(f'<code class="id">{esc(text)}</code>')


def nowrap(text: object) -> Markup:
    """Text kept on one line (a time, a date)."""
    return Markup(f'<span class="nowrap">{esc(text)}</span>')


def cell(value: object) -> str:
    """A table cell: markup as is, a whole number right-aligned with separators, else text."""
    if isinstance(value, Markup):
        return f"<td>{value}</td>"
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="n">{value:,}</td>'
    return f"<td>{esc(value)}</td>"


def table(head: Iterable[str], rows: Iterable[Iterable[object]], cls: str | None = None
          ) -> list[str]:
    """A table, one line per row; ``head`` is text, each row's cells go through :func:`cell`
    (``cls``: the table's class)."""
    out = ["<table>" if cls is None else f'<table class="{esc(cls)}">',
           "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr></thead>",
           "<tbody>"]
    out += ["<tr>" + "".join(cell(c) for c in row) + "</tr>" for row in rows]
    return [*out, "</tbody>", "</table>"]


def bullets(items: Iterable[str]) -> Markup:
    """A list of markup items (empty when there are none)."""
    items = list(items)
    return Markup("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>" if items else "")


def page(title: str, css: str, body: Iterable[str]) -> str:
    """A complete, self-contained page: doctype, charset, CSP, viewport, title, inline CSS
    (:data:`BASE_CSS`, ``css``, then :data:`MEDIA_CSS`)."""
    head = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)}</title>", f"<style>{BASE_CSS}{css}{MEDIA_CSS}</style>",
            "</head>", "<body>"]
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"
