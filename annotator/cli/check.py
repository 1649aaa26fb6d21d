"""annotator check"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli._app import app
from annotator.cli._claim_rows import claim_dict
from annotator.cli._filters import filter_option
from annotator.cli._output import Format, clipped, render, terminal_safe, user_errors, workspace
from annotator.vocab import SUPPORT

if TYPE_CHECKING:
    from annotator.records import ClaimRow


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
    claims that fall short with their location. For a Makefile or CI. Sources whose header
    and dateline disagree on the date are warned of on stderr; they fail nothing."""
    from annotator.records import mark_again  # not at start-up: 'annotator --help' is fast

    with user_errors():
        ws = workspace()
        report = ws.check(allow=allow or ())
        files = {s.id: s.file for s in ws.sources()}
    if format is None:
        for r in report.failing:
            typer.echo(f"{files.get(r.source_id, r.source_id)}:{r.line}: claim {r.id} "
                       f"{r.status} ({r.kind}{_who(r)}, {r.location}): {clipped(r.text, 100)}")
        for r in report.stale:  # where it was and what it said, on the text before; the
            # line is where its words are now (none when the store does not know it), never
            # its old line, which is another line of the file now
            now = r.now
            typer.echo(f"{files.get(r.source_id, r.source_id)}{f':{now.line}' if now else ''}"
                       f": claim {r.id} stale: its words changed (was {r.was}, {r.kind}"
                       f"{_who(r)}, {r.location} before the source was replaced"
                       f"{f'; now near {now.location}' if now else ''}): "
                       f"{clipped(r.text, 100)}; "
                       f"{mark_again(r.source_id, r.id, now)}")
    else:  # an empty list too: scripts parse what they asked for
        render([claim_dict(r, short=format is Format.table)
                for r in (*report.failing, *report.stale)], format,
               columns=["id", "source", "location", "state", "status", "kind", "agent",
                        "text"])
    for warning in report.warnings:  # the sources': said, failing nothing
        typer.echo(terminal_safe(str(warning)), err=True)
    typer.echo(f"{report.checked} confirmed claim{'s' if report.checked != 1 else ''} checked, "
               f"{len(report.failing)} not supported"
               + (f", {len(report.stale)} stale" if report.stale else "")
               + (f" (allowed: {', '.join(report.allowed)})" if report.allowed else "")
               + (f"; {report.undecided} proposals not decided yet" if report.undecided else "")
               + (f"; {len(report.warnings)} source warning{'s' * (len(report.warnings) != 1)}"
                  if report.warnings else ""),
               err=True)
    if not report.ok:
        raise typer.Exit(1)


def _who(row: ClaimRow) -> str:
    """', AGENT' after a claim's kind when it names one."""
    return f", {row.agent}" if row.agent else ""
