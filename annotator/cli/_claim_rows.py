"""What the claim commands show of a claim: the same columns in table and JSON.

A claim's links are named by relation, a field each (``supports``, ``contradicts``,
``mentions``), as the claim table export names them; the table for people keeps them in one
``works`` column (narrow terminals), each but a support marked by its relation. JSON's
``links`` has every link in full (ids, status, offsets).

A source's file edited by hand since it was added (S016) is read as the store keeps it, the
version its claims' offsets hold for: their words and lines are that version's, said so in
every command alike (``read_from``: 'stored', else 'file'; to people, ``STORED`` after the
place) with one warning line on stderr (``warn_sources``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import typer

from annotator.cli._output import clipped, terminal_safe
from annotator.vocab import LINK_RELS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from annotator.records import ClaimRow, Mention, Nearest, SourceWarning
    from annotator.workspace import Workspace


# the columns of json, csv and md (the table's: the relations in one 'works' column)
CLAIM_COLUMNS = ["id", "source", "location", "text", "kind", "status", "agent", *LINK_RELS,
                 "candidate", "confidence"]
STORED = " of the stored version"  # after a place read in the version the store keeps


def read_from(stored: bool) -> str:
    """JSON's ``read_from``: which text a claim's (or mention's) words and place were read
    in, 'stored' (the version the store keeps, its file edited by hand since: S016) or
    'file' (the source's file as it is)."""
    return "stored" if stored else "file"


def claim_dict(row: ClaimRow, *, short: bool, stored: bool = False) -> dict[str, Any]:
    """``stored``: its source's file was edited by hand since it was added (S016), so its
    words and place are those of the version the store keeps, said so; a stale claim's are
    those of the version before the replace, whatever the file (its ``now``: the stored
    version's). ``location_in`` says which version ``location``, ``line``, ``start`` and
    ``end`` are of ('before_replace' for a stale claim, else ``read_from``'s), ``read_from``
    (also in ``now``) which text its words and where they are now were read in."""
    text = clipped(row.text, 90) if short else row.text
    return {"id": row.id, "source": row.source_id,
            "location": f"{row.location}{STORED}" if short and stored and not row.was
            else row.location,
            "paragraph": row.paragraph, "line": row.line, "page": row.page,
            "start": row.start, "end": row.end, "text": text, "kind": row.kind,
            "status": row.status, "state": row.state, "was": row.was,
            # a stale claim's words in the text now, nearest (its own place is the old one's)
            "now": None if row.now is None else nearest_dict(row.now) | {
                "read_from": read_from(stored)},
            "agent": row.agent,
            "agent_entity": row.agent_entity_id, "candidate": row.agent_candidate,
            "confidence": row.confidence,
            **{rel: "; ".join(texts) for rel, texts in row.by_rel.items()},
            **({"works": list(row.works)} if short else {}), "cue": row.cue,
            "links": [asdict(link) | {"target": link.target} for link in row.links],
            "read_from": read_from(stored),
            "location_in": "before_replace" if row.was else read_from(stored)}


def edited_of(ws: Workspace, rows: Iterable[ClaimRow | Mention]
              ) -> dict[str, SourceWarning]:
    """S016 of the sources of these claims (or mentions) whose file was edited by hand since
    it was added (``Workspace.edited_sources``), by source id: the ones read as the store keeps them."""
    ids = {r.source_id for r in rows}
    return ws.edited_sources(s for s in ws.sources() if s.id in ids) if ids else {}


def warn_sources(warnings: Iterable[SourceWarning]) -> None:
    """The sources' warnings on stderr, one line each: an edited file's (S016) names it, what
    to do, and what reads it meanwhile (its hint, ``Texts.edited``)."""
    for warning in warnings:
        typer.echo(terminal_safe(str(warning)), err=True)


def nearest_dict(now: Nearest) -> dict[str, Any]:
    """Where stale words are now, for scripts: a claim's ``now`` and a mention's alike."""
    return {"start": now.start, "end": now.end, "location": now.location, "line": now.line}
