"""The batch reads the exports make: a source's mentions grouped by markup, the claims (as
columns, their kinds once) and links of every exported source in one query each (grouped by
source), the works the claims cite, counts for the summary.

``states`` and ``link_states`` are pairs (the same state twice for one), so the SQL stays fixed.

DOCS: docs/export.md
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

from annotator.store.claims import CURRENT
from annotator.store.connection import (TOLD_DATES, TOLD_JULIAN, TOLD_STATED, Store,
                                        plain_rows)


Pair = tuple[str, str]


Kind = tuple[str, str | None, str | None, str, str, str]


_K = TypeVar("_K")


class PackRead(NamedTuple, Generic[_K]):
    """The mentions or claims of many sources, as columns read from their packs: each kind
    (the same markup: a ``Kind``, a ``ClaimKind``) once for all of them, and each version's
    rows one after the other (``sizes``: how many each), in document order (``_mention_pack``,
    ``_claim_pack``), each numbered among its version's own kinds (in the order it first has
    them: ``own``, their numbers in ``kinds``)."""

    kinds: list[_K]
    versions: list[tuple[str, str]]  # (source_id, sha256) of those with any
    sizes: list[int]
    own: list[int]  # each version's kinds, as indices into ``kinds``, version after version
    counts: list[int]  # how many kinds each version has
    local: str  # of each row, its index into its version's ``own``; joined by commas
    starts: str  # joined by commas, version after version
    ends: str
    ids: str = ""  # the claims' ids, joined so (mentions have none)


MentionRead = PackRead[Kind]


class _Numbered(dict[str, int]):
    """A kind's text -> its number, a new one numbered as it is first read (by ``map``, in C)."""

    def __missing__(self, key: str) -> int:
        self[key] = n = len(self)
        return n


# The aggregate ``mention_kinds`` reads, with its marks: state and provenance only mark
# proposals (``@cert``, ``@resp``), so they are read only with them; without, only whether
# the file's own markup gave the mention (provenance ``source``: the export does not wrap it
# again).
_AGGREGATE = (
    "SELECT source_id, sha256, group_concat(start), group_concat(end), "
    "group_concat(json_array(type, entity_id, date_value, {marks}, date_cert), '\x1e') "
    "FROM mentions WHERE source_id IN (SELECT value FROM json_each(?)) "
    "AND status IN (?, ?) GROUP BY source_id, sha256")
_MARKS = ("'confirmed', CASE provenance WHEN 'source' THEN 'source' ELSE '' END",
          "status, provenance")
# The aggregate ``claims_of`` reads: a version's claims' ids, starts and ends, and each one's
# kind a JSON array, its confidence quoted (``quote``: its digits read back to the same float,
# which JSON's 15 do not).
_CLAIMS = (
    "SELECT source_id, sha256, group_concat(id), group_concat(start), group_concat(end), "
    "group_concat(json_array(kind, status, agent, agent_entity_id, provenance, cue, "
    "quote(confidence), agent_candidate), '\x1e') FROM claims WHERE source_id IN "
    "(SELECT value FROM json_each(?)) AND status IN (?, ?) GROUP BY source_id, sha256")
# the states whose answers the packs keep (their ``proposals``), and the digests of the
# queries that give them, under which they are kept: a row another query gave is not read
_PACKED: dict[Pair, int] = {("confirmed", "confirmed"): 0, ("confirmed", "proposed"): 1}
# how a pack holds the kinds (``_numbered``): each mention's (or claim's) number among its
# version's kinds, US, then those kinds, each once, joined by RS
_KINDS = "local,US,own RS"
# how a pack orders a version's mentions and claims (``_mention_pack``, ``_claim_pack``): as
# its export writes them
_MENTION_ORDER = "start, longer first, type"
_CLAIM_ORDER = "start, longer first"
PACK_CODE = hashlib.sha256(repr((_AGGREGATE, _MARKS, _PACKED, _KINDS, _MENTION_ORDER)
                                ).encode()).hexdigest()[:16]
CLAIM_PACK_CODE = hashlib.sha256(repr((_CLAIMS, _PACKED, _KINDS, _CLAIM_ORDER)
                                      ).encode()).hexdigest()[:16]

