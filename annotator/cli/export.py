"""annotator export"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer._click.core import ParameterSource  # typer carries its own click
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from annotator.cli._app import Typer, WorkGroup, app
from annotator.cli._complete import SourcesArg
from annotator.cli._output import (Format, progress_bar, render, to_stdout, user_errors,
                                   workspace)
from annotator.errors import ExportError, Interrupted, SourceError

if TYPE_CHECKING:
    from annotator.records import TeiExport, Written


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="How to list what was "
                                                                  "written: table, json, csv "
                                                                  "or md (Markdown).")]
class Register(str, Enum):
    """``--register``'s modes (``export.pointing.REGISTERS``): a choice, so a wrong one is a
    usage error that lists them, and the shell completes them."""

    inline = "inline"
    file = "file"
    none = "none"


RegisterOpt = Annotated[Register | None, typer.Option(
    "--register", help="Where the register entries new names point to go: inline (a standOff "
                       "in each file), file (register.xml beside the exports) or none "
                       "(pointers to authority records, no entries). Default: as the "
                       "sources do; where they point to authority records, a name without "
                       "one points to an entry in the file's standOff.")]


class SummaryFormat(str, Enum):
    """The summary's formats: three tables, which one CSV cannot hold."""

    table = "table"
    json = "json"
    md = "md"


class TableFormat(str, Enum):
    csv = "csv"
    md = "md"
    json = "json"
    html = "html"


# a string, not a Path: "print/" (a folder, its separator kept) is not "print" (a file)
OutOpt = Annotated[str | None, typer.Option("--output", "-o", help=(
    "File to write (default: in exports/; a folder, or a path ending in '/': the default name "
    "in it; '-': stdout)."))]


AllOpt = Annotated[bool, typer.Option("--all", "-a", help="The whole bibliography, not only the "
                                                          "works the claims cite and the "
                                                          "sources.")]


def _files_written(files: Sequence[TeiExport | Written]) -> None:
    """The files an interrupted export wrote or found unchanged, a line each."""
    for f in files:
        typer.echo(f"{'unchanged' if f.action == 'unchanged' else 'written'}: {f.path}",
                   err=True)


def _written(result: Written, what: str) -> None:
    verb = "unchanged" if result.action == "unchanged" else "written"
    typer.echo(f"{verb}: {result.path} ({result.items} {what}, {result.format})", err=True)
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)

export_app = Typer(
    cls=WorkGroup, invoke_without_command=True,
    help="Write annotated TEI, BibTeX, CSL-JSON and claim-to-source tables to exports/; with no "
         "format: all of them, and a summary.")
app.add_typer(export_app, name="export")


@export_app.callback()
def export_all_cli(
    ctx: typer.Context,
    *,
    include_proposals: Annotated[bool, typer.Option(
        "--include-proposals", help="Also mark undecided proposals (TEI, claim tables).")]
    = False,
    format: Annotated[SummaryFormat, typer.Option(
        "--format", "-f", help="How to print the summary: table, json (one document) or md "
                               "(three headed tables); one CSV cannot hold three tables.")]
    = SummaryFormat.table,
    register: RegisterOpt = None,
) -> None:
    """Write every export (TEI, .bib, CSL-JSON, claim tables) and print a summary: entities by
    type and status, claims by status, files written."""
    if ctx.invoked_subcommand is not None:
        _refuse_whole_export_options(ctx)
        return
    with user_errors():
        try:
            with progress_bar("exporting", unit="files") as progress, \
                    _edited_refused(_OTHER_SOURCES):
                summary = workspace().export_all(include_proposals=include_proposals,
                                                 progress=progress,
                                                 register=register.value if register else None)
        except Interrupted as stop:  # the files written before it, then its line
            _files_written(stop.done.files)
            raise
    statuses = sorted({s for _, s, _ in summary.entities})
    by_type: dict[str, dict[str, object]] = {}
    for t, s, n in summary.entities:
        by_type.setdefault(t, {"type": t, **dict.fromkeys(statuses, 0)})[s] = n
    tables = {"entities": list(by_type.values()),
              "claims": [{"state": s, "status": st, "claims": n} for s, st, n in summary.claims],
              "files": [{k: v for k, v in asdict(f).items() if k != "notes"}
                        for f in summary.files]}
    if format is SummaryFormat.json:  # one JSON document, not three
        typer.echo(json.dumps(tables, ensure_ascii=False, indent=2))
    else:
        render(tables["entities"], format.value, columns=["type", *statuses], title="Entities",
               empty="Entities: none")
        render(tables["claims"], format.value, columns=["state", "status", "claims"], title="Claims",
               empty="Claims: none")
        render(tables["files"], format.value, columns=["path", "format", "items", "action"],
               title="Files")
    for f in summary.files:
        for note in f.notes:
            typer.echo(f"note: {f.path}: {note}", err=True)


