"""annotator review"""

from __future__ import annotations

from typing import Annotated

from annotator.cli._app import app
from annotator.cli._filters import filter_option
from annotator.cli._output import user_errors, workspace
from annotator.vocab import ENTITY_TYPES


@app.command("review")
def review_cli(
    *,
    type_: Annotated[list[str] | None, filter_option(
        "--type", "-t", choices=ENTITY_TYPES, help="Only these types")] = None,
) -> None:
    """Review candidates full-screen, one entity at a time, with single keys.

    a accept · x reject everywhere · h not in this source · r not this mention · t type ·
    m merge (type-ahead search over every entity of its type) · space pick mentions,
    p split them off · u undo · s skip · q quit. A known (register) entity with new proposed
    mentions has a card of its own: a accepts them, x rejects them, h those of a source; the
    entity stays as it is.
    """
    from annotator.cli.review_app import run_review

    with user_errors():
        ws = workspace()
        ws.store  # noqa: B018 - open it now, so a missing store is reported before the screen
        run_review(ws, type_=type_)
