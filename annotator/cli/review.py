"""annotator review"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from annotator.cli._app import app
from annotator.cli._filters import filter_option
from annotator.cli._output import (Format, FormatOpt, context_of, none_matched, render,
                                   user_errors, workspace)
from annotator.errors import ConfigError
from annotator.vocab import ENTITY_TYPES


@app.command("review")
def review_cli(
    *,
    type_: Annotated[list[str] | None, filter_option(
        "--type", "-t", choices=ENTITY_TYPES, help="Only these types")] = None,
    list_: Annotated[bool, typer.Option(
        "--list", help="List the queue instead, in the order the review takes it (no terminal "
                       "needed): entity, type, name, mentions to decide, sources, status, "
                       "skipped, context; decide with 'annotator confirm|reject ID'.")] = False,
    format: FormatOpt = Format.table,
) -> None:
    """Review candidates full-screen, one entity at a time, with single keys.

    a accept · x reject everywhere · h not in this source · r not this mention · t type ·
    m merge (type-ahead search over every entity of its type) · space pick mentions,
    p split them off · u undo · s skip · q quit. A known (register) entity with new proposed
    mentions has a card of its own: a accepts them, x rejects them, h those of a source; the
    entity stays as it is. Without a terminal (a script, a pipe), --list lists the queue.
    """
    if list_:
        _list(type_, format)
        return
    with user_errors():
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            # Textual would draw to a pipe and wait for keys that never come
            raise ConfigError(
                "the full-screen review needs a terminal, and standard "
                f"{'input' if not sys.stdin.isatty() else 'output'} is not one",
                hint="list the queue with 'annotator review --list' (--format json for "
                     "scripts) or 'annotator entities --status proposed', and decide with "
                     "'annotator confirm|reject ID'", code="C022")
        from annotator.cli.review_app import run_review

        ws = workspace()
        ws.store  # noqa: B018 - open it now, so a missing store is reported before the screen
        run_review(ws, type_=type_)


def _list(type_: list[str] | None, format: Format) -> None:
    """``review --list``: the queue as rows, in its order (what the screen would show next
    first, skipped ones last)."""
    with user_errors():
        ws = workspace()
        queued = ws.queued(type=type_)
        shown = ws.shown_mentions({q.entity.id: q.entity.preferred for q in queued})
        rows = []
        for q in queued:
            e = q.entity
            row = {"id": e.id, "type": e.type, "preferred": e.preferred,
                   "to_decide": q.to_decide, "sources": e.sources, "status": e.status,
                   "skipped": q.skipped if format is Format.json else
                   "skipped" if q.skipped else ""}
            if e.id in shown:
                sid, start, end = shown[e.id]
                row["context"] = context_of(ws.reading_text(sid), start, end)
            rows.append(row)
    render(rows, format, columns=["id", "type", "preferred", "to_decide", "sources", "status",
                                  "skipped", "context"], title="review queue",
           empty=none_matched("entities to review", ("--type", type_)))
