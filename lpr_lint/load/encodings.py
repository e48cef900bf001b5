"""Text encodings by the names users know.

Python reports some codecs by their implementation's name: a cp1252 (Windows-1252, Excel's
"CSV") decoding error says ``'charmap' codec``, and ``latin_1`` or ``utf_8`` are spelled as
no user types them. :func:`known_name` gives the name to print.
"""

from __future__ import annotations

import codecs

_SHOWN = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16",
          "utf-16-be": "UTF-16", "utf-32": "UTF-32", "utf-32-le": "UTF-32",
          "utf-32-be": "UTF-32", "iso8859-1": "Latin-1 (ISO-8859-1)", "ascii": "ASCII"}


def known_name(codec: str, requested: str | None = None) -> str:
    """What to call ``codec`` (an error's ``.encoding``) in a message: ``charmap`` is the
    encoding that was asked for (``requested``, e.g. ``cp1252``), else cp1252, the charmap
    codec users meet; other codecs by their usual name."""
    if codec.lower() == "charmap":
        return known_name(requested) if requested and requested.lower() != "charmap" else (
            "cp1252")
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return codec
    return _SHOWN.get(name, name)
