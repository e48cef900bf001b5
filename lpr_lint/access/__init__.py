"""Who can reach an agency's data and do what: the organisations it shares with (outside) and
its own roles (inside). :mod:`~lpr_lint.access.records` holds what the analysis returns (the
reporters import only it); :mod:`~lpr_lint.access.analysis` builds it from an export."""
