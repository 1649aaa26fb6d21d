"""The ``mentions`` table as the review acts read it: one mention, an entity's mentions, the
mention on a span.

Look-ups only; rows change through an ``Act`` so every change is logged. A mention holds for
the source version (sha256) it was made on; the current one is ``sources.sha256``.

DOCS: docs/review.md
"""

from __future__ import annotations

import sqlite3


def mention_row(conn: sqlite3.Connection, mention_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM mentions WHERE id = ?",
                                           (mention_id,)).fetchone()
    return row


def of_entity(conn: sqlite3.Connection, entity_id: str) -> list[sqlite3.Row]:
    """Every mention of an entity (any version, any status), by id."""
    return conn.execute("SELECT * FROM mentions WHERE entity_id = ? ORDER BY id",
                        (entity_id,)).fetchall()


def current_of_entity(conn: sqlite3.Connection, entity_id: str) -> list[sqlite3.Row]:
    """An entity's mentions on the current versions of their sources, in reading order."""
    return conn.execute("SELECT m.* FROM mentions m JOIN sources s ON s.id = m.source_id "
                        "AND s.sha256 = m.sha256 WHERE m.entity_id = ? "
                        "ORDER BY m.source_id, m.start", (entity_id,)).fetchall()


def undecided_of_entity(conn: sqlite3.Connection, entity_id: str) -> list[int]:
    """Ids of an entity's live mentions that follow its decisions (not decided one by one)."""
    return [r["id"] for r in conn.execute(
        "SELECT id FROM mentions WHERE entity_id = ? AND decided = 0 AND status != 'stale'",
        (entity_id,))]


def proposed_overlapping(conn: sqlite3.Connection, source_id: str, sha256: str, start: int,
                         end: int) -> list[sqlite3.Row]:
    """Undecided proposals on that version overlapping [start, end), in reading order: what a
    mention the editor adds there replaces."""
    return conn.execute("SELECT * FROM mentions WHERE source_id = ? AND sha256 = ? AND "
                        "status = 'proposed' AND decided = 0 AND start < ? AND ? < end "
                        "ORDER BY start, id", (source_id, sha256, end, start)).fetchall()


def mention_at(conn: sqlite3.Connection, source_id: str, sha256: str, start: int, end: int,
               type_: str, *, other_than: int | None = None) -> sqlite3.Row | None:
    """The mention of that type on that span of that version, if any (besides ``other_than``):
    a span has at most one mention of each type."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM mentions WHERE source_id = ? AND sha256 = ? AND start = ? AND end = ? "
        "AND type = ? AND id IS NOT ?", (source_id, sha256, start, end, type_, other_than)
    ).fetchone()
    return row


def confirmed_covers(conn: sqlite3.Connection, source_id: str, sha256: str, type_: str,
                     start: int, end: int) -> bool:
    """Whether a confirmed mention of that type covers all of ``start:end``."""
    return conn.execute(
        "SELECT 1 FROM mentions WHERE source_id = ? AND sha256 = ? AND type = ? AND "
        "status = 'confirmed' AND start <= ? AND ? <= end",
        (source_id, sha256, type_, start, end)).fetchone() is not None


def proposed_dates_with_value(conn: sqlite3.Connection) -> list[int]:
    """Ids of proposed date mentions the model could give a TEI value."""
    return [r["id"] for r in conn.execute(
        "SELECT id FROM mentions WHERE type = 'date' AND status = 'proposed' "
        "AND date_value IS NOT NULL")]


def current_version(conn: sqlite3.Connection, source_id: str) -> str | None:
    """The sha256 of a source's current version (None: no such source): the version a
    mention must be of to be current."""
    row = conn.execute("SELECT sha256 FROM sources WHERE id = ?", (source_id,)).fetchone()
    return None if row is None else str(row["sha256"])
