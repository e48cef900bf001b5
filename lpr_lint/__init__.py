"""lpr-lint: a compliance linter for License Plate Reader platform configurations.

The public, stable surface is the command line. Modules whose names start with an
underscore are private; the rest are importable but may change before 1.0.
"""

__version__ = "0.1.0"
TOOL_NAME = "lpr-lint"
