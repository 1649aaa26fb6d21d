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
from annotator.errors import ExportError, Interrupted
from annotator.export.bibtex import export_bibtex
from annotator.export.claims import export_claims, gather
from annotator.export.csl import export_csl
from annotator.export.tei import export_tei
from annotator.export.works import source_keys
from annotator.interrupt import held
from annotator.records import ExportReport, ExportSummary, Written
from annotator.store.exports import entity_counts
from annotator.text import first_few


def export_all(ctx: ActContext, *, include_proposals: bool = False,
               progress: Callable[[int, int], None] | None = None,
               register: str | None = None) -> ExportSummary:
    """Every export in turn; one that cannot be written stops the run, and its ExportError
    names the files this run wrote before it (each file is whole: old or new). Ctrl-C stops
    it between two exports (``Interrupted``, with the files written)."""
    try:
        report = export_tei(ctx, include_proposals=include_proposals, progress=progress,
                            register=register)
    except Interrupted as stop:  # all its files in place, or none
        files = _tei_files(stop.done)
        raise _stopped(["TEI"] if files else [], files) from None
    except KeyboardInterrupt:  # before it began
        raise _stopped([], []) from None
    files = _tei_files(report)
    parts = ["TEI"]  # the exports written

    def one(name: str, make: Callable[[], Written]) -> None:
        with held():  # one file, whole and counted
            files.append(make())
            parts.append(name)

    try:
        keys = source_keys(ctx)  # reads every source file: once for all the exports below
        one("BibTeX", lambda: export_bibtex(ctx, source_key=keys))
        one("ASCII BibTeX", lambda: export_bibtex(ctx, ascii_only=True, source_key=keys))
        one("CSL-JSON", lambda: export_csl(ctx, source_key=keys))
        table = gather(ctx, include_proposals=include_proposals, source_key=keys)
        one("claims CSV", lambda: export_claims(ctx, "csv", table=table))
        one("claims HTML", lambda: export_claims(ctx, "html", table=table))
    except ExportError as err:
        written = [f.path for f in files if f.action == "written"]
        if not written:
            raise
        raise ExportError(f"{err.message} (this run already wrote {first_few(written)}: the "
                          "exports do not match until it runs through)", hint=err.hint,
                          location=err.location, code=err.code) from None
    except KeyboardInterrupt:
        raise _stopped(parts, files) from None
    claims: dict[tuple[str, str], int] = {}
    try:
        for c in claim_acts.claims(ctx, status=None, source_id=None, kinds=None, state=None):
            claims[(c.state, c.status)] = claims.get((c.state, c.status), 0) + 1
        entities = entity_counts(ctx.store.conn)
    except KeyboardInterrupt:
        raise _stopped(parts, files) from None
    return ExportSummary(files=tuple(files), entities=entities,
                         claims=tuple((s, st, n) for (s, st), n in sorted(claims.items())))


EXPORTS = ("TEI", "BibTeX", "ASCII BibTeX", "CSL-JSON", "claims CSV", "claims HTML")


def _tei_files(report: ExportReport) -> list[Written]:
    """The TEI export's files (and its register file) as the summary lists them."""
    files = [Written(path=f.path, format="tei", items=f.mentions + f.reused + f.claims,
                     action=f.action) for f in report.files]
    return files + ([report.register] if report.register is not None else [])


def _stopped(parts: list[str], files: list[Written]) -> Interrupted:
    """Ctrl-C after the exports ``parts`` were written (``files``)."""
    rest = [name for name in EXPORTS if name not in parts]
    return Interrupted(f"{', '.join(parts)} written, not {', '.join(rest)}" if parts and rest
                       else "every export written, the counts of entities and claims not"
                       if parts else "no export written (the files there are as they were)",
                       hint="run the same command again to write them all" if rest else
                       "nothing is left to export",
                       done=ExportSummary(files=tuple(files), entities=(), claims=()))
