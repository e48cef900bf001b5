"""Judging exports: baselines as data, the JSON Schema subset evaluator, the rule engine,
waivers and the check run."""
