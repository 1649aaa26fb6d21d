"""annotator source [show] ID|date|remove|versions"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.calendar import DAY_FORMS
from annotator.cli._app import Typer, app, default_group
from annotator.cli._complete import SourceArg
from annotator.cli._decisions import done as _done
from annotator.cli._output import Format, FormatOpt, render, user_errors, workspace
from annotator.cli.sources import COLUMNS, SHOWN, source_row
from annotator.text import source_id


source_app = Typer(cls=default_group("show"), no_args_is_help=True,
                   help="One source: what the store knows of it ('annotator source ID'), the "
                        "date it was written; taking it out of the workspace.")
app.add_typer(source_app, name="source")


@source_app.command("show")
def source_show_cli(
    source: SourceArg,
    *,
    format: FormatOpt = Format.table,
) -> None:
    """Show one source (also 'annotator source ID'): title, file, size, the date it was
    written and where that date was found, and what its file says that the editor should
    check (S026: its header and dateline disagree on the date; S016: its file was edited
    since it was added)."""
    with user_errors():
        ws = workspace()
        src = ws.source(source)
        warned = ws.source_warnings([src]).get(src.id)
        edited = ws.edited_sources([src]).get(src.id)
    if format is not Format.table:
        render([source_row(src, warned, format, edited=edited)], format,
               columns=[*COLUMNS, *([] if format in SHOWN else ["warnings"]), "date_reason"])
        return
    typer.echo(f"source {src.id}: {src.title}" if src.title else f"source {src.id}")
    typer.echo(f"  file {src.file} ({src.origin}, {src.words} words, sha256 {src.sha256[:12]}),"
               f" added {src.added_at}")
    typer.echo(f"  dated {src.date or 'by nothing in it'}"
               + (f" ({src.date_reason})" if src.date_reason else ""))
    for said in (warned, edited):
        if said is not None:
            typer.echo(f"  {said}")


@source_app.command("date")
def source_date_cli(
    source: SourceArg,
    value: Annotated[str, typer.Argument(help=f"The date it was written ({DAY_FORMS}).")],
) -> None:
    """Set the date a source was written: its partial and relative dates lean on it (run
    'annotator propose' again) and its bibliography entry takes it."""
    with user_errors():
        _done(workspace().set_source_date(source, value))


@source_app.command("remove")
def source_remove_cli(
    source: SourceArg,
    *,
    force: Annotated[bool, typer.Option(
        "--force", help="Also remove the links of claims of other sources to its passages "
                        "(refused without it).")] = False,
) -> None:
    """Take a source out of the workspace as one act: its mentions, claims and their links go,
    and the proposed entities named nowhere else; the register's entities stay; its file
    leaves sources/ (the store keeps its bytes) unless it was edited since it was added
    (refused). 'annotator undo' brings it all back."""
    with user_errors():
        d = workspace().remove_source(source, force=force)
    p = d.payload
    typer.echo(f"decision {d.id}: {d.act} {d.target}: {p.get('file')} removed with "
               f"{p.get('mentions')} mention(s), {p.get('claims')} claim(s), {p.get('links')} "
               f"link(s), {p.get('works')} work(s) read from it and {p.get('entities', 0)} "
               "proposed entit(ies) named nowhere else; the register's entities stay; "
               f"'annotator undo {d.id}' brings it back", err=True)


@source_app.command("versions")
def source_versions_cli(
    source: SourceArg,
    *,
    write: Annotated[str | None, typer.Option(
        "--write", metavar="VERSION", help="Write this version (its number, or the start of its "
                                           "hash) to --output instead of listing.")] = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="File or folder to write the version to (a folder: under the "
                               "source's file name; never over a file; '-': stdout).")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """List the versions of a source's file the store keeps, oldest first; with --write N -o
    FILE, write one out byte for byte: a replacement is not undone, and adding the earlier
    file again ('annotator add --replace FILE') is the way back to it."""
    with user_errors():
        ws = workspace()
        if write is None and output is None:
            rows = [{"version": v.number, "act": v.act, "decision": v.decision, "at": v.at,
                     "sha256": v.sha256 if format is not Format.table else v.sha256[:12],
                     "bytes": v.size, "current": v.current}
                    for v in ws.source_versions(source)]
            render(rows, format, columns=["version", "act", "decision", "at", "sha256", "bytes",
                                          "current"], title=f"versions of {source}")
            return
        if output is None:
            raise typer.BadParameter("give the file to write it to with -o FILE ('-': stdout)",
                                     param_hint="'--write'")
        if output == "-":
            _, data = ws.source_version(source, write)
            typer.get_binary_stream("stdout").write(data)
            return
        found, path = ws.write_source_version(source, output, write)
        back = f"add it back with 'annotator add --replace {path}'" if \
            source_id(path.name) == source else \
            f"name it {Path(ws.source(source).file).name} to add it back with 'annotator add " \
            "--replace'"
    typer.echo(f"written: {path} (version {found.number} of {source}, {found.size} bytes, "
               f"{found.sha256[:12]}); {back}", err=True)
