"""annotator sources"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from annotator.cli._app import app
from annotator.cli._output import Format, FormatOpt, clipped, render, user_errors, workspace

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
    hash."""
    with user_errors():
        ws = workspace()
        sources = ws.sources()
        warned = ws.source_warnings(sources)
    render([source_row(s, warned.get(s.id), format) for s in sources], format,
           columns=[*COLUMNS, *([] if format in SHOWN else ["warnings", "date_reason"])])


def source_row(src: Source, warning: SourceWarning | None, fmt: Format) -> dict[str, Any]:
    """A source as the listings give it: to people (``SHOWN``) its hash short, its title
    clipped and the warning's code after its date, a short mark ('1823-10-03 S026'); to
    scripts the code in column ``warnings`` (CSV), or the warning in full there (JSON: code,
    place, message, hint; [] for none)."""
    shown = fmt in SHOWN
    row = asdict(src) | {"sha256": src.sha256[:12] if shown else src.sha256,
                         "title": clipped(src.title, TITLE_WIDTH) if shown and src.title
                         else src.title}
    if shown:
        return row | {"date": f"{src.date} {warning.code}".strip() if warning else src.date}
    if fmt is Format.json:
        return row | {"warnings": [{k: v for k, v in asdict(warning).items()
                                    if k != "source_id"}] if warning else []}
    return row | {"warnings": warning.code if warning else ""}
