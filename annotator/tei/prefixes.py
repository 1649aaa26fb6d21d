"""A TEI file's abbreviated pointers (``psn:p12``) and what they stand for.

``<prefixDef ident="psn" matchPattern="(p\\d+)" replacementPattern="persons.xml#$1">`` in the
header says ``psn:p12`` means ``persons.xml#p12`` (TEI P5 16.2.3, "Using Abbreviated
Pointers"). Reading the register and validating a file's pointers both expand them so.

DOCS: docs/review.md#the-editions-own-identifications
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from annotator.tei.parse import TEI_NS


class Prefixes:
    """The ``prefixDef`` declarations of a TEI document: ``psn:p12`` -> ``persons.xml#p12``."""

    def __init__(self, defs: Iterable[tuple[str, str, str]] = ()) -> None:
        self._defs: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        for ident, match, replacement in defs:
            try:
                pattern = re.compile(match)
            except re.error:
                continue  # an edition's broken pattern: its pointers stay as written
            # TEI writes $1 for a group; Python wants \1
            self._defs.setdefault(ident, []).append(
                (pattern, re.sub(r"\$(\d)", r"\\\1", replacement)))

    @classmethod
    def of(cls, root: etree._Element) -> Prefixes:
        return cls((el.get("ident") or "", el.get("matchPattern") or "",
                    el.get("replacementPattern") or "")
                   for el in root.iter(f"{{{TEI_NS}}}prefixDef"))

    def expand(self, value: str) -> str:
        prefix, sep, rest = value.partition(":")
        if not sep or rest.startswith("//"):
            return value
        for pattern, replacement in self._defs.get(prefix, ()):
            if pattern.fullmatch(rest):
                return pattern.sub(replacement, rest)
        return value
