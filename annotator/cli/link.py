"""annotator link"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._decisions import EXPECTED, done
from annotator.cli._output import user_errors, workspace


@app.command("link")
def link_cli(
    entity: Annotated[str, typer.Argument(help="Entity id.")],
    scheme: Annotated[str, typer.Argument(help="wikidata, viaf, geonames or gnd.")],
    value: Annotated[str, typer.Argument(help="The id (or its URL); \"\" removes the link.")],
    *,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Link an entity to an authority file; the id's shape is checked."""
    with user_errors():
        done(workspace().link(entity, scheme, value, expected=expected))
