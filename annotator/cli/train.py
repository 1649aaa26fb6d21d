"""annotator train."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer
from typer._click.exceptions import UsageError

from annotator.cli._app import app
from annotator.cli._output import Format, FormatOpt, render, user_errors, workspace
from annotator.errors import Interrupted

if TYPE_CHECKING:
    from annotator.records import TrainReport

EpochProgress = Callable[[int, int, float, "float | None"], None]


@contextmanager
def epoch_bar() -> Iterator[EpochProgress | None]:
    """A transient bar of epochs on stderr, with the loss and the held-back F1; only on a TTY."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("training: epoch 0", total=None)

        def update(epoch: int, epochs: int, loss: float, f1: float | None) -> None:
            held = f", held-back F1 {f1:.3f}" if f1 is not None else ""
            bar.update(task, completed=epoch, total=epochs,
                       description=f"training: epoch {epoch}/{epochs}, loss {loss:,.1f}{held}")

        yield update


@app.command("train")
def train_cli(
    *,
    epochs: Annotated[int, typer.Option("--epochs", min=1, help="Most epochs (default: 20).")]
    = 20,
    patience: Annotated[int, typer.Option(
        "--patience", min=1, help="Stop after this many epochs without a better held-back "
                                  "score (default: 3).")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (default: 0).")] = 0,
    force: Annotated[bool, typer.Option(
        "--force", help="Train again even when nothing changed since the last training.")]
    = False,
    list_: Annotated[bool, typer.Option(
        "--list", help="Train nothing: list the kept models and the base pipeline, marking "
                       "the one propose uses.")] = False,
    use: Annotated[str | None, typer.Option(
        "--use", metavar="ID|base", help="Train nothing: propose uses this kept model (its "
                                         "id, or the start of it) from now on, or with "
                                         "'base' the pipeline of annotator.toml.")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """Fine-tune the NER on this workspace's confirmed mentions; propose uses it from then on
    (--list shows the kept models, --use chooses one or goes back to the base pipeline)."""
    if list_ and use is not None:
        raise UsageError("give --list or --use, not both")
    with user_errors():
        ws = workspace()
        if use is not None:
            chosen = ws.choose_model(use)
            typer.echo(f"'annotator propose' uses {chosen.provenance} from now on", err=True)
            return
        if list_:
            rows = [asdict(m) | {"in_use": "*" if m.in_use else ""} if format is Format.table
                    else asdict(m) for m in ws.models()]
            render(rows, format, columns=["id", "in_use", "trained_at", "examples", "best_f1",
                                          "provenance", "base"])
            return
        try:
            with epoch_bar() as progress:
                r = ws.train(epochs=epochs, patience=patience, seed=seed, force=force,
                             progress=progress)
        except Interrupted as stop:  # a model kept as it was stopped: what it is, then the line
            if stop.done is not None:
                _trained(stop.done)
            raise
    if r.reused:
        typer.echo(f"{r.model}: already trained on these decisions and settings (nothing done; "
                   "--force trains again)", err=True)
        return
    _trained(r)
    typer.echo(f"{r.model} saved in {r.path}; 'annotator propose' uses it from now on", err=True)


def _trained(r: TrainReport) -> None:
    best = f", held-back F1 {r.best_f1:.3f} at epoch {r.best_epoch}" if r.best_f1 is not None \
        else ""
    per_10k = r.seconds / r.tokens * 10_000 if r.tokens else 0.0
    typer.echo(f"{r.sources} sources ({r.reviewed} reviewed), {r.examples} examples "
               f"({r.held_back} held back), {r.tokens:,} tokens; {r.epochs_run} epochs{best}",
               err=True)
    typer.echo(f"trained in {r.seconds:.1f} s ({r.cpu_seconds:.1f} s CPU; {per_10k:.1f} s per "
               f"10k tokens) from {r.base}", err=True)
