"""annotator note"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._decisions import EXPECTED, done
from annotator.cli._output import user_errors, workspace


@app.command("note")
def note_cli(
    entity: Annotated[str, typer.Argument(help="Entity id.")],
    text: Annotated[str, typer.Argument(help="The note (\"\" clears it).")],
    *,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Set an entity's editorial note (exported with the register)."""
    with user_errors():
        done(workspace().set_note(entity, text, expected=expected))
