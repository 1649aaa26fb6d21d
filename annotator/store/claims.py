"""The ``claims`` and ``links`` tables: claim rows, their support links, proposals written,
and what the review acts look up.

Rows an editor changes change through an ``Act``, so every change is logged; proposals are bulk
machine work in the caller's transaction.

DOCS: docs/claims.md
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from annotator.records import Link
from annotator.store.connection import highest_given, matching

Row = sqlite3.Row


# A link ``l`` to a work, or to a passage of the version its source has now. Any other is
# stale: its source was replaced since and the passage's words changed (``acts.ingest`` moves
# the passages whose words did not), so its offsets read only the version it was linked on.
CURRENT = ("(l.target_sha256 IS NULL OR l.target_sha256 = "
           "(SELECT s.sha256 FROM sources s WHERE s.id = l.target_source_id))")
_LINKS = f"SELECT l.*, NOT {CURRENT} AS stale FROM links l"  # a link's row and whether stale


def link_from_row(row: Row) -> Link:
    """A link as a record, from a row of ``_LINKS``."""
    return Link(id=row["id"], claim_id=row["claim_id"], rel=row["rel"], status=row["status"],
                bib_key=row["bib_key"], locus=row["locus"],
                target_source_id=row["target_source_id"], target_start=row["target_start"],
                target_end=row["target_end"], provenance=row["provenance"],
                target_sha256=row["target_sha256"], stale=bool(row["stale"]))


def claim_row(conn: sqlite3.Connection, claim_id: int) -> Row | None:
    row: Row | None = conn.execute("SELECT * FROM claims WHERE id = ?", (claim_id,)).fetchone()
    return row


def claim_at(conn: sqlite3.Connection, source_id: str, sha256: str, start: int,
             end: int) -> Row | None:
    """The claim on exactly this span of this version, if any."""
    row: Row | None = conn.execute(
        "SELECT * FROM claims WHERE source_id = ? AND sha256 = ? AND start = ? AND end = ?",
        (source_id, sha256, start, end)).fetchone()
    return row


def next_claim_id(conn: sqlite3.Connection) -> int:
    """The id the next claim takes: above every id a claim was given, one a removal took
    away too (its undo puts it back)."""
    return highest_given(conn, "claims") + 1


def claim_rows(conn: sqlite3.Connection, source_ids: Sequence[str] | None) -> list[Row]:
    """Claims of some sources (None: all), in reading order."""
    where, params = matching(source_id=source_ids)
    return conn.execute("SELECT * FROM claims WHERE 1" + where +
                        " ORDER BY source_id, start, end", params).fetchall()


def stale_claims(conn: sqlite3.Connection, source_id: str) -> list[Row]:
    """The stale claims of one source (their words changed when it was replaced), in reading
    order: what marking a claim there asks, however many other claims the source has."""
    return conn.execute("SELECT * FROM claims WHERE source_id = ? AND status = 'stale' "
                        "ORDER BY start, end", (source_id,)).fetchall()


def unrejected(conn: sqlite3.Connection) -> list[Row]:
    """``id, source_id, agent`` of every claim not rejected: enough for its support status."""
    return conn.execute("SELECT id, source_id, agent FROM claims WHERE status != 'rejected'"
                        ).fetchall()


def proposed_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM claims WHERE status = 'proposed'"
                            ).fetchone()[0])


def link_row(conn: sqlite3.Connection, link_id: int) -> Row | None:
    row: Row | None = conn.execute(f"{_LINKS} WHERE l.id = ?",  # noqa: S608 (a constant)
                                   (link_id,)).fetchone()
    return row


def link_ids(conn: sqlite3.Connection, claim_id: int) -> list[int]:
    """Ids of every link of a claim (suggested and rejected ones too), oldest first."""
    return [int(r[0]) for r in conn.execute(
        "SELECT id FROM links WHERE claim_id = ? ORDER BY id", (claim_id,))]


def version_suggestions(conn: sqlite3.Connection, source_id: str,
                    sha256: str) -> list[tuple[int, int, int, int, str, str, str]]:
    """(id, claim id, claim start, claim end, rel, locus, provenance) of the suggested links
    of the claims on one version of a source."""
    return [tuple(r) for r in conn.execute(
        "SELECT l.id, c.id, c.start, c.end, l.rel, l.locus, l.provenance FROM links l "
        "JOIN claims c ON c.id = l.claim_id WHERE c.source_id = ? AND c.sha256 = ? "
        "AND l.status = 'suggested' ORDER BY l.id", (source_id, sha256))]


def claim_links(conn: sqlite3.Connection, claim_id: int) -> list[Link]:
    return [link_from_row(r) for r in conn.execute(
        f"{_LINKS} WHERE l.claim_id = ? ORDER BY l.id", (claim_id,))]  # noqa: S608


def links_by_claim(conn: sqlite3.Connection, source_ids: Sequence[str] | None
                   ) -> dict[int, list[Link]]:
    """The links of the claims of some sources (None: all), by claim id."""
    links: dict[int, list[Link]] = {}
    where, params = matching(**{"c.source_id": source_ids})
    for lr in conn.execute(f"{_LINKS} JOIN claims c ON c.id = l.claim_id "  # noqa: S608
                           "WHERE 1" + where + " ORDER BY l.id", params):
        links.setdefault(lr["claim_id"], []).append(link_from_row(lr))
    return links


def work_link(conn: sqlite3.Connection, claim_id: int, bib_key: str, rel: str,
              locus: str, *, exact: bool = False) -> Row | None:
    """A link of the claim to the work with this relation, at this locus or (unless
    ``exact``) none."""
    row: Row | None = conn.execute(
        f"{_LINKS} WHERE l.claim_id = ? AND l.bib_key = ? AND l.rel = ? "  # noqa: S608
        "AND l.locus IN (?, ?)", (claim_id, bib_key, rel, locus, locus if exact else "")
    ).fetchone()
    return row


def passage_link(conn: sqlite3.Connection, claim_id: int, source_id: str, sha256: str,
                 start: int, end: int, rel: str) -> Row | None:
    """The claim's link with this relation to this passage of this version of its source."""
    row: Row | None = conn.execute(
        f"{_LINKS} WHERE l.claim_id = ? AND l.target_source_id = ? "  # noqa: S608
        "AND l.target_sha256 = ? AND l.target_start = ? AND l.target_end = ? AND l.rel = ?",
        (claim_id, source_id, sha256, start, end, rel)).fetchone()
    return row


