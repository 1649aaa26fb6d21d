"""Entities and what hangs on them: name variants, authority ids, rejected names; the listing
of entities with their names and counts.

Look-ups only; rows change through an ``Act`` (``rec.insert/update/delete``) so every change
is logged. Name keys are made by ``annotator.entities.names.name_key`` before they get here.

DOCS: docs/review.md
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from annotator.entities.similar import loose_key
from annotator.records import Entity
from annotator.store.connection import matching, plain_rows
from annotator.store.decided import FROM_FILES, KEPT, REGISTER_ENTRY
from annotator.store.logged import IMPORT_ACTS


def entity_row(conn: sqlite3.Connection, entity_id: str | None) -> sqlite3.Row | None:
    """An entity's row, or None."""
    row: sqlite3.Row | None = conn.execute("SELECT * FROM entities WHERE id = ?",
                                           (entity_id,)).fetchone()
    return row


def type_of(conn: sqlite3.Connection, entity_id: str) -> str | None:
    """The entity's type, or None: no such entity."""
    row = entity_row(conn, entity_id)
    return str(row["type"]) if row is not None else None


def to_name(conn: sqlite3.Connection,
            entity_ids: Iterable[str]) -> list[tuple[str, str, str, str]]:
    """``(id, type, status, preferred)`` of those of the entities whose name the store may
    choose anew, by id: not a register entry (it holds a register's own pointer: the
    edition's register names it) and not one whose name an editor chose
    (``decisions.preferred_by_editor``), in one query however many."""
    ids = json.dumps(sorted(set(entity_ids)))
    return plain_rows(conn, "SELECT e.id, e.type, e.status, e.preferred FROM entities e "
                      "WHERE e.id IN (SELECT value FROM json_each(?1)) "
                      f"AND NOT {REGISTER_ENTRY} AND e.id NOT IN (SELECT key FROM {KEPT} "
                      "WHERE what = 'preferred' AND key IN "  # noqa: S608 (fixed)
                      "(SELECT value FROM json_each(?1))) "
                      "ORDER BY e.id", (ids,))