_Pack = tuple[str, ...]  # a version's row of an aggregate ('' each: nothing there)


class _Packs(NamedTuple):
    """A table that keeps a version's row of an aggregate (``mention_packs``,
    ``claim_packs``): its name, the columns of the row after the version's, the code under
    which its rows are kept, and what a row of the aggregate is made into to be kept."""

    table: str
    columns: tuple[str, ...]
    code: str
    shape: Callable[[_Pack], _Pack] | None = None


def mention_kinds(store: Store, versions: Sequence[tuple[str, str]],
                  states: Pair) -> MentionRead:
    """The mentions of ``versions`` (source id, sha256) in ``states``, in one query for all.

    A row per mention, or per kind, costs Python an object per column: most of an export
    (a kind holds one or two mentions of a source). One row per source, each mention's kind
    a JSON array joined by RS (JSON escapes control characters; a literal: ``char(30)`` is
    called for every row), costs Python a number per mention: a kind's text is decoded once
    for the whole export (an edition of 80k mentions has a few hundred kinds). The store
    answers from its ``mentions_kinds`` index alone, in the index's order, but builds those
    rows at a cost (a JSON array a mention: 3 ms for the 4,810 of the bench edition); each
    version's row is kept in ``mention_packs`` (``_kept``), its kinds numbered
    (``_numbered``: an export numbers each version's kinds, 2,301 texts, not its mentions')
    and its mentions in document order (``_mention_pack``: no export sorts them),
    whose triggers drop a source's rows when its mentions change, and read back from there
    (0.2 ms), the versions without one aggregated.
    """
    found = _kept(store, _MENTION_PACKS, versions, states,
                  _AGGREGATE.format(marks=_MARKS["proposed" in states]))
    numbered = _Numbered()
    got, sizes, own, counts, local, (starts, ends) = _columns(found, numbered, 2)
    return PackRead(list(map(tuple, json.loads(f"[{','.join(numbered)}]"))),  # one decode
                    got, sizes, own, counts, local, starts, ends)


def _columns(found: dict[tuple[str, str], _Pack], numbered: _Numbered, width: int
             ) -> tuple[list[tuple[str, str]], list[int], list[int], list[int], str, list[str]]:
    """The versions of ``found`` (their packs) that have any, in the order of the index (by
    source id, then sha256), and of them: how many each has, their kinds numbered among
    every version's (``numbered``: a few thousand, not a number a mention or claim) and how
    many each has, each one's number among its version's kinds, and the ``width`` columns
    before the kinds, joined by commas, version after version."""
    versions: list[tuple[str, str]] = []
    sizes: list[int] = []
    counts: list[int] = []
    every: list[int] = []
    local: list[str] = []
    cols: list[list[str]] = [[] for _ in range(width)]
    number = numbered.__getitem__
    for key in sorted(found):
        *firsts, keys = found[key]
        if keys:
            numbers, _, kinds = keys.partition("\x1f")
            versions.append(key)
            sizes.append(numbers.count(",") + 1)
            local.append(numbers)
            had = len(every)
            every.extend(map(number, kinds.split("\x1e")))
            counts.append(len(every) - had)
            for col, first in zip(cols, firsts):
                col.append(first)
    return versions, sizes, every, counts, ",".join(local), [",".join(col) for col in cols]


def _numbered(keys: str) -> str:
    """A version's kinds as a pack holds them (``_KINDS``), from the aggregate's (each
    mention's kind, joined by RS): each kind once, in the order the version first has it,
    and each mention's number among them ('' for none), so an export numbers a version's
    few dozen kinds, not its every mention."""
    if not keys:
        return ""
    numbered = _Numbered()
    local = ",".join(map(str, map(numbered.__getitem__, keys.split("\x1e"))))
    return local + "\x1f" + "\x1e".join(numbered)


def _mention_pack(row: _Pack) -> _Pack:
    """A version's row of the mentions' aggregate as its pack keeps it: its mentions in
    document order (by start, longer first, then by type's name: a version has one mention
    of a type at a span), sorted once when kept, not by every export, and their kinds
    numbered."""
    starts, ends, keys = row
    if not keys:
        return row
    each = keys.split("\x1e")
    type_of = {k: json.loads(k)[0] for k in set(each)}  # a kind's first field
    return _document_order((starts.split(","), ends.split(","), each), 0,
                           lambda i: type_of[each[i]])


