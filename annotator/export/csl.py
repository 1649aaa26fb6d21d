"""The bibliography as CSL-JSON, for Zotero, pandoc --citeproc and every CSL processor.

Each entry becomes one CSL item under its citation key (``id``): BibLaTeX types map to CSL
types (``@book`` -> ``book``, ``@article`` -> ``article-journal``, ``@online`` -> ``webpage``,
...), names to ``family``/``given`` (a braced ``{Corporate Name}`` stays whole as ``literal``),
dates to ``date-parts``, and fields to their CSL variables. Items are sorted by key.

DOCS: docs/export.md#bibtex-and-csl-json
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.bibliography.entries import forenames, split_names, surname
from annotator.calendar import iso_date
from annotator.records import BibEntry, Written

TYPES = {"article": "article-journal", "book": "book", "mvbook": "book", "collection": "book",
         "mvcollection": "book", "proceedings": "book", "reference": "book", "manual": "book",
         "inbook": "chapter", "bookinbook": "chapter", "incollection": "chapter",
         "suppbook": "chapter", "suppcollection": "chapter", "inproceedings":
         "paper-conference", "conference": "paper-conference", "inreference":
         "entry-encyclopedia", "online": "webpage", "thesis": "thesis", "phdthesis": "thesis",
         "mastersthesis": "thesis", "report": "report", "techreport": "report",
         "unpublished": "manuscript", "periodical": "periodical", "patent": "patent",
         "dataset": "dataset", "software": "software", "booklet": "pamphlet",
         "misc": "document"}
TEXT = {"title": "title", "journaltitle": "container-title", "journal": "container-title",
        "booktitle": "container-title", "series": "collection-title", "publisher": "publisher",
        "location": "publisher-place", "address": "publisher-place", "volume": "volume",
        "volumes": "number-of-volumes", "number": "issue", "edition": "edition",
        "doi": "DOI", "isbn": "ISBN", "issn": "ISSN", "url": "URL", "note": "note",
        "abstract": "abstract", "institution": "publisher", "school": "publisher",
        "organization": "publisher", "langid": "language", "language": "language"}
NAMES = {"author": "author", "editor": "editor", "translator": "translator"}


def names(value: str) -> list[dict[str, str]]:
    """CSL names of a BibTeX name list."""
    out = []
    for name in split_names(value):
        if name.startswith("{") and name.endswith("}"):
            out.append({"literal": name[1:-1]})
            continue
        family, given = surname(name), forenames(name)
        out.append({"family": family, "given": given} if given else {"family": family})
    return out


def date_parts(value: str) -> dict[str, Any] | None:
    """CSL date of an ISO (EDTF) date or closed range; None for anything else."""
    parts = iso_date("/".join(piece.strip() for piece in value.split("/")))
    if parts is None or [] in parts:
        return None
    return {"date-parts": parts}


def item(entry: BibEntry) -> dict[str, Any]:
    """One CSL-JSON item."""
    f = {k.lower(): v.strip() for k, v in entry.fields if v.strip()}
    out: dict[str, Any] = {"id": entry.key, "type": TYPES.get(entry.type.lower(), "document")}
    for field, var in NAMES.items():
        if f.get(field):
            out[var] = names(f[field])
    for field, var in TEXT.items():
        if f.get(field) and var not in out:
            out[var] = f[field]
    if f.get("subtitle"):
        out["title"] = f"{out.get('title', '')}: {f['subtitle']}".lstrip(": ")
    if f.get("titleaddon") and "container-title" not in out:
        out["container-title"] = f["titleaddon"]
    if f.get("pages"):
        out["page"] = f["pages"].replace("--", "-").replace("–", "-")
    issued = date_parts(f["date"]) if f.get("date") else None
    year = f.get("year") or (f.get("date") if issued is None else None)  # or a date's year
    if issued is None and year:
        m = re.search(r"-?\d{4}", year)
        issued = {"date-parts": [[int(m.group())]]} if m else {"literal": year}
    if issued is not None:
        out["issued"] = issued
    if f.get("urldate"):
        accessed = date_parts(f["urldate"])
        if accessed is not None:
            out["accessed"] = accessed
    return out


def render(entries: Sequence[BibEntry]) -> str:
    """CSL-JSON text of entries, sorted by key."""
    items = [item(e) for e in sorted(entries, key=lambda e: e.key)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def export_csl(ws: Any, *, everything: bool = False, out: str | Path | None = None,
               source_key: dict[str, str] | None = None) -> Written:
    """Write the works (``works.works``) as CSL-JSON to ``out`` (default: exports/);
    ``source_key``: ``works.source_keys(ws)`` when the caller already has it."""
    from annotator.export.output import write_export
    from annotator.export.works import works

    entries = works(ws, everything=everything, source_key=source_key)
    return write_export(ws, Path(out) if out else ws.exports_dir / "bibliography.json",
                        render(entries).encode("utf-8"), format="csl-json",
                        items=len(entries))
