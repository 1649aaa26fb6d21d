"""A bibliography entry as a TEI ``<bibl>`` for people, and back, every field kept.

The export lists the works its claims cite in ``standOff/listBibl``; added to another
workspace, the file must bring back the same entries. Each field is one element holding its
text for people (``latex.plain``: ``{German}--{Soviet}`` reads "German–Soviet"), marked where
TEI has no element of its own:

=====================  ============================================================
author, editor         one ``<author>``/``<editor>`` per name (BibTeX ``and`` lists)
translator             ``<editor role="translator">``
title                  ``<title level="m|a|j|s">`` (by entry type), journaltitle and
                       journal ``<title level="j">``, booktitle ``<title level="m"
                       type="booktitle">``, series ``<title level="s">``, subtitle
                       ``<title type="sub">``
publisher, location    ``<publisher>``, ``<pubPlace>``
date, year, urldate    ``<date type="date|year|urldate" when="...">`` (``830``: ``when=
                       "0830"``; no ``@when`` for a year BC); a ``year`` that is
                       its ``date``'s year (as a number: ``-44``, ``-0044``) says nothing more: no
                       element of its own, read back from the date
volume, number, pages  ``<biblScope unit="volume|issue|page">``
doi, isbn, issn        ``<idno type="DOI|ISBN|ISSN">``
url                    ``<ptr target="..."/>``
anything else          ``<note type="<field>">`` (``note`` itself too)
=====================  ============================================================

The entry type is ``@type`` and the citation key the ``xml:id``; a key that is not a valid
xml:id (``Nekrich:1997``) gets a valid one and ``<idno type="key">`` with the key itself.

Where those elements do not give back the stored values (LaTeX the text for people drops:
protective braces, ``--``, ``\\emph``; a year and date that differ only so), the ``<bibl>``
ends with ``<note type="bibtex">``: the whole entry as BibLaTeX, which the reader takes
instead. A typed ``note`` is plain TEI P5 that any reader can show, hide (by ``@type``) or
paste into a .bib file, and it travels with the ``<bibl>``: a pointer to the .bib export would
lose the exact values when the TEI file is added alone, ``idno`` is for identifiers, and
``xenoData`` (TEI's place for non-TEI metadata) is allowed only in the ``teiHeader``.

DOCS: docs/export.md#annotated-tei
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from annotator.bibliography.blocks import split
from annotator.bibliography.entries import classic_name, split_names, year_number
from annotator.bibliography.latex import plain
from annotator.bibliography.library import VERBATIM
from annotator.calendar import iso_date
from annotator.tei.parse import TEI_NS, XML_ID, parse_xml
from annotator.text import attrs, esc

_T = f"{{{TEI_NS}}}"
_LEVEL = {"article": "a", "inbook": "a", "incollection": "a", "inproceedings": "a",
          "inreference": "a", "book": "m", "mvbook": "m", "collection": "m", "proceedings": "m",
          "thesis": "m", "phdthesis": "m", "mastersthesis": "m", "report": "m"}
_TITLES = {"journaltitle": ("j", None), "journal": ("j", "journal"),
           "booktitle": ("m", "booktitle"), "series": ("s", None), "subtitle": (None, "sub")}
_SCOPES = {"volume": "volume", "number": "issue", "pages": "page"}
_IDNOS = {"doi": "DOI", "isbn": "ISBN", "issn": "ISSN"}
_DATES = ("date", "year", "urldate")
_SHORT_YEAR = re.compile(r"[0-9]{1,3}")  # a year field's 830 (biber's year 830); 4 digits: ISO


def bibl_lines(key: str, type_: str, fields: tuple[tuple[str, str], ...], xml_id: str,
               q: Callable[[str], str]) -> list[str]:
    """The ``<bibl>`` of one entry, as lines indented in steps of two spaces."""
    elements = _field_elements(type_, fields)
    body = _lines(elements, q)
    if list(_read_fields(_parsed(elements)).items()) != [(f, v) for f, v in fields if v]:
        body.append(f"  <{q('note')}{attrs([('type', 'bibtex')])}>@{esc(type_)}{{{esc(key)},")
        body.extend(f"    {f} = {{{esc(v)}}}," for f, v in fields if v)
        body.append(f"  }}</{q('note')}>")
    out = [f"<{q('bibl')}{attrs([('xml:id', xml_id), ('type', type_)])}>"]
    if key != xml_id:
        out.append(f"  <{q('idno')}{attrs([('type', 'key')])}>{esc(key)}</{q('idno')}>")
    return [*out, *body, f"</{q('bibl')}>"]


# an element of a <bibl>: (local name, its attributes written out, its text escaped or None)
_Field = tuple[str, str, str | None]


def _field_elements(type_: str, fields: tuple[tuple[str, str], ...]) -> list[_Field]:
    """One element per field, its text for people (verbatim fields as they are); made once
    for the lines written and the read-back check alike."""
    def el(name: str, text: str, *pairs: tuple[str, str | None]) -> _Field:
        return name, attrs(pairs), esc(text)

    given = dict(fields)
    out: list[_Field] = []
    for field, value in fields:
        if not value:
            continue
        text = value if field in VERBATIM else plain(value)
        if field in ("author", "editor", "translator"):
            tag = "author" if field == "author" else "editor"
            role = "translator" if field == "translator" else None
            out.extend(el(tag, plain(classic_name(n)), ("role", role))
                       for n in split_names(value))
        elif field == "title":
            out.append(el("title", text, ("level", _LEVEL.get(type_.lower()))))
        elif field in _TITLES:
            level, kind = _TITLES[field]
            out.append(el("title", text, ("level", level), ("type", kind)))
        elif field == "publisher":
            out.append(el("publisher", text))
        elif field == "location":
            out.append(el("pubPlace", text))
        elif field == "year" and _same_year(value, given.get("date", "")):
            continue  # the date's own year: its <date> says it (-44 is -0044's: a number)
        elif field in _DATES:
            out.append(el("date", text, ("type", field), ("when", _when(value))))
        elif field in _SCOPES:
            out.append(el("biblScope", text, ("unit", _SCOPES[field])))
        elif field in _IDNOS:
            out.append(el("idno", text, ("type", _IDNOS[field])))
        elif field == "url":
            out.append(("ptr", attrs([("target", value)]), None))
        else:
            out.append(el("note", text, ("type", field)))
    return out


def _when(value: str) -> str | None:
    """The ``@when`` of a date field: a real single date (TEI's ``@when`` takes no range), or
    a year of fewer digits AD as biber reads it (``830``), padded as ``@when`` needs
    (``0830``); the element's text keeps the digits as written. None for a year BC: BibLaTeX
    counts years as ISO 8601 does (0000 is 1 BC), TEI's schema as XML Schema 1.0 (no year 0,
    -0001 is 1 BC), so the same digits are a year apart."""
    if _SHORT_YEAR.fullmatch(value) and int(value) > 0:
        return value.zfill(4)
    parts = iso_date(value)
    return value if parts is not None and len(parts) == 1 and parts[0][0] > 0 else None


def _lines(elements: list[_Field], q: Callable[[str], str]) -> list[str]:
    """The elements as lines indented by two spaces, named by ``q``."""
    return [f"  <{q(name)}{pairs}/>" if text is None
            else f"  <{q(name)}{pairs}>{text}</{q(name)}>" for name, pairs, text in elements]


def _parsed(elements: list[_Field]) -> etree._Element:
    """The field elements as a tree, to see what reading them gives back."""
    lines = _lines(elements, lambda n: n)
    return parse_xml(f'<bibl xmlns="{TEI_NS}">{"".join(lines)}</bibl>'.encode(), Path("bibl"))


def _year_of(date: str) -> str | None:
    """The year of a stored ``date`` that has one (``1891-12-24``, ``1891/1892``: 1891), its
    whole year part as written: ``-0044-03-15`` (a year BC) is ``-0044``, not its first four
    characters."""
    first = date.split("/")[0]
    if not (date and iso_date(first)):
        return None
    sign = "-" if first.startswith("-") else ""
    return sign + first[len(sign):].split("-")[0]


def _same_year(year: str, date: str) -> bool:
    """Whether a year field is its date's year, compared as numbers by the bibliography's
    one rule (``year_number``): the field ``-44`` or ``830`` is the date ``-0044``'s or
    ``0830``'s year, though the digits differ."""
    own = _year_of(date)
    return own is not None and year_number(year) == year_number(own) is not None


