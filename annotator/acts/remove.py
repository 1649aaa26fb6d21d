"""Taking a source out of the workspace: one act, undone as any other.

The act deletes, row by row through ``Act.delete`` (so each row's before image is logged), the
source's links, claims, mentions, rejections in it, pending passage links, runs, the works read
from it that no other claim cites, and its row, in that order: ``undo`` puts them back newest
first, the source's row before what refers to it. Entities stay (the register is the editor's,
and a name may be mentioned elsewhere). The bytes of every version stay in the store, so the
file in ``sources/`` is deleted only when it holds those bytes (undo writes it back); a file
edited in place since it was added is refused (S025), never destroyed. Claims of other sources
linked to a passage of it are the editor's work elsewhere: refused (S024) unless ``force``.

DOCS: README.md#removing-a-source
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator.acts.context import ActContext
from annotator.config import SOURCES_DIR
from annotator.errors import SourceError
from annotator.files import reached
from annotator.records import Decision, Source
from annotator.store import decisions as log
from annotator.store import sources as source_rows
from annotator.tei.parse import read_source_bytes, sha256_hex

ACT = "source-remove"


def remove_source(ctx: ActContext, source_id: str, *, force: bool = False) -> Decision:
    """Remove a source and what was decided on it as one act (``annotator undo`` brings it
    back); its file in ``sources/`` goes once the act is committed. The decision's payload
    counts what went (``mentions``, ``claims``, ``links``, ``works``)."""
    store = ctx.store
    payload: dict[str, object] = {}
    with store.act(ACT, f"source:{source_id}", editor=ctx.editor, payload=payload) as act:
        src = ctx.texts.source(source_id)  # S015 for an unknown id
        path = _leaving(ctx, src)
        cited = source_rows.citing(act.conn, source_id)
        if cited and not force:
            shown = ", ".join(f"claim {c} in {s}" for c, s in cited[:5])
            more = f" and {len(cited) - 5} more" if len(cited) > 5 else ""
            raise SourceError(f"source '{source_id}' has passages cited by {len(cited)} "
                              f"claim(s) of other sources ({shown}{more})",
                              hint="unlink them first, or give --force to remove those links "
                                   "too ('annotator undo' brings them back)",
                              location=store.place, code="S024")
        rows = source_rows.removal(act.conn, source_id)
        for table, keys in rows.items():
            for key in keys:
                act.delete(table, key)
        payload.update(file=src.file, mentions=len(rows["mentions"]),
                       claims=len(rows["claims"]), links=len(rows["links"]),
                       works=len(rows["bib"]), cited_by=len(cited))
    if path is not None:
        # after the commit: a kill before this leaves a file no row knows, which 'add' takes
        # again; the store keeps its bytes for undo
        path.unlink(missing_ok=True)
    assert act.decision_id is not None
    return log.decision(store.conn, act.decision_id)


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
    row = None if decision_id is None else log.decision_row(ctx.store.conn, decision_id)
    if row is None or row["undone_by"] is not None:
        return None  # the undo refuses it
    back = [ch["key"]["id"] for ch in json.loads(row["changes"])
            if ch["table"] == "sources" and ch["before"] is None]
    src = source_rows.find_source(ctx.store.conn, back[0]) if back else None
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
