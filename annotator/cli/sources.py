"""annotator sources"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import typer

from annotator.cli._app import app
from annotator.cli._output import (Format, FormatOpt, clipped, render, terminal_safe,
                                   user_errors, workspace)

if TYPE_CHECKING:
    from annotator.records import Source, SourceWarning

TITLE_WIDTH = 60  # a table's title column: one row per source, whatever its title holds
COLUMNS = ["id", "title", "date", "words", "origin", "file", "sha256", "added_at"]
SHOWN = (Format.table, Format.md)  # formats for people


@app.command("sources")
def sources_cli(
    *,
    format: FormatOpt = Format.table,
) -> None:
    """List the workspace's sources with id, title, the date each was written (marked S026
    where its header and dateline disagree on it: 'annotator source ID' says how), size and
    hash (marked S016 where the file was edited by hand since it was added, said on stderr
    with what to do)."""
    with user_errors():
        ws = workspace()
        sources = ws.sources()
        warned = ws.source_warnings(sources)
        edited = ws.edited_sources(sources)
    render([source_row(s, warned.get(s.id), format, edited=edited.get(s.id)) for s in sources],
           format, columns=[*COLUMNS, *([] if format in SHOWN else ["warnings", "date_reason"])])
    if format in SHOWN:
        for warning in edited.values():
            typer.echo(terminal_safe(str(warning)), err=True)


def source_row(src: Source, warning: SourceWarning | None, fmt: Format, *,
               edited: SourceWarning | None = None) -> dict[str, Any]:
    """A source as the listings give it: to people (``SHOWN``) its hash short, its title
    clipped and the warning's code after its date, a short mark ('1823-10-03 S026'), and
    ``edited`` (S016: its file changed since it was added) after its hash; to scripts the
    codes in column ``warnings`` (CSV, space between), or the warnings in full there (JSON:
    code, place, message, hint; [] for none)."""
    shown = fmt in SHOWN
    row = asdict(src) | {"sha256": src.sha256[:12] if shown else src.sha256,
                         "title": clipped(src.title, TITLE_WIDTH) if shown and src.title
                         else src.title}
    if shown:
        return row | {"date": f"{src.date} {warning.code}".strip() if warning else src.date,
                      "sha256": f"{row['sha256']} {edited.code}" if edited else row["sha256"]}
    said = [w for w in (warning, edited) if w is not None]
    if fmt is Format.json:
        return row | {"warnings": [{k: v for k, v in asdict(w).items() if k != "source_id"}
                                   for w in said]}
    return row | {"warnings": " ".join(w.code for w in said)}
