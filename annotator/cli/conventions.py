"""annotator conventions"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._complete import source_ids
from annotator.cli._output import Format, FormatOpt, render, user_errors, workspace

UNNAMED = "(none named)"  # TEI files naming no edition (no series, publisher or own schema)


@app.command("conventions")
def conventions_cli(
    source: Annotated[str | None, typer.Argument(
        help="One source's conventions, and where each comes from (default: each edition's).",
        autocompletion=source_ids)] = None,
    *,
    format: FormatOpt = Format.table,
) -> None:
    """Each edition's conventions learned from its confirmed markup: titles, kin terms,
    articles, 'city of', possessives inside or outside the element, dates wrapping whole
    datelines, names in the editor's notes and a weekday heading a diary's entry marked or
    left bare. An edition is the series or publisher its files' headers name, else the schema
    of its own they declare, shown by the folder its files were added from ("curious-travellers
    (schema CT.rng)"); the .txt and .md files annotator encoded are one, "(the workspace's
    texts)"; TEI files naming none are each on their own.

    A source's proposals follow its own markup's conventions, else its edition's, else the
    defaults; override one for every edition in annotator.toml under [annotator.conventions]
    (e.g. titles = "inside").
    """
    columns = ["convention", "value", "source", "from", "evidence", "about"]
    # scripts also get the key that groups files into an edition (a series, a publisher, a
    # schema's file name), which the label shown to people may not hold
    key = [] if format in (Format.table, Format.md) else ["edition_key"]
    with user_errors():
        ws = workspace()
        labels = ws.edition_labels()
        if source is not None:
            sid = ws.source(source).id
            edition = labels.get(ws.conventions_edition(sid), "") or UNNAMED
            rows = [{"source_id": sid, "edition": edition,
                     "edition_key": ws.conventions_edition(sid), **r}
                    for r in ws.conventions(sid).rows()]
            render(rows, format, columns=["source_id", "edition", *key, *columns],
                   title=f"conventions of {sid} ({edition})")
            return
        rows = [{"edition": labels.get(name, name) or UNNAMED, "edition_key": name,
                 "sources": n, **r}
                for name, (n, conv) in ws.edition_conventions().items() for r in conv.rows()]
    render(rows, format, columns=["edition", *key, "sources", *columns], title="conventions",
           empty="no sources yet: the defaults hold ('annotator add' some)")
