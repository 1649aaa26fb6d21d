"""What an act writes to an entity's rows: its names, authority ids, rejected names, and the
rows that follow it when it is merged or retyped.

Every function runs within an act (``Act``), so each change is logged and undone with it.

DOCS: docs/review.md#acts
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from annotator.entities.authority import authority_pointers
from annotator.entities.names import entity_id as new_entity_id
from annotator.entities.names import calm_of, name_key, preferred_name
from annotator.store import Act, claims, entities, mentions, pointers, proposals, sources
from annotator.store.decided import confirmed_by_editor
from annotator.store.logged import CHOSEN, DERIVED

# a mention's columns that say which entity it names and how (``touched``)
_NAMING_COLUMNS = ("entity_id", "status", "start", "end", "type", "flags", "sha256")


def unique_entity_id(conn: sqlite3.Connection, type_: str, name: str) -> str:
    """A new '<type>-<slug>' id, with '-2', '-3'... when the name is taken, by an entity or
    by one an undo could put back (``entities.taken_ids``)."""
    return new_entity_id(type_, name, entities.taken_ids(conn, type_))


def add_variant(rec: Act, entity_id: str, surface: str) -> None:
    """Within an act: record a spelling of an entity's name, once per key."""
    surface = " ".join(surface.split())
    key = name_key(surface)
    if key and not entities.has_variant(rec.conn, entity_id, key):
        rec.insert("variants", entities.variant_row(entity_id, surface, key))


def set_authority(rec: Act, entity_id: str, scheme: str, value: str | None) -> None:
    """Within an act: set (or with None remove) an entity's id in one authority file."""
    if value is None:
        rec.delete("authority_ids", {"entity_id": entity_id, "scheme": scheme})
    elif scheme not in entities.authority_ids(rec.conn, entity_id):
        rec.insert("authority_ids", {"entity_id": entity_id, "scheme": scheme, "value": value})
    else:
        rec.update("authority_ids", {"entity_id": entity_id, "scheme": scheme}, {"value": value})


def authority_holders(conn: sqlite3.Connection, scheme: str, value: str) -> list[str]:
    """The entities that are this authority record however it was written: holding the id
    (an ``idno``, bare or as its URI; a ``link``), or answering to one of its URIs (a source's
    ``@ref``, a register's link), by id."""
    owners = pointers.owners(conn, authority_pointers(scheme, value)).values()
    return sorted({*entities.with_authority(conn, scheme, value), *owners})


def cascade_status(rec: Act, entity_id: str, status: str) -> None:
    """Within an act: an entity's new status reaches its mentions not decided one by one."""
    for mention_id in mentions.undecided_of_entity(rec.conn, entity_id):
        rec.update("mentions", {"id": mention_id}, {"status": status})


def reject_keys(rec: Act, entity_id: str, type_: str) -> None:
    """The entity's names are not of ``type_``: never propose them as that again."""
    for v in entities.variants(rec.conn, entity_id):
        reject_key(rec, v["key"], type_)


def reject_key(rec: Act, key: str, type_: str) -> None:
    """Within an act: the name ``key`` is not of ``type_`` (recorded once)."""
    if not entities.is_rejected(rec.conn, key, type_):
        rec.insert("rejections", {"key": key, "type": type_})


def reject_key_in(rec: Act, key: str, type_: str, source_id: str) -> None:
    """Within an act: the name ``key`` is not of ``type_`` in ``source_id`` (recorded once)."""
    if not entities.is_rejected_in(rec.conn, key, type_, source_id):
        rec.insert("source_rejections", {"source_id": source_id, "key": key, "type": type_})


def move_children(rec: Act, old: str, new: str) -> None:
    """Within an act: variants, authority ids, mentions, claim agents and the edition's pointers
    of ``old`` go to ``new``.

    Rows are moved explicitly (never by ON DELETE cascades) so every change is in the log.
    """
    conn = rec.conn
    for v in entities.variants(conn, old):
        add_variant(rec, new, v["surface"])
        rec.delete("variants", {"entity_id": old, "key": v["key"]})
    kept = entities.authority_ids(conn, new)
    for scheme, value in entities.authority_ids(conn, old).items():
        if scheme not in kept:
            rec.insert("authority_ids", {"entity_id": new, "scheme": scheme, "value": value})
        rec.delete("authority_ids", {"entity_id": old, "scheme": scheme})
    for m in mentions.of_entity(conn, old):
        rec.update("mentions", {"id": m["id"]}, {"entity_id": new})
    for claim_id in claims.claims_by(conn, old):
        rec.update("claims", {"id": claim_id}, {"agent_entity_id": new})
    pointers.move(rec, old, new)


