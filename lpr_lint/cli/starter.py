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

REPOSITORY = "https://github.com/OWNER/lpr-lint"
REV = "REV"
FILL_IN = "FILL IN: the repository that holds your copy of lpr-lint and a tag or commit"
"""The placeholders ``init`` writes and the comment that marks them. lpr-lint is installed from
its repository, never by name from a package index (the name is not published there, and
anyone could register it)."""

PRE_COMMIT = f"""\
# pre-commit hooks for LPR exports. pre-commit installs lpr-lint itself from the repository
# below; there is nothing to pip install.
# {FILL_IN}
# (replace OWNER and REV below; REV is a tag, or better a full commit hash).
#
# lpr-lint-check checks the exports under exports/ on every commit; lpr-lint-drift fails a
# push when exports/current.yaml loosens compliance since its last approval (lpr-lint approve).
# A plain `pre-commit install` installs both hook types (default_install_hook_types); with an
# older setup (hooks installed before this file), `pre-commit install --hook-type pre-push` is
# what the drift hook's stages need.
minimum_pre_commit_version: "3.2.0"
default_install_hook_types: [pre-commit, pre-push]
repos:
  - repo: {REPOSITORY}  # FILL IN: your copy of lpr-lint
    rev: {REV}  # FILL IN: a tag or commit
    hooks:
      - id: lpr-lint-check
      - id: lpr-lint-drift
        args: [exports/current.yaml]
        always_run: true
        stages: [pre-push, manual]
"""

WORKFLOW = f"""\
# Check LPR exports on every push and pull request; findings appear as annotations, in the
# job summary, and in GitHub code scanning (SARIF). Then the drift gate: the job fails when
# exports/current.yaml loosens compliance since its last approval in .lpr-lint/.
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
      # {FILL_IN}
      # (replace OWNER and REV; REV is a tag, or better a full commit hash).
      - name: install lpr-lint
        run: pip install "git+{REPOSITORY}@{REV}"
      - name: lpr-lint check
        id: check
        run: >-
          lpr-lint check exports/
          --output github
          --output sarif:lpr-lint.sarif
          --output "markdown:$GITHUB_STEP_SUMMARY"
      - name: lpr-lint drift (changes since the last approval)
        if: success() || steps.check.outcome == 'failure'
        run: |
          set -o pipefail
          lpr-lint drift exports/current.yaml --format markdown | tee -a "$GITHUB_STEP_SUMMARY"
      - uses: github/codeql-action/upload-sarif@v3
        if: always()
        with:
          sarif_file: lpr-lint.sarif
          category: lpr-lint
"""

NEXT_STEPS: tuple[str, ...] = (
    "Fill in OWNER and REV (the repository that holds your copy of lpr-lint and a tag or\n"
    "commit) in .pre-commit-config.yaml and .github/workflows/lpr-lint.yml.",
    "Put your export at exports/current.yaml (or change that path in both files).",
    "Approve it and commit the store:\n"
    'lpr-lint approve exports/current.yaml --by "NAME" && git add .lpr-lint && git commit',
    "Install the hooks: pre-commit install\n"
    "(it installs the pre-commit and pre-push hook types: default_install_hook_types).\n"
    "With an older setup, the drift hook's stages need: pre-commit install --hook-type pre-push",
    "Optional, to show who approved: list each approver's SSH public key in allowed_signers\n"
    '(rivera@town.example namespaces="lpr-lint-approval" ssh-ed25519 AAAA...), approve with\n'
    "--sign-key ~/.ssh/id_ed25519, and check with: lpr-lint ledger verify --allowed-signers "
    "allowed_signers",
)
"""What to do after ``init``, in order (lines of a step split at newlines); the CLI numbers and
prints them."""

STARTER_FILES: tuple[tuple[str, str], ...] = (
    (".lpr-lint.yaml", CONFIG),
    (".lpr-lint-waivers.yaml", WAIVERS),
    (".pre-commit-config.yaml", PRE_COMMIT),
    (".github/workflows/lpr-lint.yml", WORKFLOW),
)
"""(path relative to the target directory, content) for every file ``init`` writes."""
