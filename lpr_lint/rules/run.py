"""Find export files, load them, and check them: the ``check`` pipeline without the CLI."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace

from lpr_lint import __version__
from lpr_lint.errors import InputError
from lpr_lint.load.files import DEFAULT_MAX_BYTES, EXTENSIONS, Document
from lpr_lint.model import BaselineInfo, FileResult, Report, RuleInfo, gates
from lpr_lint.paths import display_path
from lpr_lint.rules.baseline import Baseline, load_baseline
from lpr_lint.rules.engine import Checker, Options, assemble, rule_infos, unreadable
from lpr_lint.rules.registry import AUTO_ID, CHECKABLE_BASELINES, Auto, state_baseline_id
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


def _nothing_found(directory: str) -> str:
    """Why a folder gave nothing to check, and how to check the vendor files it has."""
    message = "no *.json, *.yaml or *.yml files found in this directory"
    csvs: list[str] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        csvs += sorted(os.path.join(root, f) for f in files
                       if not f.startswith(".") and f.lower().endswith(".csv"))
    if not csvs:
        return message
    many = len(csvs) != 1
    return (f"{message} (it has {len(csvs)} *.csv file{'s' if many else ''}: vendor files are "
            f"read only when named, so name {'them' if many else 'it'} directly, e.g. "
            f"lpr-lint check {display_path(csvs[0])})")


def run_check(paths: Iterable[str], baseline: Baseline | Auto, options: Options,
              max_bytes: int = DEFAULT_MAX_BYTES, waivers: WaiverSet | None = None,
              source: str | None = None) -> Report:
    """Check every export under ``paths``, applying the waivers if any are given.

    ``baseline`` is one baseline for every file, or :data:`AUTO` to judge each export under
    its own state's baseline (``agency.state``). ``source`` names the adapter for every
    file; None detects each file's format.
    """
    from lpr_lint.adapters.load import load_input

    picker = _Picker(baseline, options)
    empty: list[str] = []
    files = discover(paths, empty)
    # a gate pointed at the wrong folder must not pass silently
    results: list[FileResult] = [
        replace(unreadable(InputError(display_path(d), _nothing_found(d))), folder=True)
        for d in empty]
    for path in files:
        shown = display_path(path)
        try:
            loaded = load_input(path, shown, source=source, max_bytes=max_bytes)
            checker = picker.checker_for(loaded.document)
        except InputError as exc:
            results.append(unreadable(exc))
            continue
        result = checker.check(loaded.document)
        if picker.auto:
            result = replace(result, baseline=checker.baseline.info())
        results.append(replace(result, notices=loaded.notices) if loaded.notices else result)
    extra: tuple[RuleInfo, ...] = ()
    if waivers is not None:
        results = apply_waivers(results, waivers, options.as_of,
                                lambda f: gates(f, options.fail_on, options.allow_unknown))
        extra = WAIVER_RULES
    return picker.report(results, extra)


class _Picker:
    """The checker for each export: one baseline for all, or each export's state's."""

    def __init__(self, baseline: Baseline | Auto, options: Options) -> None:
        self.options = options
        self.auto = isinstance(baseline, Auto)
        self._fixed = None if isinstance(baseline, Auto) else Checker(baseline, options)
        self._checkers: dict[str, Checker] = {}

    def checker_for(self, doc: Document) -> Checker:
        if self._fixed is not None:
            return self._fixed
        bid = state_baseline(doc)
        if bid not in self._checkers:
            self._checkers[bid] = Checker(load_baseline(bid), self.options)
        return self._checkers[bid]

    def report(self, results: list[FileResult], extra: tuple[RuleInfo, ...]) -> Report:
        if self._fixed is not None:
            return self._fixed.report(results, __version__, extra_rules=extra)
        used = [self._checkers[k].baseline for k in sorted(self._checkers)]
        rules: dict[str, RuleInfo] = {}  # in baseline order; the format rules once
        for b in used:
            for info in rule_infos(b):
                rules.setdefault(info.id, info)
        return assemble(results, self.options, auto_info(used), tuple(rules.values()) + extra,
                        __version__)


def state_baseline(doc: Document) -> str:
    """The built-in baseline of an export's ``agency.state`` (``--baseline auto``); an
    InputError naming the file when it gives no state or its state has no baseline."""
    agency = doc.data.get("agency") if isinstance(doc.data, dict) else None
    state = agency.get("state") if isinstance(agency, dict) else None
    bid = state_baseline_id(state)
    if bid is not None:
        return bid
    if not isinstance(state, str) or not state.strip():
        found = "no agency.state" if state is None else f"agency.state {state!r} is not a state"
        why = (f"{found}, so --baseline auto cannot choose a baseline; add the agency's state "
               "to the export or give --baseline ID")
    else:
        why = (f"no baseline ships for agency.state {state!r} (baselines: "
               f"{', '.join(CHECKABLE_BASELINES)}); give one with --baseline ID or FILE")
    raise InputError(doc.path, why, *doc.locate("/agency/state"))


def auto_info(used: list[Baseline]) -> BaselineInfo:
    """The report's baseline under ``--baseline auto``: the baselines it used."""
    import hashlib

    listed = ", ".join(f"{b.id} {b.version}" for b in used) or "none used"
    digest = hashlib.sha256("\n".join(f"{b.id} {b.sha256}" for b in used).encode()).hexdigest()
    return BaselineInfo(id=AUTO_ID, version=f"({listed})", sha256=digest,
                        title="each export judged under its own state's baseline")
