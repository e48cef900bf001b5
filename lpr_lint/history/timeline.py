"""One agency's snapshots in date order: each snapshot's verdict and what changed from one to
the next (``lpr-lint history``).

Snapshots come from a folder (Flock portal snapshots named ``YYYY-MM-DD.json``, or any exports,
ordered by the date in the file name, else by ``exported_at``, else by name) or from the git
history of one export file. Each step is an ordinary drift, loosening first.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from lpr_lint.errors import InputError, LprLintError
from lpr_lint.history.agency import Agency
from lpr_lint.history.drift import compute_drift
from lpr_lint.history.pipeline import OtherAgency
from lpr_lint.history.records import Snapshot, Step, Timeline, gate_fails
from lpr_lint.load.files import DEFAULT_MAX_BYTES, EXTENSIONS, Document
from lpr_lint.model import FileResult, Outcome, Severity
from lpr_lint.paths import display_path
from lpr_lint.pointer import MISSING, resolve, split
from lpr_lint.rules.baseline import Baseline
from lpr_lint.rules.engine import Checker, Options

_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
GIT_TIMEOUT_S = 60


class HistoryError(LprLintError):
    """The snapshots cannot be listed or read (exit 3)."""


@dataclass(frozen=True, slots=True)
class _Version:
    label: str
    path: str
    """The file's path (its extension tells JSON from YAML; in git, the path at that commit)."""
    raw: bytes | None
    """Content from git; None: read the file."""
    date: str | None
    commit: str | None = None


def _dated(name: str) -> str | None:
    m = _DATE_IN_NAME.search(os.path.basename(name))
    if m is None:
        return None
    try:
        return _dt.date.fromisoformat(m.group(1)).isoformat()
    except ValueError:
        return None


def folder_versions(folder: str) -> list[_Version]:
    """The JSON/YAML files of a folder (not recursing, hidden files skipped)."""
    try:
        names = sorted(n for n in os.listdir(folder) if not n.startswith(".")
                       and os.path.splitext(n)[1].lower() in EXTENSIONS
                       and os.path.isfile(os.path.join(folder, n)))
    except OSError as exc:
        raise HistoryError(f"{display_path(folder)}: cannot list: "
                           f"{exc.strerror or exc}") from None
    if not names:
        raise HistoryError(f"{display_path(folder)}: no *.json, *.yaml or *.yml snapshots here")
    return [_Version(display_path(os.path.join(folder, n)), os.path.join(folder, n), None,
                     _dated(n)) for n in names]