def bibl_key(el: etree._Element) -> str | None:
    """The citation key of a ``<bibl>`` written by ``bibl_lines``."""
    for child in el.iter(f"{_T}idno"):
        if child.get("type") == "key" and child.text:
            return child.text
    return el.get(XML_ID)


def read_bibl(el: etree._Element) -> tuple[str, dict[str, str]]:
    """(entry type, fields) of a ``<bibl>`` written by ``bibl_lines``: the exact inverse.

    Its ``<note type="bibtex">`` when it has one, else its elements (exports before the
    note, and entries whose elements say every value exactly).
    """
    for child in el.iterchildren(f"{_T}note"):
        if child.get("type") == "bibtex":
            blocks = [b for b in split(child.text or "") if b.kind == "entry"]
            if blocks:
                return blocks[0].type, {f.name: "".join(t for _, t in f.parts)
                                        for f in blocks[0].fields}
    return el.get("type") or "misc", _read_fields(el)


def _read_fields(el: etree._Element) -> dict[str, str]:
    fields: dict[str, str] = {}
    scopes = {v: k for k, v in _SCOPES.items()}
    idnos = {v: k for k, v in _IDNOS.items()}
    titles = {v: k for k, v in _TITLES.items()}
    for child in el:
        if not isinstance(child.tag, str) or not child.tag.startswith(_T):
            continue
        name = child.tag[len(_T):]
        text = child.text or ""
        if name in ("author", "editor"):
            field = "translator" if child.get("role") == "translator" else name
            fields[field] = f"{fields[field]} and {text}" if field in fields else text
        elif name == "title":
            key = (child.get("level"), child.get("type"))
            field = titles.get(key, "title") if child.get("type") or key[0] in ("j", "s") \
                else "title"
            fields[field] = text
        elif name == "publisher":
            fields["publisher"] = text
        elif name == "pubPlace":
            fields["location"] = text
        elif name == "date":
            fields[child.get("type") or "date"] = text
            year = _year_of(text) if child.get("type") == "date" else None
            if year:
                fields["year"] = year  # placed after the date: its field order is lost
        elif name == "biblScope":
            fields[scopes.get(child.get("unit", ""), child.get("unit", ""))] = text
        elif name == "idno" and child.get("type") == "key":
            continue
        elif name == "idno":
            fields[idnos.get(child.get("type", ""), (child.get("type") or "idno").lower())] = text
        elif name == "ptr":
            fields["url"] = child.get("target", "")
        elif name == "note" and child.get("type") != "bibtex":
            fields[child.get("type") or "note"] = text
    return fields
