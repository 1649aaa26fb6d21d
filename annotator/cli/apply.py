"""annotator apply"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli._app import app
from annotator.cli._output import user_errors, workspace
from annotator.cli.register import show_import
from annotator.errors import Interrupted

if TYPE_CHECKING:
    from annotator.records import ApplyResult


@app.command("apply")
def apply_cli(
    file: Annotated[Path, typer.Argument(help="Decisions file (TOML); see docs/review.md.")],
) -> None:
    """Apply a readable decisions file (confirm, reject, relabel, merge, link by name)."""
    with user_errors():
        try:
            r = workspace().apply_decisions(file)
        except Interrupted as stop:  # applied whole as it came: what it did, then the line
            if stop.done is not None:
                _said(stop.done, file)
            raise
    _said(r, file)


def _said(r: ApplyResult, file: Path) -> None:
    for one in r.registers:
        show_import(one, named=len(r.registers) > 1)
    # a line in force already (the file applied before) is counted as such, not as applied
    decision = f" (decision {r.decision_id})" if r.decision_id else ""
    lines = f"{r.applied} line{'' if r.applied == 1 else 's'}"
    typer.echo(f"applied {lines}, {r.in_force} already in force{decision}"
               if r.applied and r.in_force else f"applied {lines}{decision}" if r.applied else
               f"{r.in_force} line{'' if r.in_force == 1 else 's'} already in force, 0 applied"
               f"{decision}" if r.in_force else f"applied 0 lines: nothing changed{decision}",
               err=True)
    for line in r.missing:
        went = r.gone.get(line)
        typer.echo(f"{file}: nothing matches '{line}' " + (
            f"({line.split()[-1]} was {went} before it: write that id)" if went else
            "(nothing proposed under that name)"), err=True)
