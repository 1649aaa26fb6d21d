"""Annotations for export tests, written straight into a workspace's store.

The seed article gets the gold mentions of ``tests/data/seed/gold.json`` as confirmed mentions
grouped into register entries (a few with authority ids), two works, and three claims with
their links: what a finished review of the sample workspace looks like.
"""

from __future__ import annotations

import json
import re
from typing import Any

from annotator.store.connection import now

SEED_ID = "german-soviet-axis-talks"
AUTHORITY = {"person-hitler": ("wikidata", "Q352"), "person-stalin": ("wikidata", "Q855"),
             "place-berlin": ("geonames", "2950159"), "place-germany": ("wikidata", "Q183")}
WORKS = {
    "nekrich1997": ("book", {
        "author": "Nekrich, Aleksandr M. and Ulam, Adam B. and Freeze, Gregory L.",
        "title": "Pariahs, Partners, Predators: German–Soviet Relations, 1922–1941",
        "publisher": "Columbia University Press", "location": "New York", "date": "1997",
        "isbn": "978-0-231-10676-4"}),
    "israelyan2003": ("book", {
        "author": "Israelyan, Victor",
        "title": "On the Battlefields of the Cold War: A Soviet Ambassador's Confession",
        "publisher": "Pennsylvania State University Press", "location": "University Park",
        "date": "2003"}),
}


def insert_mention(conn: Any, source_id: str, sha: str, start: int, end: int, type_: str, *,
                   entity: str | None = None, value: dict[str, str] | None = None,
                   status: str = "confirmed", provenance: str = "editor") -> None:
    conn.execute(  # a mention the source's own markup already gave is taken over
        "INSERT INTO mentions (source_id, sha256, start, end, type, status, entity_id, "
        "date_value, provenance, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (source_id, sha256, start, end, type) DO UPDATE SET "
        "status = excluded.status, entity_id = excluded.entity_id, "
        "date_value = coalesce(excluded.date_value, date_value)",
        (source_id, sha, start, end, type_, status, entity,
         json.dumps(value) if value else None, provenance, now()))


def insert_entity(conn: Any, eid: str, type_: str, preferred: str, *, status: str = "confirmed",
                  variants: tuple[str, ...] = ()) -> None:
    conn.execute("INSERT OR IGNORE INTO entities (id, type, preferred, status, created_at) "
                 "VALUES (?, ?, ?, ?, ?)", (eid, type_, preferred, status, now()))
    for v in (preferred, *variants):
        conn.execute("INSERT OR IGNORE INTO variants (entity_id, surface, key) VALUES (?, ?, ?)",
                     (eid, v, v.lower()))


def insert_claim(conn: Any, source_id: str, sha: str, start: int, end: int, kind: str, *,
                 agent: str = "", agent_entity: str | None = None, status: str = "confirmed",
                 links: tuple[tuple[str, str, str], ...] = (),
                 link_status: str = "confirmed", provenance: str = "editor",
                 link_provenance: str = "editor") -> int:
    cur = conn.execute(
        "INSERT INTO claims (source_id, sha256, start, end, kind, status, agent, "
        "agent_entity_id, provenance, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (source_id, sha, start, end, kind, status, agent, agent_entity, provenance, now()))
    cid = int(cur.lastrowid)
    for key, rel, locus in links:
        conn.execute("INSERT INTO links (claim_id, bib_key, rel, locus, status, provenance) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
                     (cid, key, rel, locus, link_status, link_provenance))
    return cid


def insert_works(conn: Any, works: dict[str, tuple[str, dict[str, str]]] = WORKS) -> None:
    for key, (type_, fields) in works.items():
        conn.execute("INSERT OR IGNORE INTO bib (key, type, fields, origin, added_at) "
                     "VALUES (?, ?, ?, ?, ?)",
                     (key, type_, json.dumps(fields, ensure_ascii=False), "refs.bib", now()))


def span_of(ws: Any, source_id: str, text: str, nth: int = 0) -> tuple[int, int]:
    """Reading offsets of the ``nth`` occurrence of ``text``."""
    reading = ws.reading_text(source_id)
    i = -1
    for _ in range(nth + 1):
        i = reading.index(text, i + 1)
    return i, i + len(text)


def annotate_seed(ws: Any, gold_path: Any) -> dict[str, int]:
    """Confirmed gold mentions, register entries, works, claims and links on the seed source."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = ws.reading_text(SEED_ID)
    sha = ws.source(SEED_ID).sha256
    types = {"PERSON": "person", "PLACE": "place", "ORG": "org", "DATE": "date"}
    cursor = 0
    claims: dict[str, int] = {}
    with ws.store.transaction() as conn:
        for sp in gold["spans"]:
            i = text.find(sp["surface"], cursor)
            if i < 0:
                continue
            cursor = i + len(sp["surface"])
            t = types.get(sp["label"])
            if t is None:
                continue
            eid = None
            if t != "date":
                key = sp["surface"].split()[-1] if t == "person" else sp["surface"]
                eid = f"{t}-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
                insert_entity(conn, eid, t, sp["surface"])
            insert_mention(conn, SEED_ID, sha, i, i + len(sp["surface"]), t, entity=eid,
                           value=sp.get("tei"))
        for eid, (scheme, value) in AUTHORITY.items():
            conn.execute("INSERT OR IGNORE INTO authority_ids (entity_id, scheme, value) "
                         "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM entities WHERE id = ?)",
                         (eid, scheme, value, eid))
        insert_works(conn)
        s = text.index("According to a study by Alexander Nekrich")
        e = text.index("Iraq and Iran.") + len("Iraq and Iran.")
        claims["nekrich"] = insert_claim(conn, SEED_ID, sha, s, e, "attributed",
                                         agent="Alexander Nekrich",
                                         agent_entity="person-nekrich",
                                         links=(("nekrich1997", "supports", "pp. 202–205"),))
        s = text.index("According to Soviet diplomat Victor Israelyan")
        e = text.index("assisted Hitler's plan\".") + len("assisted Hitler's plan\".")
        claims["israelyan"] = insert_claim(conn, SEED_ID, sha, s, e, "attributed",
                                           agent="Victor Israelyan",
                                           agent_entity="person-israelyan",
                                           links=(("israelyan2003", "supports", ""),))
        s = text.index("Hitler however seemingly had no intention")
        e = text.index("into the Axis:", s) + len("into the Axis")
        claims["axis"] = insert_claim(conn, SEED_ID, sha, s, e, "unattributed")
    return claims
