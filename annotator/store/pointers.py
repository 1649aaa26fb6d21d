"""The pointer -> entity table: which entity an edition's ``@ref``/``@key``/``@corresp`` means.

Written within an act (``Act``), so importing a source or a register is undone whole.

DOCS: docs/store.md
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from annotator.store.connection import Act


def entity_of(conn: sqlite3.Connection, pointers: Iterable[str]) -> tuple[str, str] | None:
    """(entity id, type) of the first pointer the store knows, else None."""
    for p in pointers:
        row = conn.execute("SELECT e.id, e.type FROM pointers p JOIN entities e "
                           "ON e.id = p.entity_id WHERE p.pointer = ?", (p,)).fetchone()
        if row is not None:
            return str(row["id"]), str(row["type"])
    return None


def owner(conn: sqlite3.Connection, pointer: str) -> str | None:
    row = conn.execute("SELECT entity_id FROM pointers WHERE pointer = ?", (pointer,)).fetchone()
    return str(row["entity_id"]) if row is not None else None


def add(rec: Act, entity_id: str, pointers: Iterable[str], *, origin: str = "markup") -> None:
    """Record that these pointers mean the entity (``origin``: 'register' for a register
    entry's own, 'markup' for a source's @ref); a pointer already taken keeps its entity."""
    for p in pointers:
        if owner(rec.conn, p) is None:
            rec.insert("pointers", {"pointer": p, "entity_id": entity_id, "origin": origin})


def move(rec: Act, entity_id: str, into: str) -> None:
    """An entity merged into another: its pointers now mean that one."""
    for r in rec.conn.execute("SELECT pointer FROM pointers WHERE entity_id = ?",
                              (entity_id,)).fetchall():
        rec.update("pointers", {"pointer": r["pointer"]}, {"entity_id": into})


def of_entity(conn: sqlite3.Connection, entity_id: str, *, origin: str | None = None
              ) -> list[str]:
    return [str(r["pointer"]) for r in conn.execute(
        "SELECT pointer FROM pointers WHERE entity_id = ? AND (? IS NULL OR origin = ?) "
        "ORDER BY rowid", (entity_id, origin, origin))]



def of_entities(conn: sqlite3.Connection, entity_ids: Iterable[str], *, origin: str | None = None
                ) -> dict[str, tuple[str, ...]]:
    """``of_entity`` for many at once, in one query by the index ``pointers_entity``: entity
    id -> its pointers (entities without any left out)."""
    out: dict[str, list[str]] = {}
    for r in conn.execute(
            "SELECT entity_id, pointer FROM pointers WHERE entity_id IN "
            "(SELECT value FROM json_each(?)) AND (? IS NULL OR origin = ?) ORDER BY rowid",
            (json.dumps(list(entity_ids)), origin, origin)):
        out.setdefault(str(r["entity_id"]), []).append(str(r["pointer"]))
    return {k: tuple(v) for k, v in out.items()}
