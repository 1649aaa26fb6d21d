"""annotator history"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._output import Format, FormatOpt, render, user_errors, workspace


@app.command("history")
def history_cli(
    *,
    target: Annotated[str | None, typer.Option(help="Only acts on this entity or "
                                                    "mention:<id>.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many, newest first.")
                     ] = None,
    token: Annotated[bool, typer.Option(
        "--token", help="Print the --target's state token (for --expected) instead.")] = False,
    format: FormatOpt = Format.table,
) -> None:
    """The decisions log, newest first: who did what, when, and what was undone."""
    with user_errors():
        if token:
            if target is None:
                raise typer.BadParameter("--token needs --target ENTITY or mention:<id>")
            typer.echo(workspace().state_token(target))
            return
        rows = [asdict(d) for d in workspace().history(target=target, limit=limit)]
    if format is Format.table:
        for r in rows:
            r["payload"] = " ".join(f"{k}={v}" for k, v in r["payload"].items()
                                    if v not in (None, "", False))
    render(rows, format, columns=["id", "at", "editor", "act", "target", "payload", "undoes",
                                  "undone_by"])
