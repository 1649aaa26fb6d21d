"""What each act logged means for the reads of ``store.decided``, kept with the act.

``Store.act`` writes it in table ``decided`` with the act's row, and the store's migrations
(to versions 15, 16 and 19) fill it from the log, both through ``logged``, so the reads are
index reads; the rule of what is in force (``OUT_OF_FORCE``) is written here once.

DOCS: docs/store.md
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# acts that only bring in what a file already says
IMPORT_ACTS = ("add", "replace")

# acts by which an editor chooses an entity's preferred name (rows ``preferred``)
PREFERRING = ("prefer", "apply")

# Who chose an entity's name in one logged change (its ``naming``; none: as the act says):
# ``chosen``, the editor, in an act that names in passing (a split's ``--preferred``), kept as
# a row ``preferred``; ``derived``, the store, choosing anew among the names its mentions
# write once an act changed them (``acts.entity_edits.rename``): no editor's decision, so the
# reads of ``decided`` never see it (no row at all), though undo puts it back as any change.
CHOSEN, DERIVED = "chosen", "derived"
NAMING = (CHOSEN, DERIVED)

# Each act read down its ``undoes`` chain: ``down(top, at, depth)`` walks from ``top`` (the
# acts matching the filter put in ``{}``) to the act it began with, ``at`` at the greatest
# ``depth``: 0 for an act undoing nothing, 1 for its undo, 2 for a redo (an undo of the undo)...
_CHAIN = ("WITH RECURSIVE down(top, at, depth) AS (SELECT id, id, 0 FROM decisions WHERE {} "
          "UNION ALL SELECT down.top, d.undoes, down.depth + 1 FROM down "
          "JOIN decisions AS d ON d.id = down.at WHERE d.undoes IS NOT NULL) ")

# The one rule of what is in force, which every read of it uses: an act is in force until it
# is undone, unless it is itself an undo an odd number of undos away from the act it began
# with (that act is out of force while it stands); a redo, an even number away, is the act
# done again, in force, and keeps the ``decided`` rows of what it did (``Store.act``, through
# ``meaning``): the exports' reads (``store.decided``), an editor's preferred name
# (``decisions.preferred_by_editor``) and what a plain undo takes back
# (``decisions.in_force_acts``) all leave these out (``NOT IN``). Only undone acts and undos
# are walked: a handful, however long the log.
OUT_OF_FORCE = (_CHAIN.format("undone_by IS NULL AND undoes IS NOT NULL")
                + "SELECT id FROM decisions WHERE undone_by IS NOT NULL "
                "UNION SELECT top FROM down GROUP BY top HAVING max(depth) % 2 = 1")

# Each undo not undone with the act its chain began with: ``(id, act)``. A redo in force (an
# even number of undos away; ``OUT_OF_FORCE`` leaves the others out) is that act done again,
# and counts as it for the reads that ask which act a row in force is, as
# ``coalesce(r.act, d.act)`` beside ``decisions AS d`` (``store.decided``: a redone split binds
# proposals as the split does, a redone register import none, as the import). Only the undos
# not undone are walked.
REDONE_ACTS = (_CHAIN.format("undone_by IS NULL AND undoes IS NOT NULL")
               + "SELECT down.top AS id, d.act AS act FROM down "
               "JOIN decisions AS d ON d.id = down.at WHERE d.undoes IS NULL")

# The act one decision (``?``) began with, how many undos away it is, and that act's payload:
# ``(act, depth, payload)``.
CHAIN_ROOT = (_CHAIN.format("id = ?") + "SELECT d.act, down.depth, d.payload FROM down "
              "JOIN decisions AS d ON d.id = down.at ORDER BY down.depth DESC LIMIT 1")

# Every act with the act its chain began with and its depth (``CHAIN_ROOT`` for all at once):
# ``(id, root, depth, target, changes)``, for a migration that fills ``decided`` from the log.
EVERY_CHAIN = (_CHAIN.format("1") + "SELECT d.id AS id, r.act AS root, c.depth AS depth, "
               "d.target AS target, d.changes AS changes FROM (SELECT top, at, max(depth) AS "
               "depth FROM down GROUP BY top) AS c JOIN decisions AS d ON d.id = c.top "
               "JOIN decisions AS r ON r.id = c.at")


def meaning(root_act: str, depth: int) -> str | None:
    """What an act's changes mean for ``logged``, from the act its chain began with and its
    depth (``CHAIN_ROOT``): an act undoing nothing or a redo means that act, an undo of either
    None (it only gives back what the act changed)."""
    return root_act if depth % 2 == 0 else None


def logged(act: str | None, target: str,
           changes: Iterable[dict[str, Any]]) -> set[tuple[str, Any]]:
    """What the reads of ``store.decided`` need of one act, kept beside its row in the log
    so that they read an index, not every act's changes (a register import's are megabytes
    of JSON): (what, key) pairs, ``entity``: an entity whose row, a name or an authority id
    it changed; ``enriched``: one it added to what the files say (``enriched_entities``);
    ``mention``: a mention it changed (its id as logged, None kept); ``claim``: a claim or a
    claim's link it changed; ``preferred``: an entity whose preferred name an editor chose
    (a ``prefer``, a decisions file's changed name, a split's ``--preferred``: a change
    ``chosen``, ``preferred_by_editor``); a name the store chose anew (``derived``) is none
    of these. ``act`` is what the changes mean (``meaning``): the act itself, or for a redo
    the act it does again, from its own changes (a removal redone keeps what something holds
    since, and its rows say so); None for an undo, and adding a source keeps none of these.
    The reads count an act's rows while it is in force (``OUT_OF_FORCE``). ``deleted``: an
    entity whose row it deleted, kept for every act, undos and additions too
    (``entities.taken_ids``: an act not undone deleted it, whatever the act; and
    ``decisions.entity_removed``: the newest act that deleted it)."""
    changes = list(changes)
    out: set[tuple[str, Any]] = {  # every act's, as its own changes say (taken_ids)
        ("deleted", ch["key"]["id"]) for ch in changes if ch.get("table") == "entities"
        and ch.get("after") is None and (ch.get("key") or {}).get("id") is not None}
    if act is None or act in IMPORT_ACTS:
        return out
    if act == PREFERRING[0] and target.startswith("entity:"):
        out.add(("preferred", target.split(":", 1)[1]))
    # SQL's LIKE 'claim%', which these reads used, is blind to ASCII case
    claimish = target[:5].lower() == "claim" or target[:4].lower() == "link"
    for ch in changes:
        table, key = ch.get("table"), ch.get("key") or {}
        before, after = ch.get("before"), ch.get("after")
        if ch.get("naming") == DERIVED:
            continue
        if ch.get("naming") == CHOSEN and table == "entities" and key.get("id") is not None:
            out.add(("preferred", key["id"]))  # a split's --preferred
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
                if act == PREFERRING[1] and before is not None \
                        and (after or {}).get("preferred") != before.get("preferred"):
                    out.add(("preferred", eid))  # a decisions file's [[prefer]]
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
