"""annotator dates [list] SOURCE / dates confirm"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import Typer, app, default_group
from annotator.cli._claim_rows import edited_of, warn_sources
from annotator.cli._complete import SourceArg
from annotator.cli._filters import filter_option
from annotator.cli._output import Format, FormatOpt, none_matched, render, user_errors, workspace
from annotator.cli.mentions import mention_rows
from annotator.vocab import MENTION_STATUSES

dates_app = Typer(cls=default_group("list"), no_args_is_help=True,
                  help="A source's dates with their values and reasons ('annotator dates "
                       "SOURCE'); confirm them.")
app.add_typer(dates_app, name="dates")


@dates_app.command("list")
def dates_list_cli(
    source: SourceArg,
    *,
    status: Annotated[list[str] | None, filter_option(
        "--status", "-s", choices=MENTION_STATUSES, help="Only these statuses")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """A source's date mentions: value, certainty, how the value was found, status (also
    'annotator dates SOURCE')."""
    with user_errors():
        ws = workspace()
        ws.source(source)
        found = ws.mentions(source, status=status, types=["date"])
        edited = edited_of(ws, found)  # read as the store keeps it, as 'mentions' reads it
        rows = mention_rows(ws, found, edited)
    render(rows, format, columns=["mention", "surface", "value", "cert", "reason", "flags",
                                  "status",
                                  *([] if format is Format.table else ["read_from"])],
           title=f"dates of {source}",
           empty=none_matched(f"dates of {source}", ("--status", status)))
    warn_sources(edited.values())


@dates_app.command("confirm")
def dates_confirm_cli(
    source: SourceArg,
    *,
    certain: Annotated[bool, typer.Option(
        "--certain/--all", help="Only dates stated in full whose weekday fits (default), or "
                                "every proposed date that has a value; never a date in the "
                                "editor's voice (flag editorial).")] = True,
) -> None:
    """Confirm a source's proposed dates in one act (one undo takes them back)."""
    with user_errors():
        decision = workspace().confirm_dates(source, certain=certain)
    n = len(decision.target.split())
    typer.echo(f"decision {decision.id}: confirmed {n} date{'s' if n != 1 else ''} of {source}",
               err=True)
