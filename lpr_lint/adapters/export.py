"""Export format v1 itself (the identity adapter)."""

from __future__ import annotations

import re

from lpr_lint.adapters.base import Adapter, Conversion

_VERSION_KEY = re.compile(r'(^|\n)\s*"?format_version"?\s*:', re.ASCII)


class ExportAdapter(Adapter):
    """A file already in export format v1."""

    name = "export-v1"

    def sniff(self, text: str, path: str) -> bool:
        return bool(_VERSION_KEY.search(text[:65536])) or bool(
            re.search(r'[{,]\s*"format_version"\s*:', text[:65536]))

    def convert(self, text: str, path: str) -> Conversion:  # pragma: no cover - not called
        raise NotImplementedError("export-v1 files are loaded directly")
