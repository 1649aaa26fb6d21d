"""annotator register"""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli._app import Typer, WorkGroup, app
from annotator.cli._filters import filter_option
from annotator.cli._output import (Format, FormatOpt, authority_field, render, terminal_safe,
                                   to_stdout, user_errors, workspace)
from annotator.vocab import ENTITY_TYPES

if TYPE_CHECKING:
    from annotator.records import RegisterImport


register_app = Typer(
    cls=WorkGroup, invoke_without_command=True,
    help="The register of persons, places and organisations.")
app.add_typer(register_app, name="register")


@register_app.callback()
def register_cli(
    ctx: typer.Context,
    *,
    type_: Annotated[list[str] | None, filter_option(
        "--type", "-t", choices=ENTITY_TYPES, help="Only these types")] = None,
    search: Annotated[str | None, typer.Option(help="Name (any spelling), id or authority "
                                                    "id.")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """List the register: confirmed persons, places and organisations with names and ids."""
    if ctx.invoked_subcommand is not None:
        return
    with user_errors():
        entries = workspace().register(type=type_, query=search)
    rows = [asdict(e) | {"variants": list(e.variants),
                         "authority": authority_field(e.authority, format)} for e in entries]
    render(rows, format, columns=["id", "type", "preferred", "variants", "authority",
                                  "mentions", "note"])


@register_app.command("import")
def register_import_cli(
    files: Annotated[list[Path], typer.Argument(help="TEI files with listPerson/listPlace/"
                                                "listOrg.")],
    *,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse a file if an entry of it "
                                         "cannot be read; nothing of it is imported.")] = False,
) -> None:
    """Import TEI registers: entries become confirmed, their xml:ids kept, each its own entry.
    Each file is its own act (undo takes back the last), with its own summary. An entry that
    cannot be read (no xml:id, no name) is left out and named (file:line: what; what to do),
    the rest comes in, exit 0; --strict refuses such a file, importing nothing of it, the
    other files come in, exit 2. A file that cannot be read is named, the others come in,
    exit 2. Register entries that share an authority id (of one file or of several), and a
    proposed entity sharing an entry's name that the sources point to by another id, are kept
    apart and named: merge them if they are one."""
    failed: list[str] = []
    with user_errors():
        done = workspace().import_registers(files, strict=strict,
                                            on_error=lambda err: failed.append(str(err)))
    for r in done:
        show_import(r, named=len(files) > 1)
    for line in failed:
        typer.echo(terminal_safe(line), err=True)
    if failed:
        raise typer.Exit(2)


def show_import(r: RegisterImport, *, named: bool = False) -> None:
    """What a register import did, on stderr: what it left out (entries, and ids whose entry
    came in without them), merged and kept apart, each named, then one line of counts ending
    in its decision or "(nothing changed)", after the file's name when ``named`` (one of
    several); ``annotator apply`` says it the same."""
    for title, lines in (("Entries left out", r.left_out),
                         ("Ids left out (their entries imported)", r.ids_left_out),
                         ("Merged", r.merges), ("Kept apart (merge them if they are one)", r.shared)):
        if lines:
            typer.echo(terminal_safe(f"{title}: {len(lines)}"), err=True)
            for line in lines:
                typer.echo(terminal_safe(f"  {line}"), err=True)
    counts = [f"{r.added} added", f"{r.updated} updated", f"{r.merged} merged"]
    for n, one, many in ((len(r.left_out), "entry left out", "entries left out"),
                         (len(r.ids_left_out), "id left out", "ids left out"),
                         (len(r.shared), "kept apart", "kept apart")):
        if n:
            counts.append(f"{n} {one if n == 1 else many}")
    typer.echo(terminal_safe(f"register {r.file}: " if named else "register: ")
               + ", ".join(counts)
               + (f" (decision {r.decision_id})" if r.decision_id else " (nothing changed)"),
               err=True)


@register_app.command("export")
def register_export_cli(
    *,
    output: Annotated[str | None, typer.Option("--output", "-o", help=(
        "File to write (a folder, or a path ending in '/': register.xml in it; default or "
        "'-': stdout)."))] = None,
) -> None:
    """Export the register as TEI (listPerson, listPlace, listOrg with idno)."""
    from annotator.export.output import target, write_file

    with user_errors():
        data = workspace().export_register()
        if output is not None and not to_stdout(output):
            path = target(output, Path.cwd(), "register.xml")
            write_file(path, data)
            typer.echo(f"wrote {path}", err=True)
            return
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
