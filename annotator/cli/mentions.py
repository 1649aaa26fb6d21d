"""annotator mentions: every mention with its id, place, value and entity, for the commands that
take mention:<id> (confirm, reject, adjust, split)."""

from __future__ import annotations

from collections.abc import Container, Iterable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from annotator.cli._app import app
from annotator.cli._claim_rows import STORED, edited_of, read_from, warn_sources
from annotator.cli._complete import source_ids
from annotator.cli._filters import filter_option, sources_option
from annotator.cli._output import (Format, FormatOpt, context_of, none_matched, render,
                                   user_errors, workspace)
from annotator.vocab import MENTION_STATUSES, MENTION_TYPES

if TYPE_CHECKING:
    from annotator.records import Mention
    from annotator.tei.textmap import TextMap
    from annotator.workspace import Workspace


@app.command("mentions")
def mentions_cli(
    source: Annotated[str | None, typer.Argument(
        help="Source id, or several comma-separated (default: all).",
        autocompletion=source_ids)] = None,
    *,
    sources: Annotated[list[str] | None, sources_option(
        "Only mentions of these sources, as the other listings take them")] = None,
    type_: Annotated[list[str] | None, filter_option(
        "--type", "-t", choices=MENTION_TYPES, help="Only these types")] = None,
    status: Annotated[list[str] | None, filter_option(
        "--status", "-s", choices=MENTION_STATUSES, help="Only these statuses")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """List mentions in reading order: id, place, type, status, text, entity, date value."""
    with user_errors():
        ws = workspace()
        given = [*([source] if source else []), *(sources or [])]
        found = ws.mentions(given or None, status=status, types=type_)
        edited = edited_of(ws, found)
        rows = mention_rows(ws, found, edited)
    columns = ["id", "source", "place", "type", "status", "text", "entity", "value", "reason"]
    if format is not Format.table:
        columns += ["cert", "flags", "provenance", "context", "start", "end", "read_from"]
    render(rows, format, columns=columns, title="mentions",
           empty=none_matched("mentions", ("source", given), ("--type", type_),
                              ("--status", status)))
    warn_sources(edited.values())


def mention_rows(ws: Workspace, mentions: Iterable[Mention],
                 edited: Container[str] = ()) -> list[dict[str, Any]]:
    """One row per mention, the same for every listing of mentions (``mentions``,
    ``dates list``): where it is, its value and how the value was found. ``edited``: the
    sources whose file was edited by hand since it was added (S016, ``edited_of``), read as
    the store keeps them, as ``claims`` reads them: their places said to be that version's,
    ``read_from`` 'stored' (a stale mention's place stays its own version's)."""
    rows: list[dict[str, Any]] = []
    maps: dict[str, TextMap] = {}
    versions: dict[tuple[str, str], TextMap | None] = {}
    for m in mentions:
        if m.source_id not in maps:
            maps[m.source_id] = ws.textmap(m.source_id, stored=True)
        tm: TextMap | None = maps[m.source_id]
        older = m.sha256 != maps[m.source_id].sha256  # stale: its file was replaced since
        if older:  # placed and shown in its own version's text, never in the text now
            if (m.source_id, m.sha256) not in versions:
                versions[m.source_id, m.sha256] = ws.version_textmap(m.source_id, m.sha256)
            tm = versions[m.source_id, m.sha256]
        said = " (older version)" if older else STORED * (m.source_id in edited)
        rows.append({
            "id": m.id, "mention": f"mention:{m.id}", "source": m.source_id,
            "place": "(older version)" if tm is None else tm.place(m.start) + said,
            "type": m.type, "status": m.status, "text": m.surface, "surface": m.surface,
            "entity": m.entity_id or "",
            "value": " ".join(f"{k}={v}" for k, v in m.date_value),
            "cert": m.date_cert, "reason": m.date_reason, "flags": m.flags,
            "provenance": m.provenance,
            "context": "" if tm is None else context_of(tm.text, m.start, m.end),
            "start": m.start, "end": m.end, "read_from": read_from(m.source_id in edited)})
    return rows
