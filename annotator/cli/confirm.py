"""annotator confirm"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._decisions import EXPECTED, done
from annotator.cli._output import user_errors, workspace


@app.command("confirm")
def confirm_cli(
    targets: Annotated[list[str], typer.Argument(help="Entity ids or mention:<id>.")],
    *,
    proposed: Annotated[bool, typer.Option(
        "--proposed", help="Only the new (proposed) mentions of known (confirmed) entities; "
                           "the entities stay as they are, as the review queue's 'a' on "
                           "such a card.")] = False,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Confirm entities (with all their undecided mentions) or single mentions."""
    with user_errors():
        ws = workspace()
        if not proposed:
            done(ws.confirm(*targets, expected=expected))
            return
        for target in targets:
            done(ws.confirm_proposed(target, expected=expected))
