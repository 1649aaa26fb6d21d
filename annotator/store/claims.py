"""The ``claims`` and ``links`` tables as the review acts read them.

Look-ups only; rows change through an ``Act`` so every change is logged.

DOCS: docs/claims.md
"""

from __future__ import annotations

import sqlite3


def claims_by(conn: sqlite3.Connection, entity_id: str) -> list[int]:
    """Claims whose agent is this entity (they follow it when it merges)."""
    return [r["id"] for r in conn.execute("SELECT id FROM claims WHERE agent_entity_id = ?",
                                          (entity_id,))]


def proposed_of_kind(conn: sqlite3.Connection, kind: str) -> list[sqlite3.Row]:
    """(id, source_id, start, end) of the proposed claims of a kind, by id."""
    return conn.execute("SELECT id, source_id, start, end FROM claims WHERE kind = ? AND "
                        "status = 'proposed' ORDER BY id", (kind,)).fetchall()


def suggested_links(conn: sqlite3.Connection, bib_key: str) -> list[int]:
    """Ids of the suggested (not yet accepted) links to a work, by id."""
    return [r["id"] for r in conn.execute(
        "SELECT id FROM links WHERE bib_key = ? AND status = 'suggested' ORDER BY id",
        (bib_key,))]


def has_work(conn: sqlite3.Connection, bib_key: str) -> bool:
    """Whether the bibliography holds a work with this key (case ignored, as keys are)."""
    return conn.execute("SELECT 1 FROM bib WHERE key = ? COLLATE NOCASE",
                        (bib_key,)).fetchone() is not None
