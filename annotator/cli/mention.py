"""annotator mention"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import Typer, WorkGroup, app
from annotator.cli._complete import SourceArg
from annotator.cli._decisions import done, say_marked
from annotator.cli._output import user_errors, workspace


mention_app = Typer(
    cls=WorkGroup, help="Mentions one by one.", no_args_is_help=True)
app.add_typer(mention_app, name="mention")


@mention_app.command("add")
def mention_add_cli(
    source: SourceArg,
    start: Annotated[int, typer.Argument(help="Start (reading-text offset).")],
    end: Annotated[int, typer.Argument(help="End (exclusive).")],
    type_: Annotated[str, typer.Argument(metavar="TYPE", help="person, place, org or date.")],
    *,
    entity: Annotated[str | None, typer.Option(help="Entity it names (default: by name).")]
    = None,
    date: Annotated[str | None, typer.Option(
        help='Date value: 1940-11-12, or JSON {"from": "1940-11-12", "to": "1940-11-14"}.')]
    = None,
) -> None:
    """Add a mention the model missed, confirmed; a name joins (or starts) an entity.

    Offsets that cut a word are widened to the whole word ('Molot' marks 'Molotov'), and
    said."""
    with user_errors():
        ws = workspace()
        decision = ws.add_mention(source, start, end, type_, entity_id=entity, date_value=date)
        done(decision)
        say_marked(ws.reading_text(source), decision)
