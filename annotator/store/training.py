"""What training and cross-validation read: the current mentions of every source, in one query.

DOCS: docs/proposals.md#a-model-trained-on-the-edition
"""

from __future__ import annotations

import sqlite3

from annotator.records import MentionState


def current_mentions(conn: sqlite3.Connection) -> list[MentionState]:
    """Mentions of each source's current version (not stale ones), by source and offset."""
    rows = conn.execute(
        "SELECT m.source_id, m.start, m.end, m.type, m.status, m.decided, m.provenance "
        "FROM mentions m JOIN sources s ON s.id = m.source_id AND s.sha256 = m.sha256 "
        "WHERE m.status != 'stale' ORDER BY m.source_id, m.start, m.end, m.type")
    return [MentionState(r["source_id"], r["start"], r["end"], r["type"], r["status"],
                         bool(r["decided"]), r["provenance"]) for r in rows]
