"""``python -m lpr_lint`` runs the command line."""

from lpr_lint.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess test
    main()
