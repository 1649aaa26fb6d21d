"""annotator check"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._claim_rows import claim_dict
from annotator.cli._filters import filter_option
from annotator.cli._output import Format, clipped, render, user_errors, workspace
from annotator.vocab import SUPPORT


@app.command("check")
def check_cli(
    *,
    allow: Annotated[list[str] | None, filter_option(
        "--allow", choices=SUPPORT, help="Support statuses that pass too, e.g. 'attributed'")]
    = None,
    format: Annotated[Format | None, typer.Option(
        "--format", "-f", help="table, json, csv or md (default: one 'file:line: ...' line "
                               "per claim, as compilers print).")] = None,
) -> None:
    """Exit 0 when every confirmed claim is supported (or allowed), 1 otherwise, listing the
    claims that fall short with their location. For a Makefile or CI."""
    with user_errors():
        ws = workspace()
        report = ws.check(allow=allow or ())
        files = {s.id: s.file for s in ws.sources()}
    if report.failing and format is None:
        for r in report.failing:
            text = clipped(r.text, 100)
            who = f", {r.agent}" if r.agent else ""
            typer.echo(f"{files.get(r.source_id, r.source_id)}:{r.line}: claim {r.id} "
                       f"{r.status} ({r.kind}{who}, {r.location}): {text}")
    elif format is not None:  # an empty list too: scripts parse what they asked for
        render([claim_dict(r, short=format is Format.table) for r in report.failing], format,
               columns=["id", "source", "location", "status", "kind", "agent", "text"])
    typer.echo(f"{report.checked} confirmed claim{'s' if report.checked != 1 else ''} checked, "
               f"{len(report.failing)} not supported"
               + (f" (allowed: {', '.join(report.allowed)})" if report.allowed else "")
               + (f"; {report.undecided} proposals not decided yet" if report.undecided else ""),
               err=True)
    if report.failing:
        raise typer.Exit(1)