def ids_and_names(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(id, preferred name) of every entity, by id: what a mistyped id is matched against."""
    return [(r[0], r[1]) for r in conn.execute("SELECT id, preferred FROM entities ORDER BY id")]


def taken_ids(conn: sqlite3.Connection, type_: str | None = None) -> set[str]:
    """Ids no new entity may take (of one type, or all): those of the entities there are, and
    those an act in force deleted (a merge, a source's removal, an undo of an entity's
    making), which undoing that act, or redoing the undo, puts back under the same id. An
    entity a proposal run dropped, logged by no act, comes back under no id: its id is free."""
    like = "%" if type_ is None else f"{type_}-%"
    return {r[0] for r in conn.execute(
        "SELECT id FROM entities WHERE id LIKE ?1 UNION "
        "SELECT k.key FROM decided k JOIN decisions d ON d.id = k.decision_id "
        "WHERE k.what = 'deleted' AND k.key LIKE ?1 "  # store.logged: every act's deletions
        "AND d.undone_by IS NULL AND d.act NOT IN (?2, ?3)", (like, *IMPORT_ACTS))}


def named(conn: sqlite3.Connection, key: str, type_: str) -> list[sqlite3.Row]:
    """(id, status) of the entities of a type with a name of that key, by id."""
    return conn.execute("SELECT e.id, e.status FROM entities e "
                        "JOIN variants v ON v.entity_id = e.id "
                        "WHERE v.key = ? AND e.type = ? ORDER BY e.id", (key, type_)).fetchall()


def proposed_sharing(conn: sqlite3.Connection, type_: str, keys: Sequence[str],
                     other_than: str) -> list[str]:
    """Entities no editor decided (proposed, or known from the files' pointers only:
    ``decided.FROM_FILES``) of a type with a name of one of ``keys``, besides ``other_than``:
    a register import merges them into its entry unless the files point to them otherwise."""
    marks = ", ".join("?" for _ in keys)
    return [r["id"] for r in conn.execute(
        "SELECT DISTINCT e.id FROM entities e JOIN variants v ON v.entity_id = e.id "
        f"WHERE (e.status = 'proposed' OR {FROM_FILES}) AND e.type = ? "  # noqa: S608
        f"AND v.key IN ({marks}) AND e.id != ?", (type_, *keys, other_than))]


def by_mentions(conn: sqlite3.Connection, types: Sequence[str] | None, *,
                by_confidence: bool = False) -> list[tuple[str, int]]:
    """Entities to decide (of these types, or all) with how many mentions each has to
    decide, most first: proposed entities with current mentions, counted all, and known
    (confirmed) entities with undecided proposals, counted those; with ``by_confidence`` the
    surest proposal (``mentions.confidence``) first, then most mentions."""
    # by mentions, the counts come from the index ``mentions_entity_state`` alone
    sure, order = (("MAX(COALESCE(m.confidence, 0))", "sure DESC, n DESC, id") if by_confidence
                   else ("0", "n DESC, id"))
    where, params = matching(**{"e.type": types})
    return [(r["id"], r["n"]) for r in conn.execute(
        f"SELECT e.id AS id, COUNT(*) AS n, {sure} AS sure FROM entities e "
        "JOIN mentions m ON m.entity_id = e.id AND m.status != 'stale' "
        f"WHERE e.status = 'proposed'{where} GROUP BY e.id "
        f"UNION ALL SELECT e.id AS id, COUNT(*) AS n, {sure} AS sure FROM entities e "
        "JOIN mentions m ON m.entity_id = e.id AND m.status = 'proposed' "
        f"WHERE e.status = 'confirmed'{where} GROUP BY e.id "
        f"ORDER BY {order}", [*params, *params])]  # noqa: S608 (fixed orders, ? per value)


def confirmed_names(conn: sqlite3.Connection, other_than: str) -> list[sqlite3.Row]:
    """(entity_id, key, type) of every name of a confirmed entity besides ``other_than``."""
    return conn.execute("SELECT v.entity_id, v.key, e.type FROM variants v "
                        "JOIN entities e ON e.id = v.entity_id "
                        "WHERE e.status = 'confirmed' AND e.id != ?", (other_than,)).fetchall()


def variants(conn: sqlite3.Connection, entity_id: str) -> list[sqlite3.Row]:
    """An entity's name variants (surface, key), by key."""
    return conn.execute("SELECT * FROM variants WHERE entity_id = ? ORDER BY key",
                        (entity_id,)).fetchall()


def variant_row(entity_id: str, surface: str, key: str) -> dict[str, str]:
    """A row of ``variants``: its loose key (``variants.loose``, indexed) is made here only,
    so every writer of a name (proposals, acts) finds it as the others do."""
    return {"entity_id": entity_id, "surface": surface, "key": key, "loose": loose_key(key)}


def has_variant(conn: sqlite3.Connection, entity_id: str, key: str) -> bool:
    return conn.execute("SELECT 1 FROM variants WHERE entity_id = ? AND key = ?",
                        (entity_id, key)).fetchone() is not None


def authority_rows(conn: sqlite3.Connection, entity_id: str) -> list[sqlite3.Row]:
    """An entity's authority id rows (entity_id, scheme, value), by scheme."""
    return conn.execute("SELECT * FROM authority_ids WHERE entity_id = ? ORDER BY scheme",
                        (entity_id,)).fetchall()


def authority_ids(conn: sqlite3.Connection, entity_id: str) -> dict[str, str]:
    """An entity's authority ids, scheme -> value."""
    return {r["scheme"]: r["value"] for r in authority_rows(conn, entity_id)}


def with_authority(conn: sqlite3.Connection, scheme: str, value: str) -> list[str]:
    """The entities holding this authority id (by the index ``authority_value``), by id."""
    return [str(r[0]) for r in conn.execute(
        "SELECT entity_id FROM authority_ids WHERE scheme = ? AND value = ? ORDER BY entity_id",
        (scheme, value))]


def is_rejected(conn: sqlite3.Connection, key: str, type_: str) -> bool:
    """Whether the name ``key`` was rejected as a ``type_``."""
    return conn.execute("SELECT 1 FROM rejections WHERE key = ? AND type = ?",
                        (key, type_)).fetchone() is not None


def is_rejected_in(conn: sqlite3.Connection, key: str, type_: str, source_id: str) -> bool:
    """Whether the name ``key`` was rejected as a ``type_`` in the source ``source_id``."""
    return conn.execute("SELECT 1 FROM source_rejections WHERE source_id = ? AND key = ? "
                        "AND type = ?", (source_id, key, type_)).fetchone() is not None


def entities(conn: sqlite3.Connection, *, status: Sequence[str] | None = None,
             type: Sequence[str] | None = None,  # noqa: A002
             source_id: Sequence[str] | None = None, ids: Iterable[str] | None = None,
             counts: bool = True) -> list[Entity]:
    """Entities (named in the sources ``source_id``) with their variants and authority
    ids, by type and preferred name;
    ``counts=False`` leaves the mention and source counts at 0 (counting reads every mention
    of every entity, which an export of 100k names does not need)."""
    sql = ("SELECT e.*, (SELECT COUNT(*) FROM mentions m WHERE m.entity_id = e.id "
           "AND m.status != 'rejected') AS n_mentions, (SELECT COUNT(DISTINCT m.source_id) "
           "FROM mentions m WHERE m.entity_id = e.id AND m.status != 'rejected') AS n_sources "
           "FROM entities e WHERE 1") if counts else (
        "SELECT e.*, 0 AS n_mentions, 0 AS n_sources FROM entities e WHERE 1")
    where, params = matching(**{"e.status": status, "e.type": type})
    sql += where
    if source_id is not None:
        sql += " AND EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = e.id " \
               "AND m.source_id IN (SELECT value FROM json_each(?)))"
        params.append(json.dumps(list(source_id)))
    if ids is not None:
        sql += " AND e.id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(ids)))
    rows = conn.execute(sql + " ORDER BY e.type, e.preferred COLLATE NOCASE, e.id",
                        tuple(params)).fetchall()
    # variants and authority ids of all of them in two queries, not two per entity
    chosen = json.dumps([r["id"] for r in rows])
    names: dict[str, list[str]] = {}
    for v in conn.execute("SELECT entity_id, surface FROM variants WHERE entity_id IN "
                          "(SELECT value FROM json_each(?)) ORDER BY rowid", (chosen,)):
        names.setdefault(v["entity_id"], []).append(v["surface"])
    authority: dict[str, list[tuple[str, str]]] = {}
    for a in conn.execute("SELECT entity_id, scheme, value FROM authority_ids WHERE "
                          "entity_id IN (SELECT value FROM json_each(?)) ORDER BY scheme",
                          (chosen,)):
        authority.setdefault(a["entity_id"], []).append((a["scheme"], a["value"]))
    return [Entity(id=r["id"], type=r["type"], preferred=r["preferred"], status=r["status"],
                   variants=tuple(names.get(r["id"], ())),
                   authority=tuple(authority.get(r["id"], ())), note=r["note"], geo=r["geo"],
                   mentions=r["n_mentions"], sources=r["n_sources"]) for r in rows]


def by_id(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, Entity]:
    """The entities of ``ids`` the store has, by id, their names in code-point order (an
    export does not depend on the order names were found), without counts: what an export
    writes of them, in three queries for all (and one counting the register's entities),
    each row read as a plain tuple. When they are two thirds of the register or more (the
    store's count of entities says: an export of every source names most of it) its tables
    are read whole and the others' rows passed over: a scan costs about two thirds of a
    look-up a row."""
    wanted = set(ids)
    if not wanted:
        return {}
    (count,), = plain_rows(conn, "SELECT count(*) FROM entities", ())
    params: tuple[str, ...] = ()
    if 3 * len(wanted) >= 2 * count:
        where = ""
    else:
        where = " WHERE {} IN (SELECT value FROM json_each(?))"
        params = (json.dumps(list(wanted)),)
    names: dict[str, list[str]] = {}
    for eid, surface in plain_rows(conn, "SELECT entity_id, surface FROM variants"
                                   + where.format("entity_id"), params):
        if eid in wanted:
            names.setdefault(eid, []).append(surface)
    authority: dict[str, list[tuple[str, str]]] = {}
    for eid, scheme, value in plain_rows(conn, "SELECT entity_id, scheme, value FROM "
                                         "authority_ids" + where.format("entity_id")
                                         + " ORDER BY scheme", params):
        if eid in wanted:
            authority.setdefault(eid, []).append((scheme, value))
    # Entity's fields in order (keywords cost a third of making one: thousands per export)
    return {eid: Entity(eid, type_, preferred, status, tuple(sorted(names.get(eid, ()))),
                        tuple(authority.get(eid, ())), note, geo)
            for eid, type_, preferred, status, note, geo in plain_rows(
                conn, "SELECT id, type, preferred, status, note, geo FROM entities"
                + where.format("id"), params) if eid in wanted}


def _family(key: str) -> str:
    """SQL of a key's last word, as the index ``variants_family`` holds it (the text before
    the last space taken away: "adolf hitler" -> "hitler", "hitler" -> "hitler")."""
    return f"replace({key}, rtrim({key}, replace({key}, ' ', '')), '')"


def _joined(key: str) -> str:
    """SQL of a key without spaces, as the index ``variants_joined`` holds it."""
    return f"replace({key}, ' ', '')"


def look_alikes(conn: sqlite3.Connection, entity_id: str) -> list[str]:
    """Other entities of the entity's type, not rejected, that may be it: a name ending in the
    same word as one of its names, the same name without spaces or loosened ("smith co",
    "smith and company"), or one of its authority ids. Candidates for
    ``annotator.entities.similar.judge``, found by index (``variants_family``,
    ``variants_joined``, ``variants_loose``, ``authority_value``): a queue card asks this,
    never a scan."""
    return [r[0] for r in conn.execute(
        "WITH me AS (SELECT type FROM entities WHERE id = :id), "
        "mine AS (SELECT key FROM variants WHERE entity_id = :id), "
        "near AS ("
        f"SELECT v.entity_id FROM variants v WHERE {_family('v.key')} IN "
        f"(SELECT {_family('key')} FROM mine) "
        f"UNION SELECT v.entity_id FROM variants v WHERE {_joined('v.key')} IN "
        f"(SELECT {_joined('key')} FROM mine) "
        "UNION SELECT v.entity_id FROM variants v WHERE v.loose != '' AND v.loose IN "
        "(SELECT loose FROM variants WHERE entity_id = :id) "
        "UNION SELECT b.entity_id FROM authority_ids a JOIN authority_ids b "
        "ON b.scheme = a.scheme AND b.value = a.value WHERE a.entity_id = :id) "
        "SELECT e.id FROM near JOIN entities e ON e.id = near.entity_id "
        "WHERE e.id != :id AND e.type = (SELECT type FROM me) AND e.status != 'rejected' "
        "ORDER BY e.id", {"id": entity_id})]


def look_alike_pairs(conn: sqlite3.Connection, types: Sequence[str] | None = None
                     ) -> list[tuple[str, str]]:
    """Every pair (a, b), a < b, of entities of one type, neither rejected, that may be one:
    a name of each ending in the same word, the same name without spaces or loosened, or the
    same authority id (``look_alikes`` for all at once; a join over the same indexes)."""
    where, params = matching(**{"ea.type": types})
    return [(r[0], r[1]) for r in conn.execute(
        "WITH near AS ("
        "SELECT a.entity_id AS x, b.entity_id AS y FROM variants a JOIN variants b "
        f"ON {_family('b.key')} = {_family('a.key')} AND b.entity_id > a.entity_id "
        "UNION SELECT a.entity_id, b.entity_id FROM variants a JOIN variants b "
        f"ON {_joined('b.key')} = {_joined('a.key')} AND b.entity_id > a.entity_id "
        "UNION SELECT a.entity_id, b.entity_id FROM variants a JOIN variants b "
        "ON b.loose = a.loose AND b.entity_id > a.entity_id WHERE a.loose != '' "
        "AND b.loose != '' "
        "UNION SELECT a.entity_id, b.entity_id FROM authority_ids a JOIN authority_ids b "
        "ON b.scheme = a.scheme AND b.value = a.value AND b.entity_id > a.entity_id) "
        "SELECT near.x, near.y FROM near JOIN entities ea ON ea.id = near.x "
        "JOIN entities eb ON eb.id = near.y WHERE ea.type = eb.type "
        f"AND ea.status != 'rejected' AND eb.status != 'rejected'{where} "  # noqa: S608
        "ORDER BY near.x, near.y", params)]
