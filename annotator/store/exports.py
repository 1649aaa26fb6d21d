"""The batch reads the exports make: a source's mentions grouped by markup, its claims and
links in export order, the works the claims cite, counts for the summary.

``states`` and ``link_states`` are pairs (the same state twice for one), so the SQL stays fixed.

DOCS: docs/export.md
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

Pair = tuple[str, str]


def mention_kinds(conn: sqlite3.Connection, source_id: str, sha256: str,
                  states: Pair) -> list[sqlite3.Row]:
    """A row per kind of mention (the same markup): ``type, entity_id, date_value, status,
    provenance, date_cert`` and its starts and ends joined by commas.

    A row per mention costs Python an object per column; for 100k mentions that was most of
    an export. Grouped, the store answers from its ``mentions_kinds`` index alone, in the
    index's order (no sort). State and provenance only mark proposals (``@cert``, ``@resp``),
    so they are read only with them.
    """
    marks, by = (("status, provenance", ", 4, 5") if "proposed" in states
                 else ("'confirmed', ''", ""))
    return conn.execute(
        f"SELECT type, entity_id, date_value, {marks}, date_cert, group_concat(start), "
        "group_concat(end) "
        "FROM mentions WHERE source_id = ? AND sha256 = ? AND status IN (?, ?) "
        f"GROUP BY 1, 2, 3, 6{by}", (source_id, sha256, *states)).fetchall()


def claim_links(conn: sqlite3.Connection, source_id: str, sha256: str, states: Pair,
                link_states: Pair) -> list[sqlite3.Row]:
    """``claim_id, rel, status, provenance, locus, bib_key, target_source_id, target_start,
    target_end`` of the links of a source version's claims, in export order."""
    return conn.execute(
        "SELECT l.claim_id, l.rel, l.status, l.provenance, l.locus, l.bib_key, "
        "l.target_source_id, l.target_start, l.target_end FROM links l JOIN claims c ON "
        "c.id = l.claim_id WHERE c.source_id = ? AND c.sha256 = ? AND c.status IN (?, ?) "
        "AND l.status IN (?, ?) ORDER BY l.claim_id, l.rel, l.bib_key, l.target_source_id, "
        "l.target_start, l.locus, l.id", (source_id, sha256, *states, *link_states)).fetchall()


def claims(conn: sqlite3.Connection, source_id: str, sha256: str,
           states: Pair) -> list[sqlite3.Row]:
    """``id, start, end, kind, status, agent, agent_entity_id, provenance`` of a source
    version's claims, in document order (outer first)."""
    return conn.execute(
        "SELECT id, start, end, kind, status, agent, agent_entity_id, provenance FROM claims "
        "WHERE source_id = ? AND sha256 = ? AND status IN (?, ?) ORDER BY start, end DESC, id",
        (source_id, sha256, *states)).fetchall()


def passages(conn: sqlite3.Connection, source_id: str, states: Pair,
             link_states: Pair) -> set[tuple[int, int]]:
    """The spans of this source that links of other claims point to."""
    return {(r["target_start"], r["target_end"]) for r in conn.execute(
        "SELECT l.target_start, l.target_end FROM links l JOIN claims c ON c.id = l.claim_id "
        "WHERE l.target_source_id = ? AND l.status IN (?, ?) AND c.status IN (?, ?) "
        "AND l.target_start IS NOT NULL AND l.target_end > l.target_start",
        (source_id, *link_states, *states))}


def cited_keys(conn: sqlite3.Connection) -> set[str]:
    """Keys of the works linked (confirmed) to claims not rejected."""
    return {r["bib_key"] for r in conn.execute(
        "SELECT DISTINCT l.bib_key FROM links l JOIN claims c ON c.id = l.claim_id "
        "WHERE l.bib_key IS NOT NULL AND l.status = 'confirmed' "
        "AND c.status IN ('proposed', 'confirmed')")}


def source_changes(conn: sqlite3.Connection, source_id: str) -> list[list[dict[str, Any]]]:
    """The changes of the acts that added or replaced a source, oldest first."""
    return [json.loads(r["changes"]) for r in conn.execute(
        "SELECT changes FROM decisions WHERE target = ? AND act IN ('add', 'replace') "
        "ORDER BY id", (f"source:{source_id}",))]


def entity_counts(conn: sqlite3.Connection) -> tuple[tuple[str, str, int], ...]:
    """``(type, status, n)`` of the entities."""
    return tuple((r["type"], r["status"], r["n"]) for r in conn.execute(
        "SELECT type, status, count(*) AS n FROM entities GROUP BY type, status "
        "ORDER BY type, status"))
