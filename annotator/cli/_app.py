"""The typer app and the options every command shares (workspace, editor)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="annotator",
    help="Annotate sources as TEI, review entity proposals once per entity, link claims to "
         "their sources, export TEI, BibTeX, CSL-JSON and claim tables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Globals:
    """Options given before the command: ``annotator -w DIR --editor NAME COMMAND``."""

    workspace: Path | None = None
    editor: str | None = None


@app.callback()
def _main(
    workspace: Annotated[Path | None, typer.Option(
        "--workspace", "-w", help="Workspace folder (default: found from the current folder).",
        envvar="ANNOTATOR_WORKSPACE")] = None,
    editor: Annotated[str | None, typer.Option(
        "--editor", help="Name recorded with each decision (default: config, then OS user).")]
    = None,
) -> None:
    Globals.workspace = workspace
    Globals.editor = editor
