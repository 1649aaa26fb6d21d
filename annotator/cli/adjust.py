"""annotator adjust"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._decisions import (EXPECTED, NthOpt, QuoteOpt, done, nth_needs_quote,
                                      say_marked)
from annotator.cli._output import user_errors, workspace


@app.command("adjust")
def adjust_cli(
    mention: Annotated[str, typer.Argument(help="Mention id (or mention:<id>).")],
    start: Annotated[int | None, typer.Argument(
        help="New start (reading-text offset; 'annotator text SOURCE' shows them).")] = None,
    end: Annotated[int | None, typer.Argument(help="New end (exclusive).")] = None,
    *,
    quote: QuoteOpt = None,
    nth: NthOpt = None,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Correct a mention's span; the corrected mention counts as confirmed.

    Give the new span by offsets or by its words (--quote; of several occurrences the one over
    the mention is taken, or --nth). Offsets that cut a word are widened to the whole word
    ('Molot' marks 'Molotov'), and said, as for 'mention add'."""
    if (quote is None) == (start is None) or (start is None) != (end is None):
        raise typer.BadParameter("give START END, or --quote WORDS", param_hint="'START END'")
    nth_needs_quote(nth, quote, "--quote WORDS")
    with user_errors():
        ws = workspace()
        row = ws.mention(mention)
        if quote is not None:
            start, end = ws.quoted(row.source_id, quote, nth=nth, near=(row.start, row.end))
        assert start is not None and end is not None
        decision = ws.adjust(mention, start, end, expected=expected)
        done(decision)
        say_marked(ws.reading_text(row.source_id), decision)
