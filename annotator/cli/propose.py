"""annotator propose"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli._app import app
from annotator.cli._complete import source_ids
from annotator.cli._output import progress_bar, terminal_safe, user_errors, workspace
from annotator.errors import Interrupted

if TYPE_CHECKING:
    from annotator.records import ProposeReport, SourceProposeResult


@app.command("propose")
def propose_cli(
    sources: Annotated[list[str] | None, typer.Argument(
        help="Source ids (default: every source changed since its last run).",
        autocompletion=source_ids)] = None,
    *,
    model: Annotated[str | None, typer.Option(
        "--model", help="Installed spaCy pipeline, for this run (default: the model "
                        "'annotator train' made or --use chose, see 'annotator train --list'; "
                        "else 'model' in annotator.toml).")]
    = None,
    n_process: Annotated[int | None, typer.Option(
        "--n-process", min=1, help="Processes for spaCy (default: 1).")] = None,
    batch_size: Annotated[int | None, typer.Option(
        "--batch-size", min=1, help="Texts per spaCy batch (default: 64).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Run again on sources that did not change.")] = False,
) -> None:
    """Propose persons, places, organisations and dates with a spaCy pipeline."""
    with user_errors():
        ws = workspace()
        try:
            with progress_bar("proposing", unit="words") as progress:
                report = ws.propose(sources or None, model=model, n_process=n_process,
                                    batch_size=batch_size, force=force, progress=progress)
        except Interrupted as stop:  # the sources stored before it, then its line
            for line in _lines(stop.done):
                typer.echo(line, err=True)
            raise
    lines = _lines(report)
    trained = f" ('annotator train --use base' goes back to {ws.settings.model})" \
        if model is None and report.model.startswith("model:workspace@") else ""
    if len(report.sources) == 1:  # one source: its line is the summary
        said = "" if report.sources[0].skipped else f" from {report.model}{trained}"
        typer.echo(f"{lines[0]}{said}", err=True)
        for line in lines[1:]:
            typer.echo(line, err=True)
        return
    for line in lines:
        typer.echo(line, err=True)
    typer.echo(f"{report.proposed} proposals from {report.model}{trained}", err=True)


def _lines(report: ProposeReport) -> list[str]:
    """A line per source, and under it what the editor should check in its file (S026)."""
    return [line for s in report.sources for line in (
        _said(s), *(terminal_safe(str(w)) for w in s.warnings))]


def _said(s: SourceProposeResult) -> str:
    """What the run did with one source: the model's proposals, or, for a source unchanged
    since its last run, that the model did not run and what the register's new names found
    there (was: '1 proposals (unchanged, skipped)', which read as nothing done)."""
    if not s.skipped:
        return f"{s.source_id}: {s.proposed} proposals ({s.words} words)"
    line = f"{s.source_id}: model not run (text unchanged)"
    if s.register_pass:
        found = "no" if not s.proposed else str(s.proposed)
        line += f"; {found} register name{'s' * (s.proposed > 1)} found"
    return line
