"""annotator undo"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli._app import app
from annotator.cli._output import user_errors, workspace
from annotator.text import first_few

if TYPE_CHECKING:  # the help and other commands import this module: no records there
    from annotator.records import Decision


@app.command("undo")
def undo_cli(
    decision: Annotated[int | None, typer.Argument(help="Decision id (default: the last act "
                                                        "still in force that can be undone).")] = None,
) -> None:
    """Undo the last act, or a given one; the rows it changed get their earlier values back.

    Without an id, only the newest act: when it cannot be undone (a source's replacement
    changed its rows), the refusal says why and names the newest act that can be, by id."""
    with user_errors():
        ws = workspace()
        said_undone(ws.undo(decision), ws.decision)


def said_undone(d: Decision, decision: Callable[[int], Decision | None]) -> None:
    """What an undo (or a redo) did, on stderr: the act it took back, and the proposals that
    went with it. (``decision``: a decision by id, to tell a redo from the undo of one.)"""
    taken = decision(d.undoes) if d.payload.get("act") == "undo" and d.undoes else None
    if taken is not None and taken.payload.get("act") == "undo":  # it took back a redo
        typer.echo(f"decision {d.id}: undid {d.undoes}, the redo of {taken.undoes}: what "
                   f"decision {taken.undoes} had undone is undone again ({d.target})", err=True)
    elif d.payload.get("act") == "undo":  # a redo
        typer.echo(f"decision {d.id}: redid what decision {d.undoes} undid ({d.target})",
                   err=True)
    else:
        typer.echo(f"decision {d.id}: undid {d.undoes} ({d.payload.get('act')} {d.target})",
                   err=True)
    if d.payload.get("proposals"):
        listed = d.payload.get("propose_again")
        again = [str(s) for s in listed] if isinstance(listed, list) else []
        typer.echo(f"{d.payload['proposals']} proposal(s) hanging on what it took back went "
                   f"with it; 'annotator propose' proposes again in "
                   f"{first_few(again, 5)}", err=True)
