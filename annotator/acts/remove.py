"""Taking a source out of the workspace: one act, undone as any other.

The act deletes, row by row through ``Act.delete`` (so each row's before image is logged), the
source's links, claims, mentions, the proposed entities nothing else holds (no mention, claim
or decision elsewhere: ``store.proposals.orphans``, the rule a new proposal run drops them by)
with their variants, pointers and authority ids before them, rejections in it, pending passage
links, runs, the works read from it that no other claim cites, and its row, in that order:
``undo`` puts them back newest first, the source's row before what refers to it. The
register's entities stay (confirmed or decided on: the editor's work). The bytes of every
version stay in the store, so the file in ``sources/`` is deleted only when it holds those
bytes (undo writes it back); a file edited in place since it was added is refused (S025), never
destroyed. Claims of other sources linked to a passage of it are the editor's work elsewhere:
refused (S024) unless ``force``. A removal redone (its undo undone) is checked the same way.

DOCS: README.md#removing-a-source
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from annotator.acts.context import ActContext
from annotator.acts.entity_edits import rename
from annotator.config import SOURCES_DIR
from annotator.errors import Location, SourceError
from annotator.files import reached
from annotator.records import Decision, Source
from annotator.store import decisions as log
from annotator.store import sources as source_rows
from annotator.store.proposals import orphans
from annotator.tei.parse import read_source_bytes, sha256_hex
from annotator.text import first_few

ACT = "source-remove"


def remove_source(ctx: ActContext, source_id: str, *, force: bool = False) -> Decision:
    """Remove a source and what was decided on it as one act (``annotator undo`` brings it
    back); its file in ``sources/`` goes once the act is committed. The decision's payload
    counts what went (``mentions``, ``claims``, ``links``, ``works``, ``entities``)."""
    store = ctx.store
    payload: dict[str, object] = {}
    with store.act(ACT, f"source:{source_id}", editor=ctx.editor, payload=payload) as act:
        src = ctx.texts.source(source_id)  # S015 for an unknown id
        path = _leaving(ctx, src)
        cited = source_rows.citing(act.conn, source_id)
        if cited and not force:
            raise _cited(store.place, source_id, cited, hint="unlink them first, or give "
                         "--force to remove those links too ('annotator undo' brings them back)")
        rows = source_rows.removal(act.conn, source_id)
        for table, keys in rows.items():
            for key in keys:
                act.delete(table, key)
        rename(act, ctx.texts.reading_text)  # the entities it named, by their other sources
        payload.update(file=src.file, mentions=len(rows["mentions"]),
                       claims=len(rows["claims"]), links=len(rows["links"]),
                       works=len(rows["bib"]), cited_by=len(cited),
                       entities=len(rows["entities"]))
    if path is not None:
        # after the commit: a kill before this leaves a file no row knows, which 'add' takes
        # again; the store keeps its bytes for undo
        path.unlink(missing_ok=True)
    assert act.decision_id is not None
    return log.decision(store.conn, act.decision_id)


def _cited(place: Location, source_id: str, cited: list[tuple[int, str]], *,
           hint: str) -> SourceError:
    """S024: claims of other sources are linked to passages of the source going."""
    shown = first_few([f"claim {c} in {s}" for c, s in cited], 5)
    return SourceError(f"source '{source_id}' has passages cited by {len(cited)} "
                       f"claim(s) of other sources ({shown})",
                       hint=hint, location=place, code="S024")


def redoing(conn: sqlite3.Connection, place: Location, changes: list[dict[str, Any]]
            ) -> list[dict[str, Any]]:
    """The changes of an undo about to be undone (a redo), as the redo may take them back.
    An undo that put a removed source back is redone as a removal is made: refused (S024) when
    claims of other sources were linked to its passages since, and keeping the proposed
    entities something holds since (a mention, claim or decision elsewhere) with their
    variants, pointers and authority ids: deleted, the schema would unlink those mentions and
    claims unlogged. Any other undo's changes come back as given."""
    back = _back(changes)
    if back is None:
        return changes
    cited = source_rows.citing(conn, back)
    if cited:
        raise _cited(place, back, cited, hint="unlink them first, or take the source out "
                     f"anew with 'annotator source remove {back} --force'")
    return redone(conn, changes)


def redone(conn: sqlite3.Connection, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The changes a redo takes back: an undone removal's less the proposed entities something
    holds since (undo's check asks what a redo would delete, not what the removal did)."""
    back = _back(changes)
    if back is None:
        return changes
    restored = [ch["key"]["id"] for ch in changes
                if ch["table"] == "entities" and ch["before"] is None]
    held = set(restored) - set(orphans(conn, restored, outside=back))
    return [ch for ch in changes if _entity_of(ch) not in held]


def _back(changes: list[dict[str, Any]]) -> str | None:
    """The source an act put back (its row inserted: an undone removal), or None."""
    return next((ch["key"]["id"] for ch in changes
                 if ch["table"] == "sources" and ch["before"] is None), None)


def _entity_of(ch: dict[str, Any]) -> str | None:
    """The entity a change of an entity's own rows is about (None: another table)."""
    if ch["table"] == "entities":
        return str(ch["key"]["id"])
    if ch["table"] in ("variants", "pointers", "authority_ids"):
        image = ch["after"] or ch["before"]
        return str(image["entity_id"])
    return None


def _leaving(ctx: ActContext, src: Source) -> Path | None:
    """The source's file that goes with it: in ``sources/`` (None: kept elsewhere, not ours),
    holding the bytes the store keeps; one edited since it was added is refused (S025)."""
    path = ctx.texts.path(src)
    if path.parent.resolve() != (ctx.root / SOURCES_DIR).resolve():
        return None
    if path.exists() and sha256_hex(read_source_bytes(path)) != src.sha256:
        raise SourceError("file changed since it was added; removing the source would "
                          "lose the edits, which the store does not hold",
                          hint=f"run 'annotator add --replace {reached(path)}' first, or "
                               "move the file out of sources/ to keep it",
                          location=ctx.texts.place(src), code="S025")
    return path


def leaving_file(ctx: ActContext, decision_id: int | None) -> Path | None:
    """Before ``undo(decision_id)``: the file that goes when the undo takes its source out
    again (the decision put the source's row back: it undid a removal, so this is a redo),
    checked as a removal checks it (S025); None: the undo takes out no source. A plain undo
    never redoes."""
    row = log.decision_row(ctx.store.conn, decision_id)
    if row is None or row["undone_by"] is not None:
        return None  # the undo refuses it
    back = _back(json.loads(row["changes"]))
    src = None if back is None else source_rows.find_source(ctx.store.conn, back)
    return None if src is None else _leaving(ctx, src)


def settle_file(ctx: ActContext, done: Decision, leaving: Path | None) -> None:
    """After an undo: a source's file follows its row, written back into ``sources/`` from the
    bytes the store keeps when the undo put the row back (a file of that name already there is
    left alone), deleted (``leaving``) when the undo took the row out again."""
    if not done.target.startswith("source:"):
        return
    found = source_rows.find_source(ctx.store.conn, done.target.split(":", 1)[1])
    if found is not None:
        ctx.texts.restore(found)
    elif leaving is not None:
        leaving.unlink(missing_ok=True)
