"""What a proposal run reads and writes: the register's names and rejections, a source's
mention spans, new proposed entities, variants and mentions (bulk machine work in the caller's
transaction, with no decision row).

DOCS: docs/propose.md
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from annotator.store import entities
from annotator.store.connection import plain_rows
from annotator.store.decided import FROM_FILES


def variant_surfaces(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    """Entity id -> its variants' (key, surface as first written), in the order they were found."""
    out: dict[str, list[tuple[str, str]]] = {}
    for eid, key, surface in plain_rows(
            conn, "SELECT entity_id, key, surface FROM variants ORDER BY rowid", ()):
        out.setdefault(eid, []).append((key, surface))
    return out


def rejections(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    """(name key, type) pairs an editor rejected: never proposed again."""
    return {(r["key"], r["type"]) for r in conn.execute("SELECT key, type FROM rejections")}


def source_rejections(conn: sqlite3.Connection, source_id: str) -> frozenset[tuple[str, str]]:
    """(name key, type) pairs an editor rejected in this source only: not proposed there."""
    return frozenset((r["key"], r["type"]) for r in conn.execute(
        "SELECT key, type FROM source_rejections WHERE source_id = ?", (source_id,)))


def entity_states(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    """``(id, type, status, created_at)`` of every entity, oldest first (by ``created_at``,
    then id)."""
    return plain_rows(conn, "SELECT id, type, status, created_at FROM entities "
                      "ORDER BY created_at, id", ())


def confirmed_ids(conn: sqlite3.Connection) -> frozenset[str]:
    """Entities the edition has confirmed: register entries and those with a confirmed mention
    (the edition's own markup included)."""
    return frozenset(r["id"] for r in conn.execute(
        "SELECT id FROM entities WHERE status = 'confirmed' UNION "
        "SELECT DISTINCT entity_id FROM mentions WHERE status = 'confirmed' "
        "AND entity_id IS NOT NULL"))


def confirming_sources(conn: sqlite3.Connection, *,
                       markup_only: bool = False) -> dict[str, set[str]]:
    """Entity id -> the sources with a confirmed mention of it (their markup, the editor's);
    with ``markup_only`` only of the entities every confirmed mention of which is a file's
    markup (provenance ``source``): none an editor confirmed."""
    out: dict[str, set[str]] = {}
    for r in conn.execute("SELECT DISTINCT entity_id, source_id FROM mentions "
                          "WHERE status = 'confirmed' AND entity_id IS NOT NULL AND "
                          "(? = 0 OR entity_id NOT IN (SELECT entity_id FROM mentions "
                          "WHERE status = 'confirmed' AND entity_id IS NOT NULL "
                          "AND IFNULL(provenance, '') != 'source'))", (int(markup_only),)):
        out.setdefault(r["entity_id"], set()).add(r["source_id"])
    return out


def mention_spans(conn: sqlite3.Connection, source_id: str, sha256: str) -> list[sqlite3.Row]:
    """``id, start, end, type, status, decided, entity_id, flags, date_value`` of a source
    version's mentions."""
    return conn.execute("SELECT id, start, end, type, status, decided, entity_id, flags, "
                        "date_value "
                        "FROM mentions WHERE source_id = ? AND sha256 = ?",
                        (source_id, sha256)).fetchall()


def undecided(conn: sqlite3.Connection, source_id: str) -> list[sqlite3.Row]:
    """The source's proposals no editor decided (of any version): a new run replaces them."""
    return conn.execute("SELECT * FROM mentions WHERE source_id = ? AND status = 'proposed' "
                        "AND decided = 0", (source_id,)).fetchall()


def undecided_on(conn: sqlite3.Connection, entity_ids: Iterable[str]) -> list[sqlite3.Row]:
    """``id, source_id`` of the proposals no editor decided that hang on these entities: the
    machine's work, which no act logs."""
    return conn.execute("SELECT id, source_id FROM mentions WHERE status = 'proposed' AND "
                        "decided = 0 AND entity_id IN (SELECT value FROM json_each(?))",
                        (json.dumps(sorted(set(entity_ids))),)).fetchall()


def move_undecided(conn: sqlite3.Connection, entity_ids: Iterable[str], into: str) -> None:
    """The proposals no editor decided of these entities join ``into`` (machine work, which
    no act logs: a register import's merge done again by its redo)."""
    conn.execute("UPDATE mentions SET entity_id = ? WHERE status = 'proposed' AND decided = 0 "
                 "AND entity_id IN (SELECT value FROM json_each(?))",
                 (into, json.dumps(sorted(set(entity_ids)))))


def insert_entity(conn: sqlite3.Connection, entity_id: str, type_: str, preferred: str,
                  at: str) -> None:
    conn.execute("INSERT INTO entities (id, type, preferred, status, created_at) "
                 "VALUES (?, ?, ?, 'proposed', ?)", (entity_id, type_, preferred, at))


def add_variant(conn: sqlite3.Connection, entity_id: str, surface: str, key: str) -> None:
    conn.execute("INSERT OR IGNORE INTO variants (entity_id, surface, key, loose) "
                 "VALUES (:entity_id, :surface, :key, :loose)",
                 entities.variant_row(entity_id, surface, key))


def rename_entities(conn: sqlite3.Connection, names: dict[str, str]) -> None:
    """Entity id -> its new preferred name, as a proposal run chose it anew (unlogged)."""
    conn.executemany("UPDATE entities SET preferred = ? WHERE id = ?",
                     [(name, eid) for eid, name in names.items()])


def update_mention(conn: sqlite3.Connection, mention_id: int, entity_id: str | None,
                   flags: str, provenance: str, date_value: str | None,
                   confidence: float | None, date_reason: str, date_cert: str,
                   date_stated: bool, date_written: str | None) -> None:
    conn.execute("UPDATE mentions SET entity_id = ?, flags = ?, provenance = ?, date_value = ?, "
                 "confidence = ?, date_reason = ?, date_cert = ?, date_stated = ?, "
                 "date_written = ? WHERE id = ?",
                 (entity_id, flags, provenance, date_value, confidence, date_reason, date_cert,
                  int(date_stated), date_written, mention_id))


# A proposed mention's columns, in ``insert_mentions`` order.
MentionValues = tuple[str, str, int, int, str, str | None, str | None, str, str, str,
                      float | None, str, str, bool, str | None]


def insert_mentions(conn: sqlite3.Connection, rows: Iterable[MentionValues]) -> None:
    """Proposed mentions: (source_id, sha256, start, end, type, entity_id, date_value, flags,
    provenance, created_at, confidence, date_reason, date_cert, date_stated, date_written)
    each, in one statement."""
    conn.executemany(
        "INSERT INTO mentions (source_id, sha256, start, end, type, status, entity_id, "
        "date_value, flags, provenance, created_at, confidence, date_reason, date_cert, "
        "date_stated, date_written) VALUES (?, ?, ?, ?, ?, 'proposed', ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?)", rows)


def delete_mentions(conn: sqlite3.Connection, mention_ids: Iterable[int]) -> None:
    conn.executemany("DELETE FROM mentions WHERE id = ?", [(i,) for i in mention_ids])


# An entity ``e`` a decision names, as its target or in its arguments (in force or not: an
# undone act may be redone), by its very id: ``instr``, not ``LIKE``, which reads an id's
# '_' as any character and ignores case (a register's ids keep theirs: ehri_pers_1).
_NAMED = ("EXISTS (SELECT 1 FROM decisions d "
          "WHERE instr(' ' || d.target || ' ', ' entity:' || e.id || ' ') "
          "OR instr(d.payload, '\"' || e.id || '\"'))")


def orphans(conn: sqlite3.Connection, entity_ids: Iterable[str], *,
            outside: str | None = None, rejected_hold: bool = True) -> list[str]:
    """Of these entities, the proposed ones and the ones only the files' pointers made known
    (``decided.FROM_FILES``) that nothing holds: no mention, no decision naming them, no claim whose
    agent they are (``outside``: none but in that source, which is going). An editor's work on
    an entity is a decision about it, so it always stays. Not ``rejected_hold``: a rejected
    mention holds none (a reject asks whether its entity would be left with none but those).
    In one query, sorted by id."""
    ids = json.dumps(sorted(set(entity_ids)))
    return [r[0] for r in conn.execute(
        "SELECT e.id FROM entities e "  # noqa: S608 (fixed SQL)
        "WHERE e.id IN (SELECT value FROM json_each(?)) "
        f"AND (e.status = 'proposed' OR {FROM_FILES}) "
        "AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = e.id "
        "AND m.source_id IS NOT ? AND (? OR m.status != 'rejected')) "
        "AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.agent_entity_id = e.id "
        "AND c.source_id IS NOT ?) "
        f"AND NOT {_NAMED} ORDER BY e.id", (ids, outside, rejected_hold, outside))]


def drop_orphans(conn: sqlite3.Connection, entity_ids: Iterable[str]) -> list[str]:
    """Proposed entities left with no mention, no decision and no claim naming them are
    removed (``orphans``); returns their ids."""
    gone = orphans(conn, entity_ids)
    conn.executemany("DELETE FROM entities WHERE id = ?", [(eid,) for eid in gone])
    return gone


def runs_own(conn: sqlite3.Connection,
             entity_ids: Iterable[str]) -> dict[str, list[tuple[str, int, int]]]:
    """Of these entities, the proposed ones that only proposal runs made and hold, each with
    its mentions' ``(source_id, start, end)`` on the current versions of their sources: no
    decision names them (``orphans``' rule), no act ever changed their rows or names (an
    addition's included: ``decided``'s rows and the entities an addition made hold a mention
    of the files'), and every mention is a proposal no editor decided. Their names are the
    machine's, which its next run may take back (``drop_variants``)."""
    ids = json.dumps(sorted(set(entity_ids)))
    own = [r[0] for r in conn.execute(
        "SELECT e.id FROM entities e WHERE e.id IN (SELECT value FROM json_each(?)) "
        f"AND e.status = 'proposed' AND NOT {_NAMED} "  # noqa: S608 (fixed SQL)
        "AND NOT EXISTS (SELECT 1 FROM decided x WHERE x.what = 'entity' AND x.key = e.id) "
        "AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = e.id "
        "AND (m.status != 'proposed' OR m.decided))", (ids,))]
    out: dict[str, list[tuple[str, int, int]]] = {eid: [] for eid in own}
    for r in conn.execute("SELECT m.entity_id, m.source_id, m.start, m.end FROM mentions m "
                          "JOIN sources s ON s.id = m.source_id AND s.sha256 = m.sha256 "
                          "WHERE m.entity_id IN (SELECT value FROM json_each(?)) "
                          "ORDER BY m.id", (json.dumps(own),)):
        out[r[0]].append((r[1], r[2], r[3]))
    return out


def drop_variants(conn: sqlite3.Connection, entity_id: str, keep: Iterable[str]) -> None:
    """The entity's variants whose key is not one of ``keep`` go (unlogged machine work)."""
    conn.execute("DELETE FROM variants WHERE entity_id = ? AND key NOT IN "
                 "(SELECT value FROM json_each(?))", (entity_id, json.dumps(sorted(set(keep)))))
