"""annotator text: a source's reading text with its offsets, for the commands that take them
(mention add, adjust, claim add --span, claim link --passage)."""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._claim_rows import STORED, read_from, warn_sources
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
    place and context. A file edited by hand since it was added (S016) is shown as the store
    keeps it, the version its claims' and mentions' offsets hold for, with a warning, as
    'claims' reads it."""
    with user_errors():
        ws = workspace()
        edited = ws.edited_sources([ws.source(source)])
        text = ws.reading_text(source, stored=True)
        said = STORED * bool(edited)  # its places that version's, as 'claims' says them
        if find is not None:
            hits = ws.find_words(source, find, stored=True)
            rows = [{"n": n, "start": h.start, "end": h.end, "location": h.location + said,
                     "text": text[h.start:h.end],
                     "context": context_of(text, h.start, h.end),
                     "read_from": read_from(bool(edited))}
                    for n, h in enumerate(hits, 1)]
        else:
            rows = [{"block": b.paragraph, "start": b.start, "end": b.end,
                     "location": b.location + said, "text": text[b.start:b.end],
                     "read_from": read_from(bool(edited))}
                    for b in ws.text_blocks(source, stored=True)]
    extra = [] if format is Format.table else ["read_from"]
    if find is not None:
        render(rows, format, columns=["n", "start", "end", "location", "text", "context", *extra],
               title=f"{source}: '{' '.join(find.split())}'",
               empty=none_matched(f"words of {source}", ("--find", find)))
    else:
        render(rows, format, columns=["block", "start", "end", "location", "text", *extra],
               title=f"{source}: reading text", empty=f"{source}: no reading text")
    warn_sources(edited.values())
