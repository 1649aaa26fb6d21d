"""Which works a bibliography export lists: those the claims cite, and the sources themselves.

An author citing from an edition needs the works its claims rely on (links with a citation key,
of claims not rejected) and the edited sources, each a citable work kept in the bibliography
under ``source:<id>`` (the entry read from its ``teiHeader``). ``everything=True`` lists the
whole bibliography. Entries come sorted by key, so exports are stable.

DOCS: docs/export.md#bibtex-and-csl-json
"""

from __future__ import annotations

from typing import Any

from annotator.records import BibEntry


def works(ws: Any, *, everything: bool = False,
          source_key: dict[str, str] | None = None) -> list[BibEntry]:
    """The entries to export, sorted by key; ``source_key``: ``source_keys(ws)`` when the
    caller already has it (it reads every source file)."""
    entries = ws.bib()
    if everything:
        return sorted(entries, key=lambda e: e.key)
    cited = {r["bib_key"] for r in ws.store.query(
        "SELECT DISTINCT l.bib_key FROM links l JOIN claims c ON c.id = l.claim_id "
        "WHERE l.bib_key IS NOT NULL AND l.status = 'confirmed' "
        "AND c.status IN ('proposed', 'confirmed')")}
    cited |= set((source_keys(ws) if source_key is None else source_key).values())
    return sorted((e for e in entries if e.key in cited), key=lambda e: e.key)


def source_keys(ws: Any) -> dict[str, str]:
    """Source id -> citation key of the source itself: the entry its header gave when it was
    added (the decisions log keeps which; an editor may have replaced its fields since).

    Reads the source files (where their headers end): compute it once per export run.
    """
    import json

    present = {r["key"] for r in ws.store.query("SELECT key FROM bib")}
    out: dict[str, str] = {}
    for src in ws.sources():
        found: list[tuple[int, str]] = []  # (line, key) of the works added with the source
        for r in ws.store.query("SELECT changes FROM decisions WHERE target = ? AND "
                                "act IN ('add', 'replace') ORDER BY id", (f"source:{src.id}",)):
            for ch in json.loads(r["changes"]):
                after = ch.get("after") or {}
                if ch.get("table") != "bib" or ch.get("before") is not None or not after:
                    continue
                if after.get("key") in present:
                    found.append((after.get("line") or 0, after["key"]))
        if not found:
            continue  # nothing to choose from: the file need not be read
        header_end = _header_end(ws, src.id)
        best = min((f for f in found if header_end is None or f[0] <= header_end),
                   key=lambda f: f[0], default=None)  # the first of the lowest line
        if best is not None:
            out[src.id] = best[1]
    return out


def _header_end(ws: Any, source_id: str) -> int | None:
    """Last line of a source's teiHeader (works listed after it are the text's, not itself)."""
    from annotator.errors import AnnotatorError
    from annotator.tei.parse import TEI_NS

    try:
        root = ws.parsed(source_id).root
    except AnnotatorError:
        return None
    text = root.find(f".//{{{TEI_NS}}}text")
    return (text.sourceline or 1) - 1 if text is not None else None
