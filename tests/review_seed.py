"""Candidate entities on the seed workspace, for the review tests.

Until proposals are on main, the seed's candidates are written straight into the store the way
the proposer writes them (one ``Store.transaction``): every occurrence of each name in the
reading text becomes a proposed mention of a '<type>-<slug>' entity, including the model's
typical mistake of taking "Axis" for a place.
"""

from __future__ import annotations

import re

from annotator.entities.names import name_key
from annotator.entities.similar import loose_key
from annotator.store.connection import now

SOURCE = "german-soviet-axis-talks"
CANDIDATES = {
    "person-adolf-hitler": ("person", ["Adolf Hitler", "Hitler"]),
    "person-joachim-von-ribbentrop": ("person", ["Joachim von Ribbentrop", "Ribbentrop"]),
    "person-vyacheslav-molotov": ("person", ["Vyacheslav Molotov", "Molotov"]),
    "person-stalin": ("person", ["Stalin"]),
    "place-soviet-union": ("place", ["Soviet Union"]),
    "place-germany": ("place", ["Germany"]),
    "place-berlin": ("place", ["Berlin"]),
    "place-finland": ("place", ["Finland"]),
    "place-axis": ("place", ["Axis"]),
    "org-soviet-information-bureau": ("org", ["Soviet Information Bureau"]),
}


def propose_by_names(ws, source_id: str = SOURCE, candidates=None) -> dict[str, list[int]]:
    """Write candidates as the proposer would; returns entity id -> mention ids."""
    candidates = candidates or CANDIDATES
    text = ws.reading_text(source_id)
    sha = ws.source(source_id).sha256
    out: dict[str, list[int]] = {}
    taken: list[tuple[int, int]] = []
    with ws.store.transaction() as conn:
        for eid, (type_, names) in candidates.items():
            conn.execute("INSERT OR IGNORE INTO entities (id, type, preferred, status, "
                         "created_at) VALUES (?, ?, ?, 'proposed', ?)",
                         (eid, type_, names[0], now()))
            for name in names:
                conn.execute("INSERT OR IGNORE INTO variants (entity_id, surface, key, loose) "
                             "VALUES (?, ?, ?, ?)", (eid, name, name_key(name),
                                                     loose_key(name_key(name))))
                for m in re.finditer(r"\b" + re.escape(name) + r"\b", text):
                    if any(a < m.end() and m.start() < b for a, b in taken):
                        continue
                    if name == "Soviet Union" and text[m.start() - 1:m.start()] == "-":
                        continue
                    taken.append((m.start(), m.end()))
                    if conn.execute("SELECT 1 FROM mentions WHERE source_id = ? AND start < ? "
                                    "AND ? < end AND type = ?",
                                    (source_id, m.end(), m.start(), type_)).fetchone():
                        continue  # already proposed as this type
                    cur = conn.execute(
                        "INSERT INTO mentions (source_id, sha256, start, end, type, entity_id, "
                        "provenance, created_at) VALUES (?, ?, ?, ?, ?, ?, 'model:test', ?)",
                        (source_id, sha, m.start(), m.end(), type_, eid, now()))
                    out.setdefault(eid, []).append(int(cur.lastrowid))
    return out


def propose_ambiguous_hitler(ws, tmp_path) -> None:
    """Three texts stored as ``propose`` stores them: a's "Alois Hitler", b's "Adolf Hitler"
    with its "Hitler", and c's "Hitler", which fits both entities and is flagged
    ``ambiguous``."""
    from annotator.acts.propose import known_entities, write_proposals
    from annotator.records import Proposal

    texts = {"a": "Alois Hitler spoke.", "b": "Adolf Hitler spoke. Then Hitler left.",
             "c": "Hitler came back."}
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    ws.add_many([tmp_path / f"{name}.txt" for name in texts])
    for name in texts:
        src = ws.source(name)
        props = [Proposal(m.start(), m.end(), "person", m.group(), "model:test")
                 for m in re.finditer(r"(?:Adolf |Alois )?Hitler", ws.reading_text(name))]
        with ws.store.transaction() as tx:
            write_proposals(tx, src.id, src.sha256, props, known_entities(tx)[0], replace=True)


def ambiguous_hitler_first(ws, tmp_path, name: str):
    """``propose_ambiguous_hitler``, a's entity renamed ``name`` (one a screen would read as
    markup) and every other candidate skipped, so c's ambiguous "Hitler" is the queue's first:
    the mentions of a, b ("Hitler") and c."""
    propose_ambiguous_hitler(ws, tmp_path)
    (a,), (c,) = ws.mentions("a"), ws.mentions("c")
    b = next(m for m in ws.mentions("b") if m.surface == "Hitler")
    assert "ambiguous" in c.flags.split(",")
    ws.store.conn.execute("BEGIN IMMEDIATE")
    ws.store.conn.execute("UPDATE entities SET preferred = ? WHERE id = ?", (name, a.entity_id))
    ws.store.conn.execute("COMMIT")
    for eid in ws.queue():
        if eid != c.entity_id:
            ws.skip(eid)
    assert ws.queue()[0] == c.entity_id
    return a, b, c


KNOWN = "ribbentrop"  # the register entry of known_entity
REGISTER = ('<?xml version="1.0"?><TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader>'
            '<fileDesc><titleStmt><title>r</title></titleStmt><publicationStmt><p>x</p>'
            '</publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader>'
            '<text><body><listPerson><person xml:id="ribbentrop"><persName>Joachim von '
            'Ribbentrop</persName></person></listPerson></body></text></TEI>')


def known_entity(ws, folder) -> list[int]:
    """The seed's candidates, then a register naming Ribbentrop imported: the proposed
    entity is merged into the entry ``ribbentrop`` (confirmed), its 9 mentions stay proposed,
    a known entity's new mentions for the queue. Returns their ids."""
    ids = propose_by_names(ws)["person-joachim-von-ribbentrop"]
    path = folder / "register.xml"
    path.write_text(REGISTER, encoding="utf-8")
    ws.import_register(path)
    assert ws.entity(KNOWN).status == "confirmed"
    assert {ws.mention(i).status for i in ids} == {"proposed"}
    return ids
