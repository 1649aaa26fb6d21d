"""annotator prefer"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._decisions import EXPECTED, done
from annotator.cli._output import user_errors, workspace


@app.command("prefer")
def prefer_cli(
    entity: Annotated[str, typer.Argument(help="Entity id.")],
    name: Annotated[str, typer.Argument(help="Preferred name.")],
    *,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Set the name the register shows and exports first."""
    with user_errors():
        done(workspace().set_preferred(entity, name, expected=expected))
