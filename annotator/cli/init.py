"""annotator init"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._output import say_upgraded, user_errors


@app.command("init")
def init_cli(
    directory: Annotated[Path, typer.Argument(help="Folder for the workspace.")] = Path("."),
) -> None:
    """Create a workspace (sources/, exports/, annotator.toml, the store); safe to repeat."""
    from annotator.workspace import Workspace

    with user_errors():
        ws = Workspace.init(directory)
        say_upgraded(ws)
        typer.echo(f"workspace ready: {ws.root}", err=True)
