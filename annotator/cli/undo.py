"""annotator undo"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._output import user_errors, workspace


@app.command("undo")
def undo_cli(
    decision: Annotated[int | None, typer.Argument(help="Decision id (default: the last act "
                                                        "still in force that can be undone).")] = None,
) -> None:
    """Undo the last act, or a given one; the rows it changed get their earlier values back.

    Without an id, acts a source's replacement left that cannot be undone are passed over
    (named, with why)."""
    with user_errors():
        d = workspace().undo(decision)
        passed = d.payload.get("passed")
        if isinstance(passed, list) and passed:
            more = f" and {len(passed) - 1} older act(s)" if len(passed) > 1 else ""
            typer.echo(f"passed over decision {passed[0]}{more}, which cannot be undone: "
                       f"{d.payload.get('passed_why')}", err=True)
        typer.echo(f"decision {d.id}: undid {d.undoes} ({d.payload.get('act')} {d.target})",
                   err=True)