def touched(changes: Iterable[dict[str, Any]]) -> set[str]:
    """The entities whose names an act's changes may have changed: those of the mentions it
    made, took away, moved, retyped, reshaped or decided (the entities before and after), of
    the variants it wrote, and those it made, retyped or decided. A note, a link or a name the
    store chose (``derived``) touches none."""
    out: set[str] = set()
    for ch in changes:
        table, before, after = ch["table"], ch["before"], ch["after"]
        if ch.get("naming") == DERIVED:
            continue
        images = [i for i in (before, after) if i is not None]
        if table == "mentions" and (before is None or after is None or any(
                before.get(c) != after.get(c) for c in _NAMING_COLUMNS)):
            out.update(i["entity_id"] for i in images if i.get("entity_id"))
        elif table == "variants":
            out.update(i["entity_id"] for i in images)
        elif table == "entities" and after is not None and (before is None or any(
                before.get(c) != after.get(c) for c in ("status", "type"))):
            out.add(str(after["id"]))
    return out


def unsaid(changes: Iterable[dict[str, Any]]) -> set[str]:
    """The entities of the mentions an act took away or made stale (a replaced file's): the
    names their mentions write lost those words. Mentions it only moved keep their words."""
    return {str(ch["before"]["entity_id"]) for ch in changes
            if ch["table"] == "mentions" and ch["before"] is not None
            and ch["before"].get("entity_id") and ch["before"].get("status") != "stale"
            and (ch["after"] is None or ch["after"].get("status") == "stale")}


def settle_ambiguous(rec: Act) -> None:
    """Within an editor's act, before ``rename``: a mention flagged ``ambiguous`` (its name
    fits several entities, propose picked none) that the act confirmed or put on another
    entity (a merge, a split, a link) is no longer ambiguous: the editor said which entity it
    is. Logged as the act's, so its undo flags it again."""
    first: dict[Any, dict[str, Any] | None] = {}
    last: dict[Any, dict[str, Any] | None] = {}
    for ch in rec.changes:
        if ch["table"] == "mentions":
            first.setdefault(ch["key"].get("id"), ch["before"])
            last[ch["key"].get("id")] = ch["after"]
    for mid, after in last.items():
        flags = (after or {}).get("flags") or ""
        if after is None or "ambiguous" not in flags.split(",") or not after.get("entity_id"):
            continue
        before = first[mid]
        if after.get("status") == "confirmed" or before is None \
                or before.get("entity_id") != after["entity_id"]:
            rec.update("mentions", {"id": mid},
                       {"flags": ",".join(f for f in flags.split(",") if f != "ambiguous")})


def rename(rec: Act, reading_text: Callable[[str], str],
           entity_ids: Iterable[str] | None = None, *, machine: bool = False) -> None:
    """Within an act, last: each entity it touched (``touched``, or ``entity_ids``) named as
    an editor would name it among the ways its mentions write it now (``names_anew``), so a
    merge, a split, a relabel, a rejected or confirmed mention, a source taken out or
    replaced leave no stale name. A name this act's editor chose is kept too, and, in a
    ``machine`` step (a source's replacement: a newer file no longer writing "Adolf Hitler"
    in full), the name of an entity an editor confirmed (``decided.confirmed_by_editor``):
    the file's words no longer say it, the editor's decision still does. The change is
    logged ``derived``: undo and redo put it back as any change, and no read of what editors
    decided counts it."""
    ids = touched(rec.changes) if entity_ids is None else set(entity_ids)
    if machine:
        ids -= confirmed_by_editor(rec.conn, ids)
    for eid, best in names_anew(rec.conn, reading_text, ids - _named_here(rec.changes)).items():
        rec.update("entities", {"id": eid}, {"preferred": best}, naming=DERIVED)


def name_proposed(conn: sqlite3.Connection, reading_text: Callable[[str], str],
                  touched: set[str]) -> None:
    """The proposed entities a proposal run gave proposals or took them from (``touched``,
    emptied) named as an act names the entities it changed (``names_anew``: a name an editor
    chose and a register entry's stay), in the run's transaction, unlogged as its proposals
    are (an undo is not refused for it: ``acts.undo``). Those only runs made and hold
    (``proposals.runs_own``) keep only the variants their mentions write now: a form the
    rules no longer propose ("Dear Mrs Clarkson", now "Clarkson") is no name of theirs."""
    for eid, written in proposals.runs_own(conn, touched).items():
        if written:  # one no mention writes now (a claim's agent) keeps its names
            proposals.drop_variants(conn, eid, {name_key(reading_text(sid)[a:b])
                                                for sid, a, b in written})
    proposals.rename_entities(conn, names_anew(conn, reading_text, touched, proposed_only=True))
    touched.clear()