def _refuse_whole_export_options(ctx: typer.Context) -> None:
    """An option of the whole export given before a format ('export --include-proposals tei')
    would be left unused, the format's own at its default: a usage error, not an export
    without what was asked."""
    given = [p.opts[0] for p in ctx.command.params
             if ctx.get_parameter_source(p.name or "") is ParameterSource.COMMANDLINE]
    sub = ctx.invoked_subcommand
    group = ctx.command
    command = (group.get_command(ctx, sub)
               if given and sub and isinstance(group, TyperGroup) else None)
    if command is not None:
        takes = {o for p in command.params for o in p.opts}
        fix = (f"put it after '{sub}' (export {sub} {given[0]} …)" if given[0] in takes
               else f"'{sub}' does not take it")
        raise UsageError(f"{', '.join(given)} before '{sub}' is an option of the whole "
                         f"export, unused by '{sub}'; {fix}", ctx=ctx)


@export_app.command("tei")
def export_tei_cli(
    sources: SourcesArg
    = None,
    *,
    include_proposals: Annotated[bool, typer.Option(
        "--include-proposals", help="Also mark undecided proposals, with @cert and @resp.")]
    = False,
    out_dir: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Folder to write to (default: the workspace's exports/).")]
    = None,
    format: FormatOpt = Format.table,
    register: RegisterOpt = None,
) -> None:
    """Write each source as TEI with its confirmed names, dates, register, works and claims.

    Every byte of the source is kept; only markup an editor decided is inserted (a file
    nobody touched is written as it is). A mention that crosses element
    boundaries is written as fragments joined by @next/@prev (column 'split').
    """
    with user_errors():
        if out_dir is not None and str(out_dir) == "-":
            raise ExportError("TEI is written as one file per source, not to standard output",
                              hint="give a folder with -o, or leave -o out for exports/",
                              code="E021")
        ws = workspace()
        try:
            with progress_bar("exporting", unit="files") as progress, \
                    _edited_refused(_OTHER_SOURCES if not sources else ""):
                report = ws.export_tei(sources or None, include_proposals=include_proposals,
                                       out_dir=out_dir, progress=progress,
                                       register=register.value if register else None)
        except Interrupted as stop:  # the files written (all or none), then its line
            _files_written([*stop.done.files, *filter(None, [stop.done.register])])
            raise
    # the table shows the JSON's own fields under their own names, only fewer of them
    columns = ["source_id", "path", "action", "mentions", "reused", "claims", "passages", "links",
               "entities", "works", "split", "fragments", "dates_kept", "pointers_kept",
               "unplaced"]
    if format is Format.table:
        columns = [c for c in columns if c not in ("passages", "fragments")]
    render([asdict(f) for f in report.files], format, columns=columns, title="TEI written")
    if report.register is not None:
        _written(report.register, "entry" if report.register.items == 1 else "entries")
    split = report.split
    if split:
        typer.echo(f"{split} span(s) crossed element boundaries and were written as fragments "
                   "joined by @next/@prev", err=True)
    for f in report.files:  # what an editor decided that the file's own markup overrides
        if f.dates_kept:
            typer.echo(f"{f.path}: {f.dates_kept} of the file's own date value(s) (@when...) "
                       "kept as the file writes them where an editor set another (an export "
                       "only inserts; docs/export.md#what-an-export-inserts)", err=True)
        for line, words in zip(f.pointers_kept_lines, f.pointers_kept_words, strict=True):
            typer.echo(f"{f.path}:{line}: {words!r}: the file's own name pointer (@ref, @key, "
                       "@corresp) kept as the file writes it where the store links the name "
                       "to another entity (an export only inserts; "
                       "docs/export.md#what-an-export-inserts)", err=True)
        for line in f.dangling_lines:
            typer.echo(f"{f.path}:{line}: the file's own pointer (@ref=\"#id\") names no entry "
                       "of the file, and --register none writes none: export with --register "
                       "inline or file to write it (docs/export.md#what-an-export-inserts)",
                       err=True)
        for line, words, why in f.unwritten:
            typer.echo(f"{f.path}:{line}: {words!r}: the editor's name is not written: {why} "
                       "(docs/export.md#what-an-export-inserts)", err=True)
    lost = sum(f.unplaced for f in report.files)
    if lost:
        typer.echo(f"{lost} span(s) had no place a tag may go (inside CDATA or text-only "
                   "elements): see the log", err=True)


@export_app.command("bibtex")
def export_bibtex_cli(
    *,
    all_: AllOpt = False,
    ascii_: Annotated[bool, typer.Option("--ascii", help="Classic BibTeX: its entry types, "
                                                         "ASCII with LaTeX escapes (UTF-8 where "
                                                         "a character has none, in a note).")]
    = False,
    output: OutOpt = None,
) -> None:
    """Write the works the claims cite and the sources as .bib (UTF-8 for biber by default).

    Entries are fitted to biber's data model; what cannot be mended (a work without a date)
    is printed as a note.
    """
    with user_errors():
        ws = workspace()
        if to_stdout(output):
            from annotator.export.bibtex import render
            from annotator.export.works import works

            text, notes = render(works(ws.context, everything=all_), ascii_only=ascii_)
            typer.echo(text, nl=False)
            for note in notes:
                typer.echo(f"note: {note}", err=True)
            return
        result = ws.export_bibtex(all=all_, ascii=ascii_, out=output)
    _written(result, "works")


@export_app.command("csl")
def export_csl_cli(
    *,
    all_: AllOpt = False,
    output: OutOpt = None,
) -> None:
    """Write the same works as CSL-JSON, for Zotero and pandoc --citeproc."""
    with user_errors():
        ws = workspace()
        if to_stdout(output):
            from annotator.export.csl import render
            from annotator.export.works import works

            typer.echo(render(works(ws.context, everything=all_)), nl=False)
            return
        result = ws.export_csl(all=all_, out=output)
    _written(result, "works")


@contextmanager
def _edited_refused(meanwhile: str) -> Iterator[None]:
    """An export refusing a file edited by hand since it was added (S016) says, after what to
    do with it, how to have the rest meanwhile (``meanwhile``): an export is what is
    published, so it never takes the version the store keeps for the file, as the listings
    do, a table whose lines are not the file's, with no warning beside it."""
    try:
        yield
    except SourceError as err:
        if err.code == "S016":
            err.hint = f"{err.hint}; {meanwhile}" if meanwhile else err.hint
        raise


# what an export refusing an edited file (S016) says to do meanwhile
_OTHER_SOURCES = ("meanwhile export the other sources with 'annotator export tei ID...' "
                  "('annotator sources' marks the edited ones S016)")
_CLAIM_LISTING = ("meanwhile 'annotator claims -f csv' (or json, md) gives the table, the file "
                  "read as the store keeps it (read_from)")


@export_app.command("claims")
def export_claims_cli(
    *,
    format: Annotated[TableFormat, typer.Option(
        "--format", "-f", help="csv (RFC 4180), md (with pandoc citations), json, or html (a "
                                     "self-contained report).")] = TableFormat.csv,
    include_proposals: Annotated[bool, typer.Option(
        "--include-proposals", help="Also list claims no editor has decided yet.")] = False,
    output: OutOpt = None,
) -> None:
    """Write the claim-to-source table: each claim, its location, status and linked works,
    sources and works named by citation key."""
    with user_errors():
        ws = workspace()
        if to_stdout(output):
            from annotator.export.claims import RENDER, gather

            with _edited_refused(_CLAIM_LISTING):
                table = gather(ws.context, include_proposals=include_proposals)
            typer.echo(RENDER[format.value](table), nl=False)
            return
        with _edited_refused(_CLAIM_LISTING):
            result = ws.export_claims(format.value, include_proposals=include_proposals,
                                      out=output)
    _written(result, "claims")
