"""annotator source date|remove"""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.calendar import DAY_FORMS
from annotator.cli._app import Typer, app
from annotator.cli._complete import SourceArg
from annotator.cli._decisions import done as _done
from annotator.cli._output import user_errors, workspace

source_app = Typer(help="One source: the date it was written; taking it out of the workspace.",
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


@source_app.command("remove")
def source_remove_cli(
    source: SourceArg,
    *,
    force: Annotated[bool, typer.Option(
        "--force", help="Also remove the links of claims of other sources to its passages "
                        "(refused without it).")] = False,
) -> None:
    """Take a source out of the workspace as one act: its mentions, claims and their links go,
    and the proposed entities named nowhere else; the register's entities stay; its file
    leaves sources/ (the store keeps its bytes) unless it was edited since it was added
    (refused). 'annotator undo' brings it all back."""
    with user_errors():
        d = workspace().remove_source(source, force=force)
    p = d.payload
    typer.echo(f"decision {d.id}: {d.act} {d.target}: {p.get('file')} removed with "
               f"{p.get('mentions')} mention(s), {p.get('claims')} claim(s), {p.get('links')} "
               f"link(s), {p.get('works')} work(s) read from it and {p.get('entities', 0)} "
               "proposed entit(ies) named nowhere else; the register's entities stay; "
               f"'annotator undo {d.id}' brings it back", err=True)
