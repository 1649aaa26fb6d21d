"""annotator adjust"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._decisions import EXPECTED, done, say_marked
from annotator.cli._output import user_errors, workspace


@app.command("adjust")
def adjust_cli(
    mention: Annotated[str, typer.Argument(help="Mention id (or mention:<id>).")],
    start: Annotated[int, typer.Argument(help="New start (reading-text offset).")],
    end: Annotated[int, typer.Argument(help="New end (exclusive).")],
    *,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Correct a mention's span; the corrected mention counts as confirmed.

    Offsets that cut a word are widened to the whole word ('Molot' marks 'Molotov'), and
    said, as for 'mention add'."""
    with user_errors():
        ws = workspace()
        decision = ws.adjust(mention, start, end, expected=expected)
        done(decision)
        say_marked(ws.reading_text(ws.mention(mention).source_id), decision)
