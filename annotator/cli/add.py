"""annotator add"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli._app import app
from annotator.cli._output import terminal_safe, user_errors, workspace
from annotator.cli.register import show_import
from annotator.errors import Interrupted

if TYPE_CHECKING:
    from annotator.records import AddResult


@app.command("add")
def add_cli(
    files: Annotated[list[Path], typer.Argument(help="TEI .xml, .txt or .md files.")],
    *,
    title: Annotated[str | None, typer.Option(help="Title for a .txt/.md file "
                                                    "(default: its first line).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a source whose file "
                                          "changed; decisions on unchanged text are kept.")]
    = False,
) -> None:
    """Add source files to the workspace. TEI is kept byte for byte; text is encoded as TEI.
    The register.xml of an export is imported as a register (as 'register import'), first."""
    failed: list[str] = []
    with user_errors():
        ws = workspace()
        try:
            results = ws.add_many(files, title=title, replace=replace,
                                  on_error=lambda err: failed.append(str(err)),
                                  on_register=lambda r: show_import(r, named=True))
        except Interrupted as stop:  # the sources added before it, then its line
            _show(stop.done, failed)
            raise
    _show(results, failed)
    if failed:
        raise typer.Exit(2)


def _show(results: list[AddResult], failed: list[str]) -> None:
    for r in results:
        extra = f" ({r.kept} kept, {r.stale} stale" + (
            f", {r.withdrawn} claim proposal{'s' * (r.withdrawn != 1)} withdrawn"
            if r.withdrawn else "") + (
            f", {r.decisions_kept} editor decision{'s' * (r.decisions_kept != 1)} on the "
            "file's markup kept" if r.decisions_kept else "") + (
            f", {r.read_again} proposal{'s' * (r.read_again != 1)} read again from the file"
            if r.read_again else "") + _decided_here(r) + ")" if r.action == "replaced" else ""
        typer.echo(f"{r.action}: {r.source.id} <- {r.given or r.source.file}{extra}", err=True)
        for warning in r.warnings:  # what the file says that the editor should check
            typer.echo(terminal_safe(str(warning)), err=True)
    for line in failed:
        typer.echo(line, err=True)


def _decided_here(r: AddResult) -> str:
    """The claims decided here that the file decides otherwise: the editor's decision stays."""
    if not r.decided_here:
        return ""
    many = len(r.decided_here) != 1
    ids = ", ".join(map(str, r.decided_here))
    return (f"; claim{'s' * many} {ids} kept as decided here, the file decides "
            f"{'them' if many else 'it'} otherwise")
