"""Authority ids: the shapes of Wikidata, VIAF, GeoNames and GND ids, checked before they are
stored or exported, so a register never links to a record that cannot exist.

DOCS: docs/review.md#acts
"""

from __future__ import annotations

import re

from annotator.errors import DecisionError

# Authority id shapes (Wikidata's format constraints for these properties).
AUTHORITIES: dict[str, tuple[re.Pattern[str], str]] = {
    "wikidata": (re.compile(r"Q[1-9]\d*"), "a Wikidata item id such as Q352"),
    "viaf": (re.compile(r"[1-9]\d{1,21}"), "a VIAF cluster number such as 30300781"),
    "geonames": (re.compile(r"[1-9]\d{0,9}"), "a GeoNames id such as 2950159"),
    "gnd": (re.compile(r"1[0123]?\d{7}[0-9X]|[47]\d{6}-\d|[1-9]\d{0,7}-[0-9X]|3\d{7}[0-9X]"),
            "a GND id such as 118551655 or 4010877-3"),
}
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
