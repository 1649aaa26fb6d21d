"""annotator dates / date set / dates confirm / source date: dates and the sources' own dates."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from annotator.cli._app import app
from annotator.cli._output import Format, render, user_errors, workspace
from annotator.cli.review import EXPECTED, _done

date_app = typer.Typer(help="Correct one date mention's value.", no_args_is_help=True)
dates_app = typer.Typer(help="A source's dates with their values and reasons; confirm them.",
                        no_args_is_help=True)
source_app = typer.Typer(help="One source's settings: the date it was written.",
                         no_args_is_help=True)
app.add_typer(date_app, name="date")
app.add_typer(dates_app, name="dates")
app.add_typer(source_app, name="source")
_ISO = "YYYY, YYYY-MM or YYYY-MM-DD"


@date_app.command("set")
def date_set_cli(
    mention: Annotated[str, typer.Argument(help="The date mention: mention:<id> or <id>.")],
    *,
    when: Annotated[str | None, typer.Option("--when", help=f"The date ({_ISO}).")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="Start of a span.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="End of a span.")] = None,
    not_before: Annotated[str | None, typer.Option("--not-before", help="Earliest possible.")]
    = None,
    not_after: Annotated[str | None, typer.Option("--not-after", help="Latest possible.")]
    = None,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Give a date mention the right value; it is confirmed with it."""
    with user_errors():
        _done(workspace().set_date(mention, when=when, from_=from_, to=to,
                                   not_before=not_before, not_after=not_after,
                                   expected=expected))


@dates_app.command("list")
def dates_list_cli(
    source: Annotated[str, typer.Argument(help="Source id.")],
    *,
    status: Annotated[str | None, typer.Option(help="Only proposed, confirmed or rejected.")]
    = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
    = Format.table,
) -> None:
    """A source's date mentions: value, certainty, how the value was found, status."""
    with user_errors():
        ws = workspace()
        ws.source(source)
        rows: list[dict[str, Any]] = [
            {"mention": f"mention:{m.id}", "surface": m.surface,
             "value": " ".join(f"{k}={v}" for k, v in m.date_value),
             "cert": m.date_cert, "reason": m.date_reason, "flags": m.flags,
             "status": m.status}
            for m in ws.mentions(source, status=status) if m.type == "date"]
    render(rows, format, columns=["mention", "surface", "value", "cert", "reason", "flags",
                                  "status"], title=f"dates of {source}")


@dates_app.command("confirm")
def dates_confirm_cli(
    source: Annotated[str, typer.Argument(help="Source id.")],
    *,
    certain: Annotated[bool, typer.Option(
        "--certain/--all", help="Only dates stated in full whose weekday fits (default), or "
                                "every proposed date that has a value.")] = True,
) -> None:
    """Confirm a source's proposed dates in one act (one undo takes them back)."""
    with user_errors():
        decision = workspace().confirm_dates(source, certain=certain)
    n = len(decision.target.split())
    typer.echo(f"decision {decision.id}: confirmed {n} date{'s' if n != 1 else ''} of {source}",
               err=True)


@source_app.command("date")
def source_date_cli(
    source: Annotated[str, typer.Argument(help="Source id.")],
    value: Annotated[str, typer.Argument(help=f"The date it was written ({_ISO}).")],
) -> None:
    """Set the date a source was written: its partial and relative dates lean on it (run
    'annotator propose' again) and its bibliography entry takes it."""
    with user_errors():
        _done(workspace().set_source_date(source, value))
