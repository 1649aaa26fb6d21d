"""annotator relabel"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._decisions import EXPECTED, done
from annotator.cli._output import user_errors, workspace


@app.command("relabel")
def relabel_cli(
    target: Annotated[str, typer.Argument(help="Entity id or mention:<id>.")],
    new_type: Annotated[str, typer.Argument(help="person, place or org (date for a mention).")],
    *,
    confirm: Annotated[bool, typer.Option("--confirm", help="Also confirm it.")] = False,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Change the type of an entity (and its mentions) or of one mention."""
    with user_errors():
        done(workspace().relabel(target, new_type, confirm=confirm, expected=expected))
