"""annotator claims"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli._app import Typer, WorkGroup, app
from annotator.cli._claim_rows import CLAIM_COLUMNS, claim_dict, edited_of, warn_sources
from annotator.cli._complete import SourcesArg
from annotator.cli._filters import filter_option, sources_option
from annotator.cli._output import (Format, FormatOpt, none_matched, progress_bar, render,
                                   user_errors, workspace)
from annotator.errors import Interrupted
from annotator.vocab import CLAIM_KINDS, CLAIM_STATES, SUPPORT

if TYPE_CHECKING:
    from annotator.records import ClaimsProposeReport


claims_app = Typer(
    cls=WorkGroup, invoke_without_command=True,
    help="List claims with their location, status and linked works; 'annotator claims propose' "
         "finds candidates.")
app.add_typer(claims_app, name="claims")


@claims_app.callback()
def claims_cli(
    ctx: typer.Context,
    *,
    status: Annotated[list[str] | None, filter_option(
        "--status", "-s", choices=SUPPORT, help="Only these support statuses")] = None,
    state: Annotated[list[str] | None, filter_option(
        "--state", choices=CLAIM_STATES, help="Only these decision states (default: all but "
                                              "rejected)")] = None,
    source: Annotated[list[str] | None, sources_option("Only claims of these sources")] = None,
    kind: Annotated[list[str] | None, filter_option(
        "--kind", "-k", choices=CLAIM_KINDS, help="Only these kinds")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """List claims: id, source, location, text, kind, status, agent (and the candidate a
    description agent may be) and linked works; the unattributed ones last. A source whose
    file was edited by hand since it was added (S016) is read as the store keeps it, its
    claims' places said to be that version's, with a warning (JSON: read_from 'stored')."""
    if ctx.invoked_subcommand is not None:
        return
    with user_errors():
        ws = workspace()
        rows = ws.claims(status=status, state=state, source_id=source, kinds=kind, stored=True)
        edited = edited_of(ws, rows)
    if format is Format.table:
        columns = ["id", "location", "state", "kind", "status", "agent", "text", "works"]
        if any(r.agent_candidate for r in rows):  # who a description may be, to confirm
            columns.insert(columns.index("agent") + 1, "candidate")
        if len({r.source_id for r in rows}) > 1:
            columns.insert(1, "source")
    else:
        columns = CLAIM_COLUMNS + ["state", "cue", "paragraph", "line", "page", "start", "end",
                                   "read_from", "location_in"]
    render([claim_dict(r, short=format is Format.table, stored=r.source_id in edited)
            for r in rows], format,
           columns=columns, empty=none_matched("claims", ("--status", status), ("--state", state),
                                               ("--source", source), ("--kind", kind)))
    warn_sources(edited.values())


@claims_app.command("propose")
def claims_propose_cli(
    sources: SourcesArg
    = None,
    *,
    model: Annotated[str | None, typer.Option(help="spaCy pipeline (default: the workspace's)."
                                              )] = None,
) -> None:
    """Find candidate claims: attributions, quotations with their speaker, assertions of fact."""
    with user_errors():
        ws = workspace()
        try:
            with progress_bar("finding claims", unit="words") as progress:
                report = ws.propose_claims(sources or None, model=model, progress=progress)
        except Interrupted as stop:  # what the sources stored before it gave, then its line
            if stop.done.sources:
                _said(stop.done)
            raise
    _said(report)


def _said(report: ClaimsProposeReport) -> None:
    summary = ", ".join(f"{n} {k}" for k, n in report.kinds) or "none new"
    gone = [f"{n} {what}" for n, what in ((report.withdrawn, "proposals"),
                                          (report.unsuggested, "suggested links")) if n]
    typer.echo(f"claim proposals: {summary}" +
               (f"; no longer found, withdrawn: {', '.join(gone)}" if gone else ""), err=True)
