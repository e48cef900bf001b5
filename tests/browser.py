"""Render lpr-lint's HTML reports in headless Chromium and measure them (no Python dependency).

The reports forbid scripts (their Content-Security-Policy), so :func:`measure` renders a COPY
of a page with the CSP ``<meta>`` removed and a measuring ``<script>`` added; Chromium runs it
(``--dump-dom``) and the script writes its findings as JSON into the DOM, which is read back
from the dump. :func:`render` loads the ORIGINAL page, CSP and all, with no script: it must
still show its content. :func:`screenshot` writes a PNG for a human to look at.

Chromium is ``$CHROMIUM`` or ``chromium`` on the PATH (Debian's ``chromium`` package);
:func:`chromium` is None when there is none, and the browser tests skip.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

DESKTOP = 1280
"""A laptop screen's width, in CSS pixels."""
PRINT = 700
"""About the width of A4 or Letter paper less its margins, in CSS pixels (96 per inch)."""
TIMEOUT = 60

_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>', re.IGNORECASE)
_RESULT = re.compile(r'<pre id="__measured">(.*?)</pre>', re.DOTALL)

MEASURE_JS = r"""
(function () {
  function box(e) { var r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }
  function overlap(a, b) { return a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
    a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5; }
  function run() {
    var doc = document.documentElement, vw = window.innerWidth, out = {};
    out.viewport = vw;
    out.scrollWidth = Math.max(doc.scrollWidth, document.body.scrollWidth);
    out.wide = [];
    document.querySelectorAll("body *").forEach(function (e) {
      if (e.closest("svg") && e.tagName.toLowerCase() !== "svg") return;
      var r = e.getBoundingClientRect();
      if (r.width && r.right > vw + 0.5 && out.wide.length < 10)
        out.wide.push(e.tagName.toLowerCase() + "." + e.className + ": " +
                      Math.round(r.right) + " > " + vw + " " + (e.textContent || "").slice(0, 60));
    });
    out.ids = [];
    document.querySelectorAll(".id").forEach(function (e) {
      var lines = e.getClientRects().length, r = e.getBoundingClientRect();
      var lh = parseFloat(getComputedStyle(e).fontSize) * 1.6;
      out.ids.push({text: e.textContent, lines: lines, height: r.height,
                    oneLine: lines === 1 && r.height <= lh});
    });
    out.splitWords = [];  // a heading word drawn on two lines ("Sta" / "te")
    document.querySelectorAll("th, h1, h2, h3").forEach(function (e) {
      var walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT), node;
      while ((node = walker.nextNode())) {
        var re = /\S+/g, m;
        while ((m = re.exec(node.data)) && out.splitWords.length < 20) {
          var range = document.createRange();
          range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
          var tops = {};
          Array.prototype.forEach.call(range.getClientRects(), function (r) {
            if (r.width > 0) tops[Math.round(r.top)] = true; });
          if (Object.keys(tops).length > 1) out.splitWords.push(m[0]);
        }
      }
    });
    out.printCss = false;
    for (var i = 0; i < document.styleSheets.length; i++) {
      var rules = document.styleSheets[i].cssRules;
      for (var j = 0; j < rules.length; j++)
        if (rules[j].media && /print/.test(rules[j].media.mediaText)) out.printCss = true;
    }
    out.charts = [];
    document.querySelectorAll("svg.chart").forEach(function (svg) {
      var labels = Array.prototype.map.call(svg.querySelectorAll("text.month"), function (t) {
        return {text: t.textContent, box: box(t)}; });
      var clashes = [];
      for (var a = 0; a < labels.length; a++)
        for (var b = a + 1; b < labels.length; b++)
          if (overlap(labels[a].box, labels[b].box)) clashes.push([labels[a].text, labels[b].text]);
      var legend = svg.querySelector(".legend") || svg.parentNode.querySelector(".legend");
      out.charts.push({
        labels: labels.map(function (l) { return l.text; }), clashes: clashes,
        legend: legend ? legend.textContent : null,
        axes: Array.prototype.map.call(svg.querySelectorAll(".axis-title"),
                                       function (t) { return t.textContent; }),
        width: svg.getBoundingClientRect().width});
    });
    out.scripts = document.querySelectorAll("script:not(#__measure)").length;
    out.imgs = document.querySelectorAll("img").length;
    out.handlers = [];
    document.querySelectorAll("*").forEach(function (e) {
      for (var k = 0; k < e.attributes.length; k++)
        if (/^on/i.test(e.attributes[k].name))
          out.handlers.push(e.tagName + " " + e.attributes[k].name);
    });
    out.links = document.querySelectorAll("a[href], link, iframe, object, embed").length;
    out.text = document.body.innerText;
    var pre = document.createElement("pre");
    pre.id = "__measured";
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  if (document.readyState === "complete") run(); else window.addEventListener("load", run);
})();
"""


