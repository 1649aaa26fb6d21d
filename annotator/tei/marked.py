"""What a file's own markup already says: the annotation elements of its text, with the reading
span each covers, and how its names point to their register entries.

Both depend only on the file's bytes, so they are found once, when its text map is built, and
kept with it (``textmap_pack``): an export loads them instead of walking the file's elements
and pointers again for every run.

DOCS: docs/store.md#text-maps
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable

from annotator.tei.elements import Elements
from annotator.tei.parse import RESPONSIBLE, TEI_NS, XML_ID
from annotator.tei.textmap import GEN, Marked, TextMap
from annotator.text import trim

# Elements an edition may already mark a name or a date with: a mention with the span of one
# of them is that element's (its tag is never written around it again); so is an author's,
# an editor's... (``RESPONSIBLE``), which the source's markup makes a person's mention.
_PLACE_ELEMENTS = ("settlement", "region", "country", "bloc", "district", "geogName")
NAME_ELEMENTS = ("persName", "placeName", "orgName", "name", "rs", *_PLACE_ELEMENTS)
DATE_ELEMENTS = ("date", "time")
# the entity type a ``name`` or ``rs`` marks, by its @type (any other @type marks something
# else: a work, an artwork, an event)
NAME_TYPES = {"person": "person", "place": "place", "org": "org", "organisation": "org",
              "organization": "org"}
# the type of mention each of those elements marks (``name`` and ``rs`` say it in @type)
_MARKS = {"persName": "person", "placeName": "place", "orgName": "org",
          **{local: "place" for local in _PLACE_ELEMENTS},
          **{local: "person" for local in RESPONSIBLE}, "date": "date", "time": "date"}
_TEI = f"{{{TEI_NS}}}"
_ANNOTATIONS = tuple(f"{_TEI}{n}" for n in (*NAME_ELEMENTS, *RESPONSIBLE, *DATE_ELEMENTS, "seg"))
_TEXT, _OUTSIDE = f"{_TEI}text", (f"{_TEI}teiHeader", f"{_TEI}standOff")

# the elements whose pointers say how an edition points to its register, and the entity type
# each names (``name`` and ``rs`` say it in @type: counted for every type); ASCII, as the
# bytes of any encoding a source may be in were read before
NAMING = {"persName": "person", "placeName": "place", "orgName": "org", "name": "", "rs": ""}
_POINTER = re.compile(
    r"<(?:[\w.-]+:)?(persName|placeName|orgName|name|rs)\b[^>]*?\s(ref|key)\s*=\s*"
    r"([\"'])\s*([^\"'\s]*)", re.ASCII)
_URI = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.I | re.ASCII)
# the attributes a name's pointer is in, the first one it has that is not empty saying who
POINTER_ATTRS = ("ref", "key", "corresp")
_NAMES = tuple(f"{_TEI}{n}" for n in NAMING)
_PREFIX_DEF = f"{_TEI}prefixDef"


def marks(local: str, type_attr: str | None) -> str | None:
    """The type of mention (person, place, org, date) an element of the file's markup marks,
    "other" for a ``name``/``rs`` of anything else (``rs type="art"``), None where it does
    not say (a ``name`` without @type)."""
    if local in ("name", "rs"):
        if not type_attr:
            return None
        return NAME_TYPES.get(type_attr.lower(), "other")
    return _MARKS.get(local)


def marked(tm: TextMap) -> Marked:
    """What the file of ``tm`` marks: as kept with the map, else found now (and kept on it)."""
    if tm.marked is None:
        els = tm.elements()
        tm.marked = Marked(_annotations(tm), pointer_forms(tm.source_text),
                           name_pointers(els), prefix_defs(els))
    return tm.marked


def name_pointers(els: Elements) -> list[tuple[str, str]]:
    """(attribute, first pointer) of each name element (``NAMING``) of the file with a
    pointer (``POINTER_ATTRS``), in document order, each pointer only where it is first
    written: which entity a later one means adds nothing to how the file points to it."""
    attrs = [(a, els.attrs[a]) for a in POINTER_ATTRS]
    first: dict[str, str] = {}  # pointer -> its attribute
    for node in els.iter(_NAMES):
        for attr, values in attrs:
            value = values.get(node)
            if value and not value.isspace():
                first.setdefault(value.split(None, 1)[0], attr)
                break
    return [(attr, value) for value, attr in first.items()]


def prefix_defs(els: Elements) -> tuple[tuple[str, str, str], ...]:
    """The file's ``prefixDef`` declarations (ident, matchPattern, replacementPattern)."""
    return tuple((els.get(d, "ident") or "", els.get(d, "matchPattern") or "",
                  els.get(d, "replacementPattern") or "") for d in els.iter((_PREFIX_DEF,)))


