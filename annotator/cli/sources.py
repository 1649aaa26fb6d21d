"""annotator init / add / sources."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._output import Format, render, user_errors, workspace


@app.command("init")
def init_cli(
    directory: Annotated[Path, typer.Argument(help="Folder for the workspace.")] = Path("."),
) -> None:
    """Create a workspace (sources/, exports/, annotator.toml, the store); safe to repeat."""
    from annotator.workspace import Workspace

    with user_errors():
        ws = Workspace.init(directory)
        typer.echo(f"workspace ready: {ws.root}", err=True)


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
    """Add source files to the workspace. TEI is kept byte for byte; text is encoded as TEI."""
    failed: list[str] = []
    with user_errors():
        ws = workspace()
        results = ws.add_many(files, title=title, replace=replace,
                              on_error=lambda err: failed.append(str(err)))
    for r in results:
        extra = f" ({r.kept} kept, {r.stale} stale)" if r.action == "replaced" else ""
        typer.echo(f"{r.action}: {r.source.id} <- {r.source.file}{extra}", err=True)
    for line in failed:
        typer.echo(line, err=True)
    if failed:
        raise typer.Exit(2)


@app.command("sources")
def sources_cli(
    *,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
    = Format.table,
) -> None:
    """List the workspace's sources with id, title, the date each was written, size and hash."""
    with user_errors():
        rows = [asdict(s) | {"sha256": s.sha256[:12] if format is Format.table else s.sha256}
                for s in workspace().sources()]
    render(rows, format, columns=["id", "title", "date", "words", "origin", "file", "sha256",
                                  "added_at", *(["date_reason"] if format is not Format.table
                                                else [])])
