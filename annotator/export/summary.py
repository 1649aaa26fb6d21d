"""``annotator export`` with no format: every export, and where the workspace stands.

The end of an editor's day (and of the README's first command): annotated TEI for each source,
the bibliography for biber and for BibTeX, CSL-JSON, the claim table as CSV and as an HTML
report, then counts of entities by type and status and of claims by state and status.

DOCS: docs/export.md
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.acts import claims as claim_acts
from annotator.acts.context import ActContext
from annotator.errors import ExportError
from annotator.export.bibtex import export_bibtex
from annotator.export.claims import export_claims, gather
from annotator.export.csl import export_csl
from annotator.export.tei import export_tei
from annotator.export.works import source_keys
from annotator.records import ExportSummary, Written
from annotator.store.exports import entity_counts
from annotator.text import first_few


def export_all(ctx: ActContext, *, include_proposals: bool = False,
               progress: Callable[[int, int], None] | None = None,
               register: str | None = None) -> ExportSummary:
    """Every export in turn; one that cannot be written stops the run, and its ExportError
    names the files this run wrote before it (each file is whole: old or new)."""
    files: list[Written] = []
    try:
        report = export_tei(ctx, include_proposals=include_proposals, progress=progress,
                            register=register)
        files += [Written(path=f.path, format="tei", items=f.mentions + f.reused + f.claims,
                          action=f.action) for f in report.files]
        if report.register is not None:
            files.append(report.register)
        keys = source_keys(ctx)  # reads every source file: once for all the exports below
        files.append(export_bibtex(ctx, source_key=keys))
        files.append(export_bibtex(ctx, ascii_only=True, source_key=keys))
        files.append(export_csl(ctx, source_key=keys))
        table = gather(ctx, include_proposals=include_proposals, source_key=keys)
        files.append(export_claims(ctx, "csv", table=table))
        files.append(export_claims(ctx, "html", table=table))
    except ExportError as err:
        written = [f.path for f in files if f.action == "written"]
        if not written:
            raise
        raise ExportError(f"{err.message} (this run already wrote {first_few(written)}: the "
                          "exports do not match until it runs through)", hint=err.hint,
                          location=err.location, code=err.code) from None
    claims: dict[tuple[str, str], int] = {}
    for c in claim_acts.claims(ctx, status=None, source_id=None, kinds=None, state=None):
        claims[(c.state, c.status)] = claims.get((c.state, c.status), 0) + 1
    return ExportSummary(files=tuple(files), entities=entity_counts(ctx.store.conn),
                         claims=tuple((s, st, n) for (s, st), n in sorted(claims.items())))
