"""The ``mentions`` table: one mention, an entity's mentions, the mention on a span (as the review
acts read them); mentions in reading order, marks for the reading view, counts by decision.

Look-ups only; rows change through an ``Act`` so every change is logged. A mention holds for
the source version (sha256) it was made on; the current one is ``sources.sha256``.

DOCS: docs/review.md
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from annotator.records import Mention
from annotator.store.connection import highest_given, matching, plain_rows
from annotator.store.sources import before_stale


def mention_row(conn: sqlite3.Connection, mention_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM mentions WHERE id = ?",
                                           (mention_id,)).fetchone()
    return row


def highest_id(conn: sqlite3.Connection) -> int:
    """The highest id a mention was ever given (0: none). No id is given twice, so an absent
    id at or below it was once a mention."""
    return highest_given(conn, "mentions")


def of_entity(conn: sqlite3.Connection, entity_id: str) -> list[sqlite3.Row]:
    """Every mention of an entity (any version, any status), by id."""
    return conn.execute("SELECT * FROM mentions WHERE entity_id = ? ORDER BY id",
                        (entity_id,)).fetchall()


def tally_of_entity(conn: sqlite3.Connection, entity_id: str) -> dict[str, int]:
    """An entity's mentions on the current versions of their sources, by status: one count,
    not every mention read (the mention panel asks this on each drawing)."""
    return dict(conn.execute(
        "SELECT m.status, COUNT(*) FROM mentions m JOIN sources s ON s.id = m.source_id "
        "AND s.sha256 = m.sha256 WHERE m.entity_id = ? GROUP BY m.status ORDER BY m.status",
        (entity_id,)).fetchall())


STATE_COLUMNS = ("id", "source_id", "sha256", "start", "end", "type", "status", "decided",
                 "date_value", "flags", "provenance", "confidence", "date_reason", "date_cert")


def state_of_entity(conn: sqlite3.Connection, entity_id: str) -> list[tuple[Any, ...]]:
    """Every mention of an entity as plain tuples of ``STATE_COLUMNS``, by id: what its state
    token hashes (a tuple costs a third of a ``sqlite3.Row`` made into one). Every column an
    act or a new run can change; not ``entity_id`` (the mentions are the entity's) nor
    ``created_at`` (set once)."""
    return plain_rows(conn, f"SELECT {', '.join(STATE_COLUMNS)} FROM mentions "
                      "WHERE entity_id = ? ORDER BY id", (entity_id,))


CURRENT_COLUMNS = ("id", "source_id", "start", "end", "status", "provenance")


def current_of_state(conn: sqlite3.Connection,
                     rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``CURRENT_COLUMNS`` of those of an entity's ``state_of_entity`` rows that are on the
    current versions of their sources, in reading order: the queue reads the mentions of its
    card once, for what it shows and for its state token."""
    pick = itemgetter(*(STATE_COLUMNS.index(c) for c in CURRENT_COLUMNS))
    sid, sha = STATE_COLUMNS.index("source_id"), STATE_COLUMNS.index("sha256")
    current = dict(conn.execute(
        "SELECT id, sha256 FROM sources WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted({r[sid] for r in rows})),)).fetchall())
    out = [pick(r) for r in rows if current.get(r[sid]) == r[sha]]
    out.sort(key=itemgetter(1, 2, 0))  # source, start; id for ties
    return out


def undecided_of_entity(conn: sqlite3.Connection, entity_id: str) -> list[int]:
    """Ids of an entity's live mentions that follow its decisions (not decided one by one)."""
    return [r["id"] for r in conn.execute(
        "SELECT id FROM mentions WHERE entity_id = ? AND decided = 0 AND status != 'stale'",
        (entity_id,))]


def proposed_of_entity(conn: sqlite3.Connection, entity_id: str) -> list[int]:
    """Ids of an entity's undecided proposals (``status = 'proposed'``: on the current version
    of their source, since a replacement makes the others stale), by id: a known entity's new
    mentions, which the queue offers to decide."""
    return [r[0] for r in conn.execute(
        "SELECT id FROM mentions WHERE entity_id = ? AND status = 'proposed' ORDER BY id",
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


def status_before_stale(conn: sqlite3.Connection, mention_id: int) -> str | None:
    """The status a stale mention had when its source was replaced (``proposed`` for one no
    editor ever decided), from the replacement that made it stale; None when the log has
    none."""
    return before_stale(conn, "mentions", [mention_id]).get(mention_id)


def mention_from_row(row: sqlite3.Row, surface: str) -> Mention:
    """A stored mention as a record; ``surface``: its characters (never stored)."""
    value = json.loads(row["date_value"]) if row["date_value"] else {}
    return Mention(id=row["id"], source_id=row["source_id"], start=row["start"], end=row["end"],
                   type=row["type"], status=row["status"], entity_id=row["entity_id"],
                   surface=surface, provenance=row["provenance"],
                   date_value=tuple(value.items()), flags=row["flags"],
                   decided=bool(row["decided"]), confidence=row["confidence"],
                   date_reason=row["date_reason"], date_cert=row["date_cert"],
                   sha256=row["sha256"])


def mention_rows(conn: sqlite3.Connection, source_id: str | Sequence[str] | None = None, *,
                 status: Sequence[str] | None = None,
                 types: Sequence[str] | None = None) -> list[sqlite3.Row]:
    """Mentions (of some sources, statuses, types) by source and reading order."""
    where, params = matching(source_id=source_id, status=status, type=types)
    return conn.execute("SELECT * FROM mentions WHERE 1" + where +
                        " ORDER BY source_id, start, end, type", tuple(params)).fetchall()


def span_rows(conn: sqlite3.Connection, *, status: Sequence[str] | None = None,
              types: Sequence[str] | None = None) -> list[tuple[str, int, int, str, str]]:
    """``(source_id, start, end, type, provenance)`` of the mentions of some statuses and
    types, in ``mention_rows`` order: plain tuples and no surface, for learning conventions
    from thousands of mentions."""
    where, params = matching(status=status, type=types)
    return plain_rows(conn, "SELECT source_id, start, end, type, provenance FROM mentions "
                      "WHERE 1" + where + " ORDER BY source_id, start, end, type",
                      tuple(params))


def entity_spans(conn: sqlite3.Connection, source_id: str | Sequence[str] | None = None
                 ) -> list[tuple[str, str, str, int, int]]:
    """``(entity_id, source_id, sha256, start, end)`` of the mentions with an entity (of
    some sources), in ``mention_rows`` order: plain tuples, for listings of thousands."""
    where, params = matching(source_id=source_id)
    return plain_rows(conn, "SELECT entity_id, source_id, sha256, start, end FROM mentions "
                      "WHERE entity_id IS NOT NULL" + where +
                      " ORDER BY source_id, start, end, type", tuple(params))


def confirmed_names(conn: sqlite3.Connection, entity_ids: Iterable[str], *,
                    other_than: str) -> list[tuple[str, str, int, int]]:
    """``(entity_id, source_id, start, end)`` of the confirmed mentions of these entities on
    the current versions of their sources but ``other_than``, a group's left out (its words
    name no one of the group): the names the edition and its editors wrote for them."""
    return plain_rows(conn, "SELECT m.entity_id, m.source_id, m.start, m.end FROM mentions m "
                      "JOIN sources s ON s.id = m.source_id AND s.sha256 = m.sha256 "
                      "WHERE m.entity_id IN (SELECT value FROM json_each(?)) "
                      "AND m.status = 'confirmed' AND m.source_id != ? "
                      "AND ',' || m.flags || ',' NOT LIKE '%,group,%' "
                      "ORDER BY m.source_id, m.start", (json.dumps(list(entity_ids)), other_than))


def names_of(conn: sqlite3.Connection, entity_ids: Iterable[str]
             ) -> list[tuple[str, str, int, int, str]]:
    """``(entity_id, source_id, start, end, status)`` of the confirmed and proposed mentions
    of these entities on the current versions of their sources, a group's left out (its words
    name no one of the group), in reading order: the names an entity is written with."""
    return plain_rows(conn, "SELECT m.entity_id, m.source_id, m.start, m.end, m.status "
                      "FROM mentions m JOIN sources s ON s.id = m.source_id "
                      "AND s.sha256 = m.sha256 WHERE m.entity_id IN "
                      "(SELECT value FROM json_each(?)) AND m.status IN ('confirmed', "
                      "'proposed') AND ',' || m.flags || ',' NOT LIKE '%,group,%' "
                      "ORDER BY m.source_id, m.start, m.end",
                      (json.dumps(sorted(set(entity_ids))),))


def marks(conn: sqlite3.Connection, source_id: str,
          sha256: str) -> list[tuple[int, int, int, str, str]]:
    """``(id, start, end, type, status)`` of a source version's mentions, in reading order:
    plain tuples from one narrow query, as a long source's reading view needs them."""
    rows = conn.execute("SELECT id, start, end, type, status FROM mentions WHERE source_id = ? "
                        "AND sha256 = ? ORDER BY start, end", (source_id, sha256)).fetchall()
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def status_counts(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """``(source_id, status, n)`` of the mentions of each source's current version."""
    # source by source (CROSS JOIN keeps that order): the counts come from the covering index
    # mentions_kinds, twice as fast as a scan of every mention looking up its source
    return [(r["source_id"], r["status"], r["n"]) for r in conn.execute(
        "SELECT s.id AS source_id, m.status, count(*) AS n FROM sources s "
        "CROSS JOIN mentions m ON m.source_id = s.id AND m.sha256 = s.sha256 "
        "GROUP BY s.id, m.status")]


def sources_marking(conn: sqlite3.Connection, entity_ids: Iterable[str]) -> set[str]:
    """The sources whose own markup names one of ``entity_ids`` (a mention of provenance
    ``source``): the edition those entities belong to."""
    return {r["source_id"] for r in conn.execute(
        "SELECT DISTINCT source_id FROM mentions WHERE provenance = 'source' "
        "AND entity_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(entity_ids))),))}


def sources_of(conn: sqlite3.Connection, entity_id: str) -> set[str]:
    """The sources holding a current mention of the entity."""
    return {r["source_id"] for r in conn.execute(
        "SELECT DISTINCT source_id FROM mentions WHERE entity_id = ? AND status != 'stale'",
        (entity_id,))}
