"""An edition's pointers to its persons, places and organisations, made comparable.

Editions identify who a name means with ``@ref``, ``@key`` or ``@corresp``: a local id
(``#ehri_et_landau_lipold``), a bare key (``w6bv9xp3``), a prefixed pointer (``psn:p12``,
expanded by the header's ``prefixDef``), a pointer into a separate personography
(``persons.xml#p12``) or a URI (``http://www.geonames.org/2643743/london.html``). Two mentions
with the same pointer are one entity whatever their surface ("mother", "LANDAU"); two with
different pointers are never one. ``normalise`` turns each form into one comparable string, so
a register entry's ``xml:id``, ``idno``, ``link/@target`` and ``@sameAs`` meet the markup's
pointers; that string is a key to compare by, never written out: the store keeps each pointer
as the edition wrote it too (``as_written``), so ``https://`` stays ``https://``.

Pure functions over strings and lxml elements; the store keeps the pointer -> entity table.

DOCS: docs/review.md#the-editions-own-identifications
"""

from __future__ import annotations

import re

from lxml import etree

from annotator.tei.marked import POINTER_ATTRS
from annotator.tei.parse import TEI_NS
from annotator.tei.prefixes import Prefixes

_NCNAME = re.compile(r"[A-Za-z_][\w.\-]*")
_GEONAMES = re.compile(r"^https?://(?:www\.|sws\.)?geonames\.org/(\d+)", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.I)
_HTTP = re.compile(r"^https?://(?:www\.)?", re.I)

NO_PREFIXES = Prefixes()


def normalise(value: str, prefixes: Prefixes = NO_PREFIXES) -> str:
    """One comparable form of a pointer, '' for none.

    ``#id``, ``file.xml#id`` and a bare ``id`` give ``id``; a GeoNames URI its
    ``https://www.geonames.org/<number>``; other URIs lose their scheme's ``s``, ``www.`` and a
    final slash, so ``http://`` and ``https://`` spellings of one URI meet.
    """
    value = prefixes.expand(value.strip())
    if not value:
        return ""
    if _SCHEME.match(value):
        m = _GEONAMES.match(value)
        if m:
            return f"https://www.geonames.org/{m.group(1)}"
        value = _HTTP.sub("http://", value)
        return value.rstrip("/")
    if "#" in value:  # a local id, or an id in a separate register file
        return value.rsplit("#", 1)[1]
    return value


def as_written(value: str, prefixes: Prefixes = NO_PREFIXES) -> str:
    """A pointer as the edition wrote it, its prefix expanded (``psn:p12`` means nothing
    outside its file): what the store keeps beside ``normalise``'s key, and writes out."""
    return prefixes.expand(value.strip())


def pointer_forms(el: etree._Element, prefixes: Prefixes = NO_PREFIXES) -> dict[str, str]:
    """Every pointer of a name element (``@ref``, ``@key``, ``@corresp``) in order: its
    normalised key -> the form first written (``as_written``).

    @ref beside @key or @corresp may be two pointers to one entity; a group (``is_group``)
    points to several.
    """
    out: dict[str, str] = {}
    for attr in POINTER_ATTRS:
        for part in (el.get(attr) or "").split():
            p = normalise(part, prefixes)
            if p:
                out.setdefault(p, as_written(part, prefixes))
    return out


def is_group(el: etree._Element) -> bool:
    """Whether a name refers to several entities at once: one pointer attribute holding
    several pointers (``<persName ref="pe0914 pe1172">the Misses ...</persName>``, TEI's
    list of pointers), not ``@ref`` beside ``@key`` (two names of one entity)."""
    return any(len((el.get(attr) or "").split()) > 1 for attr in POINTER_ATTRS)


# authority files: a URI on one of these names one person, place or organisation for good
_AUTHORITY = re.compile(
    r"^https?://(?:www\.)?(?:geonames\.org|viaf\.org|wikidata\.org|d-nb\.info/gnd|id\.loc\.gov"
    r"|isni\.org|orcid\.org|data\.bnf\.fr|id\.ndl\.go\.jp|vocab\.getty\.edu"
    r"|pleiades\.stoa\.org|dbpedia\.org/resource|portal\.ehri-project\.eu"
    r"|data\.ehri-project\.eu)/", re.I)


def entry_pointers(el: etree._Element, prefixes: Prefixes = NO_PREFIXES
                   ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The pointers a register entry answers to, those of them that say who it is, and the
    first as each is written (``as_written``, beside the first tuple), from one walk of the
    entry: its xml:id, ``@sameAs``, its ``idno`` and ``link/@target`` URIs
    (``ptr``/``ref`` targets too), and every target of a ``<ptr type="sameAs">`` (ids beyond
    the one ``@sameAs`` holds: an entry merged from several).

    Identity pointers leave out what to read about the entry: link targets outside an
    authority file (GeoNames, VIAF, Wikidata, GND, EHRI...) and links typed ``desc``. Two
    entries may link one Wikipedia page or PDF (an edition gave Tojo a link to Togo's page);
    sharing an identity pointer may make them one. Each tuple keeps its pointers in the order
    first met, once.
    """
    every: dict[str, str] = {}
    identity: dict[str, None] = {}

    def add(value: str, *, who: bool = True) -> None:
        p = normalise(value, prefixes)
        if p:
            every.setdefault(p, as_written(value, prefixes))
            if who:
                identity.setdefault(p)

    add(el.get("{http://www.w3.org/XML/1998/namespace}id") or "")
    for part in (el.get("sameAs") or "").split():
        add(part)
    for child in el.iter(f"{{{TEI_NS}}}idno"):
        text = (child.text or "").strip()
        if _SCHEME.match(text):
            add(text)
    for child in el.iter(f"{{{TEI_NS}}}link", f"{{{TEI_NS}}}ptr", f"{{{TEI_NS}}}ref"):
        kind = (child.get("type") or "").strip().lower()
        if kind == "sameas":  # <ptr type="sameAs" target="#id"/>: another id of it, as @sameAs
            for part in (child.get("target") or "").split():
                add(part)
            continue
        for part in (child.get("target") or "").split():
            if _SCHEME.match(part):
                add(part, who=kind != "desc" and bool(_AUTHORITY.match(part)))
    return tuple(every), tuple(identity), tuple(every.values())


def is_uri(pointer: str) -> bool:
    """Whether a normalised pointer is a URI (``https://www.geonames.org/2643743``), not an id."""
    return bool(_SCHEME.match(pointer))


def local_id(pointer: str) -> str | None:
    """The pointer itself when it can be an entity id (an XML name, no URI), else None."""
    return pointer if _NCNAME.fullmatch(pointer) and len(pointer) <= 100 else None

