"""Configuration: defaults < ``.lpr-lint.yaml`` or ``[tool.lpr-lint]`` < ``LPR_LINT_*`` < flags.

The file is looked for in the working directory: ``.lpr-lint.yaml`` first, then a
``pyproject.toml`` with a ``[tool.lpr-lint]`` table. Every key is validated against
``schemas/config.schema.json``; an unknown or invalid key is an error naming it (exit 3).
:func:`resolve` records where each effective value came from, for ``lpr-lint config``.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lpr_lint.errors import LprLintError
from lpr_lint.load import data as resources
from lpr_lint.load.cache import ENV as CACHE_ENV
from lpr_lint.load.files import Document, decode, read_bytes
from lpr_lint.load.positions import Locator

CONFIG_FILE = ".lpr-lint.yaml"
ENV_PREFIX = "LPR_LINT_"
DEFAULTS: dict[str, Any] = {
    "baseline": "ct",
    "fail_on": "high",
    "waivers": ".lpr-lint-waivers.yaml",
    "waiver_max_days": 180,
    "store": ".lpr-lint",
    "strict": False,
    "allow_unknown": False,
    "outputs": [],
    "allowed_signers": "",
}
NOT_SETTINGS = frozenset({CACHE_ENV})
"""Environment variables of lpr-lint's that are not settings (the cache's folder)."""
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


class ConfigError(LprLintError):
    """A configuration file or environment variable is invalid (exit 3)."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One effective value and where it came from."""

    value: Any
    source: str
    """``default``, a file name, ``env LPR_LINT_X`` or ``flag --x``."""


def _setting(_data: Any, pointer: str) -> str:
    return f"setting {pointer.lstrip('/')!r}"


def _known(data: Any, where: str, locate: Locator | None = None) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: the configuration must be a mapping of settings")
    for key in data:
        if key not in DEFAULTS:
            pos = ""
            if locate is not None:
                line, col = locate(f"/{key}")
                pos = f":{line}:{col}"
            known = ", ".join(sorted(DEFAULTS))
            raise ConfigError(f"{where}{pos}: unknown setting {key!r} (known: {known})")
    return data


def _check(data: Any, where: str) -> dict[str, Any]:
    settings = _known(data, where)
    resources.check_data(settings, "config.schema.json", where, error=ConfigError,
                         describe=_setting)
    return settings


def _read_yaml(path: str, display: str) -> Document:
    """The config file as a document: YAML, possibly empty (no settings); any top level
    other than a mapping, or an unknown key, is a ConfigError."""
    from lpr_lint.load.yamlparse import load_yaml

    raw = read_bytes(path, display)
    data, locate = load_yaml(decode(raw, display), display, allow_empty=True)
    data = _known({} if data is None else data, display, locate)
    return Document(display, data, hashlib.sha256(raw).hexdigest(), "yaml", locate)


def read_file(directory: str = ".") -> tuple[dict[str, Any], str | None]:
    """The settings in the directory's config file, and that file's name (None if none)."""
    path = os.path.join(directory, CONFIG_FILE)
    if os.path.isfile(path):
        doc = resources.load_checked(path, "config.schema.json", "configuration",
                                     error=ConfigError, display=CONFIG_FILE, describe=_setting,
                                     read=_read_yaml)
        return doc.data, CONFIG_FILE
    pyproject = os.path.join(directory, "pyproject.toml")
    if os.path.isfile(pyproject):
        table = _pyproject_table(pyproject)
        if table is not None:
            return _check(table, "pyproject.toml [tool.lpr-lint]"), "pyproject.toml"
    return {}, None


def _pyproject_table(path: str) -> dict[str, Any] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"pyproject.toml: cannot read: {exc}") from None
    table = data.get("tool", {}).get("lpr-lint")
    if table is None:
        return None
    # TOML keys may be written with dashes, as in many [tool.*] tables
    return {str(k).replace("-", "_"): v for k, v in table.items()} if isinstance(
        table, dict) else table


def _from_env(key: str, raw: str) -> Any:
    default = DEFAULTS[key]
    name = ENV_PREFIX + key.upper()
    if isinstance(default, bool):
        if raw.strip().lower() in _TRUE:
            return True
        if raw.strip().lower() in _FALSE:
            return False
        raise ConfigError(f"{name}={raw!r}: expected true or false")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{name}={raw!r}: expected a whole number") from None
    if isinstance(default, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def resolve(flags: Mapping[str, tuple[Any, str]] | None = None, directory: str = ".",
            environ: Mapping[str, str] | None = None) -> dict[str, Setting]:
    """Every setting with its effective value and source.

    ``flags`` maps a setting to (value, flag name) for flags actually given on the command line.
    """
    environ = os.environ if environ is None else environ
    file_values, file_name = read_file(directory)
    env_values: dict[str, Any] = {}
    for key in DEFAULTS:
        name = ENV_PREFIX + key.upper()
        if name in environ:
            env_values[key] = _from_env(key, environ[name])
    unknown = sorted(k for k in environ if k.startswith(ENV_PREFIX) and k not in NOT_SETTINGS
                     and k[len(ENV_PREFIX):].lower() not in DEFAULTS)
    if unknown:
        raise ConfigError(f"{unknown[0]}: unknown setting (known: "
                          f"{', '.join(ENV_PREFIX + k.upper() for k in sorted(DEFAULTS))}; "
                          f"and {', '.join(sorted(NOT_SETTINGS))}, which is not a setting)")
    _check(env_values, "environment")
    out = {}
    for key, default in DEFAULTS.items():
        if flags and key in flags:
            value, flag = flags[key]
            out[key] = Setting(value, f"flag {flag}")
        elif key in env_values:
            out[key] = Setting(env_values[key], f"env {ENV_PREFIX}{key.upper()}")
        elif key in file_values:
            out[key] = Setting(file_values[key], str(file_name))
        else:
            out[key] = Setting(default, "default")
    return out
