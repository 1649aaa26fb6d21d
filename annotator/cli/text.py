"""annotator text: a source's reading text with its offsets, for the commands that take them
(mention add, adjust, claim add --span, claim link --passage)."""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._complete import SourceArg
from annotator.cli._output import (Format, FormatOpt, context_of, none_matched, render,
                                   user_errors, workspace)


@app.command("text")
def text_cli(
    source: SourceArg,
    *,
    find: Annotated[str | None, typer.Option(
        "--find", help="Only where these words are: each occurrence with its start and end "
                       "(whitespace and the shape of quotation marks do not matter).")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """Show a source's reading text with offsets: each paragraph (block) with where it
    starts and ends, and its place in the file.

    The offsets are those 'mention add', 'adjust', 'claim add --span' and 'claim link
    --passage' take: a character's offset is its block's start plus its place in the block
    (from 0). With --find, each occurrence of the words: n (what --nth takes), start, end,
    place and context."""
    with user_errors():
        ws = workspace()
        text = ws.reading_text(source)
        if find is not None:
            hits = ws.find_words(source, find)
            rows = [{"n": n, "start": h.start, "end": h.end, "location": h.location,
                     "text": text[h.start:h.end],
                     "context": context_of(text, h.start, h.end)}
                    for n, h in enumerate(hits, 1)]
        else:
            rows = [{"block": b.paragraph, "start": b.start, "end": b.end,
                     "location": b.location, "text": text[b.start:b.end]}
                    for b in ws.text_blocks(source)]
    if find is not None:
        render(rows, format, columns=["n", "start", "end", "location", "text", "context"],
               title=f"{source}: '{' '.join(find.split())}'",
               empty=none_matched(f"words of {source}", ("--find", find)))
    else:
        render(rows, format, columns=["block", "start", "end", "location", "text"],
               title=f"{source}: reading text", empty=f"{source}: no reading text")
