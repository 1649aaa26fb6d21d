"""The ``runs`` table: the last run of each kind (ner, register, claims) over each source.

DOCS: docs/store.md
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from annotator.store.connection import now


def record_run(conn: sqlite3.Connection, source_id: str, sha256: str, kind: str, model: str,
               settings: str) -> None:
    """The last run of a kind over a source: one row each."""
    conn.execute("DELETE FROM runs WHERE source_id = ? AND kind = ?", (source_id, kind))
    conn.execute("INSERT INTO runs (source_id, sha256, kind, model, settings, ran_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)", (source_id, sha256, kind, model, settings, now()))


def last_run(conn: sqlite3.Connection, source_id: str, kind: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM runs WHERE source_id = ? AND kind = ? "
                                           "ORDER BY id DESC LIMIT 1",
                                           (source_id, kind)).fetchone()
    return row


def forget_runs(conn: sqlite3.Connection, source_ids: Iterable[str]) -> None:
    """The sources' proposal runs (ner, register) forgotten: the next ``propose`` runs over
    them again instead of skipping them as unchanged (their proposals were taken away)."""
    conn.execute("DELETE FROM runs WHERE kind IN ('ner', 'register') AND source_id IN "
                 "(SELECT value FROM json_each(?))", (json.dumps(sorted(set(source_ids))),))