def pointer_forms(text: str) -> Counter[tuple[str, str]]:
    """(entity type or '', form) of every pointer on a name element of a file's characters:
    ``key``, ``uri`` (an authority's record), ``local`` (``#id``), ``file`` (another file's
    entry, a prefixed id) or ``bare`` (an id)."""
    return Counter((NAMING[name], _form(attr, value))
                   for name, attr, _, value in _POINTER.findall(text))


def _form(attr: str, value: str) -> str:
    if attr == "key":
        return "key"
    if _URI.match(value):
        return "uri"
    if value.startswith("#"):
        return "local"
    if "#" in value or ":" in value:
        return "file"
    return "bare"


def _annotations(tm: TextMap) -> dict[tuple[str, int, int], list[int]]:
    els = tm.elements()
    id_node: dict[str, int] = {}
    for node, xid in els.attrs[XML_ID].items():  # in document order
        id_node.setdefault(xid, node)
    in_text = _in_text(els)  # siblings share their ancestors' answer
    span_of = reading_spans(tm)
    found: dict[tuple[str, int, int], list[int]] = {}
    cut = len(_TEI)

    def joined(xid: str | None) -> int | None:
        return id_node.get(xid[1:]) if xid and xid.startswith("#") else None

    for i in els.iter(_ANNOTATIONS):
        if not in_text(i) or joined(els.get(i, "prev")) is not None:
            continue  # a continuation: counted with its first fragment
        local = els.tags[i][cut:]
        kind = local if local != "seg" else f"seg:{els.get(i, 'type') or ''}"
        chain = [i]
        j = joined(els.get(i, "next"))
        while j is not None and j not in chain:
            chain.append(j)
            j = joined(els.get(j, "next"))
        spans = [s for s in map(span_of, chain) if s is not None]
        if spans:
            found.setdefault((kind, min(s for s, _ in spans), max(e for _, e in spans)), chain)
    return found


def reading_spans(tm: TextMap) -> Callable[[int], tuple[int, int] | None]:
    """The reading span [start, end) of an element's content, without edge whitespace.

    The segments that are not generated run in file order (their starts and their ends both
    sorted), so those an element's content holds are the ones from the first starting in it
    to the last ending in it: two binary searches."""
    read = [k for k, kind in enumerate(tm.kind) if kind != GEN]
    starts = [tm.s_start[k] for k in read]
    ends = [tm.s_end[k] for k in read]
    r_start = [*tm.r_start, len(tm.text)]
    mk = tm.markup

    def span(node: int) -> tuple[int, int] | None:
        o = mk.node_open[node]
        c = mk.node_close[node]
        inner = mk.end[o]
        close = inner if c == o else mk.start[c]
        first = bisect_left(starts, inner)
        stop = min(bisect_right(ends, close), bisect_right(starts, close))
        if first >= stop:
            return None
        start, end = trim(tm.text, r_start[read[first]], r_start[read[stop - 1] + 1])
        return (start, end) if end > start else None

    return span


def _in_text(els: Elements) -> Callable[[int], bool]:
    """Whether an element is in ``<text>`` (its nearest ``text``, ``teiHeader`` or
    ``standOff`` is a ``text``); what is found for an ancestor is kept for its siblings."""
    below: dict[int, bool] = {}  # element -> whether what is inside it is in text

    def test(node: int) -> bool:
        path = []
        anc = els.parent[node]
        got = False
        while anc >= 0:
            known = below.get(anc)
            if known is not None:
                got = known
                break
            tag = els.tags[anc]
            if tag == _TEXT or tag in _OUTSIDE:
                got = tag == _TEXT
                path.append(anc)
                break
            path.append(anc)
            anc = els.parent[anc]
        for p in path:
            below[p] = got
        return got

    return test
