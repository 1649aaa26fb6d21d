"""Authority ids: the shapes of Wikidata, VIAF, GeoNames and GND ids, checked before they are
stored or exported, so a register never links to a record that cannot exist; and the one form
they are compared in, (scheme, value), however a file writes them: a register's bare
``<idno type="wikidata">Q42</idno>`` is the record a source's
``@ref="https://www.wikidata.org/wiki/Q42"`` points to.

DOCS: docs/review.md#acts
"""

from __future__ import annotations

import re

from annotator.entities.pointers import normalise
from annotator.errors import DecisionError

# Authority id shapes (Wikidata's format constraints for these properties).
AUTHORITIES: dict[str, tuple[re.Pattern[str], str]] = {
    "wikidata": (re.compile(r"Q[1-9]\d*"), "a Wikidata item id such as Q352"),
    "viaf": (re.compile(r"[1-9]\d{1,21}"), "a VIAF cluster number such as 30300781"),
    "geonames": (re.compile(r"[1-9]\d{0,9}"), "a GeoNames id such as 2950159"),
    "gnd": (re.compile(r"1[0123]?\d{7}[0-9X]|[47]\d{6}-\d|[1-9]\d{0,7}-[0-9X]|3\d{7}[0-9X]"),
            "a GND id such as 118551655 or 4010877-3"),
}
# The URI of each scheme's record, as exports write it (``export.tei``: a name pointing to the
# record), and the other URIs of one record a file may write (Wikidata's page of the item).
AUTHORITY_URIS = {"wikidata": "http://www.wikidata.org/entity/{}",
                  "viaf": "http://viaf.org/viaf/{}", "geonames": "https://sws.geonames.org/{}/",
                  "gnd": "https://d-nb.info/gnd/{}"}
_OTHER_URIS = {"wikidata": ("https://www.wikidata.org/wiki/{}",)}
_AUTHORITY_URL = re.compile(
    r"https?://(?:www\.)?(?:wikidata\.org/(?:wiki|entity)/|viaf\.org/viaf/|"
    r"(?:sws\.)?geonames\.org/|d-nb\.info/gnd/)([^/?#\s]+)")


def normalise_authority(scheme: str, value: str) -> tuple[str, str]:
    """Check an authority id's shape; accept the id or its URL. Raises DecisionError D004 for
    a scheme that is not one of ours, D030 for an id not of its scheme's shape, quoting the
    editor's input as typed ('Q64x', not the 'Q64X' checked)."""
    given_scheme, given = scheme, value
    scheme = scheme.strip().lower()
    if scheme not in AUTHORITIES:
        raise DecisionError(f"unknown authority '{given_scheme}'",
                            hint=f"use one of {', '.join(AUTHORITIES)}", code="D004")
    value = value.strip()
    url = _AUTHORITY_URL.fullmatch(value.rstrip("/"))
    if url:
        value = url.group(1)
    if scheme == "wikidata":
        value = value.upper()
    pattern, example = AUTHORITIES[scheme]
    if not pattern.fullmatch(value):
        raise DecisionError(f"'{given}' is not a {scheme} id", hint=f"give {example}",
                            code="D030")
    return scheme, value


def scheme_from_url(value: str) -> str | None:
    """The authority whose records a URL is of, by its host (None for another host)."""
    for host, scheme in (("wikidata.org", "wikidata"), ("viaf.org", "viaf"),
                         ("geonames.org", "geonames"), ("d-nb.info/gnd", "gnd")):
        if host in value:
            return scheme
    return None


def authority_in(pointer: str) -> tuple[str, str] | None:
    """The authority id (scheme, value) an edition's pointer names, in the form an entity
    keeps it (``normalise_authority``), None for a pointer that is no authority record's URI:
    ``https://www.wikidata.org/wiki/Q42`` and ``http://www.wikidata.org/entity/Q42`` are
    ("wikidata", "Q42"), a GeoNames page ``http://www.geonames.org/3078610/brno.html``
    ("geonames", "3078610")."""
    key = normalise(pointer)  # one GeoNames URI of every page of the record
    scheme = scheme_from_url(key)
    if scheme is None:
        return None
    try:
        return normalise_authority(scheme, key)
    except DecisionError:
        return None  # a URI of that host that is no record (a search, a help page)


def authority_pointers(scheme: str, value: str) -> tuple[str, ...]:
    """The pointer keys (``pointers.normalise``) of the URIs an edition may write for an
    authority id: what a source's ``@ref`` or a register's link to that record is kept as."""
    uris = (AUTHORITY_URIS[scheme], *_OTHER_URIS.get(scheme, ())) if scheme in AUTHORITY_URIS \
        else ()
    return tuple(dict.fromkeys(normalise(u.format(value)) for u in uris))
