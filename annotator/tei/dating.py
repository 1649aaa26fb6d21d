"""Where a TEI source says when it was written, and where its dated entries start.

``anchor_candidates`` lists the dates that may say when the source was written, in order of
trust: the header's statements of the writing (``correspDesc``'s sending, ``creation``), the
text's first ``opener``/``dateline``, the source description's dates (a manuscript's catalogue
entry, a printed edition: they may date the description, not the writing), ``publicationStmt``
only when the text is born digital, then the title; each as a TEI value or its words, with
where it was found. ``source_date`` takes the first that holds a date. Where the header's date
and the dateline's disagree (``date_disagreement``), a ``correspDesc``/``creation`` date is
kept, but where its own words give the dateline's date, its TEI value is a slip of encoding (a
day and month swapped) and the dateline's is taken. ``date_blocks``
gives the reading-text spans of datelines, headings and paragraphs, which the chronology uses
to restart at each dated entry.

DOCS: docs/proposals.md#dates-in-the-documents-chronology
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import NamedTuple

from lxml import etree

from annotator.chronology import Day, anchor_of, parse_day
from annotator.tei.parse import TEI_NS, ParsedSource, element_text, source_line
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


def _own_words(el: etree._Element) -> str:
    """An element's words without those of the notes inside it, whitespace folded: a note in a
    dateline (a receipt, "This incorrect date has been added in another hand") is not its
    date, and its words would run into the date's ('1823Received this 6th')."""
    parts = [el.text or ""]
    for child in el:
        if child.tag != f"{_T}note" and isinstance(child.tag, str):
            parts.append(_own_words(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _in_note(el: etree._Element, within: etree._Element) -> bool:
    """Whether ``el`` stands in a note of ``within`` (a receipt's date in a dateline's note)."""
    for up in el.iterancestors():
        if up is within:
            return False
        if up.tag == f"{_T}note":
            return True
    return False


class _Candidate(NamedTuple):
    value: str  # a TEI value or words
    where: str  # "the header's creation date", "the dateline", ...
    part: str  # 'header' (correspDesc, creation), 'dateline', 'description' or 'title'
    el: etree._Element  # where it is said (its line; a header date's words and range)


def _candidates(parsed: ParsedSource) -> list[_Candidate]:
    root = parsed.root
    header = root.find(f"{_T}teiHeader")
    out: list[_Candidate] = []
    if header is not None:
        dates = f"{_T}date", f"{_T}origDate"
        sent = header.findall(f".//{_T}correspDesc/{_T}correspAction[@type='sent']")
        actions = sent or header.findall(f".//{_T}correspDesc/{_T}correspAction")
        out += [_Candidate(_date_of(d), "the header's sending date", "header", d)
                for a in actions for d in a.iter(*dates)]
        out += [_Candidate(_date_of(d), "the header's creation date", "header", d)
                for c in header.iter(f"{_T}creation") for d in c.iter(*dates)]
    text = root.find(f".//{_T}text")
    if text is not None:
        for el in text.iter(f"{_T}dateline", f"{_T}opener"):
            words = _own_words(el)
            inner = [d for d in el.iter(f"{_T}date") if any(d.get(a) for a in _VALUE_ATTRS)
                     and not _in_note(d, el)]
            out += [_Candidate(_date_of(d), "the dateline's date", "dateline", d) for d in inner]
            line = el.find(f".//{_T}dateline")  # an opener's dateline: its line is named
            out.append(_Candidate(words, "the dateline", "dateline", el if line is None else line))
            break
    if header is not None:
        # what describes the source (a manuscript's catalogue entry, a printed edition) may be
        # dated otherwise than the writing: after the text's own dateline, before the title
        source_desc = header.find(f".//{_T}sourceDesc")
        if source_desc is not None:
            out += [_Candidate(_date_of(d), "the source description's date", "description", d)
                    for d in source_desc.iter(*dates)]
            born_digital = "born digital" in element_text(source_desc).lower().replace("-", " ")
            if born_digital:
                out += [_Candidate(_date_of(d), "the publication date (born digital)",
                                   "description", d)
                        for p in header.iter(f"{_T}publicationStmt") for d in p.iter(*dates)]
        for title in header.iter(f"{_T}title"):
            out.append(_Candidate(element_text(title), "the title", "title", title))
            break
    return [c for c in out if c.value]


def anchor_candidates(parsed: ParsedSource) -> list[tuple[str, str]]:
    """(value or words, where) of the dates that may say when the source was written."""
    return [(c.value, c.where) for c in _candidates(parsed)]


@dataclass(frozen=True, slots=True)
class DateDisagreement:
    """The header's date and the dateline's, which say different days of the writing: each
    as a TEI value (the header's a range 'from/to' when it gives one), where it was found and
    its line. ``slip``: the header date's own words (``header_words``) give the dateline's date
    and not its TEI value, which is then a slip of encoding and not taken. ``described``: the
    header's date is the source description's (no ``correspDesc``/``creation`` date), which
    gives way to the dateline.

    DOCS: docs/proposals.md#dates-in-the-documents-chronology
    """

    header: str
    header_where: str
    header_line: int | None
    header_words: str
    dateline: str
    dateline_where: str
    dateline_line: int | None
    slip: bool
    described: bool = False

    def to_json(self) -> str:
        """As the store keeps it with the file's version: found once, read by every check."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DateDisagreement:
        return cls(**json.loads(text))


def differs_json(differs: DateDisagreement | None) -> str:
    """``source_versions.date_differs``: the disagreement as JSON, '' for none (the store's
    writes and its migration to version 20 alike)."""
    return differs.to_json() if differs else ""


class SourceDate(NamedTuple):
    """The source's own date (its anchor) and why; and the disagreement it was chosen over."""

    day: Day | None
    reason: str
    disagreement: DateDisagreement | None = None


def _bounds(first: Day, last: Day | None = None) -> tuple[tuple[int, int, int],
                                                          tuple[int, int, int]]:
    """The first and last (year, month, day) a date, or a range of two, can be."""
    last = last or first
    return ((first.year or 0, first.month or 1, first.day or 1),
            (last.year or 9999, last.month or 12, last.day or 31))


def _agree(a: tuple[tuple[int, int, int], tuple[int, int, int]],
           b: tuple[tuple[int, int, int], tuple[int, int, int]]) -> bool:
    """Whether two dates can be one, each at its own precision: 1823 and 1823-10-03 can,
    1823-03-10 and 1823-10-03 cannot."""
    return a[0] <= b[1] and b[0] <= a[1]


def _day(c: _Candidate) -> Day | None:
    found = anchor_of([(c.value, c.where)])
    return found[0] if found else None


def date_disagreement(parsed: ParsedSource) -> DateDisagreement | None:
    """The header's date (the first of its dates that holds one, in order of trust) against
    the first dateline's (its dated ``date``, else its words), when they cannot be one day:
    a header range holding the dateline's day, or a year holding it, agrees."""
    return _disagreement(_candidates(parsed))


def _disagreement(cands: list[_Candidate]) -> DateDisagreement | None:
    """``date_disagreement`` of the candidates already listed."""
    header = next(((c, d) for c in cands if c.part in ("header", "description") and
                   (d := _day(c))), None)
    line = next(((c, d) for c in cands if c.part == "dateline" and (d := _day(c))), None)
    if header is None or line is None:
        return None
    (hc, hday), (lc, lday) = header, line
    end = next((parse_day(str(hc.el.get(a))) for a in ("to", "notAfter", "to-iso",
                                                       "notAfter-iso") if hc.el.get(a)), None)
    if _agree(_bounds(hday, end), _bounds(lday)):
        return None
    words = element_text(hc.el)
    said = anchor_of([(words, hc.where)]) if words and words != hc.value else None
    slip = said is not None and _agree(_bounds(said[0]), _bounds(lday)) and \
        not _agree(_bounds(said[0]), _bounds(hday, end))
    return DateDisagreement(hday.tei() + (f"/{end.tei()}" if end else ""), hc.where,
                            source_line(hc.el), words, lday.tei(), lc.where, source_line(lc.el),
                            slip, hc.part == "description")


def source_date(parsed: ParsedSource) -> SourceDate:
    """The source's own date by the rule of the module's docstring, with where it was found
    ('the header's creation date 1823-03-10'), and the disagreement, if any."""
    cands = _candidates(parsed)
    differs = _disagreement(cands)
    if differs is not None and differs.slip:
        day = parse_day(differs.dateline)
        assert day is not None
        return SourceDate(day, f"{differs.dateline_where} {differs.dateline}", differs)
    found = anchor_of([(c.value, c.where) for c in cands])
    if found is None:
        return SourceDate(None, "", differs)
    return SourceDate(found[0], found[1], differs)


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
