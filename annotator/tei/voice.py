"""Which parts of a source's reading text are the modern editor's voice, not the source's.

An edition's notes explain the text ("Benjamin West (1738-1820) is famously said ...", "See
Landry, *Noble Brutes* (2009)"): what they assert is the editor's claim, and the years they
name are no dates of the source, nor a year its own partial dates may take. TEI gives the
note's voice in its markup, and the Guidelines leave the typology to the edition
(``note/@type``: "any convenient typology of annotation"; ``@resp``: "who is responsible for
the annotation: author, editor, translator, etc."). Read here as the editions we know write it:

* a ``note`` whose ``@type`` names an editor's kind (``editorial``, ``commentary``, ``gloss``,
  ``translator`` ...: ``EDITOR_TYPES``), as Curious Travellers (161 notes) and Friendly
  Networks (59, Bible references) mark theirs;
* a ``note`` whose ``@resp`` points to the edition's people: an ``xml:id`` the header gives
  inside ``editor``, ``respStmt`` or ``principal`` (not ``author``), or a bare ``#ed``/
  ``#editor``; a ``@resp`` naming the author makes the note the source's whatever its type;
* a ``note`` in ``<back>`` that no type or resp gives to the author (end notes);
* a ``div`` whose ``@type`` is the edition's apparatus (``commentary``, ``notes``,
  ``endnotes`` ...: ``EDITOR_DIVS``), and everything inside these.

A note with no type and no resp (Friendly Networks' letters' receipts, "Received this 6th of
10th month"; EHRI's "Text blurred") stays the source's, as does ``type="authorial"`` (marginal
notes in the writer's hand) and a type not listed: nothing is taken from the source unless
its markup says so. The header is never read as text (``tei.textmap``).

DOCS: docs/claims.md#the-editors-voice
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Collection, Sequence

from annotator.tei.parse import TEI_NS, XML_ID
from annotator.tei.textmap import TextMap, element_spans

_T = f"{{{TEI_NS}}}"
# note/@type values that say an editor (or translator) wrote the note
EDITOR_TYPES = frozenset({
    "editorial", "editor", "editors", "ed", "eds", "commentary", "comment", "explanatory",
    "explanation", "annotation", "gloss", "translator", "translation", "biographical",
    "bibliographical", "bibliographic", "historical", "textual", "critical",
})
# note/@type values that say the writer of the source wrote it
AUTHOR_TYPES = frozenset({"authorial", "author", "original"})
# div/@type values of an edition's apparatus
EDITOR_DIVS = frozenset({"editorial", "commentary", "notes", "endnotes", "footnotes",
                         "apparatus", "annotations"})
# resp pointers that name an editor without pointing into the header
_EDITOR_WORDS = frozenset({"ed", "eds", "editor", "editors", "editorial"})
_STAFF = (f"{_T}editor", f"{_T}respStmt", f"{_T}principal")


def editor_spans(tm: TextMap) -> list[tuple[int, int]]:
    """(start, end) of the reading text in the editor's voice, in order, none overlapping."""
    els = tm.elements()
    tags, parent = els.tags, els.parent
    staff, authors = _header_people(tm)
    backs = set(els.iter((f"{_T}back",)))
    wanted: set[int] = set()
    for i in els.iter((f"{_T}note", f"{_T}div")):
        if _under(i, wanted, parent):
            continue
        kind = (els.get(i, "type") or "").strip().lower()
        if tags[i] == f"{_T}div":
            if kind in EDITOR_DIVS:
                wanted.add(i)
            continue
        resp = _pointers(els.get(i, "resp"))
        if resp & authors:
            continue
        if resp & staff or resp & _EDITOR_WORDS or kind in EDITOR_TYPES or (
                kind not in AUTHOR_TYPES and _under(i, backs, parent)):
            wanted.add(i)
    if not wanted:
        return []  # no walk over the map for a source without an editor's part
    spans = sorted(element_spans(tm, wanted).values())
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def within(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies in one of ``spans`` (``editor_spans``, sorted)."""
    i = bisect_right(spans, (start, math.inf)) - 1  # the last span starting at or before
    return i >= 0 and spans[i][0] <= start and end <= spans[i][1]


def _pointers(value: str | None) -> set[str]:
    """The ids a ``@resp`` points to, lower-cased, without '#'."""
    return {p.removeprefix("#").lower() for p in (value or "").split()}


def _header_people(tm: TextMap) -> tuple[set[str], set[str]]:
    """The ids (lower-cased) the header gives to the edition's people (inside ``editor``,
    ``respStmt``, ``principal``) and to the source's authors (inside ``author``)."""
    els = tm.elements()
    tags, parent = els.tags, els.parent
    staff: set[str] = set()
    authors: set[str] = set()
    for node, ident in els.attrs[XML_ID].items():
        up, seen = node, set()
        while up >= 0:
            seen.add(tags[up])
            up = parent[up]
        if f"{_T}teiHeader" not in seen:
            continue
        if f"{_T}author" in seen:
            authors.add(ident.lower())
        elif seen.intersection(_STAFF):
            staff.add(ident.lower())
    return staff, authors


def _under(node: int, ancestors: Collection[int], parent: Sequence[int]) -> bool:
    """Whether ``node`` stands inside one of ``ancestors``."""
    up = parent[node]
    while up >= 0:
        if up in ancestors:
            return True
        up = parent[up]
    return False
