"""What the claim commands show of a claim: the same columns in table and JSON.

A claim's links are named by relation, a field each (``supports``, ``contradicts``,
``mentions``), as the claim table export names them; the table for people keeps them in one
``works`` column (narrow terminals), each but a support marked by its relation. JSON's
``links`` has every link in full (ids, status, offsets)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from annotator.cli._output import clipped
from annotator.vocab import LINK_RELS

if TYPE_CHECKING:
    from annotator.records import ClaimRow, Nearest


# the columns of json, csv and md (the table's: the relations in one 'works' column)
CLAIM_COLUMNS = ["id", "source", "location", "text", "kind", "status", "agent", *LINK_RELS,
                 "candidate", "confidence"]


def claim_dict(row: ClaimRow, *, short: bool) -> dict[str, Any]:
    text = clipped(row.text, 90) if short else row.text
    return {"id": row.id, "source": row.source_id, "location": row.location,
            "paragraph": row.paragraph, "line": row.line, "page": row.page,
            "start": row.start, "end": row.end, "text": text, "kind": row.kind,
            "status": row.status, "state": row.state, "was": row.was,
            # a stale claim's words in the text now, nearest (its own place is the old one's)
            "now": None if row.now is None else nearest_dict(row.now),
            "agent": row.agent,
            "agent_entity": row.agent_entity_id, "candidate": row.agent_candidate,
            "confidence": row.confidence,
            **{rel: "; ".join(texts) for rel, texts in row.by_rel.items()},
            **({"works": list(row.works)} if short else {}), "cue": row.cue,
            "links": [asdict(link) | {"target": link.target} for link in row.links]}


def nearest_dict(now: Nearest) -> dict[str, Any]:
    """Where stale words are now, for scripts: a claim's ``now`` and a mention's alike."""
    return {"start": now.start, "end": now.end, "location": now.location, "line": now.line}
