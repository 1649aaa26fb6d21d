"""What the decision commands share: the --expected, --quote and --nth options and the line an
act prints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import typer

if TYPE_CHECKING:
    from annotator.records import Decision


EXPECTED = typer.Option("--expected", help="State token read earlier ('annotator history "
                        "--target TARGET --token'); refuse if the target changed since.")


# Words instead of reading-text offsets, found by ``Workspace.quoted`` for every command alike.
QuoteOpt = Annotated[str | None, typer.Option(
    "--quote", help="The words of the reading text to mark, instead of offsets (whitespace and "
                    "the shape of quotation marks do not matter); 'annotator text SOURCE "
                    "--find WORDS' shows where they are.")]
NthOpt = Annotated[int | None, typer.Option(
    "--nth", min=1, help="Which occurrence of the --quote words (1: the first in reading "
                         "order), where they occur more than once.")]


def nth_needs_quote(nth: int | None, quote: str | None, give: str) -> None:
    """``--nth`` without ``--quote`` has no occurrences to pick among: refused in one line,
    exit 2, not ignored (``give``: how to give the words instead)."""
    if nth is not None and quote is None:
        raise typer.BadParameter(f"--nth picks one occurrence of the --quote words: give "
                                 f"{give}, or drop --nth", param_hint="'--nth'")


def done(decision: Decision) -> None:
    """``decision 17: date mention:225 when=1901-02-03``: the act, its target and what it set
    when the target alone does not say it (a date's value, an id the act made)."""
    new = decision.payload.get("new")  # an id the act made (split, relabel)
    value: dict[str, object] = {}
    if decision.act == "date":
        value = dict(cast("dict[str, object]", decision.payload.get("value") or {}))
        for said in ("julian", "cert"):  # "decision 18: date mention:225 julian=cleared"
            if said in decision.payload:
                value[said] = decision.payload[said]
        # the flag alone converted a value read from the words: the new one, and the old
        value |= cast("dict[str, object]", decision.payload.get("now") or {})
    elif decision.act == "source-date":
        value = {"date": decision.payload.get("date")}
    said = "".join(f" {k}={v}" for k, v in value.items() if v)
    if decision.act == "date" and decision.payload.get("was"):  # "(was when=1790-03-03)"
        was = cast("dict[str, object]", decision.payload["was"])
        said += f" (was {' '.join(f'{k}={v}' for k, v in was.items())})"
    if decision.act in ("confirm-proposed", "reject-proposed"):  # a known entity's new ones
        n = cast("int", decision.payload.get("mentions", 0))
        said = f" ({n} proposed mention{'s' * (n != 1)})"
    if decision.act == "split" and "status" in decision.payload:  # "-> E (confirmed, 2 ...)"
        n = len(cast("list[int]", decision.payload.get("mentions") or []))
        new = f"{new} ({decision.payload['status']}, {n} mention{'s' * (n != 1)})"
    typer.echo(f"decision {decision.id}: {decision.act} {decision.target}{said}"
               + (f" -> {new}" if new else ""), err=True)
    if decision.act == "date" and "markup" in decision.payload:  # the file's own date
        from annotator.dates import markup_date_note

        typer.echo(markup_date_note(decision.payload), err=True)
    elif "markup" in decision.payload:  # a merge the sources' markup tells apart
        from annotator.entities.similar import merge_note  # only after such a merge

        typer.echo(merge_note(decision.payload), err=True)


def say_marked(text: str, decision: Decision) -> None:
    """What a hand-made span marked when it was widened to whole words ("marked 'Molotov'
    (12:19), not 'Molot' (12:17), which cut a word"), as ``mention add`` and ``adjust`` say it;
    nothing when it marked the span given. ``text``: the source's reading text."""
    from annotator.text import widened_note

    asked = cast("list[int] | None", decision.payload.get("selected"))
    if asked:
        got = (cast("int", decision.payload["start"]), cast("int", decision.payload["end"]))
        note = widened_note(text, (asked[0], asked[1]), got)
        if note:
            typer.echo(note, err=True)