def agent_entity(conn: sqlite3.Connection, keys: Sequence[str]) -> str | None:
    """The first person or organisation (confirmed first) with one of these name keys."""
    for key in keys:
        row = conn.execute(
            "SELECT e.id FROM variants v JOIN entities e ON e.id = v.entity_id "
            "WHERE v.key = ? AND e.status != 'rejected' AND e.type IN ('person', 'org') "
            "ORDER BY e.status = 'confirmed' DESC, e.id LIMIT 1", (key,)).fetchone()
        if row is not None:
            return str(row["id"])
    return None


def place_and_org_keys(conn: sqlite3.Connection) -> frozenset[str]:
    """Name keys of the register's confirmed places and organisations that no confirmed
    person has: what a citation's name is not ("in Hungary (1944)", "Hlinka Guard (1939)")."""
    return frozenset(r["key"] for r in conn.execute(
        "SELECT DISTINCT v.key FROM variants v JOIN entities e ON e.id = v.entity_id "
        "WHERE e.status = 'confirmed' AND e.type IN ('place', 'org') AND v.key NOT IN ("
        "SELECT v2.key FROM variants v2 JOIN entities p ON p.id = v2.entity_id "
        "WHERE p.status = 'confirmed' AND p.type = 'person')"))


def insert_proposal(conn: sqlite3.Connection, source_id: str, sha256: str, start: int, end: int,
                    kind: str, agent: str, agent_entity_id: str | None, cue: str,
                    provenance: str, at: str, confidence: float | None = None,
                    candidate: str = "") -> int:
    """A claim the finder proposes (bulk machine work: no decision row); returns its id."""
    cur = conn.execute(
        "INSERT INTO claims (source_id, sha256, start, end, kind, status, agent, "
        "agent_entity_id, cue, provenance, created_at, confidence, agent_candidate) "
        "VALUES (?, ?, ?, ?, ?, 'proposed', ?, ?, ?, ?, ?, ?, ?)",
        (source_id, sha256, start, end, kind, agent, agent_entity_id, cue, provenance, at,
         confidence, candidate))
    return int(cur.lastrowid or 0)


def refresh_proposal(conn: sqlite3.Connection, claim_id: int, kind: str, agent: str,
                     agent_entity_id: str | None, cue: str, provenance: str,
                     confidence: float | None = None, candidate: str = "") -> None:
    conn.execute("UPDATE claims SET kind = ?, agent = ?, agent_entity_id = ?, cue = ?, "
                 "provenance = ?, confidence = ?, agent_candidate = ? WHERE id = ?",
                 (kind, agent, agent_entity_id, cue, provenance, confidence, candidate,
                  claim_id))


def finder_proposals(conn: sqlite3.Connection, source_id: str, sha256: str) -> list[int]:
    """Ids of the finder's proposed claims of this source version (not the editor's own)."""
    return [int(r["id"]) for r in conn.execute(
        "SELECT id FROM claims WHERE source_id = ? AND sha256 = ? AND status = 'proposed' "
        "AND provenance != 'editor' ORDER BY id", (source_id, sha256))]


def stale_finder_claims(conn: sqlite3.Connection, source_id: str) -> list[int]:
    """Ids of the finder's stale claims of this source (not the editor's own), whatever state
    they had when their words changed."""
    return [int(r["id"]) for r in conn.execute(
        "SELECT id FROM claims WHERE source_id = ? AND status = 'stale' "
        "AND provenance != 'editor' ORDER BY id", (source_id,))]


def delete_claims(conn: sqlite3.Connection, claim_ids: Sequence[int]) -> None:
    """Proposals the finder withdraws (their suggested links go with them)."""
    conn.executemany("DELETE FROM claims WHERE id = ?", [(i,) for i in claim_ids])


