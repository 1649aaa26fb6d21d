"""annotator eval"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.exceptions import UsageError

from annotator.cli._app import app
from annotator.cli._filters import filter_option
from annotator.cli._output import Format, FormatOpt, render, status_line, user_errors, workspace
from annotator.errors import Interrupted
from annotator.filters import split
from annotator.text import first_few
from annotator.vocab import MENTION_TYPES

if TYPE_CHECKING:
    from annotator.records import TypeScore


@app.command("eval")
def eval_cli(
    gold: Annotated[list[Path] | None, typer.Argument(
        help="Gold JSON (spans over a .txt beside it) or annotated TEI files of the same texts, "
             "or folders of them (their .xml, .tei and .json files); not with --folds.")]
    = None,
    *,
    confirmed_only: Annotated[bool, typer.Option(
        "--confirmed-only", help="Score only confirmed mentions (default: proposed too).")]
    = False,
    errors: Annotated[bool, typer.Option(
        "--errors/--no-errors", help="List the dates without the gold value (table only).")]
    = True,
    folds: Annotated[int | None, typer.Option(
        "--folds", min=2, help="Cross-validate on the workspace's own confirmed mentions in K "
                               "folds of sources: each method learns from K-1, is scored on "
                               "the held one.")] = None,
    methods: Annotated[list[str] | None, typer.Option(
        "--methods", metavar="<method>[,...]", help="With --folds: only these methods "
        "(default: all; see docs/proposals.md); repeat or comma-separate.")] = None,
    types: Annotated[list[str] | None, filter_option(
        "--type", "-t", choices=MENTION_TYPES,
        help="With --folds: only score these types (default: all)")] = None,
    epochs: Annotated[int, typer.Option(
        "--epochs", min=1, help="With --folds: most training epochs (default: 20).")] = 20,
    format: FormatOpt = Format.table,
) -> None:
    """Score mentions against gold annotations (P/R/F1, date values by class; several files
    are added up), or cross-validate the proposal methods on the workspace's own confirmed
    mentions (--folds K)."""
    if folds is not None:
        _folds(folds, methods=methods, types=types, epochs=epochs, format=format)
        return
    if not gold:  # said as click says a missing argument: one line, its code, status 2
        raise UsageError("missing argument 'gold' (or --folds K to cross-validate on the "
                               "workspace's own confirmed mentions)")
    from annotator.acts.evaluate import combine

    files = [f for g in gold for f in (sorted(p for p in g.iterdir() if p.is_file() and
                                              p.suffix.lower() in (".xml", ".tei", ".json"))
                                       if g.is_dir() else [g])]
    with user_errors():
        ws = workspace()
        reports = []
        try:
            with status_line() as say:
                for report in ws.evaluate_each(files, confirmed_only=confirmed_only, say=say):
                    reports.append(report)
        except KeyboardInterrupt:  # figures of some files would read as the whole's
            raise Interrupted(f"{len(reports)} of {len(files)} gold file"
                              f"{'s' * (len(files) != 1)} scored, no figures printed (eval "
                              "changes nothing)", hint="run the same command again") from None
    report = reports[0] if len(reports) == 1 else combine(reports)
    rows = [_score_row(s, format) for s in report.scores]
    classes = [{"class": c.name, "gold": c.gold, "right": c.right,
                "share": round(c.right / c.gold, 3) if c.gold else 0.0, "wrong": c.wrong,
                "no_value": c.no_value, "missed": c.missed} for c in report.date_classes]
    if format is Format.json:
        import json

        typer.echo(json.dumps({
            "source": report.source_id, "gold": [str(f) for f in files],
            "withheld": list(report.withheld), "scores": rows,
            "dates": {"gold": report.dates_gold, "right": report.dates_right,
                      "classes": classes,
                      "errors": [{"surface": s, "gold": g, "ours": o}
                                 for s, g, o in report.date_errors]}},
            ensure_ascii=False, indent=2))
        return
    title = gold[0].name if len(gold) == 1 else f"{len(files)} gold files"
    columns = list(rows[0]) if rows else ["type"]
    if format is Format.csv:  # each row says it, as JSON's withheld (was: csv said nothing)
        rows = [r | {"withheld": list(report.withheld)} for r in rows]
        columns.append("withheld")
    render(rows, format, columns=columns, title=f"{report.source_id} vs {title}")
    held = _held_out(report.withheld, len(ws.sources()) - 1) if report.withheld else None
    if format is Format.md and held:  # under its table, a paragraph of its own
        typer.echo(f"{held}\n")
    if format in (Format.table, Format.md) and report.dates_gold:
        render([c for c in classes if c["gold"]], format,
               columns=["class", "gold", "right", "share", "wrong", "no_value", "missed"],
               title="dated gold dates by class")
    elif format is Format.md:  # a line, not a table of headers alone (table: the line below)
        typer.echo(f"{NO_DATED}\n")
    if format is Format.table:
        if held:
            typer.echo(held)
        if report.dates_gold:
            share = f" ({report.dates_right / report.dates_gold:.1%})"
            typer.echo(f"date values: {report.dates_right}/{report.dates_gold} right{share}")
        else:
            typer.echo(f"date values: {NO_DATED}")
        if errors:
            for surface, g, o in report.date_errors:
                typer.echo(f"  {surface!r}: gold {g}, ours {o}")


# Said in place of the dates by class (table and md) when there are none: an empty table
# read as a failure to score them (user41 report, defect 11).
NO_DATED = "no dated gold dates (no <date> of the gold has a value), none scored"


def _held_out(withheld: tuple[str, ...], others: int) -> str:
    """The line that says which sources were held out and what taught the steps: read under
    the table (table and md), or a comparison with another run's figures misleads."""
    taught = (f"the {others} other source{'s' * (others != 1)}" if others else
              "no other source (the workspace holds no other)")
    return (f"held out: {first_few(withheld)} (the gold is the source's own file): scored "
            "proposals made without its markup, by the configured pipeline and steps learned "
            f"from {taught}")


