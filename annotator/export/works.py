"""Which works a bibliography export lists: those the claims cite, and the sources themselves.

An author citing from an edition needs the works its claims rely on (links with a citation key,
of claims not rejected) and the edited sources, each a citable work kept in the bibliography
under ``source:<id>`` (the entry read from its ``teiHeader``). ``everything=True`` lists the
whole bibliography. Entries come sorted by key, so exports are stable.

DOCS: docs/export.md#bibtex-and-csl-json
"""

from __future__ import annotations

from annotator.acts.bibliography import entries
from annotator.acts.context import ActContext
from annotator.errors import AnnotatorError
from annotator.records import BibEntry
from annotator.store import bib as bib_rows
from annotator.store import exports as rows_of
from annotator.tei.parse import TEI_NS, source_line


def works(ctx: ActContext, *, everything: bool = False,
          source_key: dict[str, str] | None = None) -> list[BibEntry]:
    """The entries to export, sorted by key; ``source_key``: ``source_keys(ctx)`` when the
    caller already has it (it reads every source file)."""
    found = entries(ctx.store)
    if everything:
        return sorted(found, key=lambda e: e.key)
    cited = rows_of.cited_keys(ctx.store.conn)
    cited |= set((source_keys(ctx) if source_key is None else source_key).values())
    return sorted((e for e in found if e.key in cited), key=lambda e: e.key)


def source_keys(ctx: ActContext) -> dict[str, str]:
    """Source id -> citation key of the source itself: the entry its header gave when it was
    added (the decisions log keeps which; an editor may have replaced its fields since).

    Reads the source files (where their headers end): compute it once per export run.
    """
    present = set(bib_rows.keys(ctx.store.conn))
    out: dict[str, str] = {}
    for src in ctx.texts.sources():
        found: list[tuple[int, str]] = []  # (line, key) of the works added with the source
        for changes in rows_of.source_changes(ctx.store.conn, src.id):
            for ch in changes:
                after = ch.get("after") or {}
                if ch.get("table") != "bib" or ch.get("before") is not None or not after:
                    continue
                if after.get("key") in present:
                    found.append((after.get("line") or 0, after["key"]))
        if not found:
            continue  # nothing to choose from: the file need not be read
        header_end = _header_end(ctx, src.id)
        best = min((f for f in found if header_end is None or f[0] <= header_end),
                   key=lambda f: f[0], default=None)  # the first of the lowest line
        if best is not None:
            out[src.id] = best[1]
    return out


def _header_end(ctx: ActContext, source_id: str) -> int | None:
    """Last line of a source's teiHeader (works listed after it are the text's, not itself)."""
    try:
        root = ctx.texts.parsed(source_id).root
    except AnnotatorError:
        return None
    text = root.find(f".//{{{TEI_NS}}}text")
    return (source_line(text) or 1) - 1 if text is not None else None
