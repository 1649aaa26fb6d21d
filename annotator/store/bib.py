"""The ``bib`` table: the works claims can be linked to, as ``BibEntry`` records.

DOCS: docs/claims.md#bibliography
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any, NamedTuple

from annotator.records import BibEntry
from annotator.store.logged import OUT_OF_FORCE, REDONE_ACTS


def entry_from_row(row: sqlite3.Row) -> BibEntry:
    return BibEntry(key=row["key"], type=row["type"],
                    fields=tuple(json.loads(row["fields"]).items()), origin=row["origin"],
                    line=row["line"], uri=row["uri"])


def all_entries(conn: sqlite3.Connection) -> list[BibEntry]:
    """Every work, sorted by key."""
    return [entry_from_row(r) for r in conn.execute("SELECT * FROM bib ORDER BY key")]


def entries_of(conn: sqlite3.Connection, keys: Iterable[str]) -> dict[str, BibEntry]:
    """The works with these keys (the unknown left out), by key."""
    return {r["key"]: entry_from_row(r) for r in conn.execute(
        "SELECT * FROM bib WHERE key IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(keys))),))}


def bib_row(conn: sqlite3.Connection, key: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM bib WHERE key = ?", (key,)).fetchone()
    return row


def find_entry(conn: sqlite3.Connection, key: str) -> BibEntry | None:
    """The work under ``key``, or else under the same key in another case."""
    row = bib_row(conn, key)
    if row is None:
        row = conn.execute("SELECT * FROM bib WHERE lower(key) = lower(?)", (key,)).fetchone()
    return entry_from_row(row) if row is not None else None


def with_aliases(conn: sqlite3.Connection) -> list[BibEntry]:
    """The works that have an ``ids`` field (biblatex's aliases of their key), by key."""
    return [entry_from_row(r) for r in conn.execute(
        "SELECT * FROM bib WHERE json_extract(fields, '$.ids') IS NOT NULL ORDER BY key")]


def naming_parents(conn: sqlite3.Connection) -> list[BibEntry]:
    """The works that name another by its key (``crossref``, ``xref``, ``related``,
    ``xdata``, ``entryset``: biblatex's parents, related works, data and sets), by key."""
    return [entry_from_row(r) for r in conn.execute(
        "SELECT * FROM bib WHERE json_extract(fields, '$.crossref') IS NOT NULL "
        "OR json_extract(fields, '$.xref') IS NOT NULL "
        "OR json_extract(fields, '$.related') IS NOT NULL "
        "OR json_extract(fields, '$.xdata') IS NOT NULL "
        "OR json_extract(fields, '$.entryset') IS NOT NULL ORDER BY key")]


def keys(conn: sqlite3.Connection) -> list[str]:
    return [r["key"] for r in conn.execute("SELECT key FROM bib")]


def entries_from(conn: sqlite3.Connection, origin: str) -> list[BibEntry]:
    """The works read from one file or source (``origin``)."""
    return [entry_from_row(r) for r in conn.execute("SELECT * FROM bib WHERE origin = ?",
                                                    (origin,))]


def links_to(conn: sqlite3.Connection, key: str) -> list[sqlite3.Row]:
    """The links of claims to the work under ``key``, by id."""
    return list(conn.execute("SELECT * FROM links WHERE bib_key = ? ORDER BY id", (key,)))


class Folds(NamedTuple):
    """What the ``bib fold`` acts in force (done, or undone and redone) did, from one read of
    them (a ``bib add`` asks all three; was: three reads, each decoding every fold's
    changes)."""

    # the keys (lower-cased) folded into another work, each with the file or source the
    # folded work was read from: that file added again names a work the editor made one with
    # another (the work keeping the key among its ``ids``), not a new one
    origins: dict[str, str]
    # those works' fields as the fold found them: a file added again whose folded entry says
    # otherwise now was edited since the fold
    fields: dict[str, dict[str, str]]
    # ``fold_filled``
    filled: dict[str, dict[str, str]]


def folds(conn: sqlite3.Connection) -> Folds:
    """``Folds``, read once."""
    rows = _fold_acts(conn)
    folded = _folded_rows(rows)
    return Folds({key: str(before.get("origin") or "") for key, before in folded.items()},
                 {key: _fields_of(before.get("fields")) for key, before in folded.items()},
                 _filled(rows))


def _fold_acts(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """The ``bib fold`` decisions in force, a redone one as the fold its undos began with."""
    rows = list(conn.execute(  # noqa: S608 (fixed)
        f"SELECT payload, changes FROM decisions WHERE act = 'bib-fold' "
        f"AND id NOT IN ({OUT_OF_FORCE})"))
    for did, act in conn.execute(  # noqa: S608 (fixed)
            f"SELECT id, act FROM ({REDONE_ACTS}) WHERE id NOT IN ({OUT_OF_FORCE})").fetchall():
        if act == "bib-fold":  # a redo: the fold its chain of undos began with
            row = conn.execute("SELECT * FROM decisions WHERE id = ?", (did,)).fetchone()
            while row["undoes"] is not None:
                row = conn.execute("SELECT * FROM decisions WHERE id = ?",
                                   (row["undoes"],)).fetchone()
            rows.append(row)
    return rows


def fold_filled(conn: sqlite3.Connection) -> dict[str, dict[str, str]]:
    """The fields each ``bib fold`` in force gave the work it kept, which that work lacked
    (its key lower-cased -> field -> value as the fold gave it; ``ids`` aside, an earlier
    fold's first): the work's own file, replaced, never says them, and they stay unless it
    gives a value of its own, as Zotero keeps a merged item's fields."""
    return _filled(_fold_acts(conn))


def _filled(rows: Iterable[sqlite3.Row]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        kept = {key.lower() for key in json.loads(row["payload"] or "{}").get("folded", {})}
        for change in json.loads(row["changes"] or "[]"):
            before, after = change.get("before"), change.get("after")
            if change.get("table") != "bib" or not before or not after or \
                    str(after.get("key", "")).lower() not in kept:
                continue
            had = _fields_of(before.get("fields"))
            filled = out.setdefault(str(after["key"]).lower(), {})
            for name, value in _fields_of(after.get("fields")).items():
                if name != "ids" and name not in had:
                    filled.setdefault(name, value)
    return out


def _fields_of(value: Any) -> dict[str, str]:
    """A row's fields as a change records them (JSON text, or already read)."""
    out = value if isinstance(value, dict) else json.loads(value or "{}")
    return {str(k): str(v) for k, v in out.items()}


def _folded_rows(rows: Iterable[sqlite3.Row]) -> dict[str, dict[str, Any]]:
    """The bib rows the fold acts ``rows`` deleted, by key lower-cased, as they were."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        keys = {key.lower() for keys in json.loads(row["payload"] or "{}").get(
            "folded", {}).values() for key in keys}
        for change in json.loads(row["changes"] or "[]"):
            before = change.get("before") or {}
            if change.get("table") == "bib" and change.get("after") is None and \
                    str(before.get("key", "")).lower() in keys:
                out[str(before["key"]).lower()] = before
    return out
