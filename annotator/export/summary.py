"""``annotator export`` with no format: every export, and where the workspace stands.

The end of an editor's day (and of the README's first command): annotated TEI for each source,
the bibliography for biber and for BibTeX, CSL-JSON, the claim table as CSV and as an HTML
report, then counts of entities by type and status and of claims by state and status.

DOCS: docs/export.md
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotator.records import ExportSummary, Written


def export_all(ws: Any, *, include_proposals: bool = False,
               progress: Callable[[int, int], None] | None = None,
               register: str | None = None) -> ExportSummary:
    from annotator.export.bibtex import export_bibtex
    from annotator.export.claims import export_claims, gather
    from annotator.export.csl import export_csl
    from annotator.export.works import source_keys

    report = ws.export_tei(include_proposals=include_proposals, progress=progress,
                           register=register)
    files = [Written(path=f.path, format="tei", items=f.mentions + f.reused + f.claims,
                     action=f.action) for f in report.files]
    keys = source_keys(ws)  # reads every source file: once for all the exports below
    files.append(export_bibtex(ws, source_key=keys))
    files.append(export_bibtex(ws, ascii_only=True, source_key=keys))
    files.append(export_csl(ws, source_key=keys))
    table = gather(ws, include_proposals=include_proposals, source_key=keys)
    files.append(export_claims(ws, "csv", table=table))
    files.append(export_claims(ws, "html", table=table))
    entities = tuple((r["type"], r["status"], r["n"]) for r in ws.store.query(
        "SELECT type, status, count(*) AS n FROM entities GROUP BY type, status "
        "ORDER BY type, status"))
    claims: dict[tuple[str, str], int] = {}
    for c in ws.claims():
        claims[(c.state, c.status)] = claims.get((c.state, c.status), 0) + 1
    return ExportSummary(files=tuple(files), entities=entities,
                         claims=tuple((s, st, n) for (s, st), n in sorted(claims.items())))
