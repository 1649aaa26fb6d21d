"""annotator sources"""

from __future__ import annotations

from dataclasses import asdict

from annotator.cli._app import app
from annotator.cli._output import Format, FormatOpt, render, user_errors, workspace


@app.command("sources")
def sources_cli(
    *,
    format: FormatOpt = Format.table,
) -> None:
    """List the workspace's sources with id, title, the date each was written, size and hash."""
    with user_errors():
        rows = [asdict(s) | {"sha256": s.sha256[:12] if format is Format.table else s.sha256}
                for s in workspace().sources()]
    render(rows, format, columns=["id", "title", "date", "words", "origin", "file", "sha256",
                                  "added_at", *(["date_reason"] if format is not Format.table
                                                else [])])
