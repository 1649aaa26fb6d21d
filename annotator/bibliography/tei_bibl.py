"""A bibliography entry as a TEI ``<bibl>`` and back, every field kept.

The export lists the works its claims cite in ``standOff/listBibl``; added to another
workspace, the file must bring back the same entries. The mapping is one element per field,
marked where TEI has no element of its own, so reading inverts writing exactly:

=====================  ============================================================
author, editor         one ``<author>``/``<editor>`` per name (BibTeX ``and`` lists)
translator             ``<editor role="translator">``
title                  ``<title level="m|a|j|s">`` (by entry type), journaltitle and
                       journal ``<title level="j">``, booktitle ``<title level="m"
                       type="booktitle">``, series ``<title level="s">``, subtitle
                       ``<title type="sub">``
publisher, location    ``<publisher>``, ``<pubPlace>``
date, year, urldate    ``<date type="date|year|urldate" when="...">``
volume, number, pages  ``<biblScope unit="volume|issue|page">``
doi, isbn, issn        ``<idno type="DOI|ISBN|ISSN">``
url                    ``<ptr target="..."/>``
anything else          ``<note type="<field>">`` (``note`` itself too)
=====================  ============================================================

The entry type is ``@type`` and the citation key the ``xml:id``; a key that is not a valid
xml:id (``Nekrich:1997``) gets a valid one and ``<idno type="key">`` with the key itself.

DOCS: docs/export.md#annotated-tei
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from annotator.bibliography.entries import split_names
from annotator.calendar import iso_date
from annotator.tei.parse import TEI_NS, XML_ID
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


def bibl_lines(key: str, type_: str, fields: tuple[tuple[str, str], ...], xml_id: str,
               q: Callable[[str], str]) -> list[str]:
    """The ``<bibl>`` of one entry, as lines indented in steps of two spaces."""
    def el(name: str, text: str, *pairs: tuple[str, str | None]) -> str:
        return f"  <{q(name)}{attrs(pairs)}>{esc(text)}</{q(name)}>"

    out = [f"<{q('bibl')}{attrs([('xml:id', xml_id), ('type', type_)])}>"]
    if key != xml_id:
        out.append(el("idno", key, ("type", "key")))
    for field, value in fields:
        if not value:
            continue
        if field in ("author", "editor", "translator"):
            tag = "author" if field == "author" else "editor"
            role = "translator" if field == "translator" else None
            out.extend(el(tag, n, ("role", role)) for n in split_names(value))
        elif field == "title":
            out.append(el("title", value, ("level", _LEVEL.get(type_.lower()))))
        elif field in _TITLES:
            level, kind = _TITLES[field]
            out.append(el("title", value, ("level", level), ("type", kind)))
        elif field == "publisher":
            out.append(el("publisher", value))
        elif field == "location":
            out.append(el("pubPlace", value))
        elif field in _DATES:
            parts = iso_date(value)  # a real single date: TEI's @when takes no range
            when = value if parts is not None and len(parts) == 1 else None
            out.append(el("date", value, ("type", field), ("when", when)))
        elif field in _SCOPES:
            out.append(el("biblScope", value, ("unit", _SCOPES[field])))
        elif field in _IDNOS:
            out.append(el("idno", value, ("type", _IDNOS[field])))
        elif field == "url":
            out.append(f"  <{q('ptr')}{attrs([('target', value)])}/>")
        else:
            out.append(el("note", value, ("type", field)))
    out.append(f"</{q('bibl')}>")
    return out


def bibl_key(el: etree._Element) -> str | None:
    """The citation key of a ``<bibl>`` written by ``bibl_lines``."""
    for child in el.iter(f"{_T}idno"):
        if child.get("type") == "key" and child.text:
            return child.text
    return el.get(XML_ID)


def read_bibl(el: etree._Element) -> tuple[str, dict[str, str]]:
    """(entry type, fields) of a ``<bibl>`` written by ``bibl_lines``: the exact inverse."""
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
        elif name == "biblScope":
            fields[scopes.get(child.get("unit", ""), child.get("unit", ""))] = text
        elif name == "idno" and child.get("type") == "key":
            continue
        elif name == "idno":
            fields[idnos.get(child.get("type", ""), (child.get("type") or "idno").lower())] = text
        elif name == "ptr":
            fields["url"] = child.get("target", "")
        elif name == "note":
            fields[child.get("type") or "note"] = text
    return el.get("type") or "misc", fields
