"""The edition a TEI file says it belongs to, as its header names it.

Editions differ in how they mark names (a title inside ``persName`` or not, a possessive "'s"),
and a workspace may hold files of several; learning an edition's conventions needs to know
which files share them. The file's own words for that are in ``fileDesc``: the series it is
part of (``seriesStmt``, the project or edition's name), else who publishes it
(``publicationStmt``: ``publisher``, ``authority``, ``distributor``). Files are kept flat in
``sources/``, so the header is what a file carries of its edition.

DOCS: docs/proposals.md#conventions
"""

from __future__ import annotations

from lxml import etree

from annotator.tei.parse import TEI_NS, element_text

_T = f"{{{TEI_NS}}}"
_PUBLISHERS = (f"{_T}publisher", f"{_T}authority", f"{_T}distributor")


def edition_name(root: etree._Element) -> str:
    """The header's name of the file's edition: the first title of its ``seriesStmt``, else
    the first ``publisher``, ``authority`` or ``distributor`` of its ``publicationStmt``, white
    space folded; '' when it names none (a text file encoded by annotator, an empty
    ``<publisher/>``)."""
    desc = root.find(f"{_T}teiHeader/{_T}fileDesc")
    if desc is None:
        return ""
    for series in desc.iterfind(f"{_T}seriesStmt"):
        for title in series.iterfind(f"{_T}title"):
            name = element_text(title)
            if name:
                return name
    for stmt in desc.iterfind(f"{_T}publicationStmt"):
        for el in stmt.iter(*_PUBLISHERS):
            name = element_text(el)
            if name:
                return name
    return ""
