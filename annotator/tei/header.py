"""The edition a TEI file says it belongs to, as its header names it.

Editions differ in how they mark names (a title inside ``persName`` or not, a possessive "'s"),
and a workspace may hold files of several; learning an edition's conventions needs to know
which files share them. The file's own words for that are in ``fileDesc``: the series it is
part of (``seriesStmt``, the project or edition's name), else who publishes it
(``publicationStmt``: ``publisher``, ``authority``, ``distributor``). Files are kept flat in
``sources/``, so the header is what a file carries of its edition. A header naming neither (an
empty ``<publisher/>``) leaves the schema the file declares (``<?xml-model href?>``) when it is
the edition's own ("CT.rng", an ODD's output), not one of TEI's stock schemas (``tei_all``),
which any edition may use.

DOCS: docs/proposals.md#conventions
"""

from __future__ import annotations

import re

from lxml import etree

from annotator.tei.parse import TEI_NS, XML_ID, element_text

_T = f"{{{TEI_NS}}}"
_PUBLISHERS = (f"{_T}publisher", f"{_T}authority", f"{_T}distributor")
APP_ID = "annotator"  # xml:id of annotator's <application>, which its proposals' @resp names
STANDOFF_ID = f"{APP_ID}-standoff"  # xml:id of the <standOff> an export writes its entries in


def edition_name(root: etree._Element) -> str:
    """The header's name of the file's edition: the first title of its ``seriesStmt``, else
    the first ``publisher``, ``authority`` or ``distributor`` of its ``publicationStmt``, white
    space folded, else the edition's own schema the file declares (``own_schema``); '' when
    it names none (a text file encoded by annotator, whose conventions are those of the
    workspace's texts, ``Texts.conventions_edition``; an empty ``<publisher/>`` and no schema
    of its own: no edition, docs/proposals.md#conventions)."""
    desc = root.find(f"{_T}teiHeader/{_T}fileDesc")
    if desc is None:
        return own_schema(root)
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
    return own_schema(root)


# TEI's own schemas ("tei_all.rng", "tei_lite.odd", any under tei-c.org): any edition's
_STOCK = re.compile(r"(?:^|/)(?:tei_[\w-]*|teilite|tei)\.(?:rng|rnc|xsd|odd|dtd)$|tei-c\.org", re.I)


def own_schema(root: etree._Element) -> str:
    """The schema a file declares before its root (``<?xml-model href="CT.rng"?>``, oXygen's
    ``<?oxygen RNGSchema="..."?>``) when it is no stock TEI schema: an edition's customisation,
    which its files share and other editions' do not. '' for none."""
    for node in root.itersiblings(preceding=True):
        if not isinstance(node, etree._ProcessingInstruction):
            continue
        href = node.get("href") if node.target == "xml-model" else \
            node.get("RNGSchema") if node.target == "oxygen" else None
        href = (href or "").strip()
        if href and not _STOCK.search(href):
            return href
    return ""


_SCHEMA_HREF = re.compile(r"\.(?:rng|rnc|xsd|odd|dtd)(?:[?#]\S*)?$|^[a-z][\w+.-]*://\S+$", re.I)


def is_schema(name: str) -> bool:
    """The edition's name is the schema its files declare (``own_schema``: "CT.rng"), not a
    series or publisher: a detail of the edition, not a name an editor knows it by."""
    return bool(_SCHEMA_HREF.search(name))


def annotator_apps(root: etree._Element) -> list[etree._Element]:
    """The ``<application>``s of a file's header that annotator's export wrote (``#annotator``,
    ``#annotator-model-...``), what its proposals' ``@resp`` names: none unless the header
    has annotator's own (``xml:id="annotator" ident="annotator"``), so an edition's own
    applications and ``@resp`` stay its own markup. (A later export adds its proposers in an
    ``appInfo`` of their own, without annotator's, which the file has already.)"""
    apps = [a for a in root.iterfind(f"{_T}teiHeader//{_T}appInfo/{_T}application")
            if (xid := a.get(XML_ID)) == APP_ID or (xid or "").startswith(f"{APP_ID}-")]
    if not any(a.get(XML_ID) == APP_ID and a.get("ident") == "annotator" for a in apps):
        return []
    return apps
