"""annotator source date"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.calendar import DAY_FORMS
from annotator.cli._app import Typer, app
from annotator.cli._complete import SourceArg
from annotator.cli._decisions import done as _done
from annotator.cli._output import user_errors, workspace

source_app = Typer(help="One source's settings: the date it was written.",
                         no_args_is_help=True)
app.add_typer(source_app, name="source")


@source_app.command("date")
def source_date_cli(
    source: SourceArg,
    value: Annotated[str, typer.Argument(help=f"The date it was written ({DAY_FORMS}).")],
) -> None:
    """Set the date a source was written: its partial and relative dates lean on it (run
    'annotator propose' again) and its bibliography entry takes it."""
    with user_errors():
        _done(workspace().set_source_date(source, value))
