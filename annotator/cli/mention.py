"""annotator mention"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import Typer, WorkGroup, app
from annotator.cli._complete import SourceArg
from annotator.cli._decisions import NthOpt, QuoteOpt, done, nth_needs_quote, say_marked
from annotator.cli._output import user_errors, workspace


mention_app = Typer(
    cls=WorkGroup, help="Mentions one by one.", no_args_is_help=True)
app.add_typer(mention_app, name="mention")


@mention_app.command("add")
def mention_add_cli(
    source: SourceArg,
    where: Annotated[list[str], typer.Argument(
        metavar="[START END] TYPE", help="Start and end (reading-text offsets, the end "
        "exclusive; 'annotator text SOURCE' shows them), then person, place, org or date; "
        "with --quote, the type alone.")],
    *,
    quote: QuoteOpt = None,
    nth: NthOpt = None,
    entity: Annotated[str | None, typer.Option(help="Entity it names (default: by name).")]
    = None,
    date: Annotated[str | None, typer.Option(
        help='Date value: 1940-11-12, or JSON {"from": "1940-11-12", "to": "1940-11-14"}.')]
    = None,
) -> None:
    """Add a mention the model missed, confirmed; a name joins (or starts) an entity.

    Mark it by offsets or by its words (--quote, --nth of several). Offsets that cut a word are
    widened to the whole word ('Molot' marks 'Molotov'), and said."""
    if quote is None and len(where) != 3 or quote is not None and len(where) != 1:
        raise typer.BadParameter("give START END TYPE, or TYPE with --quote WORDS",
                                 param_hint="'[START END] TYPE'")
    nth_needs_quote(nth, quote, "TYPE with --quote WORDS")
    with user_errors():
        ws = workspace()
        if quote is not None:
            start, end = ws.quoted(source, quote, nth=nth)
        else:
            start, end = _offsets(where[0], where[1])
        decision = ws.add_mention(source, start, end, where[-1], entity_id=entity,
                                  date_value=date)
        done(decision)
        say_marked(ws.reading_text(source), decision)


def _offsets(start: str, end: str) -> tuple[int, int]:
    try:
        return int(start), int(end)
    except ValueError:
        raise typer.BadParameter(f"'{start} {end}' are not offsets: give START END TYPE "
                                 "(numbers), or TYPE with --quote WORDS",
                                 param_hint="'[START END] TYPE'") from None
