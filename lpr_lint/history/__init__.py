"""Approvals and drift: the hash-chained store, the structural diff, drift classification,
and the approve, drift and history pipelines."""
