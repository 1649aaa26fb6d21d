"""annotator entities"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from annotator.cli._app import app
from annotator.cli._filters import filter_option, sources_option
from annotator.cli._output import (Format, FormatOpt, authority_field, context_of,
                                   none_matched, render, user_errors, workspace)
from annotator.vocab import ENTITY_STATUSES, ENTITY_TYPES

if TYPE_CHECKING:
    from annotator.records import Mention


@app.command("entities")
def entities_cli(
    *,
    status: Annotated[list[str] | None, filter_option(
        "--status", "-s", choices=ENTITY_STATUSES, help="Only these statuses")] = None,
    type: Annotated[list[str] | None, filter_option(
        "--type", "-t", choices=ENTITY_TYPES, help="Only these types")] = None,
    source: Annotated[list[str] | None, sources_option("Only entities named in these sources")
                      ] = None,
    similar: Annotated[bool, typer.Option(
        "--similar", help="List likely duplicates instead: pairs of entities of one type that "
                          "are probably one, the surest first, with the reason; merge the "
                          "first into the second with 'annotator merge ENTITY INTO'.")] = False,
    format: FormatOpt = Format.table,
) -> None:
    """List candidate entities and the register: type, name, mentions, sources, status."""
    if similar:
        _similar(status, type, source, format)
        return
    with user_errors():
        ws = workspace()
        ents = ws.entities(status=status, type=type, source_id=source)
        by_entity: dict[str, list[Mention]] = {}
        if format is Format.json:  # every occurrence: each mention, with its surface
            for m in ws.mentions(source):
                if m.entity_id:
                    by_entity.setdefault(m.entity_id, []).append(m)
        # the context of the fullest name, else of the first mention
        shown = ws.shown_mentions({e.id: e.preferred for e in ents}, source)
        rows = []
        for e in ents:
            ms = by_entity.get(e.id, [])
            row: dict[str, Any] = {"id": e.id, "type": e.type, "preferred": e.preferred,
                                   "mentions": e.mentions, "sources": e.sources,
                                   "status": e.status, "variants": list(e.variants),
                                   "authority": authority_field(e.authority, format)}
            if e.id in shown:
                sid, start, end = shown[e.id]
                row["context"] = context_of(ws.reading_text(sid), start, end)
            if format is Format.json:
                row["geo"] = e.geo  # a place's coordinates as its register wrote them
                row["occurrences"] = [
                    {"mention": m.id, "source": m.source_id, "start": m.start, "end": m.end,
                     "surface": m.surface, "status": m.status, "provenance": m.provenance,
                     "flags": m.flags} for m in ms]
                if any("ambiguous" in m.flags.split(",") for m in ms
                       if m.status == "proposed"):  # the entities its name fits, as the review
                    row["fits"] = [o.id for o in ws.candidate(e.id, limit=0).could_be]
            rows.append(row)
    render(rows, format, columns=["id", "type", "preferred", "mentions", "sources", "status",
                                  "authority", "context"], title="entities",
           empty=none_matched("entities", ("--status", status), ("--type", type),
                              ("--source", source)))


def _similar(status: list[str] | None, type_: list[str] | None, source: list[str] | None,
             format: Format) -> None:
    """``entities --similar``: merge suggestions, one row a pair (``--status``: pairs with an
    entity of that status; ``--source``: with an entity named there)."""
    with user_errors():
        ws = workspace()
        pairs = ws.merge_suggestions(type=type_, status=status)
        if source is not None:
            named = {e.id for e in ws.entities(source_id=source, counts=False)}
            pairs = [p for p in pairs if p.entity.id in named or p.other.id in named]
        rows = [{"entity": p.entity.id, "name": p.entity.preferred, "status": p.entity.status,
                 "into": p.other.id, "into_name": p.other.preferred,
                 "into_status": p.other.status, "type": p.entity.type, "score": p.score,
                 "reason": p.reason} for p in pairs]
    render(rows, format, columns=["entity", "name", "status", "into", "into_name",
                                  "into_status", "type", "score", "reason"],
           title="likely duplicates",
           empty=none_matched("likely duplicates", ("--status", status), ("--type", type_),
                              ("--source", source)))
