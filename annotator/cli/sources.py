"""annotator sources"""

from __future__ import annotations

from dataclasses import asdict

from annotator.cli._app import app
from annotator.cli._output import Format, FormatOpt, clipped, render, user_errors, workspace

TITLE_WIDTH = 60  # a table's title column: one row per source, whatever its title holds


@app.command("sources")
def sources_cli(
    *,
    format: FormatOpt = Format.table,
) -> None:
    """List the workspace's sources with id, title, the date each was written, size and hash."""
    with user_errors():
        table = format is Format.table
        rows = [asdict(s) | {"sha256": s.sha256[:12] if table else s.sha256,
                             "title": clipped(s.title, TITLE_WIDTH) if table and s.title
                             else s.title}
                for s in workspace().sources()]
    render(rows, format, columns=["id", "title", "date", "words", "origin", "file", "sha256",
                                  "added_at", *([] if table else ["date_reason"])])
