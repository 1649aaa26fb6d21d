"""The ``textmaps`` table: reading texts and offset maps kept per file version (a cache).

DOCS: docs/store.md#text-maps
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from annotator.store.connection import Store, plain_rows
from annotator.tei import textmap_pack
from annotator.tei.textmap import TextMap


def kept_blob(conn: sqlite3.Connection, sha256: str) -> bytes | None:
    """The packed map kept for these bytes by this code (``textmap_pack.CODE``), if any."""
    row = conn.execute("SELECT code, data FROM textmaps WHERE sha256 = ?", (sha256,)).fetchone()
    if row is None or row["code"] != textmap_pack.CODE:
        return None
    return bytes(row["data"])


def kept_sizes(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """sha256 -> the rowid of the map kept for those bytes by this code and how many bytes it
    takes, in one query (SQLite knows a blob's length without reading it)."""
    return {sha256: (rowid, size) for rowid, sha256, size in plain_rows(
        conn, "SELECT rowid, sha256, length(data) FROM textmaps WHERE code = ?",
        (textmap_pack.CODE,))}


def kept_start(conn: sqlite3.Connection, rowid: int) -> bytes:
    """The start of the map of ``kept_sizes``' ``rowid`` as far as its head
    (``textmap_pack.head_size``), read through its blob, no more of it (``substr`` of a
    blob, however short, read all of it: 2.5 MB for 49 sources)."""
    with conn.blobopen("textmaps", "data", rowid, readonly=True) as blob:
        start = blob.read(textmap_pack.HEAD)
        return start + blob.read(textmap_pack.head_size(start))


def kept_blobs(conn: sqlite3.Connection, shas: Sequence[str]) -> dict[str, bytes]:
    """sha256 -> the packed map kept for those bytes by this code, for many at once: a query
    per ``BATCH`` of them, not one a source (an export reads every source's)."""
    out: dict[str, bytes] = {}
    for at in range(0, len(shas), BATCH):
        some = shas[at:at + BATCH]
        out.update(plain_rows(
            conn, f"SELECT sha256, data FROM textmaps WHERE code = ? AND sha256 IN "
            f"({','.join('?' * len(some))})", (textmap_pack.CODE, *some)))
    return out


BATCH = 500  # sha256s a query asks for: well below SQLite's limit of parameters


def kept_head(conn: sqlite3.Connection, sha256: str) -> bytes | None:
    """The head of the map kept for these bytes by this code, if any (as ``kept_start``)."""
    row = conn.execute("SELECT rowid FROM textmaps WHERE sha256 = ? AND code = ?",
                       (sha256, textmap_pack.CODE)).fetchone()
    return None if row is None else kept_start(conn, row[0])


def keep(conn: sqlite3.Connection, tm: TextMap) -> None:
    """Keep a source version's text map; maps kept by other code are stale: dropped."""
    conn.execute("DELETE FROM textmaps WHERE code != ?", (textmap_pack.CODE,))
    conn.execute("INSERT OR REPLACE INTO textmaps (sha256, code, data) VALUES (?, ?, ?)",
                 (tm.sha256, textmap_pack.CODE, textmap_pack.dump(tm)))


def keep_if_free(store: Store, tm: TextMap, path: Path) -> None:
    """Keep a map without waiting (``Store.keep_if_free``): a store that cannot be written,
    or is busy, only makes the next run build it again."""
    store.keep_if_free(lambda conn: keep(conn, tm), f"text map of {path}")
