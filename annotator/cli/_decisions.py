"""What the decision commands share: the --expected option and the line an act prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from annotator.entities.pointers import merge_note

if TYPE_CHECKING:
    from annotator.records import Decision


EXPECTED = typer.Option("--expected", help="State token read earlier ('annotator history "
                        "--target TARGET --token'); refuse if the target changed since.")


def done(decision: Decision) -> None:
    new = decision.payload.get("new")  # an id the act made (split, relabel)
    typer.echo(f"decision {decision.id}: {decision.act} {decision.target}"
               + (f" -> {new}" if new else ""), err=True)
    if note := merge_note(decision.payload):
        typer.echo(note, err=True)
