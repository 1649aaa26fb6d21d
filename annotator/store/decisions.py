"""The decisions log read back: history, undo look-ups and the rows a state token stands for.

Rows are written only by ``Store.act`` (one per editor act, with the before and after images
of every row it changed); here they are read, newest first where an editor looks at them.

DOCS: docs/review.md#undo
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from annotator.records import Decision, row_id
from annotator.store import entities, mentions
from annotator.store.decided import KEPT
from annotator.store.logged import CHAIN_ROOT, IMPORT_ACTS, OUT_OF_FORCE


def decision_from_row(row: sqlite3.Row) -> Decision:
    """A log row as the record the library returns (without its row images)."""
    return Decision(id=row["id"], at=row["at"], editor=row["editor"], act=row["act"],
                    target=row["target"], payload=json.loads(row["payload"] or "{}"),
                    undone_by=row["undone_by"], undoes=row["undoes"])


def decision_row(conn: sqlite3.Connection, decision_id: int | None) -> sqlite3.Row | None:
    """One log row with its ``changes`` (what undo restores), or None (an id beyond SQLite's
    range names none)."""
    if decision_id is None or row_id(decision_id) is None:
        return None
    row: sqlite3.Row | None = conn.execute("SELECT * FROM decisions WHERE id = ?",
                                           (decision_id,)).fetchone()
    return row


def decision(conn: sqlite3.Connection, decision_id: int | None) -> Decision:
    """The decision an act just logged."""
    row = decision_row(conn, decision_id)
    assert row is not None
    return decision_from_row(row)


def last_id(conn: sqlite3.Connection) -> int | None:
    """The newest decision's id (None for an empty log): changes with every act."""
    value: int | None = conn.execute("SELECT MAX(id) AS d FROM decisions").fetchone()["d"]
    return value


def naming(conn: sqlite3.Connection, key: str | None) -> sqlite3.Cursor:
    """The log newest first, only acts that name ``key`` in their target or changes (all
    with None). A cursor, not a list: the desk asks for the last few, and the log grows."""
    return conn.execute("SELECT * FROM decisions WHERE ?1 IS NULL OR instr(target, ?1) > 0 "
                        "OR instr(changes, ?1) > 0 ORDER BY id DESC", (key,))


def in_force_acts(conn: sqlite3.Connection,
                  among: Sequence[int] | None = None) -> Iterator[sqlite3.Row]:
    """Editor acts in force, newest first (``logged.OUT_OF_FORCE``: not undone, and no undo
    while what it undid is out of force; a redo is in force); adding or replacing a source is
    not an editor act, removing one, setting its date, and undoing those are. With ``among``,
    only those of these ids (a page's own decisions), in the same one query."""
    row: sqlite3.Row
    for row in conn.execute("SELECT * FROM decisions WHERE "  # noqa: S608 (fixed)
                            f"id NOT IN ({OUT_OF_FORCE}) AND act NOT IN (?2, ?3) AND "
                            "(?1 IS NULL OR id IN (SELECT value FROM json_each(?1))) "
                            "ORDER BY id DESC",
                            (None if among is None else json.dumps(list(among)),
                             *IMPORT_ACTS)):
        yield row


def source_act_after(conn: sqlite3.Connection, after_id: int) -> sqlite3.Row | None:
    """The newest source's add or replacement logged after ``after_id`` (``IMPORT_ACTS``, no
    act a plain undo takes back), or None: the acts after a given one only, a handful."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM decisions WHERE id > ? AND act IN (?, ?) ORDER BY id DESC LIMIT 1",
        (after_id, *IMPORT_ACTS)).fetchone()
    return row


def newest_undo(conn: sqlite3.Connection) -> int | None:
    """The newest undo whose act is out of force because of it (an odd number of undos down
    its chain: an undo, or the undo of a redo), not undone itself: what a redo takes back."""
    for (did,) in conn.execute("SELECT id FROM decisions WHERE undoes IS NOT NULL AND "
                               "undone_by IS NULL ORDER BY id DESC"):
        if chain_root(conn, int(did))[1] % 2:
            return int(did)
    return None


def chain_root(conn: sqlite3.Connection, decision_id: int) -> tuple[str, int, str]:
    """The act a decision's chain of undos began with, how many undos away the decision is
    (0: it undoes nothing; 1: its undo; 2: a redo...), and that act's payload (JSON, as
    logged: what a redo of an import reads again), read down ``undoes`` in one query."""
    act, depth, payload = conn.execute(CHAIN_ROOT, (decision_id,)).fetchone()
    return str(act), int(depth), str(payload or "{}")


def preferred_by_editor(conn: sqlite3.Connection, entity_id: str) -> bool:
    """Whether an editor chose the entity's preferred name (a ``prefer``, alone or in a
    decisions file, in force: done, or undone and redone, ``logged.OUT_OF_FORCE``): an import
    must never overwrite that choice."""
    row = conn.execute(f"SELECT 1 FROM {KEPT} WHERE what = 'preferred' "  # noqa: S608 (fixed)
                       "AND key = ? LIMIT 1", (entity_id,)).fetchone()
    return row is not None


def in_force(conn: sqlite3.Connection, ids: Sequence[int]) -> list[int]:
    """Those of ``ids`` that are logged and not undone, in their given order: a page keeps its
    own decisions less those undone elsewhere, in one query however many it made."""
    found = {int(row["id"]) for row in conn.execute(
        "SELECT id FROM decisions WHERE undone_by IS NULL AND id IN "
        "(SELECT value FROM json_each(?))", (json.dumps(list(ids)),))}
    return [i for i in ids if i in found]


def changes_after(conn: sqlite3.Connection,
                  after_id: int) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(id, changes) of the acts logged after ``after_id``, newest first."""
    for row in conn.execute("SELECT id, changes FROM decisions WHERE id > ? ORDER BY id DESC",
                            (after_id,)):
        yield int(row["id"]), json.loads(row["changes"])


