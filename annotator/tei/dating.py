"""Where a TEI source says when it was written, and where its dated entries start.

``anchor_candidates`` lists the header's dates in order of trust (``correspDesc``'s sending,
``creation``, the source description's bibliographic dates, ``publicationStmt`` only when the
text is born digital), then the text's first ``opener``/``dateline``, then the title; each as a
TEI value or its words, with where it was found. ``date_blocks`` gives the reading-text spans of
datelines, headings and paragraphs, which the chronology uses to restart at each dated entry.

DOCS: docs/proposals.md#dates-in-the-documents-chronology
"""

from __future__ import annotations

from lxml import etree

from annotator.tei.parse import TEI_NS, ParsedSource, element_text
from annotator.tei.textmap import TextMap, element_spans

_T = f"{{{TEI_NS}}}"
_VALUE_ATTRS = ("when", "from", "notBefore", "when-iso", "from-iso", "notBefore-iso")
BLOCK_KINDS = {"dateline": "dateline", "head": "head", "p": "p", "ab": "p", "opener": "p",
               "closer": "p", "salute": "p", "item": "p", "note": "note"}
# Elements whose content points or identifies: a number there is a letter, page or shelf number.
REFERENCES = frozenset({"ref", "ptr", "idno", "biblScope", "citedRange"})


def _date_of(el: etree._Element) -> str:
    """A date element's TEI value (its start for a range) or, without one, its words."""
    for attr in _VALUE_ATTRS:
        if el.get(attr):
            return str(el.get(attr))
    return element_text(el)


def anchor_candidates(parsed: ParsedSource) -> list[tuple[str, str]]:
    """(value or words, where) of the dates that may say when the source was written."""
    root = parsed.root
    header = root.find(f"{_T}teiHeader")
    out: list[tuple[str, str]] = []
    if header is not None:
        dates = f"{_T}date", f"{_T}origDate"
        sent = header.findall(f".//{_T}correspDesc/{_T}correspAction[@type='sent']")
        actions = sent or header.findall(f".//{_T}correspDesc/{_T}correspAction")
        out += [(_date_of(d), "the header's sending date") for a in actions
                for d in a.iter(*dates)]
        out += [(_date_of(d), "the header's creation date")
                for c in header.iter(f"{_T}creation") for d in c.iter(*dates)]
        source_desc = header.find(f".//{_T}sourceDesc")
        if source_desc is not None:
            out += [(_date_of(d), "the source description's date")
                    for d in source_desc.iter(*dates)]
            born_digital = "born digital" in element_text(source_desc).lower().replace("-", " ")
            if born_digital:
                out += [(_date_of(d), "the publication date (born digital)")
                        for p in header.iter(f"{_T}publicationStmt") for d in p.iter(*dates)]
    text = root.find(f".//{_T}text")
    if text is not None:
        for el in text.iter(f"{_T}dateline", f"{_T}opener"):
            words = element_text(el)
            inner = [d for d in el.iter(f"{_T}date") if any(d.get(a) for a in _VALUE_ATTRS)]
            out += [(_date_of(d), "the dateline's date") for d in inner]
            out.append((words, "the dateline"))
            break
    if header is not None:
        for title in header.iter(f"{_T}title"):
            out.append((element_text(title), "the title"))
            break
    return [(v, where) for v, where in out if v]


def _spans_of(tm: TextMap, names: dict[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, names[tag]) of each TEI element named in ``names``, in reading order
    (found in the map's ``elements``: the tree is not walked)."""
    els = tm.elements()
    kinds = {i: names[els.tags[i].removeprefix(_T)] for i in els.iter(_T + n for n in names)}
    spans = element_spans(tm, kinds)
    return sorted((s, e, kinds[i]) for i, (s, e) in spans.items())


def blocks_and_references(tm: TextMap
                          ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """``date_blocks``, and (start, end) of the elements that point or identify (``ref``,
    ``idno``...: a bare number there, "see <ref target='1304.xml'>1304</ref>", is no year),
    from one walk over the map and its kept elements."""
    spans = _spans_of(tm, {**BLOCK_KINDS, **dict.fromkeys(REFERENCES, "")})
    return [s for s in spans if s[2]], [(s, e) for s, e, kind in spans if not kind]


def date_blocks(tm: TextMap) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each dateline, heading and paragraph-like block of the reading
    text, in reading order; kind is 'dateline', 'head', 'p' or 'note' (an editor's note,
    whose dates are not the text's chronology)."""
    return _spans_of(tm, BLOCK_KINDS)
