"""Names and dates an editor confirmed whose words changed when their source was replaced:
stale, in no export, until the editor marks the words again on the text now.

DOCS: docs/claims.md#a-replaced-source
"""

from __future__ import annotations

import re
import sqlite3

from annotator.acts.align import Match, align
from annotator.acts.context import ActContext
from annotator.acts.ingest import nearest
from annotator.records import Nearest, StaleMention, location
from annotator.store import mentions as rows_of
from annotator.store.sources import before_stale
from annotator.tei.textmap import TextMap


def stale_mentions(ctx: ActContext) -> list[StaleMention]:
    """The mentions an editor confirmed whose words changed when their source was replaced
    (stale: left out of every export), with where their words are nearest in the text now:
    what ``check`` lists. Where the text now writes other words in their place ('Scotland'
    for 'London') and its own nowhere else, they are gone (``StaleMention.gone``), as where
    they were deleted: listed at the place they were, with the words written there, which are
    never offered to its entity; the editor sets it aside, or marks those words as a name of
    their own. One the editor decided again on the text now (a confirmed
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
            mine = [(m["start"], m["end"]) for m in decided if m["type"] == r["type"]]
            if start < end and _overlaps(mine, start, end):
                continue
            words = old.text[r["start"]:r["end"]]
            if _same(new.text[start:end], words):
                found: tuple[int, int] | None = (start, end)
            else:
                # its words written anew elsewhere (a place another of their kind stood
                # before is that one's): marked again there by a mention of its entity, else
                # the nearest place no mention of its type holds
                spans = [span for span in _written(new.text, words)
                         if _was_at(blocks, *span) in (None, (r["start"], r["end"]))]
                again = [(m["start"], m["end"]) for m in decided if m["type"] == r["type"]
                         and m["entity_id"] == r["entity_id"]]
                if any(_overlaps(again, *span) for span in spans):
                    continue
                found = min((span for span in spans if not _overlaps(mine, *span)),
                            key=lambda span: abs(span[0] - start), default=None)
            (was_paragraph, was_line, was_page), was_last = old.span_places(r["start"], r["end"])
            out.append(StaleMention(
                rows_of.mention_from_row(r, words),
                location(was_paragraph, was_line, was_page, last=was_last),
                near(new, *(found or (start, end))), gone=found is None,
                now_words=" ".join(new.text[start:end].split()) if found is None else "",
                elsewhere=found not in (None, (start, end))))
    return out


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _same(now: str, words: str) -> bool:
    """The text now writes the mention's very words (its spacing aside)."""
    return now.split() == words.split()


def _written(text: str, words: str) -> list[tuple[int, int]]:
    """Where the text now writes a stale mention's words, as whole words (spacing aside): the
    places to mark it again elsewhere than where they stood."""
    if not words.split():
        return []
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words.split())) + r"(?!\w)")
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _was_at(blocks: list[Match], start: int, end: int) -> tuple[int, int] | None:
    """Where the version before had the span ``start``:``end`` of the text now, when an
    unchanged stretch holds it whole (the same words stood there); None where it is new."""
    for b in blocks:
        if b.b <= start and end <= b.b + b.size:
            return start - b.b + b.a, end - b.b + b.a
    return None


def near(tm: TextMap, start: int, end: int) -> Nearest:
    """The span ``start``:``end`` of the text now with its place in the file; a point (start ==
    end, where stale words are gone) is placed at the character there."""
    at = min(start, max(len(tm.text) - 1, 0))
    (paragraph, line, page), last = tm.span_places(*((start, end) if end > start
                                                     else (at, at + 1)))
    return Nearest(start, end, paragraph, line, page, last)