def entity_removed(conn: sqlite3.Connection, entity_id: str) -> int | None:
    """The newest act that deleted the entity of that id (a merge, a relabel to another id, an
    undo of its making), or None: the store never had it, or has it."""
    row = conn.execute("SELECT max(decision_id) FROM decided WHERE what = 'deleted' AND key = ?",
                       (entity_id,)).fetchone()  # store.logged: every act's deletions
    return None if row[0] is None else int(row[0])


def moved_on_to(conn: sqlite3.Connection, old_id: str, entity_id: str) -> bool:
    """Whether every act in force that deleted ``old_id`` moved that entity to another id
    (a relabel, its undo or redo: one entity row deleted, one made), and those moves lead on
    to ``entity_id``: the id is reserved for this entity's own undo, so relabelled back to
    its type it may take it again, and pointers of earlier exports find it."""
    seen: set[str] = set()
    todo = [old_id]
    while todo:
        gone = todo.pop()
        if gone == entity_id or gone in seen:
            continue
        seen.add(gone)
        acts = conn.execute(
            "SELECT d.id, d.changes FROM decided k JOIN decisions d ON d.id = k.decision_id "
            "WHERE k.what = 'deleted' AND k.key = ? AND d.undone_by IS NULL "
            "AND d.act NOT IN (?, ?)", (gone, *IMPORT_ACTS)).fetchall()
        if not acts:  # held, or freed: not this entity's to take
            return False
        for row in acts:
            made = [ch["key"]["id"] for ch in json.loads(row["changes"])
                    if ch["table"] == "entities" and ch["before"] is None]
            if chain_root(conn, int(row["id"]))[0] != "relabel" or len(made) != 1:
                return False
            todo.append(str(made[0]))
    return True


def skipped(conn: sqlite3.Connection, editor: str) -> set[str]:
    """Targets this editor skipped (and did not undo the skip)."""
    return {r["target"] for r in conn.execute(
        "SELECT target FROM decisions WHERE act = 'skip' AND undone_by IS NULL AND editor = ?",
        (editor,))}


def entity_state_rows(conn: sqlite3.Connection, entity: sqlite3.Row,
                      its_mentions: Sequence[tuple[Any, ...]] | None = None
                      ) -> list[sqlite3.Row | tuple[Any, ...]]:
    """What an entity's state token covers: its row (``entity``), names, ids and mentions
    (``its_mentions``: ``mentions.state_of_entity``, when the caller read them already)."""
    eid = entity["id"]
    return [entity, *entities.variants(conn, eid), *entities.authority_rows(conn, eid),
            *(mentions.state_of_entity(conn, eid) if its_mentions is None else its_mentions)]


def claim_state_rows(conn: sqlite3.Connection, claim_id: int | str) -> list[sqlite3.Row]:
    """What a claim's state token covers: the claim and its links, as a claim page shows."""
    rows: list[sqlite3.Row] = conn.execute("SELECT * FROM claims WHERE id = ?",
                                           (claim_id,)).fetchall()
    rows.extend(conn.execute("SELECT * FROM links WHERE claim_id = ? ORDER BY id",
                             (claim_id,)).fetchall())
    return rows


def registered_editions(conn: sqlite3.Connection) -> dict[str, str]:
    """Entity id -> the edition named by the header of the register file whose import (in
    force) wrote it (its payload's ``edition``), '' for entries of a register naming none:
    every register entry, which an entity the edition's markup made is not, though both are
    confirmed."""
    return {r["id"]: r["edition"] or "" for r in conn.execute(
        "SELECT json_extract(c.value, '$.key.id') AS id, "
        "json_extract(d.payload, '$.edition') AS edition "
        "FROM decisions d, json_each(d.changes) c WHERE d.act = 'import' "
        "AND d.target LIKE 'register:%' AND d.undone_by IS NULL "
        "AND json_extract(c.value, '$.table') = 'entities' "
        "AND json_extract(c.value, '$.after') IS NOT NULL")}
