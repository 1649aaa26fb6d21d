"""annotator review"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._output import user_errors, workspace


@app.command("review")
def review_cli(
    *,
    type_: Annotated[str | None, typer.Option("--type", help="Only person, place or org.")]
    = None,
) -> None:
    """Review candidates one by one with single keys: a accept, x reject, t type, m merge,
    s skip, u undo, q quit."""
    from annotator.cli.terminal import run_review

    with user_errors():
        ws = workspace()
        ws.store  # noqa: B018 - open it now, so a missing store is reported before the screen
        run_review(ws, type_=type_)
