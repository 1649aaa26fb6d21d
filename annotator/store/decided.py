"""What an editor decided, as opposed to what adding a source brought in.

Adding a TEI source imports its own markup and register lists (the ``add``/``replace`` acts):
that is the edition as it was, which an export must give back unchanged. Every other act in
the decision log that is still in force (confirm, merge, link, apply, register import...) is
an editor's decision, and only those put something new into an export.

DOCS: docs/export.md#what-an-export-inserts
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from annotator.store.connection import Store, plain_rows
from annotator.store.logged import IMPORT_ACTS, OUT_OF_FORCE, REDONE_ACTS


# An entity ``e`` that is a register entry: it holds a pointer of a register's own (SQL of
# ``pointers.is_entry``, for a query over many).
REGISTER_ENTRY = ("EXISTS (SELECT 1 FROM pointers p WHERE p.entity_id = e.id "
                  "AND p.origin = 'register')")

# The rows ``logged`` kept for the acts in force (done, or redone: ``logged.OUT_OF_FORCE``),
# ``(what, key, decision_id)``: what every read below of an editor's acts asks of table
# ``decided``, by ``what`` and ``key`` (SQLite reads it through the index on them).
KEPT = f"(SELECT what, key, decision_id FROM decided WHERE decision_id NOT IN ({OUT_OF_FORCE}))"

# An entity ``e`` confirmed only by adding sources: the files' own pointers identify it
# (``acts.edition_markup``), no editor decided it. Not a register entry (it holds no pointer
# of a register's own) and no act in force but adding a source changed it (``acted_on``).
# Exports write it as the known entity it is (an entry without @cert, @resp), so an exported
# file added elsewhere brings it back known; a source removed takes it with it as a proposed
# one (``proposals.orphans``).
FROM_FILES = (
    f"(e.status = 'confirmed' AND NOT {REGISTER_ENTRY} AND NOT EXISTS (SELECT 1 FROM "
    f"{KEPT} x WHERE x.what = 'entity' AND x.key = e.id))")


def _in_force(conn: sqlite3.Connection, what: str) -> list[Any]:
    """The keys ``logged`` kept as ``what`` for the acts in force (done, or redone), each
    once."""
    return [r[0] for r in plain_rows(
        conn, f"SELECT DISTINCT key FROM {KEPT} WHERE what = ?", (what,))]  # noqa: S608


def _in_force_of(conn: sqlite3.Connection, what: str, keys: Collection[object]) -> set[Any]:
    """Those of ``keys`` that ``logged`` kept as ``what`` for the acts in force (``_in_force``
    asked of a few, through the index, not every key the log holds)."""
    if not keys:
        return set()
    return {r[0] for r in plain_rows(
        conn, f"SELECT DISTINCT key FROM {KEPT} WHERE what = ? "  # noqa: S608 (fixed)
        "AND key IN (SELECT value FROM json_each(?))", (what, json.dumps(list(keys))))}


def is_from_files(conn: sqlite3.Connection, entity_id: str) -> bool:
    """Whether the entity is confirmed only by adding sources (``FROM_FILES``)."""
    return plain_rows(conn, f"SELECT 1 FROM entities e WHERE e.id = ? AND {FROM_FILES}",
                      (entity_id,)) != []  # noqa: S608 (fixed SQL)


def decided_entities(store: Store) -> frozenset[str]:
    """Ids of entities an act other than adding a source changed (their row, a name or an
    authority id), in force."""
    return frozenset(str(k) for k in _in_force(store.conn, "entity"))


def confirmed_by_editor(conn: sqlite3.Connection, entity_ids: Iterable[str]) -> set[str]:
    """Those of the entities an editor's act in force confirmed (its logged change of the row
    made it confirmed: a confirm, a relabel or merge of a confirmed one, their redos), as
    opposed to those the files' own markup confirmed: the name an editor confirmed, which a
    machine step (a source's replacement) leaves as it is."""
    ids = json.dumps(sorted(set(entity_ids)))
    return {str(r[0]) for r in plain_rows(
        conn, "SELECT DISTINCT json_extract(c.value, '$.key.id') FROM decisions d, "
        "json_each(d.changes) c WHERE d.id IN (SELECT decision_id FROM "  # noqa: S608 (fixed)
        f"{KEPT} WHERE what = 'entity' AND key IN (SELECT value FROM json_each(?1))) "
        "AND json_extract(c.value, '$.table') = 'entities' "
        "AND json_extract(c.value, '$.key.id') IN (SELECT value FROM json_each(?1)) "
        "AND json_extract(c.value, '$.after.status') = 'confirmed' "
        "AND coalesce(json_extract(c.value, '$.before.status'), '') != 'confirmed'", (ids,))}


def claims_decided_after(conn: sqlite3.Connection, claim_ids: Iterable[int],
                         after_id: int) -> set[int]:
    """Those of the claims an editor's claim act in force logged after ``after_id`` changed
    (its agent set, its state decided, a link): what the finder gave them since is an
    editor's, where a relabel or an undo only moved the finder's agent link."""
    return {int(r[0]) for r in plain_rows(
        conn, f"SELECT DISTINCT key FROM {KEPT} WHERE what = 'claim' "  # noqa: S608 (fixed)
        "AND decision_id > ? AND key IN (SELECT value FROM json_each(?))",
        (after_id, json.dumps(sorted(set(claim_ids)))))}


def acted_on(conn: sqlite3.Connection, entity_ids: Iterable[str]) -> set[str]:
    """Those of the entities an act in force other than adding a source changed
    (``decided_entities``, asked of a few): an editor's confirm, merge, name or link, a
    register import."""
    return {str(k) for k in _in_force_of(conn, "entity", list(entity_ids))}


# Acts that bind no proposal to what they did: adding a source (the file's own markup) and a
# register import (the edition's entries: the model's mentions it merges onto one stay for an
# editor to decide, and the next run links them to it again).
_BINDING_NOT = (*IMPORT_ACTS, "import")

# An act of the log (``d``) as the act it means (``_MEANT``, after ``_REDONE``): a redo in force
# is the act it does again (``logged.REDONE_ACTS``), done when it was redone, and binds as that
# act does (a redone split as a split, a redone register import nothing).
_REDONE = f"LEFT JOIN ({REDONE_ACTS}) AS r ON r.id = d.id"
_MEANT = "coalesce(r.act, d.act)"


def acted_at(conn: sqlite3.Connection) -> dict[str, str]:
    """Proposed entity id -> when an editor's act in force last changed it (its row, a name,
    an authority id: a link, a name, a note, a merge into it) or split mentions off it:
    ``bound_proposals`` binds the mentions it had then. Read once for many sources."""
    found: dict[str, str] = {}
    rows = [*plain_rows(
        conn, f"SELECT k.key, d.at FROM {KEPT} k JOIN decisions d ON d.id = k.decision_id "
        f"{_REDONE} WHERE k.what = 'entity' "  # noqa: S608 (fixed)
        f"AND {_MEANT} NOT IN (SELECT value FROM json_each(?))", (json.dumps(_BINDING_NOT),)),
        *((name.removeprefix("entity:"), at) for target, at in plain_rows(
            conn, f"SELECT d.target, d.at FROM decisions d {_REDONE} "  # noqa: S608 (fixed)
            f"WHERE {_MEANT} = 'split' AND d.id NOT IN ({OUT_OF_FORCE})", ())
          for name in str(target).split())]
    for eid, at in rows:
        if eid is not None and at > found.get(str(eid), ""):
            found[str(eid)] = at
    proposed = {r[0] for r in plain_rows(
        conn, "SELECT id FROM entities WHERE status = 'proposed' AND id IN "
        "(SELECT value FROM json_each(?))", (json.dumps(sorted(found)),))}
    return {eid: at for eid, at in found.items() if eid in proposed}


def bound_proposals(conn: sqlite3.Connection, source_id: str,
                    acted: dict[str, str] | None = None) -> set[int]:
    """Ids of the source's proposals (not decided one by one) that an editor's act in force
    binds, so that a new run keeps each as it is, its entity, type and span: an act changed
    the mention itself (a split or merge moved it, a relabel retyped it), or acted on its
    proposed entity (``acted``, default read now: ``acted_at``) after the mention was made,
    so the editor judged the entity with it (a link, a name, the mentions a split left
    there). They are still proposals: confirming or rejecting their entity decides them."""
    rows = plain_rows(conn, "SELECT id, entity_id, created_at FROM mentions WHERE "
                      "source_id = ? AND status = 'proposed' AND decided = 0", (source_id,))
    if not rows:
        return set()
    if acted is None:
        acted = acted_at(conn)
    changed = _changed_by_editor(conn, [r[0] for r in rows])
    return {int(mid) for mid, eid, made in rows
            if mid in changed or (eid in acted and made <= acted[eid])}


def _changed_by_editor(conn: sqlite3.Connection, mention_ids: Sequence[object]) -> set[int]:
    """Those of the mentions an editor's act in force changed (``_BINDING_NOT``: not adding a
    source, not a register import): a reject, relabel, split, merge, date set..."""
    return {int(r[0]) for r in plain_rows(
        conn, f"SELECT k.key FROM {KEPT} k JOIN decisions d ON d.id = k.decision_id "
        f"{_REDONE} WHERE k.what = 'mention' "  # noqa: S608 (fixed)
        "AND k.key IN (SELECT value FROM json_each(?)) "
        f"AND {_MEANT} NOT IN (SELECT value FROM json_each(?))",
        (json.dumps(list(mention_ids)), json.dumps(_BINDING_NOT)))}


def decided_markup(conn: sqlite3.Connection, source_id: str, sha256: str
                   ) -> dict[tuple[int, int], list[sqlite3.Row]]:
    """(start, end) -> the mentions of that span of the source's version that its file's own
    markup gave (provenance ``source``) and an editor's act in force changed since (rejected,
    relabelled, split off, a date value set): a replace carries them onto the new version,
    and where the new file still marks those words its markup leaves them as the editor
    decided them (``edition_markup.import_markup``). Read by the source's mentions' ids."""
    rows = conn.execute("SELECT * FROM mentions WHERE source_id = ? AND sha256 = ? "
                        "AND provenance = 'source'", (source_id, sha256)).fetchall()
    changed = _changed_by_editor(conn, [r["id"] for r in rows]) if rows else set()
    found: dict[tuple[int, int], list[sqlite3.Row]] = {}
    for r in rows:
        if r["id"] in changed:
            found.setdefault((r["start"], r["end"]), []).append(r)
    return found


def enriched_entities(store: Store) -> frozenset[str]:
    """Ids of entities about which an editor's act in force added what the edition's files
    do not say: an authority id or a name (link, prefer, a merge's names), a preferred name,
    note, coordinates or type changed, an entity made, or mentions moved onto it (merge,
    split). Adding a source and importing a register (``register import``: the edition's
    own entries) add nothing of the editor's, and neither does a status alone (confirm,
    reject): an export writes an entry the file's own ``#id`` lacks only for these
    (``export.tei``), not for every entity a register import confirmed."""
    return frozenset(str(k) for k in _in_force(store.conn, "enriched"))


def changed_mentions(store: Store) -> frozenset[object]:
    """Ids of the mentions an act other than adding a source changed, in force (as the
    log keeps them: a NULL among them is kept, as ``NOT IN`` would see it)."""
    return frozenset(_in_force(store.conn, "mention"))


def edited_claims(conn: sqlite3.Connection) -> frozenset[int]:
    """Ids of the claims an editor's act in force changed, the claim's row or one of its
    links (an agent set, a suggestion rejected): a new finder run leaves them as they are."""
    return frozenset(int(k) for k in _in_force(conn, "claim"))


def changed_source_spans(store: Store, versions: Sequence[tuple[str, str]]
                         ) -> dict[tuple[str, str], set[tuple[int, int, str]]] | None:
    """Per (source_id, sha256) of ``versions``: (start, end, type) of the mentions the
    source's own markup gave (provenance ``source``) that an editor's act in force changed
    since: an export takes the others as the file's own (the mentions it reads say which
    came from the file, ``exports.mention_kinds``). Only the changed mentions are read, by
    id. None when a NULL is among the changed ids (SQL's NOT IN with a NULL sees no row
    outside it: no mention counts as the file's own)."""
    changed = changed_mentions(store)
    if None in changed:
        return None
    wanted = set(versions)
    found: dict[tuple[str, str], set[tuple[int, int, str]]] = {}
    if changed:
        for sid, sha, start, end, type_ in plain_rows(store.conn, (
                "SELECT source_id, sha256, start, end, type FROM mentions WHERE id IN "
                "(SELECT value FROM json_each(?)) AND provenance = 'source'"),
                (json.dumps(list(changed)),)):
            if (sid, sha) in wanted:
                found.setdefault((sid, sha), set()).add((start, end, type_))
    return found


def source_mention_ids(conn: sqlite3.Connection, source_id: str, sha256: str) -> set[int]:
    """Ids of the mentions the source's own markup gave that no editor changed: what a new version of the file gives again
    from its own markup, so a replace does not carry them over."""
    ids = [int(r[0]) for r in conn.execute(
        "SELECT id FROM mentions WHERE source_id = ? AND sha256 = ? AND provenance = 'source'",
        (source_id, sha256))]
    return set(ids) - _in_force_of(conn, "mention", ids)


def file_proposal_ids(conn: sqlite3.Connection, source_id: str, sha256: str,
                      proposals: Collection[tuple[int, int, str, str]]) -> set[int]:
    """Ids of the source's proposals that are an annotator export's file's as it gave them
    (``proposals``: start, end, type, provenance), undecided, which no editor's act changed
    (a link, a relabel): what a new version of the file gives again from its markup, so a
    replace does not carry them over, as ``source_mention_ids``."""
    return set(file_proposals_held(conn, source_id, sha256, proposals))


def file_proposals_held(conn: sqlite3.Connection, source_id: str, sha256: str,
                        proposals: Collection[tuple[int, int, str, str]]
                        ) -> dict[int, tuple[int, int, str, str]]:
    """``file_proposal_ids`` with each one's (start, end, type, provenance): a caller with
    several kinds of the file's proposals asks for them all at once and tells them apart."""
    if not proposals:
        return {}
    found: dict[int, tuple[int, int, str, str]] = {
        int(r[0]): (r[1], r[2], r[3], r[4]) for r in conn.execute(
            "SELECT id, start, end, type, provenance FROM mentions WHERE source_id = ? "
            "AND sha256 = ? AND status = 'proposed' AND decided = 0", (source_id, sha256))
        if tuple(r[1:]) in proposals}
    for mid in _in_force_of(conn, "mention", list(found)):
        found.pop(int(mid), None)
    return found


def file_date_value(conn: sqlite3.Connection,
                    mention_id: int) -> tuple[dict[str, str], bool] | None:
    """The date attributes the file's own element gave a mention, as adding the source read
    them, and whether they could be read as a value (``({"when": "1939"}, True)``;
    ``({"when": "sometime 1820"}, False)``: the mention took no value, the payload of the act
    that added the source keeps the attributes); None when the mention did not come from the
    file's markup or its element has no date attribute. An export keeps that element's
    attributes as the file writes them, read or not, so an editor's other value for it reaches
    the store's listings, not the exported file."""
    row = conn.execute(
        "SELECT json_extract(c.value, '$.after.date_value'), "
        "json_extract(d.payload, '$.unread_dates.\"' || m.id || '\"') "
        "FROM mentions m, decisions d, "
        "json_each(d.changes) c WHERE m.id = ? AND m.provenance = 'source' "
        # only the acts that added this mention's source are read: a register import logs
        # megabytes of changes, every other source's add its own
        "AND d.act IN (?, ?) AND d.target = 'source:' || m.source_id AND d.undone_by IS NULL "
        "AND json_extract(c.value, '$.table') = 'mentions' "
        "AND json_extract(c.value, '$.key.id') = m.id "
        "AND json_extract(c.value, '$.after.provenance') = 'source' "
        "ORDER BY d.id DESC LIMIT 1", (mention_id, *IMPORT_ACTS)).fetchone()
    if row is None or not (row[0] or row[1]):
        return None
    if row[0]:
        return json.loads(row[0]), True
    return json.loads(row[1]), False
