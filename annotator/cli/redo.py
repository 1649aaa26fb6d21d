"""annotator redo"""

from __future__ import annotations

from annotator.cli._app import app
from annotator.cli._output import user_errors, workspace
from annotator.cli.undo import said_undone


@app.command("redo")
def redo_cli() -> None:
    """Redo: take back the newest undo, so the act it undid is in force again.

    A redo is an undo of that undo (it shows in 'annotator history' as one), refused the same
    way when rows changed since."""
    with user_errors():
        ws = workspace()
        said_undone(ws.redo(), ws.decision)
