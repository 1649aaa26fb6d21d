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
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Confirm entities (with all their undecided mentions) or single mentions."""
    with user_errors():
        done(workspace().confirm(*targets, expected=expected))