@functools.cache
def chromium() -> str | None:
    """The Chromium executable, or None."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser")


def _run(page: str, width: int, height: int, *mode: str) -> str:
    """Run headless Chromium on ``page`` (HTML text) in a fresh profile; its stdout."""
    exe = chromium()
    if exe is None:
        raise RuntimeError("no chromium")
    with tempfile.TemporaryDirectory(prefix="lpr-lint-browser-") as tmp:
        path = Path(tmp) / "page.html"
        path.write_text(page, encoding="utf-8")
        args = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--hide-scrollbars", "--mute-audio",
                f"--user-data-dir={tmp}/profile", f"--window-size={width},{height}",
                "--virtual-time-budget=2000", *mode, path.as_uri()]
        done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT,
                              check=False, cwd=tmp)
        if done.returncode != 0:
            raise RuntimeError(f"chromium exited {done.returncode}: {done.stderr[-2000:]}")
        return done.stdout


def instrumented(page: str) -> str:
    """A copy of ``page`` without its CSP and with the measuring script."""
    assert _CSP.search(page), "the page has no Content-Security-Policy"
    copy = _CSP.sub("", page, count=1)
    return copy.replace("</body>", f'<script id="__measure">{MEASURE_JS}</script></body>', 1)


@functools.lru_cache(maxsize=64)
def measure(page: str, width: int = DESKTOP, height: int = 900) -> dict[str, Any]:
    """Measurements of ``page`` at ``width`` CSS pixels (see ``MEASURE_JS``): ``viewport``,
    ``scrollWidth``, ``wide`` (elements past the right edge), ``ids`` (each ``.id`` element:
    ``lines``, ``oneLine``), ``printCss``, ``charts`` (month ``labels``, ``clashes`` between
    them, ``legend`` text, ``axes`` titles), ``scripts``/``imgs``/``handlers``/``links`` (what
    markup in data could have become), ``text`` (the rendered text)."""
    dom = _run(instrumented(page), width, height, "--dump-dom")
    found = _RESULT.search(dom)
    if found is None:
        raise AssertionError(f"the measuring script did not run; DOM starts {dom[:500]!r}")
    result: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return result


def measure_widths(page: str, *widths: int) -> list[dict[str, Any]]:
    """:func:`measure` at each width, the browsers run side by side."""
    with ThreadPoolExecutor(max_workers=len(widths)) as pool:
        return list(pool.map(lambda w: measure(page, w), widths))


@functools.lru_cache(maxsize=64)
def render(page: str, width: int = DESKTOP) -> str:
    """The DOM of the ORIGINAL page (its CSP kept, no script) after Chromium loaded it."""
    return _run(page, width, 900, "--dump-dom")


def same_pixels(page: str, other: str, width: int = DESKTOP, height: int = 1200
                ) -> tuple[bool, int]:
    """Do two pages render to the same pixels (screenshots taken side by side)? And the
    size of the first PNG (a blank page compresses to almost nothing)."""
    with tempfile.TemporaryDirectory(prefix="lpr-lint-shots-") as tmp, \
            ThreadPoolExecutor(max_workers=2) as pool:
        a, b = pool.map(lambda item: screenshot(item[1], Path(tmp) / f"{item[0]}.png", width,
                                                height).read_bytes(),
                        enumerate((page, other)))
        return a == b, len(a)


def screenshot(page: str, path: str | os.PathLike[str], width: int = DESKTOP,
               height: int = 2000) -> Path:
    """A PNG of the original page at ``width`` × ``height`` (for a human to look at)."""
    out = Path(path).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _run(page, width, height, f"--screenshot={out}")
    return out