def _claim_pack(row: _Pack) -> _Pack:
    """A version's row of the claims' aggregate as its pack keeps it: its claims in the
    order its export writes them (by start, longer first: a version has one claim of a
    span), sorted once when kept, not by every export, and their kinds numbered."""
    ids, starts, ends, keys = row
    return _document_order((ids.split(","), starts.split(","), ends.split(","),
                            keys.split("\x1e")), 1)


def _document_order(cols: tuple[list[str], ...], at: int,
                    type_of: Callable[[int], str] | None = None) -> _Pack:
    """A version's row, split (``cols``: its starts at ``at``, its ends next, its kinds
    last), by start, longer first, then ``type_of`` each (if given), joined again, its kinds
    numbered (``_numbered``)."""
    start, end = list(map(int, cols[at])), list(map(int, cols[at + 1]))
    order = sorted(range(len(start)), key=(lambda i: (start[i], -end[i])) if type_of is None
                   else (lambda i: (start[i], -end[i], type_of(i))))
    *firsts, kinds = ([col[i] for i in order] for col in cols)
    return (*map(",".join, firsts), _numbered("\x1e".join(kinds)))


_MENTION_PACKS = _Packs("mention_packs", ("starts", "ends", "kinds"), PACK_CODE, _mention_pack)
_CLAIM_PACKS = _Packs("claim_packs", ("ids", "starts", "ends", "kinds"), CLAIM_PACK_CODE,
                      _claim_pack)


def _source_ids(versions: set[tuple[str, str]]) -> str:
    return json.dumps(sorted({sid for sid, _ in versions}))


def _kept(store: Store, packs: _Packs, versions: Sequence[tuple[str, str]], states: Pair,
          aggregate: str) -> dict[tuple[str, str], _Pack]:
    """Each version's row of ``aggregate`` (its query, of ``states``): kept in ``packs``'
    table, else aggregated and kept there (``_packed``)."""
    wanted = set(versions)
    proposals = _PACKED.get(states)
    found: dict[tuple[str, str], _Pack] = {}
    if proposals is not None:
        for sid, sha, *pack in plain_rows(store.conn, (
                f"SELECT source_id, sha256, {', '.join(packs.columns)} "  # noqa: S608
                f"FROM {packs.table} WHERE source_id IN (SELECT value FROM json_each(?)) "
                "AND proposals = ? AND code = ?"), (_source_ids(wanted), proposals, packs.code)):
            if (sid, sha) in wanted:
                found[sid, sha] = tuple(pack)
    if len(found) < len(wanted):
        found.update(_packed(store, packs, wanted - found.keys(), states, proposals,
                             aggregate))
    return found


def _packed(store: Store, packs: _Packs, versions: set[tuple[str, str]], states: Pair,
            proposals: int | None, aggregate: str) -> dict[tuple[str, str], _Pack]:
    """Each version's row of ``aggregate``, kept in ``packs``' table for next time
    (``proposals``: which row; None, kept in none). Kept without waiting, in the transaction
    that reads them (a change another connection committed between the read and the
    keeping would leave the row out of date), and never in a transaction of the caller's
    (``Store.keep_if_free`` would keep them with an act, which a failed write, a full disk,
    could end): a store that is busy, or cannot be written, only makes the next export
    aggregate them again."""

    empty = ("",) * len(packs.columns)
    shape = packs.shape

    def aggregated(conn: sqlite3.Connection) -> dict[tuple[str, str], _Pack]:
        got = {(sid, sha): shape(tuple(pack)) if shape else tuple(pack)
               for sid, sha, *pack in plain_rows(conn, aggregate,
                                                 (_source_ids(versions), *states))}
        return {key: got.get(key, empty) for key in versions}

    if proposals is None or store.conn.in_transaction:
        return aggregated(store.conn)
    out: dict[tuple[str, str], _Pack] = {}

    def keep(conn: sqlite3.Connection) -> None:
        out.update(aggregated(conn))
        conn.executemany(
            f"INSERT OR REPLACE INTO {packs.table} (source_id, sha256, proposals, code, "
            f"{', '.join(packs.columns)}) VALUES (?, ?, ?, ?{', ?' * len(empty)})",
            [(sid, sha, proposals, packs.code, *pack) for (sid, sha), pack in out.items()])

    store.keep_if_free(keep, f"{packs.table} of {len(versions)} source version(s)")
    return out or aggregated(store.conn)


