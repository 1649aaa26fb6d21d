"""Names and dates an editor confirmed whose words changed when their source was replaced:
stale, in no export, until the editor marks the words again on the text now.

DOCS: docs/claims.md#a-replaced-source
"""

from __future__ import annotations

import sqlite3

from annotator.acts.align import align
from annotator.acts.context import ActContext
from annotator.acts.ingest import nearest
from annotator.records import Nearest, StaleMention, location
from annotator.store import mentions as rows_of
from annotator.store.sources import before_stale
from annotator.tei.textmap import TextMap


def stale_mentions(ctx: ActContext) -> list[StaleMention]:
    """The mentions an editor confirmed whose words changed when their source was replaced
    (stale: left out of every export), with where their words are nearest in the text now:
    what ``check`` lists. One whose words are gone from the text is listed at the place they
    were (``StaleMention.gone``): the editor marks the name again where the text now writes
    it, or sets the mention aside. One the editor decided again on the text now (a confirmed
    or rejected mention of its type over those words) is left out: nothing is left to do."""
    conn = ctx.store.conn
    rows = rows_of.mention_rows(conn, status=("stale",))
    was = before_stale(conn, "mentions", [r["id"] for r in rows]) if rows else {}
    versions: dict[tuple[str, str], list[sqlite3.Row]] = {}
    for r in rows:
        if was.get(r["id"]) == "confirmed":
            versions.setdefault((r["source_id"], r["sha256"]), []).append(r)
    out = []
    for (sid, sha256), stale in versions.items():
        old = ctx.texts.version_of(sid, sha256)
        if old is None:  # its version cannot be read: nowhere to say its words were
            continue
        new = ctx.texts.textmap(sid)
        blocks = align(old.text, new.text)
        starts, ends = [b.a for b in blocks], [b.a + b.size for b in blocks]
        decided = rows_of.mention_rows(conn, sid, status=("confirmed", "rejected"))
        for r in stale:
            start, end = nearest(new.text, blocks, starts, ends, r["start"], r["end"])
            if start < end and any(m["type"] == r["type"] and m["start"] < end and
                                   start < m["end"] for m in decided):
                continue
            (was_paragraph, was_line, was_page), was_last = old.span_places(r["start"], r["end"])
            out.append(StaleMention(
                rows_of.mention_from_row(r, old.text[r["start"]:r["end"]]),
                location(was_paragraph, was_line, was_page, last=was_last),
                near(new, start, end)))
    return out


def near(tm: TextMap, start: int, end: int) -> Nearest:
    """The span ``start``:``end`` of the text now with its place in the file; a point (start ==
    end, where stale words are gone) is placed at the character there."""
    at = min(start, max(len(tm.text) - 1, 0))
    (paragraph, line, page), last = tm.span_places(*((start, end) if end > start
                                                     else (at, at + 1)))
    return Nearest(start, end, paragraph, line, page, last)