def _score_row(s: TypeScore, format: Format) -> dict[str, Any]:
    """A type's figures rounded; a type with nothing to score has none: null in JSON, 'n/a'
    in the tables (0.0 would say the model gets it wrong)."""
    none = None if format is Format.json else "n/a"
    return {"type": s.type, "gold": s.gold, "predicted": s.predicted,
            **{f"{kind}_{name}": none if x is None else round(x, 3)
               for kind, prf in (("exact", s.exact), ("overlap", s.overlap))
               for name, x in zip(("p", "r", "f1"), prf)}}


def _folds(k: int, *, methods: list[str] | None, types: list[str] | None, epochs: int,
           format: Format) -> None:
    from annotator.records import TypeScore

    with user_errors():
        ws = workspace()
        with status_line() as say:
            report = ws.evaluate_folds(k, methods=split(methods) or None, types=types,
                                       epochs=epochs, say=say)
    rows = []
    for m in report.methods:
        every = TypeScore("all", *(sum(getattr(s, f) for s in m.scores)
                                   for f in ("gold", "predicted", "exact_tp", "overlap_tp")))
        for s in (*m.scores, every):
            rows.append({"method": m.method, **_score_row(s, format)})
    if format is Format.json:
        import json

        typer.echo(json.dumps({
            "folds": [list(f) for f in report.folds], "scores": rows,
            "seconds": {m.method: round(m.seconds, 1) for m in report.methods},
            "training": [{"seconds": round(t, 1), "cpu_seconds": round(c, 1), "tokens": n}
                         for t, c, n in zip(report.train_seconds, report.train_cpu_seconds,
                                            report.train_tokens)]},
            ensure_ascii=False, indent=2))
        return
    render(rows, format, columns=list(rows[0]),
           title=f"{k}-fold cross-validation on {sum(len(f) for f in report.folds)} sources")
    if format in (Format.table, Format.md):
        for i, (t, c, n) in enumerate(zip(report.train_seconds, report.train_cpu_seconds,
                                          report.train_tokens), 1):
            typer.echo(f"fold {i}: trained on {n:,} tokens in {t:.1f} s, {c:.1f} s CPU "
                       f"({t / n * 10_000 if n else 0:.1f} s per 10k tokens)")
