"""annotator dates list / dates confirm"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from annotator.cli._app import app
from annotator.cli._output import Format, render, user_errors, workspace

dates_app = typer.Typer(help="A source's dates with their values and reasons; confirm them.",
                        no_args_is_help=True)
app.add_typer(dates_app, name="dates")


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
