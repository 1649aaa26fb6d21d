"""annotator split"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._decisions import EXPECTED, done
from annotator.cli._output import user_errors, workspace


@app.command("split")
def split_cli(
    entity: Annotated[str, typer.Argument(help="Entity to split.")],
    mentions: Annotated[list[str], typer.Argument(help="Mention ids to move to a new entity.")],
    *,
    preferred: Annotated[str | None, typer.Option(help="Name of the new entity.")] = None,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Move some mentions off an entity to a new entity (two people who share a name).

    The new entity is confirmed if the entity was, else proposed. Split never takes every
    mention of the entity, which would leave it empty (D012): to rename it, use 'annotator
    prefer ENTITY NAME'; to move all its mentions to another entity, 'annotator merge ENTITY
    OTHER'.
    """
    with user_errors():
        done(workspace().split(entity, mentions, preferred=preferred, expected=expected))
