"""What an act writes to an entity's rows: its names, authority ids, rejected names, and the
rows that follow it when it is merged or retyped.

Every function runs within an act (``Act``), so each change is logged and undone with it.

DOCS: docs/review.md#acts
"""

from __future__ import annotations

import sqlite3

from annotator.entities.authority import authority_pointers
from annotator.entities.names import entity_id as new_entity_id
from annotator.entities.names import name_key
from annotator.store import Act, claims, entities, mentions, pointers


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
