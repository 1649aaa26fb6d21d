"""What each act logged means for the reads of ``store.decided``, kept with the act.

``Store.act`` writes it in table ``decided`` with the act's row, and the store's migration to
version 15 fills it from the log, both through ``logged``, so the reads are index reads.

DOCS: docs/store.md
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# acts that only bring in what a file already says
IMPORT_ACTS = ("add", "replace")

# The acts undoing nothing that are out of force: undone, and not redone since. An undo is
# logged as an act that undoes another, and so is a redo (an undo of the undo): each act is
# read up its ``undone_by`` chain, and the act that ends it (undone by none) is what is in
# force, the act itself when it is an even number of undos away (0: never undone; 2: redone),
# its undo when odd. The store's reads of what is in force all leave these out (``NOT IN``):
# one rule for the exports' reads (``store.decided``), an editor's preferred name
# (``decisions.preferred_by_editor``) and undo's own (``decisions.undo_depth`` reads the same
# chain down). Only undone acts are walked: a handful, however long the log.
OUT_OF_FORCE = (
    "WITH RECURSIVE up(act, undone_by, depth) AS (SELECT id, undone_by, 1 FROM decisions "
    "WHERE undone_by IS NOT NULL AND undoes IS NULL UNION ALL SELECT up.act, d.undone_by, "
    "up.depth + 1 FROM up JOIN decisions AS d ON d.id = up.undone_by "
    "WHERE d.undone_by IS NOT NULL) "
    "SELECT act FROM up GROUP BY act HAVING max(depth) % 2 = 1")


def logged(act: str, target: str, undoes: int | None,
           changes: Iterable[dict[str, Any]]) -> set[tuple[str, Any]]:
    """What the reads of ``store.decided`` need of one act, kept beside its row in the log
    so that they read an index, not every act's changes (a register import's are megabytes
    of JSON): (what, key) pairs, ``entity``: an entity whose row, a name or an authority id
    it changed; ``enriched``: one it added to what the files say (``enriched_entities``);
    ``mention``: a mention it changed (its id as logged, None kept); ``claim``: a claim or a
    claim's link it changed. Adding a source and undos (a redo too: an undo of an undo) keep
    none of these: the reads count the act itself while it is in force (done, or undone and
    redone); an act undone keeps its rows, and the reads leave them out (``OUT_OF_FORCE``).
    ``deleted``: an entity whose row it deleted, kept for every act, undos and additions too
    (``entities.taken_ids``: an act not undone deleted it, whatever the act; and
    ``decisions.entity_removed``: the newest act that deleted it)."""
    changes = list(changes)
    out: set[tuple[str, Any]] = {  # every act's, as its own changes say (taken_ids)
        ("deleted", ch["key"]["id"]) for ch in changes if ch.get("table") == "entities"
        and ch.get("after") is None and (ch.get("key") or {}).get("id") is not None}
    if act in IMPORT_ACTS or undoes is not None:
        return out
    # SQL's LIKE 'claim%', which these reads used, is blind to ASCII case
    claimish = target[:5].lower() == "claim" or target[:4].lower() == "link"
    for ch in changes:
        table, key = ch.get("table"), ch.get("key") or {}
        before, after = ch.get("before"), ch.get("after")
        if table == "mentions":
            out.add(("mention", key.get("id")))
            now = (after or {}).get("entity_id")
            if (act != "import" and before is not None and now is not None
                    and before.get("entity_id") != now):
                out.add(("enriched", now))  # mentions moved onto it (merge, split)
        elif table == "entities":
            eid = key.get("id")
            if eid is not None:
                out.add(("entity", eid))
                if act != "import" and after is not None and (before is None or any(
                        before.get(c) != after.get(c) for c in _ENRICHING)):
                    out.add(("enriched", eid))
        elif table in ("variants", "authority_ids"):
            eid = key.get("entity_id")
            if eid is not None:
                out.add(("entity", eid))
                if act != "import":
                    out.add(("enriched", eid))
        elif claimish and table in ("claims", "links"):
            cid = key.get("id") if table == "claims" else (after or {}).get("claim_id")
            if table == "links" and cid is None:
                cid = (before or {}).get("claim_id")
            if cid is not None:
                out.add(("claim", cid))
    return out


# an entity's columns whose change by an editor says what the files do not
_ENRICHING = ("preferred", "note", "geo", "type")
