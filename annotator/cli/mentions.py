"""annotator mentions: every mention with its id, place, value and entity, for the commands that
take mention:<id> (confirm, reject, adjust, split)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from annotator.cli._app import app
from annotator.cli._output import Format, Status, context_of, render, user_errors, workspace
if TYPE_CHECKING:
    from annotator.records import Mention
    from annotator.tei.textmap import TextMap
    from annotator.workspace import Workspace


class MentionType(str, Enum):
    person = "person"
    place = "place"
    org = "org"
    date = "date"


@app.command("mentions")
def mentions_cli(
    source: Annotated[str | None, typer.Argument(help="Source id (default: all).")] = None,
    *,
    type_: Annotated[list[MentionType] | None, typer.Option(
        "--type", help="Only this type (repeatable).")] = None,
    status: Annotated[Status | None, typer.Option("--status", help="Only this status.")]
    = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
    = Format.table,
) -> None:
    """List mentions in reading order: id, place, type, status, text, entity, date value."""
    with user_errors():
        ws = workspace()
        found = ws.mentions(source, status=status.value if status else None,
                            types=[t.value for t in type_] if type_ else None)
        rows = mention_rows(ws, found)
    columns = ["id", "source", "place", "type", "status", "text", "entity", "value", "reason"]
    if format is not Format.table:
        columns += ["cert", "flags", "provenance", "context", "start", "end"]
    render(rows, format, columns=columns, title="mentions")


def mention_rows(ws: Workspace, mentions: Iterable[Mention]) -> list[dict[str, Any]]:
    """One row per mention, the same for every listing of mentions (``mentions``,
    ``dates list``): where it is, its value and how the value was found."""
    rows: list[dict[str, Any]] = []
    maps: dict[str, TextMap] = {}
    for m in mentions:
        if m.source_id not in maps:
            maps[m.source_id] = ws.textmap(m.source_id)
        tm = maps[m.source_id]
        fresh = bool(m.surface)  # a mention of an older version has no surface now
        rows.append({
            "id": m.id, "mention": f"mention:{m.id}", "source": m.source_id,
            "place": tm.place(m.start) if fresh else "(older version)",
            "type": m.type, "status": m.status, "text": m.surface, "surface": m.surface,
            "entity": m.entity_id or "",
            "value": " ".join(f"{k}={v}" for k, v in m.date_value),
            "cert": m.date_cert, "reason": m.date_reason, "flags": m.flags,
            "provenance": m.provenance,
            "context": context_of(tm.text, m.start, m.end) if fresh else "",
            "start": m.start, "end": m.end})
    return rows
