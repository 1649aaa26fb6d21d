"""The ``sources`` and ``source_versions`` tables: the files a workspace holds, as records.

DOCS: docs/store.md
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from annotator.records import Source
from annotator.store.connection import plain_rows
from annotator.store.proposals import orphans

if TYPE_CHECKING:  # imported where read: a listing of entities reads no dates
    from annotator.tei.dating import DateDisagreement


def source_from_row(row: sqlite3.Row) -> Source:
    return Source(id=row["id"], file=row["file"], sha256=row["sha256"], title=row["title"],
                  origin=row["origin"], chars=row["chars"], words=row["words"],
                  added_at=row["added_at"], date=row["date"], date_reason=row["date_reason"])


def source_row(conn: sqlite3.Connection, source_id: str) -> sqlite3.Row | None:
    """The stored row of a source (its ``added_at`` is kept when it is replaced)."""
    row: sqlite3.Row | None = conn.execute("SELECT * FROM sources WHERE id = ?",
                                           (source_id,)).fetchone()
    return row


def find_source(conn: sqlite3.Connection, source_id: str) -> Source | None:
    row = source_row(conn, source_id)
    return source_from_row(row) if row is not None else None


def all_sources(conn: sqlite3.Connection) -> list[Source]:
    return [source_from_row(r) for r in conn.execute("SELECT * FROM sources ORDER BY id")]


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM sources").fetchone()[0])


def is_source(conn: sqlite3.Connection, source_id: str) -> bool:
    return conn.execute("SELECT 1 FROM sources WHERE id = ?", (source_id,)).fetchone() is not None


def keep_version(conn: sqlite3.Connection, sha256: str, data: bytes, at: str,
                 date_differs: DateDisagreement | None) -> None:
    """Keep a version's bytes, so the text of a replaced version can be read again, with its
    header's and dateline's disagreement on its date (S026), worked out as it was parsed: no
    command parses it again to say it."""
    from annotator.tei.dating import differs_json

    conn.execute("INSERT INTO source_versions (sha256, data, added_at, date_differs) "
                 "VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET "
                 "date_differs = excluded.date_differs WHERE date_differs IS NULL",
                 (sha256, data, at, differs_json(date_differs)))


def date_differs(conn: sqlite3.Connection, shas: Iterable[str]
                 ) -> dict[str, DateDisagreement | None]:
    """The stored disagreement of each of these versions, by sha256; a version whose was not
    worked out yet (NULL) is left out."""
    from annotator.tei.dating import DateDisagreement

    found: dict[str, DateDisagreement | None] = {}
    for sha, text in conn.execute(
            "SELECT sha256, date_differs FROM source_versions WHERE date_differs IS NOT NULL "
            "AND sha256 IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(shas))),)):
        found[sha] = DateDisagreement.from_json(text) if text else None
    return found


def keep_date_differs(conn: sqlite3.Connection,
                      found: Mapping[str, DateDisagreement | None]) -> None:
    """Keep the disagreement of versions (by sha256) worked out after they were kept (once:
    versions kept before the store held it)."""
    from annotator.tei.dating import differs_json

    conn.executemany("UPDATE source_versions SET date_differs = ? WHERE sha256 = ? AND "
                     "date_differs IS NULL", [(differs_json(d), sha) for sha, d in found.items()])


def versions_of(conn: sqlite3.Connection, source_id: str) -> list[tuple[int, str, str, str, int]]:
    """``(decision, act, at, sha256, size)`` of each add and replace of the source that gave
    it a file, oldest first, with the size of the bytes kept of it (0: not kept): from the
    log, whose change of the ``sources`` row names the hash it took."""
    return [tuple(r) for r in conn.execute(
        "SELECT d.id, d.act, d.at, json_extract(c.value, '$.after.sha256') AS sha, "
        "coalesce((SELECT length(v.data) FROM source_versions v WHERE v.sha256 = "
        "json_extract(c.value, '$.after.sha256')), 0) FROM decisions d, json_each(d.changes) c "
        "WHERE d.target = ? AND d.act IN ('add', 'replace') "
        "AND json_extract(c.value, '$.table') = 'sources' AND sha IS NOT NULL ORDER BY d.id",
        (f"source:{source_id}",))]


def version_bytes(conn: sqlite3.Connection, sha256: str) -> bytes | None:
    row = conn.execute("SELECT data FROM source_versions WHERE sha256 = ?", (sha256,)).fetchone()
    return bytes(row["data"]) if row is not None else None


def versions_bytes(conn: sqlite3.Connection, shas: Sequence[str]) -> dict[str, bytes]:
    """sha256 -> the bytes kept for it, for many versions at once: a query per ``BATCH`` of
    them, not one a version (an export reads every source's)."""
    out: dict[str, bytes] = {}
    for at in range(0, len(shas), BATCH):
        some = shas[at:at + BATCH]
        out.update(plain_rows(conn, "SELECT sha256, data FROM source_versions WHERE sha256 IN "
                              f"({','.join('?' * len(some))})", tuple(some)))  # noqa: S608
    return out


BATCH = 500  # sha256s a query asks for: well below SQLite's limit of parameters


def version_spans(conn: sqlite3.Connection, source_id: str,
                  sha256: str) -> dict[str, list[sqlite3.Row]]:
    """``id, start, end, status, provenance`` of the mentions and claims made on one version of
    a source, and ``id, start, end`` of the passages of it that claims are linked to, by
    table: what must move (or go stale) when the source is replaced."""
    spans = {table: conn.execute(f"SELECT id, start, end, status, provenance "  # noqa: S608
                                 f"FROM {table} "
                                 "WHERE source_id = ? AND sha256 = ?",
                                 (source_id, sha256)).fetchall()
             for table in ("mentions", "claims")}
    spans["links"] = conn.execute(
        "SELECT id, target_start AS start, target_end AS end FROM links "
        "WHERE target_source_id = ? AND target_sha256 = ?", (source_id, sha256)).fetchall()
    return spans


def before_stale(conn: sqlite3.Connection, table: str, ids: Sequence[int]) -> dict[int, str]:
    """The status each of these stale rows of ``mentions`` or ``claims`` had when its source
    was replaced (``proposed`` for one no editor decided), by id, from the replacement that
    made it stale; a row the log says nothing of is left out."""
    assert table in ("mentions", "claims")
    found: dict[int, str] = {}
    for key, status in conn.execute(  # oldest first: the newest replacement says last
            "SELECT json_extract(c.value, '$.key.id'), json_extract(c.value, '$.before.status') "
            "FROM decisions d, json_each(d.changes) c WHERE d.act = 'replace' "
            "AND d.undone_by IS NULL AND json_extract(c.value, '$.table') = ? "
            "AND json_extract(c.value, '$.after.status') = 'stale' "
            "AND json_extract(c.value, '$.key.id') IN (SELECT value FROM json_each(?)) "
            "ORDER BY d.id", (table, json.dumps(sorted(set(ids))))):
        if status is not None:
            found[int(key)] = str(status)
    return found


def stale_places(conn: sqlite3.Connection, source_id: str,
                 sha256: str) -> dict[int, tuple[int, int]]:
    """Where the words of each stale claim of a source are nearest in its version ``sha256``
    (reading offsets; start == end where they are gone), by claim id, as the replace that
    made that version recorded them with its act (payload ``stale_claims``); {} when no
    replace did (a store from before, or a version added, not replaced). The claims set
    aside since are among them: the caller asks for the ones it reads."""
    row = conn.execute(
        "SELECT json_extract(payload, '$.stale_claims.places') FROM decisions "
        "WHERE act = 'replace' AND target = ? AND undone_by IS NULL "
        "AND json_extract(payload, '$.stale_claims.sha256') = ? ORDER BY id DESC LIMIT 1",
        (f"source:{source_id}", sha256)).fetchone()
    if row is None or row[0] is None:
        return {}
    return {int(cid): (int(span[0]), int(span[1])) for cid, span in json.loads(row[0]).items()}


def removal(conn: sqlite3.Connection, source_id: str) -> dict[str, list[dict[str, object]]]:
    """The keys of every row that goes with a source, by table, in the order an act deletes
    them (what refers to a row before the row): the links of its claims and those citing its
    passages, its claims, mentions, the proposed entities nothing else holds (``orphans``: no
    mention, claim or decision elsewhere) with their variants, pointers and authority ids
    first (the schema's cascades would take those unlogged; newest first, so undo puts them
    back in the order they were found), rejections here, pending passage
    links and runs, the works read from it that no link left cites, and its own row. The
    register's entities stay; the bytes of its versions and their text maps stay too (undo
    reads the source again)."""
    def keys(sql: str, *params: object) -> list[dict[str, object]]:
        return [dict(r) for r in conn.execute(sql, params)]  # the store's rows are sqlite3.Row

    mine = "SELECT id FROM claims WHERE source_id = ?"
    named = [r[0] for r in conn.execute(
        "SELECT entity_id FROM mentions WHERE source_id = ? AND entity_id IS NOT NULL UNION "
        "SELECT agent_entity_id FROM claims WHERE source_id = ? AND agent_entity_id IS NOT NULL",
        (source_id, source_id))]
    going = orphans(conn, named, outside=source_id)
    return {
        "links": keys(f"SELECT id FROM links WHERE claim_id IN ({mine}) "  # noqa: S608
                      "OR target_source_id = ? ORDER BY id", source_id, source_id),
        "claims": keys("SELECT id FROM claims WHERE source_id = ? ORDER BY id", source_id),
        "mentions": keys("SELECT id FROM mentions WHERE source_id = ? ORDER BY id", source_id),
        **entity_removal(conn, going),
        "source_rejections": keys("SELECT source_id, key, type FROM source_rejections "
                                  "WHERE source_id = ?", source_id),
        "pending_passages": keys("SELECT source_id, target_source_id FROM pending_passages "
                                 "WHERE source_id = ?", source_id),
        "runs": keys("SELECT id FROM runs WHERE source_id = ? ORDER BY id", source_id),
        "bib": keys(f"SELECT key FROM bib WHERE origin = ? AND key NOT IN "  # noqa: S608
                    "(SELECT bib_key FROM links WHERE bib_key IS NOT NULL AND claim_id NOT IN "
                    f"({mine})) ORDER BY rowid", f"source:{source_id}", source_id),
        "sources": keys("SELECT id FROM sources WHERE id = ?", source_id),
    }


def entity_removal(conn: sqlite3.Connection, going: Sequence[str]
                   ) -> dict[str, list[dict[str, object]]]:
    """The keys of the rows of these entities, by table, in the order an act deletes them:
    their variants, pointers and authority ids first (the schema's cascades would take those
    unlogged; newest first, so undo puts them back in the order they were found), then the
    entities."""
    def keys(sql: str) -> list[dict[str, object]]:
        return [dict(r) for r in conn.execute(sql, tuple(going))]

    of_them = f"entity_id IN ({', '.join('?' * len(going))})"
    return {
        "variants": keys(f"SELECT entity_id, key FROM variants WHERE {of_them} "  # noqa: S608
                         "ORDER BY rowid DESC"),
        "pointers": keys(f"SELECT pointer FROM pointers WHERE {of_them} "  # noqa: S608
                         "ORDER BY rowid DESC"),
        "authority_ids": keys(f"SELECT entity_id, scheme FROM authority_ids "  # noqa: S608
                              f"WHERE {of_them} ORDER BY rowid DESC"),
        "entities": [{"id": eid} for eid in going]}


def citing(conn: sqlite3.Connection, source_id: str) -> list[tuple[int, str]]:
    """``(claim id, its source)`` of the claims of other sources linked to a passage of this
    one: removing it takes those links (an editor's work) with it."""
    return [(int(r[0]), str(r[1])) for r in conn.execute(
        "SELECT DISTINCT c.id, c.source_id FROM links l JOIN claims c ON c.id = l.claim_id "
        "WHERE l.target_source_id = ? AND c.source_id != ? ORDER BY c.id",
        (source_id, source_id))]


def added_from(conn: sqlite3.Connection) -> dict[str, str]:
    """Source id -> the name of the folder its file was added from, as its add act (in
    force) logged it; sources added before annotator logged folders, or from the workspace's
    own sources/, are left out."""
    return {r[0]: r[1] for r in conn.execute(
        "SELECT substr(target, 8), json_extract(payload, '$.folder') FROM decisions "
        "WHERE act = 'add' AND target LIKE 'source:%' AND undone_by IS NULL "
        "AND json_extract(payload, '$.folder') IS NOT NULL ORDER BY id")}
