"""annotator merge"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._decisions import EXPECTED, done
from annotator.cli._output import user_errors, workspace


@app.command("merge")
def merge_cli(
    entity: Annotated[str, typer.Argument(help="Entity to fold in (it disappears).")],
    into: Annotated[str, typer.Argument(help="Entity that stays.")],
    *,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Merge an entity into another: mentions, spellings and authority ids move over."""
    with user_errors():
        done(workspace().merge(entity, into, expected=expected))
