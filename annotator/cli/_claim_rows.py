"""What the claim commands show of a claim: the same columns in table and JSON."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.records import ClaimRow


CLAIM_COLUMNS = ["id", "source", "location", "text", "kind", "status", "agent", "works",
                 "candidate", "confidence"]


def claim_dict(row: ClaimRow, *, short: bool) -> dict[str, Any]:
    text = row.text
    if short and len(text) > 90:
        text = text[:89].rstrip() + "…"
    return {"id": row.id, "source": row.source_id, "location": row.location,
            "paragraph": row.paragraph, "line": row.line, "page": row.page,
            "start": row.start, "end": row.end, "text": text, "kind": row.kind,
            "status": row.status, "state": row.state, "agent": row.agent,
            "agent_entity": row.agent_entity_id, "candidate": row.agent_candidate,
            "confidence": row.confidence, "works": list(row.works), "cue": row.cue,
            "links": [asdict(link) | {"target": link.target} for link in row.links]}
