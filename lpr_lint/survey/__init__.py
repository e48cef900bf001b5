"""``lpr-lint survey``: many agencies' exports or portal snapshots in one view.

:mod:`~lpr_lint.survey.gather` finds the inputs (a folder of one agency's snapshots counts as
that agency), :mod:`~lpr_lint.survey.judge` judges each under its own state's baseline (or one
baseline for all) and keeps only counts, and :mod:`~lpr_lint.survey.records` holds the frozen
records the reporters (:mod:`lpr_lint.report.survey`) render. This package file imports
nothing, so importing the records loads no pipeline.
"""
