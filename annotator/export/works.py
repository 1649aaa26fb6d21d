"""Which works a bibliography export lists: those the claims cite, and the sources themselves.

An author citing from an edition needs the works its claims rely on (links with a citation key,
of claims not rejected) and the edited sources, each a citable work kept in the bibliography
under ``source:<id>`` (the entry read from its ``teiHeader``). ``everything=True`` lists the
whole bibliography. An entry listed brings the entries its ``crossref`` and ``xref`` name (and
theirs): BibTeX stops at a cross-reference to an entry the file lacks, biber warns, so the
parent goes out too; whether it is printed on its own is the styles' ``min_crossrefs``
(BibTeX) or ``mincrossrefs``/``minxrefs`` (biber), as a user of them expects. The TEI export's
``listBibl`` takes the same parents (``cited_with_parents``), so its file brings them along
when added to another workspace. Entries come
sorted by key, so exports are stable.

DOCS: docs/export.md#bibtex-and-csl-json
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from annotator.acts.bibliography import entries
from annotator.acts.context import ActContext
from annotator.bibliography.entries import PARENT_FIELDS
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
    return with_parents(found, cited)


def parents(entry: BibEntry) -> list[str]:
    """The keys an entry's ``crossref`` and ``xref`` name (BibLaTeX's ``xref`` may list several,
    comma-separated)."""
    return [k.strip() for name in PARENT_FIELDS for k in entry.get(name).split(",") if k.strip()]


def with_parents(found: list[BibEntry], keys: set[str]) -> list[BibEntry]:
    """The entries of ``keys`` and every entry they cross-reference, sorted by key: BibTeX
    matches a crossref's key regardless of case, so an exact key is taken first, else one
    that differs only in case."""
    by_key = {e.key: e for e in found}
    by_lower = {e.key.lower(): e for e in sorted(found, key=lambda e: e.key)}
    chosen = closure([by_key[k] for k in keys if k in by_key],
                     lambda ref: by_key.get(ref) or by_lower.get(ref.lower()))
    return sorted(chosen.values(), key=lambda e: e.key)


def closure(listed: Iterable[BibEntry],
            find: Callable[[str], BibEntry | None]) -> dict[str, BibEntry]:
    """``listed`` and every entry their ``crossref`` and ``xref`` name, and theirs, by key;
    ``find``: the entry a cross-reference names (exact key first, else in another case), or
    None. The .bib exports and the TEI export's ``listBibl`` take the same works this way."""
    todo = list(listed)
    chosen: dict[str, BibEntry] = {}
    while todo:
        entry = todo.pop()
        if entry.key in chosen:
            continue
        chosen[entry.key] = entry
        for ref in parents(entry):
            parent = find(ref)
            if parent is not None:
                todo.append(parent)
    return chosen


def cited_with_parents(conn: sqlite3.Connection, keys: Iterable[str]) -> dict[str, BibEntry]:
    """The stored works of ``keys`` (the unknown left out) and the works they cross-reference,
    and theirs, by key: what the TEI export's ``listBibl`` holds, so that the file added to
    another workspace brings each child's parent along, as the .bib exports do."""
    keys = list(keys)
    if not keys:
        return {}
    return closure(bib_rows.entries_of(conn, keys).values(),
                   lambda ref: bib_rows.find_entry(conn, ref))


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
