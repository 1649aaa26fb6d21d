"""The bibliography as CSL-JSON, for Zotero, pandoc --citeproc and every CSL processor: each
entry one CSL item (``annotator.bibliography.csl_items``, which says how each field goes),
items sorted by key.

DOCS: docs/export.md#bibtex-and-csl-json
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from annotator.acts.context import ActContext
from annotator.bibliography.csl_items import item
from annotator.export.output import target, write_export
from annotator.export.works import works
from annotator.records import BibEntry, Written


def render(entries: Sequence[BibEntry]) -> str:
    """CSL-JSON text of entries, sorted by key."""
    items = [item(e) for e in sorted(entries, key=lambda e: e.key)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def export_csl(ctx: ActContext, *, everything: bool = False, out: str | Path | None = None,
               source_key: dict[str, str] | None = None) -> Written:
    """Write the works (``works.works``) as CSL-JSON to ``out`` (default: exports/);
    ``source_key``: ``works.source_keys(ctx)`` when the caller already has it."""
    entries = works(ctx, everything=everything, source_key=source_key)
    return write_export(ctx.root, target(out, ctx.exports_dir, "bibliography.json"),
                        render(entries).encode("utf-8"), format="csl-json",
                        items=len(entries))