def withdraw_suggestions(conn: sqlite3.Connection, claim_id: int,
                         keep: set[tuple[str, str, str]]) -> int:
    """Remove the finder's suggested links of a claim but those ``keep`` names (bib key,
    locus, rule); an accepted or rejected one is the editor's and stays. Returns how many."""
    gone = [r["id"] for r in conn.execute(
        "SELECT id, bib_key, locus, provenance FROM links WHERE claim_id = ? AND "
        "status = 'suggested' AND provenance != 'editor'", (claim_id,))
        if (r["bib_key"], r["locus"], r["provenance"]) not in keep]
    conn.executemany("DELETE FROM links WHERE id = ?", [(i,) for i in gone])
    return len(gone)


def suggest_work(conn: sqlite3.Connection, claim_id: int, bib_key: str, locus: str,
                 rule: str) -> None:
    """Suggest a work for a claim, unless it was linked or suggested (and rejected) before."""
    seen = conn.execute("SELECT 1 FROM links WHERE claim_id = ? AND bib_key = ?",
                        (claim_id, bib_key)).fetchone()
    if seen is None:
        conn.execute("INSERT INTO links (claim_id, bib_key, rel, locus, status, provenance) "
                     "VALUES (?, ?, 'supports', ?, 'suggested', ?)",
                     (claim_id, bib_key, locus, rule))


def is_pending(conn: sqlite3.Connection, source_id: str, target_source_id: str) -> bool:
    """Does a claim of ``source_id`` wait for a passage of a source not yet added?"""
    return conn.execute("SELECT 1 FROM pending_passages WHERE source_id = ? AND "
                        "target_source_id = ?", (source_id, target_source_id)
                        ).fetchone() is not None


def waiting_for(conn: sqlite3.Connection, target_source_id: str) -> list[str]:
    """The sources whose claims wait for passages of ``target_source_id``."""
    return [r["source_id"] for r in conn.execute(
        "SELECT source_id FROM pending_passages WHERE target_source_id = ? ORDER BY source_id",
        (target_source_id,))]


def claims_by(conn: sqlite3.Connection, entity_id: str) -> list[int]:
    """Claims whose agent is this entity (they follow it when it merges)."""
    return [r["id"] for r in conn.execute("SELECT id FROM claims WHERE agent_entity_id = ?",
                                          (entity_id,))]


def agents_in(conn: sqlite3.Connection, source_id: str) -> set[str]:
    """The entities a source's claims have for agent: those a claims run may leave holding
    nothing (``store.proposals.orphans``)."""
    return {r[0] for r in conn.execute("SELECT DISTINCT agent_entity_id FROM claims WHERE "
                                       "source_id = ? AND agent_entity_id IS NOT NULL",
                                       (source_id,))}


def proposed_agents(conn: sqlite3.Connection, entity_ids: Sequence[str] | None
                    ) -> list[sqlite3.Row]:
    """``id, agent`` of the finder's proposed claims whose agent is one of these entities
    (None: is no entity, though named): the machine's link, which no act logs."""
    if entity_ids is None:
        return conn.execute("SELECT id, agent FROM claims WHERE status = 'proposed' AND "
                            "provenance != 'editor' AND agent != '' "
                            "AND agent_entity_id IS NULL").fetchall()
    return conn.execute("SELECT id, agent FROM claims WHERE status = 'proposed' AND "
                        "provenance != 'editor' AND agent_entity_id IN "
                        "(SELECT value FROM json_each(?))",
                        (json.dumps(sorted(set(entity_ids))),)).fetchall()


def set_kind(conn: sqlite3.Connection, claim_id: int, kind: str) -> None:
    """Machine work, unlogged: a proposed claim's kind, as where it stands says it now (the
    editor's voice or the source's)."""
    conn.execute("UPDATE claims SET kind = ? WHERE id = ?", (kind, claim_id))


def set_agent_entity(conn: sqlite3.Connection, claim_id: int, entity_id: str | None) -> None:
    """Machine work, unlogged: a proposed claim's agent entity, as the finder finds it now."""
    conn.execute("UPDATE claims SET agent_entity_id = ? WHERE id = ?", (entity_id, claim_id))


def of_kind(conn: sqlite3.Connection, kind: str, status: str) -> list[sqlite3.Row]:
    """(id, source_id, start, end) of the claims of a kind with ``status``, by id."""
    return conn.execute("SELECT id, source_id, start, end FROM claims WHERE kind = ? AND "
                        "status = ? ORDER BY id", (kind, status)).fetchall()


def suggested_links(conn: sqlite3.Connection, bib_key: str, *, status: str = "suggested"
                    ) -> list[int]:
    """Ids of the suggested (not yet accepted) links to a work, by id; with ``status``
    'confirmed', those accepted."""
    return [r["id"] for r in conn.execute(
        "SELECT id FROM links WHERE bib_key = ? AND status = ? ORDER BY id",
        (bib_key, status))]