def names_anew(conn: sqlite3.Connection, reading_text: Callable[[str], str],
               entity_ids: Iterable[str], *, proposed_only: bool = False) -> dict[str, str]:
    """Entity id -> its new name, for those of ``entity_ids`` whose name the way their
    mentions write them now changes (``preferred_name``, by type; a confirmed entity by its
    confirmed mentions, a proposed one by those and its proposals): the one rule by which
    every act (``rename``) and a proposal run (``acts.propose``, ``proposed_only``: what its
    proposals can rename) name the entities they changed. A name an editor chose
    (``prefer``, a decisions file, a split's ``--preferred``) and a register entry's are
    kept, and so is the name of an entity no mention writes now. ``reading_text``: a
    source's, by id."""
    ids = set(entity_ids)
    if not ids:
        return {}
    rows = [r for r in entities.to_name(conn, ids) if not proposed_only or r[2] == "proposed"]
    if not rows:
        return {}
    written: dict[str, dict[str, list[str]]] = {}  # entity -> status -> names as written
    texts: dict[str, set[str]] = {}  # entity -> the sources writing it
    for eid, source_id, start, end, status in mentions.names_of(conn, [r[0] for r in rows]):
        name = reading_text(source_id)[start:end].strip()
        if name:
            written.setdefault(eid, {}).setdefault(status, []).append(name)
            texts.setdefault(eid, set()).add(source_id)
    out: dict[str, str] = {}
    for eid, type_, status, preferred in rows:
        names = written.get(eid, {})
        counted = names.get("confirmed", []) + (names.get("proposed", [])
                                                 if status == "proposed" else [])
        if not counted:
            continue
        # capitals as the sources writing it write them plain
        calm = calm_of(counted, map(reading_text, sorted(texts.get(eid, ()))))
        best = preferred_name(counted, keep=preferred, type_=type_, calm=calm)
        if best != preferred:
            out[eid] = best
    return out


def _named_here(changes: Iterable[dict[str, Any]]) -> set[str]:
    """The entities whose name the act itself set (a ``prefer``, a decisions file's line, a
    split's ``--preferred``, a register's name): not chosen again over the editor's."""
    return {str(ch["key"]["id"]) for ch in changes if ch["table"] == "entities"
            and ch.get("naming") != DERIVED and (ch.get("naming") == CHOSEN or (
                ch["before"] is not None and ch["after"] is not None
                and ch["before"].get("preferred") != ch["after"].get("preferred")))}


# the column of each table whose rows hold an entity, for ``drop_left``
_HOLDING = {"mentions": "entity_id", "claims": "agent_entity_id"}


def drop_left(act: Act) -> None:
    """The entities a replacement left holding nothing go, with their names, pointers and
    authority ids, as with a source's removal (``store.proposals.orphans``: only proposed
    ones, or ones only the files' pointers made known, that no mention, claim or decision
    holds): a proposal of the old file the new one no longer gives (an export in which it was
    rejected since) would otherwise stay a proposed entity with no mention, in the register
    and its export; so would the entity of a stale mention set aside (a reject), its last. An
    entity an editor decided on stays."""
    left = {str(ch["before"][col]) for ch in act.changes
            if (col := _HOLDING.get(ch["table"])) and ch["before"] is not None
            and ch["before"].get(col)
            and (ch["after"] is None or ch["after"].get(col) != ch["before"][col])}
    going = proposals.orphans(act.conn, left)
    for table, keys in sources.entity_removal(act.conn, going).items():
        for key in keys:
            act.delete(table, key)


def drop_rejected_last(act: Act, entity_id: str | None) -> None:
    """A proposed entity whose last mention the act rejected goes, as ``drop_left`` takes one
    a stale mention's setting aside left: its rejected mentions stay (they keep its words
    from being proposed again) but no longer point at it, or it would stay in 'entities'
    with 0 mentions. Only when nothing else holds it (``proposals.orphans``); a confirmed
    entity stays."""
    if not entity_id or not proposals.orphans(act.conn, [entity_id], rejected_hold=False):
        return
    for row in mentions.of_entity(act.conn, entity_id):
        act.update("mentions", {"id": row["id"]}, {"entity_id": None})
    drop_left(act)
