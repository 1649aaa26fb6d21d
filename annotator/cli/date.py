"""annotator date set"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import typer

from annotator.calendar import TEI_FORMS
from annotator.cli._app import Typer, app
from annotator.cli._decisions import EXPECTED, done as _done
from annotator.cli._output import user_errors, workspace

date_app = Typer(help="Correct one date mention's value, Old Style flag or certainty.",
                 no_args_is_help=True)
app.add_typer(date_app, name="date")


class Cert(str, Enum):
    """How certain a date's value is (``annotator.vocab.CERTAINTIES``)."""

    low = "low"
    medium = "medium"
    high = "high"


def _bound(flag: str, what: str) -> Any:
    """An option of a span's or a range's end: it takes what --when takes."""
    return typer.Option(flag, help=f"{what} (the forms --when takes).")


@date_app.command("set")
def date_set_cli(
    mention: Annotated[str, typer.Argument(help="The date mention: mention:<id> or <id>.")],
    *,
    when: Annotated[str | None, typer.Option("--when", help=f"The date ({TEI_FORMS}).")] = None,
    from_: Annotated[str | None, _bound("--from", "Start of a span")] = None,
    to: Annotated[str | None, _bound("--to", "End of a span")] = None,
    not_before: Annotated[str | None, _bound("--not-before", "Earliest possible")] = None,
    not_after: Annotated[str | None, _bound("--not-after", "Latest possible")] = None,
    julian: Annotated[bool | None, typer.Option(
        "--julian/--gregorian", help="Flag the date Old Style (its words a Julian day: a value "
        "read from them becomes its Gregorian day), or clear the flag (the words' own day "
        "again); with --when the value is the one given.",
        show_default=False)] = None,
    cert: Annotated[Cert | None, typer.Option(
        "--cert", help="How certain the value is (TEI @cert; a value given without it is "
        "high): low or medium for an estimate, as a range for 'early 1800s'.",
        show_default=False)] = None,
    expected: Annotated[str | None, EXPECTED] = None,
) -> None:
    """Give a date mention the right value, its Old Style flag or how certain it is; it is
    confirmed with it."""
    with user_errors():
        _done(workspace().set_date(mention, when=when, from_=from_, to=to,
                                   not_before=not_before, not_after=not_after, julian=julian,
                                   cert=cert.value if cert else None, expected=expected))
