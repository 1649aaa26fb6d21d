"""The store's queries about dates: which date mentions of a source wait for a decision.

DOCS: docs/review.md#dates
"""

from __future__ import annotations

import sqlite3


def waiting_dates(conn: sqlite3.Connection, source_id: str, *, certain: bool) -> list[int]:
    """Ids of the source's proposed date mentions (its current version) that have a value;
    with ``certain``, only those stated in full (``date_cert`` high) whose weekday, if any,
    fits the calendar. A date in the editor's voice (flag 'editorial', ``tei.voice``: a
    note's "2009" of a book it cites) is never one: it waits for the editor, one by one."""
    sql = ("SELECT m.id FROM mentions m JOIN sources s ON s.id = m.source_id "
           "AND s.sha256 = m.sha256 WHERE m.source_id = ? AND m.type = 'date' "
           "AND m.status = 'proposed' AND m.date_value IS NOT NULL "
           "AND instr(m.flags, 'editorial') = 0")
    if certain:
        sql += " AND m.date_cert = 'high' AND instr(m.flags, 'weekday-mismatch') = 0"
    return [r[0] for r in conn.execute(sql + " ORDER BY m.start, m.end", (source_id,))]


def editors_dates(conn: sqlite3.Connection, source_id: str) -> int:
    """How many of the source's proposed date mentions with a value are in the editor's voice
    (flag 'editorial'), which ``waiting_dates`` never gives."""
    row = conn.execute(
        "SELECT count(*) FROM mentions m JOIN sources s ON s.id = m.source_id "
        "AND s.sha256 = m.sha256 WHERE m.source_id = ? AND m.type = 'date' "
        "AND m.status = 'proposed' AND m.date_value IS NOT NULL "
        "AND instr(m.flags, 'editorial') > 0", (source_id,)).fetchone()
    return int(row[0])


def source_known(conn: sqlite3.Connection, source_id: str) -> bool:
    return conn.execute("SELECT 1 FROM sources WHERE id = ?", (source_id,)).fetchone() is not None


def own_work(conn: sqlite3.Connection, source_id: str) -> sqlite3.Row | None:
    """The bibliography entry of the source itself: the first one read from it (its header)."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM bib WHERE origin = ? ORDER BY rowid LIMIT 1",
        (f"source:{source_id}",)).fetchone()
    return row
