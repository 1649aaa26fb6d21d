"""annotator undo"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._output import user_errors, workspace
from annotator.text import first_few


@app.command("undo")
def undo_cli(
    decision: Annotated[int | None, typer.Argument(help="Decision id (default: the last act "
                                                        "still in force that can be undone).")] = None,
) -> None:
    """Undo the last act, or a given one; the rows it changed get their earlier values back.

    Without an id, only the newest act: when it cannot be undone (a source's replacement
    changed its rows), the refusal says why and names the newest act that can be, by id."""
    with user_errors():
        d = workspace().undo(decision)
        typer.echo(f"decision {d.id}: undid {d.undoes} ({d.payload.get('act')} {d.target})",
                   err=True)
        if d.payload.get("proposals"):
            listed = d.payload.get("propose_again")
            again = [str(s) for s in listed] if isinstance(listed, list) else []
            typer.echo(f"{d.payload['proposals']} proposal(s) hanging on what it took back went "
                       f"with it; 'annotator propose' proposes again in "
                       f"{first_few(again, 5)}", err=True)
