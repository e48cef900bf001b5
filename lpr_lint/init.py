"""Starter files for a repository of exports (``lpr-lint init``). Returned, never written here."""

from __future__ import annotations

CONFIG = """\
# lpr-lint configuration. `lpr-lint config` prints the effective values and where each
# came from (command-line flags > LPR_LINT_* environment variables > this file > defaults).
baseline: ct                      # built-in baseline name, or a baseline file
fail_on: high                     # lowest severity that fails a run
waivers: .lpr-lint-waivers.yaml   # the one place deviations are accepted
waiver_max_days: 180              # longest a waiver may last after its approval
store: .lpr-lint                  # approval snapshots and ledger (lpr-lint approve / drift)
strict: false                     # also report keys outside export format v1
allow_unknown: false              # missing values fail closed unless this is true
outputs: [text]                   # FORMAT[:PATH], e.g. sarif:lpr-lint.sarif
"""

WAIVERS = """\
# Accepted deviations, reviewed and approved centrally. A waiver names a rule and may narrow
# it to files (a glob) and a JSON Pointer prefix; it must say why, who approved it, when, and
# when it expires (at most waiver_max_days after approval). Expired waivers stop waiving and
# fail the run; waivers that match nothing are reported.
#
# - rule: CT-SHR-006
#   files: exports/legacy/*.yaml
#   pointer: /sharing/partners
#   justification: HOA camera share is being removed under ticket IT-1234 by the vendor.
#   approved_by: Lt. M. Chen
#   approved_on: 2026-11-20
#   expires: 2027-02-15
#   ticket: IT-1234
waivers: []
"""

PRE_COMMIT = """\
# pre-commit hooks for LPR exports (install lpr-lint first: pip install lpr-lint).
repos:
  - repo: local
    hooks:
      - id: lpr-lint-check
        name: lpr-lint check
        entry: lpr-lint check
        language: system
        types_or: [json, yaml]
        files: ^exports/
      - id: lpr-lint-drift
        name: lpr-lint drift against the last approval
        entry: lpr-lint drift exports/current.yaml
        language: system
        pass_filenames: false
        require_serial: true
        stages: [pre-push, manual]
"""

WORKFLOW = """\
# Check LPR exports on every push and pull request; findings appear as annotations, in the
# job summary, and in GitHub code scanning (SARIF).
name: lpr-lint
on: [push, pull_request]
permissions:
  contents: read
  security-events: write
jobs:
  lpr-lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install lpr-lint
      - name: lpr-lint check
        run: >-
          lpr-lint check exports/
          --output github
          --output sarif:lpr-lint.sarif
          --output "markdown:$GITHUB_STEP_SUMMARY"
      - uses: github/codeql-action/upload-sarif@v3
        if: always()
        with:
          sarif_file: lpr-lint.sarif
          category: lpr-lint
"""

STARTER_FILES: tuple[tuple[str, str], ...] = (
    (".lpr-lint.yaml", CONFIG),
    (".lpr-lint-waivers.yaml", WAIVERS),
    (".pre-commit-config.yaml", PRE_COMMIT),
    (".github/workflows/lpr-lint.yml", WORKFLOW),
)
"""(path relative to the target directory, content) for every file ``init`` writes."""
