"""The pointer -> entity table: which entity an edition's ``@ref``/``@key``/``@corresp`` means.

Written within an act (``Act``), so importing a source or a register is undone whole.

DOCS: docs/store.md
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping

from annotator.store.connection import Act, plain_rows


def entity_of(conn: sqlite3.Connection, pointers: Iterable[str]) -> tuple[str, str] | None:
    """(entity id, type) of the first pointer the store knows, else None."""
    for p in pointers:
        row = conn.execute("SELECT e.id, e.type FROM pointers p JOIN entities e "
                           "ON e.id = p.entity_id WHERE p.pointer = ?", (p,)).fetchone()
        if row is not None:
            return str(row["id"]), str(row["type"])
    return None


def owners(conn: sqlite3.Connection, pointers: Iterable[str]) -> dict[str, str]:
    """The entity each of ``pointers`` the store knows means (those it does not left out), in
    one query for all of them: an edition's pointer, or a confirmed entity's own id (what an
    export's bare ``ref="person-grant"`` names)."""
    wanted = json.dumps(list(pointers))
    return dict(plain_rows(conn, "SELECT p.pointer, e.id FROM pointers p JOIN entities e "
                           "ON e.id = p.entity_id WHERE p.pointer IN "
                           "(SELECT value FROM json_each(?)) UNION SELECT id, id FROM entities "
                           "WHERE status = 'confirmed' AND id IN (SELECT value FROM json_each(?))",
                           (wanted, wanted)))


def owner(conn: sqlite3.Connection, pointer: str) -> str | None:
    row = conn.execute("SELECT entity_id FROM pointers WHERE pointer = ?", (pointer,)).fetchone()
    return str(row["entity_id"]) if row is not None else None


def is_entry(conn: sqlite3.Connection, entity_id: str) -> bool:
    """Whether the entity is a register entry: it holds a pointer of a register's own."""
    return conn.execute("SELECT 1 FROM pointers WHERE entity_id = ? AND origin = 'register' "
                        "LIMIT 1", (entity_id,)).fetchone() is not None


def add(rec: Act, entity_id: str, pointers: Mapping[str, str], *, origin: str = "markup"
        ) -> None:
    """Record that these pointers (key -> as the edition wrote it: ``entities.pointers``
    ``normalise`` and ``as_written``) mean the entity (``origin``: 'register' for a register
    entry's own, 'markup' for a source's @ref); a pointer already taken keeps its entity and
    the form first written."""
    for p, written in pointers.items():
        if owner(rec.conn, p) is None:
            rec.insert("pointers", {"pointer": p, "entity_id": entity_id, "origin": origin,
                                    "written": written})


def move(rec: Act, entity_id: str, into: str) -> None:
    """An entity merged into another: its pointers now mean that one."""
    for r in rec.conn.execute("SELECT pointer FROM pointers WHERE entity_id = ?",
                              (entity_id,)).fetchall():
        rec.update("pointers", {"pointer": r["pointer"]}, {"entity_id": into})


# a pointer as the edition wrote it; a store before version 13 knows its key only
_WRITTEN = "CASE written WHEN '' THEN pointer ELSE written END"


def of_entity(conn: sqlite3.Connection, entity_id: str, *, origin: str | None = None,
              written: bool = False) -> list[str]:
    """An entity's pointers: their keys, to compare, or with ``written`` as the edition wrote
    them, to show and write out."""
    column = _WRITTEN if written else "pointer"
    return [str(r[0]) for r in conn.execute(
        f"SELECT {column} FROM pointers "  # noqa: S608 (one of two fixed columns)
        "WHERE entity_id = ? AND (? IS NULL OR origin = ?) ORDER BY rowid",
        (entity_id, origin, origin))]


def of_entities(conn: sqlite3.Connection, entity_ids: Iterable[str], *, origin: str | None = None,
                written: bool = False) -> dict[str, tuple[str, ...]]:
    """``of_entity`` for many at once, in one query by the index ``pointers_entity``: entity
    id -> its pointers (entities without any left out)."""
    column = _WRITTEN if written else "pointer"
    out: dict[str, list[str]] = {}
    for r in conn.execute(
            f"SELECT entity_id, {column} FROM pointers "  # noqa: S608 (fixed columns)
            "WHERE entity_id IN (SELECT value FROM json_each(?)) "
            "AND (? IS NULL OR origin = ?) ORDER BY rowid",
            (json.dumps(list(entity_ids)), origin, origin)):
        out.setdefault(str(r[0]), []).append(str(r[1]))
    return {k: tuple(v) for k, v in out.items()}
