"""Small rules on text that many layers need, each written once: trimming a span, slugs,
XML escaping.

DOCS: docs/architecture.md
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span [start, end) of ``text`` without whitespace at either end (empty stays empty)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def slug(text: str, *, limit: int = 60, empty: str = "x") -> str:
    """The slug part of an entity id (or a source id): ASCII, lower case, words joined by '-'."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return s[:limit].rstrip("-") or empty


# -- XML text ---------------------------------------------------------------------------------
# ``translate`` looks every character up in a dict (600 ns for an id); most texts need no
# escape, which one regular-expression search finds out (80 ns).
def esc(text: str) -> str:
    """Text content, escaped (``&``, ``<``, ``>``)."""
    return text.translate(_TEXT_ESCAPES) if _TEXT_SPECIAL.search(text) else text


def attrs(pairs: Iterable[tuple[str, str | None]]) -> str:
    """`` name="value"`` for each pair with a value, in the given order, escaped (tab, LF and
    CR as references, so attribute-value normalisation keeps them)."""
    return "".join(f' {name}="{_attr(value)}"' for name, value in pairs if value is not None)


def _attr(value: str) -> str:
    return value.translate(_ATTR_ESCAPES) if _ATTR_SPECIAL.search(value) else value


_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})
_TEXT_SPECIAL = re.compile("[&<>]")
_ATTR_SPECIAL = re.compile('[&<>"\t\n\r]')