def _git(cwd: str, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False,
                              timeout=GIT_TIMEOUT_S)
    except FileNotFoundError:
        raise HistoryError("git is not installed (needed by --git)") from None
    except subprocess.TimeoutExpired:
        raise HistoryError(f"git {args[0]} took more than {GIT_TIMEOUT_S} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HistoryError(f"git {args[0]}: {message[-1] if message else 'failed'}")
    return done.stdout


def git_versions(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[_Version]:
    """Every committed version of one file, oldest first (renames followed)."""
    shown = display_path(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise HistoryError(f"{shown}: no such directory")
    top = _git(folder, "rev-parse", "--show-toplevel").decode("utf-8", "replace").strip()
    rel = os.path.relpath(os.path.abspath(path), top)
    log = _git(top, "log", "--follow", "--format=%x00%H %cs", "--name-only", "--", rel)
    versions = []
    for record in log.decode("utf-8", "replace").split("\x00")[1:]:
        lines = [x for x in record.splitlines() if x.strip()]
        if len(lines) < 2:
            continue
        commit, date = lines[0].split(" ", 1)
        at = lines[-1]
        raw = _git(top, "cat-file", "blob", f"{commit}:{at}") if at else b""
        if len(raw) > max_bytes:
            raise HistoryError(f"{shown}@{commit[:12]}: larger than the size limit")
        versions.append(_Version(f"{shown}@{commit[:12]}", at, raw, date, commit))
    if not versions:
        raise HistoryError(f"{shown}: no committed versions in git history")
    return versions[::-1]


def _verdict(result: FileResult, checker: Checker) -> tuple[str, tuple[tuple[str, int], ...],
                                                             int]:
    failing: dict[Severity, int] = {}
    unknown = 0
    for f in result.findings:
        if f.outcome is Outcome.UNKNOWN:
            unknown += 1
        elif checker.is_gating(f) or f.outcome is Outcome.FAIL:
            failing[f.severity] = failing.get(f.severity, 0) + 1
    ranked = sorted(failing.items(), key=lambda kv: -kv[0].rank)
    return result.status.value, tuple((s.value, n) for s, n in ranked), unknown


@dataclass(frozen=True, slots=True)
class _Loaded:
    date: str | None
    version: _Version
    doc: Document
    warnings: tuple[str, ...]
    gaps: tuple[str, ...]


def _load(versions: Iterable[_Version], source: str | None, max_bytes: int) -> Iterator[_Loaded]:
    from lpr_lint.adapters.load import load_bytes, load_input

    for v in versions:
        loaded = (load_input(v.path, v.label, source=source, max_bytes=max_bytes)
                  if v.raw is None else load_bytes(v.raw, v.path, v.label, source=source))
        doc = loaded.document
        date = v.date
        if date is None and isinstance(doc.data, dict):
            stamp = doc.data.get("exported_at")
            date = _dated(stamp) if isinstance(stamp, str) else None
        yield _Loaded(date, v, doc, loaded.warnings, loaded.gaps)


def _bridged(snaps: list[_Loaded], n: int) -> tuple[Any, list[str]]:
    """Snapshot ``n``'s data, with each value its source failed to give (a page that did not
    load) taken from the latest earlier snapshot that had it; and notes saying so."""
    data, notes = snaps[n].doc.data, []
    for gap in snaps[n].gaps:
        segs = split(gap)
        for earlier in reversed(snaps[:n]):
            value = resolve(earlier.doc.data, segs)
            if gap not in earlier.gaps and value is not MISSING and isinstance(data, dict):
                data = _with(data, segs, value)
                notes.append(f"{gap} is unknown in {_when(snaps[n])}; compared with "
                             f"{_when(earlier)}")
                break
    return data, notes


def _when(s: _Loaded) -> str:
    """A snapshot's date, else its label."""
    return s.date or s.version.label


def _with(data: dict[str, Any], segs: list[str], value: Any) -> dict[str, Any]:
    """A shallow copy of ``data`` with ``value`` set at ``segs`` (objects created as needed)."""
    out = dict(data)
    if len(segs) == 1:
        out[segs[0]] = value
        return out
    inner = out.get(segs[0])
    out[segs[0]] = _with(inner if isinstance(inner, dict) else {}, segs[1:], value)
    return out


def build_timeline(versions: list[_Version], source_label: str, baseline: Baseline,
                   options: Options, *, fail_on: str = "loosening", ignore: Iterable[str] = (),
                   source: str | None = None, allow_other_agency: bool = False,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> Timeline:
    """Judge every version, order them by date, and drift each against the one before."""
    checker = Checker(baseline, options)
    snaps = list(_load(versions, source, max_bytes))
    if versions and versions[0].raw is None:  # files: by date, undated last, then by name
        snaps.sort(key=lambda t: (t.date is None, t.date or "", t.version.label))
    notices: list[str] = []
    first = next((Agency.of(t.doc.data) for t in snaps if Agency.of(t.doc.data).known),
                 Agency())
    for t in snaps:
        theirs = Agency.of(t.doc.data)
        if first.same_as(theirs) is False:
            message = (f"{t.version.label} describes {theirs.describe()}, not "
                       f"{first.describe()}")
            if not allow_other_agency:
                raise OtherAgency(f"{message}; list it anyway with --allow-other-agency")
            notices.append(f"{message} (listed with --allow-other-agency)")
    snapshots = []
    for t in snaps:
        status, failing, unknown = _verdict(checker.check(t.doc), checker)
        snapshots.append(Snapshot(t.version.label, t.date, t.doc.sha256, status, failing,
                                  unknown, t.warnings, t.version.commit))
    steps = []
    for n in range(1, len(snaps)):
        before, bridged = _bridged(snaps, n - 1)
        changes = compute_drift(before, snaps[n].doc.data, baseline, options.as_of, ignore)
        steps.append(Step(n - 1, n, changes, gate_fails(changes, fail_on), tuple(bridged)))
    latest = Agency.of(snaps[-1].doc.data) if snaps else Agency()
    return Timeline(source_label, latest.describe() if latest.known else first.describe(),
                    baseline.info(), options.as_of.isoformat(), fail_on, tuple(snapshots),
                    tuple(steps), tuple(notices))


def history(path: str, baseline: Baseline, options: Options, *, git: bool = False,
            fail_on: str = "loosening", ignore: Iterable[str] = (), source: str | None = None,
            allow_other_agency: bool = False, max_bytes: int = DEFAULT_MAX_BYTES) -> Timeline:
    """The timeline of a folder of snapshots, or (``git``) of one file's committed versions."""
    if git:
        versions = git_versions(path, max_bytes)
    elif os.path.isdir(path):
        versions = folder_versions(path)
    elif os.path.exists(path):
        raise HistoryError(f"{display_path(path)}: a file; give its folder of snapshots, or "
                           "use --git to follow the file's git history")
    else:
        raise InputError(display_path(path), "no such file or directory")
    return build_timeline(versions, display_path(path), baseline, options, fail_on=fail_on,
                          ignore=ignore, source=source, allow_other_agency=allow_other_agency,
                          max_bytes=max_bytes)
