"""Paths as reports show them: relative to the repository root, with forward slashes."""

from __future__ import annotations

import os
from functools import cache


def git_work_tree(path: str) -> str | None:
    """The nearest directory at or above ``path`` that holds ``.git``, if any."""
    here = os.path.abspath(path)
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


@cache
def repository_root(cwd: str) -> str:
    """The nearest directory at or above ``cwd`` that holds ``.git``; else ``cwd`` itself."""
    return git_work_tree(cwd) or cwd


def repo_relative(path: str) -> str:
    """``path`` relative to the repository root (forward slashes, no ``./``); a path outside
    the repository stays absolute."""
    cwd = os.getcwd()
    root = repository_root(cwd)
    absolute = os.path.normpath(os.path.join(cwd, path))
    rel = os.path.relpath(absolute, root)
    if rel == ".." or rel.startswith(".." + os.sep):
        return absolute.replace(os.sep, "/")
    return rel.replace(os.sep, "/")


def display_path(path: str) -> str:
    """Paths as shown in reports: as given, with forward slashes."""
    return path.replace(os.sep, "/") if os.sep != "/" else path