def marked_dates(conn: sqlite3.Connection, versions: Sequence[tuple[str, str]], states: Pair
                 ) -> dict[tuple[str, str], list[tuple[int, int, str, str, bool, bool]]]:
    """(start, end, date_value, date_written, julian, stated) of the date mentions of
    ``versions`` whose tag says more than their value, by (source id, sha256): those flagged
    ``julian`` (an Old Style date: its words a Julian day), and those the text states with a
    doubt (``stated``, '12 May 1791?': not certain, its value flagged ``date_stated`` where
    ``chronology`` decides it), whose doubt is no inference, nor is an editor's estimate (a
    value set with ``date set --cert low``: ``date_set``, not the reason's wording). Apart from
    ``mention_kinds``, whose index holds neither flags nor reasons: the store finds them in
    the partial index ``mentions_told_dates`` (``TOLD_DATES``), which holds them alone, a few
    of an export's mentions (was: every date's row looked up, 13 of 1,103 kept), by source
    id alone: asked by sha256 too, it looked up every pair of the two lists (2,401 for 49
    sources), and a source's other versions are few."""
    wanted = set(versions)
    out: dict[tuple[str, str], list[tuple[int, int, str, str, bool, bool]]] = {}
    for sid, sha, start, end, value, written, julian, stated in plain_rows(conn, (
            "SELECT source_id, sha256, start, end, date_value, date_written, "
            f"{TOLD_JULIAN} AS julian, {TOLD_STATED} AS stated "
            "FROM mentions INDEXED BY mentions_told_dates "
            "WHERE source_id IN (SELECT value FROM json_each(?)) "
            f"AND {TOLD_DATES} AND status IN (?, ?)"),  # noqa: S608
            (_source_ids(wanted), *states)):
        if (sid, sha) in wanted:
            out.setdefault((sid, sha), []).append(
                (start, end, value, written or "", bool(julian), bool(stated)))
    return out


