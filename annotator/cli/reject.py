"""annotator reject"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._complete import source_ids
from annotator.cli._decisions import EXPECTED, done
from annotator.cli._output import user_errors, workspace


@app.command("reject")
def reject_cli(
    targets: Annotated[list[str], typer.Argument(help="Entity ids or mention:<id>.")],
    *,
    source: Annotated[str | None, typer.Option(
        "--source", help="Only in this source: the entities' mentions there are rejected and "
                         "their names not proposed there again; other sources keep them.",
        autocompletion=source_ids)] = None,
    proposed: Annotated[bool, typer.Option(
        "--proposed", help="Only the new (proposed) mentions of known (confirmed) entities "
                           "(with --source: those in that source); never the entities, their "
                           "names or ids, as the review queue's 'x' on such a card.")] = False,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Reject entities (their names are never proposed again for that type) or mentions. A
    stale mention (its words changed when its source was replaced; 'annotator check' lists
    them) is set aside: taken out, and a proposed entity it was the last of with it."""
    with user_errors():
        ws = workspace()
        if source is None and not proposed:
            done(ws.reject(*targets, expected=expected))
            return
        for target in targets:
            done(ws.reject_proposed(target, expected=expected) if source is None else
                 ws.reject_in_source(target, source, proposed_only=proposed, expected=expected))
