"""Find export files, load them, and check them: the ``check`` pipeline without the CLI."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace

from lpr_lint import __version__
from lpr_lint.errors import InputError
from lpr_lint.load.files import DEFAULT_MAX_BYTES, EXTENSIONS
from lpr_lint.model import FileResult, Report
from lpr_lint.paths import display_path
from lpr_lint.rules.baseline import Baseline
from lpr_lint.rules.engine import Checker, Options
from lpr_lint.rules.waivers import WAIVER_RULES, WaiverSet, apply_waivers


def discover(paths: Iterable[str], empty: list[str] | None = None) -> list[str]:
    """Files to check: files as given; directories recursed for ``*.json``, ``*.yaml``, ``*.yml``.

    Hidden directories (``.git``, the ``.lpr-lint`` store) and hidden files (``.lpr-lint.yaml``,
    ``.lpr-lint-waivers.yaml``, ``.pre-commit-config.yaml``) are skipped while recursing; a
    file named explicitly is always checked.
    The result is de-duplicated and sorted, so output order never depends on the file system.
    A path that does not exist is kept: loading it reports the error. Directories in which
    nothing was found are appended to ``empty`` when it is given.
    """
    found: set[str] = set()
    for given in paths:
        if os.path.isdir(given):
            before = len(found)
            for root, dirs, files in os.walk(given):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for name in files:
                    if not name.startswith(".") and os.path.splitext(name)[1].lower() in EXTENSIONS:
                        found.add(os.path.normpath(os.path.join(root, name)))
            if len(found) == before and empty is not None:
                empty.append(os.path.normpath(given))
        else:
            found.add(os.path.normpath(given))
    return sorted(found)


def run_check(paths: Iterable[str], baseline: Baseline, options: Options,
              max_bytes: int = DEFAULT_MAX_BYTES, waivers: WaiverSet | None = None,
              source: str | None = None) -> Report:
    """Check every export under ``paths``, applying the waivers if any are given.

    ``source`` names the adapter for every file; None detects each file's format.
    """
    from lpr_lint.adapters.load import load_input

    checker = Checker(baseline, options)
    empty: list[str] = []
    files = discover(paths, empty)
    # a gate pointed at the wrong folder must not pass silently
    results: list[FileResult] = [
        checker.input_error(InputError(display_path(d), "no *.json, *.yaml or *.yml files "
                                       "found in this directory")) for d in empty]
    for path in files:
        shown = display_path(path)
        try:
            loaded = load_input(path, shown, source=source, max_bytes=max_bytes)
        except InputError as exc:
            results.append(checker.input_error(exc))
            continue
        result = checker.check(loaded.document)
        results.append(replace(result, notices=loaded.notices) if loaded.notices else result)
    if waivers is None:
        return checker.report(results, __version__)
    results = apply_waivers(results, waivers, options.as_of, checker.is_gating)
    return checker.report(results, __version__, extra_rules=WAIVER_RULES)