def _by_version(rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """Rows that start with ``source_id, sha256``, grouped by them, without those two."""
    out: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for r in rows:
        out.setdefault((r[0], r[1]), []).append(r[2:])
    return out


# what claims alike share, as the export writes them: (kind, status, agent, agent_entity_id,
# provenance, cue, confidence, agent_candidate)
ClaimKind = tuple[str, str, str, str | None, str, str, float | None, str]


ClaimRead = PackRead[ClaimKind]


def claims_of(store: Store, versions: Sequence[tuple[str, str]], states: Pair) -> ClaimRead:
    """The claims of ``versions`` (source id, sha256) in ``states``, in one query for all.

    A row per claim cost Python a value per column (13: 1.9 ms of the 2.4 the query took
    for the 1,498 claims of the bench edition); one row per version (``_CLAIMS``), its
    claims' kinds JSON arrays joined by RS, costs Python a number per claim (ids, starts and
    ends are read by the caller at once) and a kind's text is decoded once for the whole
    export. SQLite builds those rows at a cost (a JSON array a claim: 1.5 ms); each
    version's is kept in ``claim_packs`` (``_kept``), in document order and its kinds
    numbered (``_claim_pack``: an export numbers each version's kinds, 1,098 texts, and
    sorts no claims), whose triggers drop a source's rows when its claims change, and read
    back from there, the versions without one aggregated.
    A store without claims (most editions) has nothing to aggregate: no pack is read or
    kept (reading a version's empty one costs more than finding it has none)."""
    if not _any(store.conn, "claims"):
        return PackRead([], [], [], [], [], "", "", "")
    found = _kept(store, _CLAIM_PACKS, versions, states, _CLAIMS)
    numbered = _Numbered()
    got, sizes, own, counts, local, (ids, starts, ends) = _columns(found, numbered, 3)
    kinds: list[ClaimKind] = [
        (kind, status, agent, eid, provenance, cue,
         None if confidence == "NULL" else float(confidence), candidate)
        for kind, status, agent, eid, provenance, cue, confidence, candidate
        in json.loads(f"[{','.join(numbered)}]")]  # one decode
    return PackRead(kinds, got, sizes, own, counts, local, starts, ends, ids)


def claim_links_of(conn: sqlite3.Connection, source_ids: Sequence[str], states: Pair,
                   link_states: Pair) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """``claim_links`` of many sources in one query, by (source_id, sha256): to works, and
    to passages not stale (``claims.CURRENT``; a stale one no export writes, as a seg or as a
    link to one). A store without links (most: 0.2 ms to find a source's claims have none)
    is not asked."""
    if not _any(conn, "links"):
        return {}
    return _by_version(plain_rows(conn,
        "SELECT c.source_id, c.sha256, l.claim_id, l.rel, l.status, l.provenance, l.locus, "
        "l.bib_key, l.target_source_id, l.target_start, l.target_end FROM links l JOIN claims c "
        "ON c.id = l.claim_id WHERE c.source_id IN (SELECT value FROM json_each(?)) "
        f"AND c.status IN (?, ?) AND l.status IN (?, ?) AND {CURRENT} "  # noqa: S608
        "ORDER BY c.source_id, c.sha256, "
        "l.claim_id, l.rel, l.bib_key, l.target_source_id, l.target_start, l.locus, l.id",
        (json.dumps(list(source_ids)), *states, *link_states)))


def passages_of(conn: sqlite3.Connection, source_ids: Sequence[str], states: Pair,
                link_states: Pair) -> dict[str, set[tuple[int, int]]]:
    """``passages`` of many sources in one query, by source id (none stale; none asked of a
    store without links)."""
    out: dict[str, set[tuple[int, int]]] = {}
    if not _any(conn, "links"):
        return out
    for r in conn.execute(
            "SELECT l.target_source_id, l.target_start, l.target_end FROM links l JOIN claims c "
            "ON c.id = l.claim_id WHERE l.target_source_id IN (SELECT value FROM json_each(?)) "
            "AND l.status IN (?, ?) AND c.status IN (?, ?) AND l.target_start IS NOT NULL "
            f"AND l.target_end > l.target_start AND {CURRENT}",  # noqa: S608
            (json.dumps(list(source_ids)), *link_states, *states)):
        out.setdefault(r[0], set()).add((r[1], r[2]))
    return out


def _any(conn: sqlite3.Connection, table: str) -> bool:
    """Whether ``table`` has a row: a store without claims or links (most editions) is
    asked nothing else of them, which costs more to find than this."""
    return bool(plain_rows(conn, f"SELECT 1 FROM {table} LIMIT 1", ()))  # noqa: S608


def cited_keys(conn: sqlite3.Connection) -> set[str]:
    """Keys of the works linked (confirmed) to claims not rejected."""
    return {r["bib_key"] for r in conn.execute(
        "SELECT DISTINCT l.bib_key FROM links l JOIN claims c ON c.id = l.claim_id "
        "WHERE l.bib_key IS NOT NULL AND l.status = 'confirmed' "
        "AND c.status IN ('proposed', 'confirmed')")}


def source_changes(conn: sqlite3.Connection, source_id: str) -> list[list[dict[str, Any]]]:
    """The changes of the acts that added or replaced a source, oldest first."""
    return [json.loads(r["changes"]) for r in conn.execute(
        "SELECT changes FROM decisions WHERE target = ? AND act IN ('add', 'replace') "
        "ORDER BY id", (f"source:{source_id}",))]


def entity_counts(conn: sqlite3.Connection) -> tuple[tuple[str, str, int], ...]:
    """``(type, status, n)`` of the entities."""
    return tuple((r["type"], r["status"], r["n"]) for r in conn.execute(
        "SELECT type, status, count(*) AS n FROM entities GROUP BY type, status "
        "ORDER BY type, status"))
