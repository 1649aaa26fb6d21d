"""The store of record: one SQLite file per workspace, opened one way.

WAL, foreign keys, a busy timeout and ``PRAGMA user_version`` with forward migrations. Every
editor act runs in ``Store.act()``: one ``BEGIN IMMEDIATE`` transaction that writes the change and
its row in the append-only decisions log together, so an act is either wholly kept or not at all.

DOCS: docs/store.md
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from annotator.calendar import written_of_reason
from annotator.errors import Location, StoreError
from annotator.files import reached
from annotator.store.logged import (CHAIN_ROOT, EVERY_CHAIN, IMPORT_ACTS, NAMING, PREFERRING,
                                    logged, meaning)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 27
BUSY_TIMEOUT_MS = 5000
# how much of the store a connection reads through a memory map, not a read() per page into
# its own page cache: a fresh connection (each command, each export) copies every page it
# reads once less; the kept text maps an export loads, most of its bytes, cost half as much
MMAP_BYTES = 1 << 30


def _add_columns(conn: sqlite3.Connection, wanted: list[tuple[str, str, str]]) -> str:
    """``ALTER TABLE t ADD COLUMN c decl`` for each (t, c, decl) the store lacks: a store made
    from a newer schema.sql already has them."""
    have = {(t, r[1]) for t in {t for t, _, _ in wanted}
            for r in conn.execute(f"PRAGMA table_info({t})")}  # noqa: S608 (fixed names)
    return "".join(f"ALTER TABLE {t} ADD COLUMN {c} {decl};"
                   for t, c, decl in wanted if (t, c) not in have)


def _date_columns(conn: sqlite3.Connection) -> str:
    """Version 5: the source's own date (anchor), each date's reason and certainty (issue 19),
    and the export's mention groups by certainty. Columns a store has are not added again."""
    text = "TEXT NOT NULL DEFAULT ''"
    return _add_columns(conn, [("sources", "date", text), ("sources", "date_reason", text),
                               ("mentions", "date_reason", text),
                               ("mentions", "date_cert", text)]) + (
        "DROP INDEX IF EXISTS mentions_kinds;"
        "CREATE INDEX mentions_kinds ON mentions(source_id, sha256, type, entity_id, "
        "date_value, date_cert, status, start, end);")


def _claim_columns(conn: sqlite3.Connection) -> str:
    """Version 7: a claim proposal's confidence and a description agent's candidate."""
    return _add_columns(conn, [("claims", "confidence", "REAL"),
                               ("claims", "agent_candidate", "TEXT NOT NULL DEFAULT ''")])


def _name_column(conn: sqlite3.Connection) -> str:
    """Version 9: the name of the file a source was added from. A store before it does not
    know it ('', as for a store made before files kept their names, ``<id>.xml``)."""
    return _add_columns(conn, [("sources", "name", "TEXT NOT NULL DEFAULT ''")])


def _loose_column(conn: sqlite3.Connection) -> str:
    """Version 11: each name's loose key (``variants.loose``, indexed), made in Python for the
    names a store holds; merge suggestions find "Smith & Co" and "Smith and Company" by it."""
    from annotator.entities.similar import loose_key

    conn.create_function("annotator_loose_key", 1, loose_key, deterministic=True)
    return _add_columns(conn, [("variants", "loose", "TEXT NOT NULL DEFAULT ''")]) + (
        "UPDATE variants SET loose = annotator_loose_key(key);"
        "CREATE INDEX IF NOT EXISTS variants_loose ON variants(loose) WHERE loose != '';")


def _geo_column(conn: sqlite3.Connection) -> str:
    """Version 12: a place's coordinates (``entities.geo``), so a register's ``<geo>`` survives
    import and export; '' in a store before it (none were kept)."""
    return _add_columns(conn, [("entities", "geo", "TEXT NOT NULL DEFAULT ''")])



def _written_column(conn: sqlite3.Connection) -> str:
    """Version 13: each pointer as the edition wrote it (``pointers.written``), so an export
    writes ``https://`` where the edition did; '' in a store before it, whose pointers are
    written as their key (``normalise``), as before."""
    return _add_columns(conn, [("pointers", "written", "TEXT NOT NULL DEFAULT ''")])


def _decided_table(conn: sqlite3.Connection) -> str:
    """Version 15: what each act logged means for exports and the claims finder
    (``store.logged``: the entities, mentions and claims it changed), in table
    ``decided``, filled here from the log as ``Store.act`` writes it for each new act. Filled
    anew: a second command that read version 14 before the first migrated runs it again."""
    return _DECIDED + "DELETE FROM decided; " + _logged_rows(
        conn, f"m.depth = 0 AND m.root NOT IN {IMPORT_ACTS!r}")


def _deleted_rows(conn: sqlite3.Connection) -> str:
    """Version 16: the entities each act deleted, undos and additions too (``decided`` rows
    ``deleted``, filled here from the log), which ``taken_ids`` and ``entity_removed`` read
    instead of every act's changes; the index ``decisions_deleting`` they replace goes."""
    return ("DROP INDEX IF EXISTS decisions_deleting; DELETE FROM decided WHERE what = 'deleted';"
            + _logged_rows(conn, "json_extract(k.value, '$[0]') = 'deleted'"))


def _logged_rows(conn: sqlite3.Connection, where: str) -> str:
    """SQL that fills ``decided`` with what ``store.logged`` keeps of the logged acts, as
    ``Store.act`` writes it for a new act, where ``where`` holds (of ``m``: ``logged.EVERY_CHAIN``,
    each act with the act its chain began with; ``k.value``: one (what, key) pair)."""
    conn.create_function("annotator_logged", 4, lambda root, depth, target, changes: json.dumps(
        list(logged(meaning(root, depth), target, json.loads(changes))), ensure_ascii=False))
    return ("INSERT INTO decided (decision_id, what, key) "
            "SELECT m.id, json_extract(k.value, '$[0]'), json_extract(k.value, '$[1]') "
            f"FROM ({EVERY_CHAIN}) AS m, "
            f"json_each(annotator_logged(m.root, m.depth, m.target, m.changes)) AS k WHERE {where};")


# The tables whose INTEGER ids the decision log keeps: an undo puts a row back under its id,
# a later act or a page names it. AUTOINCREMENT (version 17): an id once given names no other row.
FRESH_IDS = ("mentions", "claims", "links", "runs")


def _fresh_ids(conn: sqlite3.Connection) -> str:
    """Version 17: the tables of ``FRESH_IDS`` give no id twice. The highest id there plus
    one can be a row's that an act took away (a removal of the source holding the highest
    ids), and its undo could then not put the row back. SQLite adds AUTOINCREMENT to no table
    in place, so each is made anew as its own definition says (its columns in their order,
    its constraints) with the keyword, its rows copied with their ids, the old one dropped,
    the new one renamed, its indexes and triggers made again from their own SQL (SQLite's
    way: https://sqlite.org/lang_altertable.html#otheralter; ``_migrate`` turns foreign keys
    off for it). The highest id each gave (sqlite_sequence) is the highest of its rows, of
    what sqlite_sequence kept, and of the ids the log names (rows an act deleted, which its
    undo puts back), read in the migration's own transaction: a second command running it
    again after the first, and after another act, loses none."""
    script = ""
    for table in FRESH_IDS:
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (table,)).fetchone()
        made, found = re.subn(rf'^CREATE TABLE\s+("?){table}\1\s*\(',
                              f"CREATE TABLE {table}_v17 (", sql, count=1, flags=re.I)
        if not re.search(r"\bAUTOINCREMENT\b", made, flags=re.I):  # not made anew already
            made, keyed = re.subn(r"\bid\s+INTEGER\s+PRIMARY\s+KEY\b", r"\g<0> AUTOINCREMENT",
                                  made, count=1, flags=re.I)
            found = found and keyed
        if not found:
            raise sqlite3.OperationalError(f"table {table} has no INTEGER PRIMARY KEY id")
        again = "".join(f"{r[0]};" for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL ORDER BY rowid", (table,)))
        logged_ids = ("SELECT max(CAST(json_extract(c.value, '$.key.id') AS INTEGER)) "
                      "FROM decisions d, json_each(d.changes) c "
                      f"WHERE instr(d.changes, '\"table\": \"{table}\"') > 0 "
                      f"AND json_extract(c.value, '$.table') = '{table}'")
        script += (
            f"{made}; INSERT INTO {table}_v17 SELECT * FROM {table}; "
            f"DELETE FROM sqlite_sequence WHERE name = '{table}_v17'; "
            f"INSERT INTO sqlite_sequence (name, seq) VALUES ('{table}_v17', max("
            f"coalesce((SELECT max(id) FROM {table}), 0), "
            f"coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), "
            f"coalesce(({logged_ids}), 0))); "
            f"DROP TABLE {table}; ALTER TABLE {table}_v17 RENAME TO {table}; {again}")
    return script


def _passage_versions(conn: sqlite3.Connection) -> str:
    """Version 18: ``links.target_sha256``, the version of its source a passage's offsets
    hold for. A store before it never moved a link when its source was replaced, so each
    holds for the version its source had when the link was made: the sources row that the
    newest add, replacement or undo at or before the act that made the link wrote, as the
    log keeps both (a link the log does not know of: the source as it is). Only links
    without one are filled: a second command running it again changes nothing."""
    def logged(table: str, value: str, also: str = "") -> str:
        return (f"SELECT CAST(json_extract(c.value, '$.key.id') AS {value}) AS id, d.id AS at"
                f"{also} FROM decisions d, json_each(d.changes) c "
                f"WHERE instr(d.changes, '\"{table}\"') > 0 "  # however it is spaced
                f"AND json_extract(c.value, '$.table') = '{table}' "
                "AND json_type(c.value, '$.after') = 'object'")
    return _add_columns(conn, [("links", "target_sha256", "TEXT")]) + (
        "CREATE TEMP TABLE linked AS SELECT id, max(at) AS at FROM ("
        + logged("links", "INTEGER") + " AND json_type(c.value, '$.before') = 'null') "
        "GROUP BY id; "
        "CREATE TEMP TABLE versions AS "
        + logged("sources", "TEXT", ", json_extract(c.value, '$.after.sha256') AS sha256") + "; "
        "UPDATE links SET target_sha256 = coalesce(("
        "SELECT v.sha256 FROM temp.linked m JOIN temp.versions v ON v.at <= m.at "
        "WHERE m.id = links.id AND v.id = links.target_source_id ORDER BY v.at DESC LIMIT 1), "
        "(SELECT sha256 FROM sources WHERE id = links.target_source_id)) "
        "WHERE target_source_id IS NOT NULL AND target_sha256 IS NULL; "
        "DROP TABLE temp.linked; DROP TABLE temp.versions;")


def _redone_rows(conn: sqlite3.Connection) -> str:
    """Version 19: a redo keeps the rows of what it did again, from its own changes (a removal
    redone, what it took out), as ``Store.act`` writes them now (``logged.meaning``), and the
    preferred names an editor chose are rows ``preferred`` (``preferred_by_editor``): the rows
    of every undo and those are filled anew; only undos and the acts that choose a name are
    read."""
    return ("DELETE FROM decided WHERE what = 'preferred' OR decision_id IN "
            "(SELECT id FROM decisions WHERE undoes IS NOT NULL);" + _logged_rows(
                conn, f"m.depth > 0 OR m.root IN {PREFERRING!r} "
                "AND json_extract(k.value, '$[0]') = 'preferred'"))


def _source_dates(conn: sqlite3.Connection) -> str:
    """Version 20: each version's header and dateline disagreement on its date (S026,
    ``source_versions.date_differs``), worked out here from the bytes the store keeps, as
    ``add`` keeps it for a new version, so that ``check`` and ``sources`` parse no file to
    say it; and the date of each source the editor did not set by today's rule
    (``tei.dating.source_date``: a letter's dateline outranks its source description's date),
    where an older store kept the rule of the day its file was added. The sources whose date
    changed are said (``Store.upgraded``). Parsed in the step's transaction (SQL functions),
    each version once; a version that cannot be parsed keeps its date and has no warning."""
    from annotator.chronology import EDITOR
    from annotator.errors import AnnotatorError
    from annotator.tei.dating import differs_json, source_date
    from annotator.tei.parse import parse_source

    found: dict[str, str] = {}

    def dated(sha256: str, data: bytes) -> str:
        if sha256 not in found:
            try:
                got = source_date(parse_source(Path(f"{sha256}.xml"), bytes(data)))
            except AnnotatorError:
                found[sha256] = json.dumps({"date": None, "reason": None, "differs": ""})
            else:
                found[sha256] = json.dumps({
                    "date": got.day.tei() if got.day else "", "reason": got.reason,
                    "differs": differs_json(got.disagreement)},
                    ensure_ascii=False)
        return found[sha256]

    conn.create_function("annotator_dated", 2, dated, deterministic=True)
    return _add_columns(conn, [("source_versions", "date_differs", "TEXT")]) + (
        "CREATE TEMP TABLE v20_dated AS SELECT sha256, annotator_dated(sha256, data) AS found "
        "FROM source_versions WHERE date_differs IS NULL OR sha256 IN (SELECT sha256 FROM "
        "sources); "
        "UPDATE source_versions SET date_differs = (SELECT json_extract(d.found, '$.differs') "
        "FROM temp.v20_dated d WHERE d.sha256 = source_versions.sha256) "
        "WHERE date_differs IS NULL; "
        "CREATE TEMP TABLE v20_redated AS SELECT s.id, s.date AS was, "
        "json_extract(d.found, '$.date') AS date, json_extract(d.found, '$.reason') AS reason "
        "FROM sources s JOIN temp.v20_dated d ON d.sha256 = s.sha256 "
        f"WHERE s.date_reason != '{EDITOR}' AND json_extract(d.found, '$.date') IS NOT NULL "
        "AND (s.date != json_extract(d.found, '$.date') "
        "OR s.date_reason != json_extract(d.found, '$.reason')); "
        "UPDATE sources SET date = r.date, date_reason = r.reason FROM temp.v20_redated r "
        "WHERE r.id = sources.id; "
        "CREATE TEMP TABLE IF NOT EXISTS upgraded (note TEXT NOT NULL); "
        "INSERT INTO temp.upgraded SELECT 'the date of ' || count(*) || ' source(s) set by "
        "today''s rule, a letter''s dateline before its source description''s date (' || "
        "group_concat(id || ' ' || iif(was = '', 'undated', was) || ' -> ' || "
        "iif(date = '', 'undated', date), ', ') || '); ''annotator propose'' dates their "
        "mentions again' FROM (SELECT * FROM temp.v20_redated WHERE date != was ORDER BY id) "
        "HAVING count(*) > 0; "
        "DROP TABLE temp.v20_dated; DROP TABLE temp.v20_redated;")


def _stated_column(conn: sqlite3.Connection) -> str:
    """Version 21: whether a date's value is the text's own (``mentions.date_stated``), as
    ``chronology.Resolved.stated`` says it for a new proposal, so the TEI export reads a
    flag, not the reason's wording. A store before it kept that wording alone: its dates
    whose reason begins 'stated' (the reasons chronology gave such values) are flagged."""
    return _add_columns(conn, [("mentions", "date_stated", "INTEGER NOT NULL DEFAULT 0")]) + (
        "UPDATE mentions SET date_stated = 1 WHERE type = 'date' "
        "AND date_reason LIKE 'stated%' AND date_stated = 0;")


def _uri_column(conn: sqlite3.Connection) -> str:
    """Version 22: the URI of the Zotero item a work was read from (``bib.uri``), by which
    ``bib add`` knows the item again; '' in a store before it, which did not keep it."""
    return _add_columns(conn, [("bib", "uri", "TEXT NOT NULL DEFAULT ''")])


def _written_of_reason(value: str | None, reason: str | None) -> str | None:
    """``calendar.written_of_reason`` of a row's JSON value and reason, as JSON (SQL's)."""
    days = written_of_reason(json.loads(value), reason or "") if value else None
    return json.dumps(days, separators=(",", ":")) if days else None


def _julian_days_column(conn: sqlite3.Connection) -> str:
    """Version 23: the day each value of a date flagged julian was read from, as its words
    write it (``mentions.date_written``), so the TEI export and the editor's flag read a
    column, not the reason's wording. A store before it kept that wording alone: the days
    its reasons name (``calendar.written_of_reason``) are filled in once, here."""
    conn.create_function("written_of_reason", 2, _written_of_reason, deterministic=True)
    return _add_columns(conn, [("mentions", "date_written", "TEXT")]) + (
        "UPDATE mentions SET date_written = written_of_reason(date_value, date_reason) "
        "WHERE type = 'date' AND date_value IS NOT NULL AND date_written IS NULL "
        "AND ',' || flags || ',' LIKE '%,julian,%';")


# the dates whose tag says more than their value (``store.exports.marked_dates``): flagged
# julian (an Old Style date), or a value the text states with a doubt or an editor set
# (``date_set``), not certain. The partial index ``mentions_told_dates`` holds them (version
# 24, its words version 25's) and the query names it and repeats these words: SQLite uses a
# partial index only for a WHERE it can see implies the index's.
TOLD_JULIAN = "',' || flags || ',' LIKE '%,julian,%'"
TOLD_STATED = "date_cert != 'high' AND (date_stated = 1 OR date_set = 1)"
TOLD_DATES = f"type = 'date' AND date_value IS NOT NULL AND ({TOLD_JULIAN} OR {TOLD_STATED})"
_TOLD_INDEX = ("CREATE INDEX IF NOT EXISTS mentions_told_dates ON mentions(source_id, sha256) "
               f"WHERE {TOLD_DATES};")


def _editor_dates_column(conn: sqlite3.Connection) -> str:
    """Version 25: whether a date's value is the editor's (``mentions.date_set``, set by
    'date set' with a value), so the export and the julian flag read a column, not the
    reason's wording. A store before it kept that wording alone: its dates whose reason
    begins ``chronology.EDITOR`` are flagged once, here, and the told-dates index is made
    anew with the column's words (one that has them, a store of a newer schema.sql's, kept)."""
    from annotator.chronology import EDITOR

    index = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'mentions_told_dates'"
                         ).fetchone()
    anew = "" if index is not None and "date_set" in index[0] else \
        f"DROP INDEX IF EXISTS mentions_told_dates; {_TOLD_INDEX}"
    return _add_columns(conn, [("mentions", "date_set", "INTEGER NOT NULL DEFAULT 0")]) + (
        "UPDATE mentions SET date_set = 1 WHERE type = 'date' AND date_value IS NOT NULL "
        f"AND date_reason LIKE '{EDITOR}%' AND date_set = 0; {anew}")


def _editor_set(row: dict[str, Any]) -> int:
    """The ``date_set`` of a mention row logged before version 25, which had none: 1 where
    its reason is the editor's, as the migration reads it."""
    from annotator.chronology import EDITOR

    return int(row.get("type", "date") == "date" and row.get("date_value") is not None and
               (row.get("date_reason") or "").startswith(EDITOR))


# Version 26: what an export read of each source version's mentions, kept (table
# ``mention_packs``, ``store.exports.mention_kinds``), and the triggers that drop a source's
# rows when its mentions change; as schema.sql makes them. An older store has none kept.
_PACKS = (
    "CREATE TABLE IF NOT EXISTS mention_packs (source_id TEXT NOT NULL, sha256 TEXT NOT NULL, "
    "proposals INTEGER NOT NULL, code TEXT NOT NULL, starts TEXT NOT NULL, ends TEXT NOT NULL, "
    "kinds TEXT NOT NULL, PRIMARY KEY (source_id, sha256, proposals)); "
    "CREATE TRIGGER IF NOT EXISTS mention_packs_inserted AFTER INSERT ON mentions BEGIN "
    "DELETE FROM mention_packs WHERE source_id = NEW.source_id; END; "
    "CREATE TRIGGER IF NOT EXISTS mention_packs_deleted AFTER DELETE ON mentions BEGIN "
    "DELETE FROM mention_packs WHERE source_id = OLD.source_id; END; "
    "CREATE TRIGGER IF NOT EXISTS mention_packs_updated AFTER UPDATE OF source_id, sha256, "
    "start, end, type, status, entity_id, date_value, date_cert, provenance ON mentions BEGIN "
    "DELETE FROM mention_packs WHERE source_id IN (OLD.source_id, NEW.source_id); END;")
# Version 27: the same for the claims (table ``claim_packs``, ``store.exports.claims_of``).
_CLAIM_PACKS = (
    "CREATE TABLE IF NOT EXISTS claim_packs (source_id TEXT NOT NULL, sha256 TEXT NOT NULL, "
    "proposals INTEGER NOT NULL, code TEXT NOT NULL, ids TEXT NOT NULL, starts TEXT NOT NULL, "
    "ends TEXT NOT NULL, kinds TEXT NOT NULL, PRIMARY KEY (source_id, sha256, proposals)); "
    "CREATE TRIGGER IF NOT EXISTS claim_packs_inserted AFTER INSERT ON claims BEGIN "
    "DELETE FROM claim_packs WHERE source_id = NEW.source_id; END; "
    "CREATE TRIGGER IF NOT EXISTS claim_packs_deleted AFTER DELETE ON claims BEGIN "
    "DELETE FROM claim_packs WHERE source_id = OLD.source_id; END; "
    "CREATE TRIGGER IF NOT EXISTS claim_packs_updated AFTER UPDATE OF id, source_id, sha256, "
    "start, end, kind, status, agent, agent_entity_id, cue, provenance, confidence, "
    "agent_candidate ON claims BEGIN "
    "DELETE FROM claim_packs WHERE source_id IN (OLD.source_id, NEW.source_id); END;")


def highest_given(conn: sqlite3.Connection, table: str) -> int:
    """The highest id a table of ``FRESH_IDS`` ever gave (0: none): a new row's id is above
    it, and an id at or below it that is not in the table named a row once."""
    assert table in FRESH_IDS
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
    return int(row[0]) if row is not None else 0


_DECIDED = ("CREATE TABLE IF NOT EXISTS decided (decision_id INTEGER NOT NULL "
            "REFERENCES decisions(id), what TEXT NOT NULL, key);"
            "CREATE INDEX IF NOT EXISTS decided_what ON decided(what, key, decision_id);")


# Forward migrations: MIGRATIONS[v] takes a store from version v to v + 1 (SQL, or a function
# of the store that gives it); MIGRATIONS[0] is the whole current schema and takes a new store
# straight to SCHEMA_VERSION.
MIGRATIONS: dict[int, str | Callable[[sqlite3.Connection], str]] = {
    0: resources.files("annotator.store").joinpath("schema.sql").read_text(encoding="utf-8"),
    1: "CREATE INDEX IF NOT EXISTS mentions_kinds ON mentions(source_id, sha256, type, "
       "entity_id, date_value, status, start, end);",  # store.sql has it from version 2
    2: "CREATE TABLE IF NOT EXISTS textmaps (sha256 TEXT PRIMARY KEY, code TEXT NOT NULL, "
       "data BLOB NOT NULL);",  # store.sql has it from version 3
    3: "ALTER TABLE mentions ADD COLUMN confidence REAL; "
       "CREATE TABLE IF NOT EXISTS pointers (pointer TEXT PRIMARY KEY, entity_id TEXT NOT NULL "
       "REFERENCES entities(id) ON DELETE CASCADE, origin TEXT NOT NULL DEFAULT 'markup' "
       "CHECK (origin IN ('register', 'markup'))); "
       "CREATE INDEX IF NOT EXISTS pointers_entity ON pointers(entity_id);",  # from version 4
    4: _date_columns,  # store.sql has them from version 5
    5: "CREATE TABLE IF NOT EXISTS source_rejections (source_id TEXT NOT NULL REFERENCES "
       "sources(id) ON DELETE CASCADE, key TEXT NOT NULL, type TEXT NOT NULL, "
       "PRIMARY KEY (source_id, key, type));",  # store.sql has it from version 6
    6: _claim_columns,  # store.sql has them from version 7
    7: "CREATE INDEX IF NOT EXISTS mentions_entity_state ON mentions(entity_id, status);"
       "DROP INDEX IF EXISTS mentions_kinds;"
       "CREATE INDEX mentions_kinds ON mentions(source_id, sha256, type, entity_id, date_value, "
       "date_cert, status, provenance, start, end);",  # store.sql has them from version 8
    8: _name_column,  # store.sql has it from version 9
    9: "CREATE INDEX IF NOT EXISTS variants_family ON variants(replace(key, rtrim(key, "
       "replace(key, ' ', '')), ''));"
       "CREATE INDEX IF NOT EXISTS variants_joined ON variants(replace(key, ' ', ''));"
       "CREATE INDEX IF NOT EXISTS authority_value ON authority_ids(scheme, value);",
    # store.sql has them from version 10
    10: _loose_column,  # store.sql has it from version 11
    11: _geo_column,  # store.sql has it from version 12
    12: _written_column,  # store.sql has it from version 13
    13: "CREATE INDEX IF NOT EXISTS decisions_deleting ON decisions(id) WHERE "
        "instr(changes, '\"after\": null') > 0 AND instr(changes, '\"entities\"') > 0;",
    # store.sql has it from version 14
    14: _decided_table,  # store.sql has it from version 15
    15: _deleted_rows,  # store.sql has them (and not decisions_deleting) from version 16
    16: _fresh_ids,  # store.sql has them from version 17
    17: _passage_versions,  # store.sql has it from version 18
    18: _redone_rows,  # Store.act writes them from version 19
    19: _source_dates,  # store.sql has it, and add keeps it, from version 20
    20: _stated_column,  # store.sql has it, and propose sets it, from version 21
    21: _uri_column,  # store.sql has it from version 22
    22: _julian_days_column,  # store.sql has it, and propose and 'date set' set it, from 23
    23: "",  # the told-dates index of version 24: version 25's step makes it, with its column
    24: _editor_dates_column,  # store.sql has it, and 'date set' sets it, from version 25
    25: _PACKS,  # store.sql has them from version 26
    26: _CLAIM_PACKS,  # store.sql has them from version 27
}


def now() -> str:
    """UTC time as the store writes it: ISO 8601, seconds, 'Z'."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _busy(path: Path) -> StoreError:
    return StoreError("the store is busy (another annotator is writing)",
                      hint="try again in a moment", location=Location(path), code="W003")


def _cannot_open(path: Path, exc: sqlite3.Error) -> StoreError:
    """W002: SQLite cannot read or write the file or its folder (a read-only folder, where
    it cannot make the ``-shm`` file, or file; a full disk); W003 when another process holds
    it."""
    if "locked" in str(exc) or "busy" in str(exc):
        return _busy(path)
    return StoreError(f"cannot open store ({exc})", hint="check the file and its folder",
                      location=Location(path), code="W002")


# why a part of an act is refused once SQLite ended the act's transaction (``Act.going``)
_ENDED = "the disk refused a write earlier in this act"


# errors of the file or its disk (and their extended codes), not of what the store holds
_UNWRITABLE = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_FULL",
               "SQLITE_IOERR")


def _unwritable(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.Error) and \
        (getattr(exc, "sqlite_errorname", None) or "").startswith(_UNWRITABLE)


def _refusal(path: Path, exc: sqlite3.OperationalError) -> Exception:
    """What SQLite's refusal to begin or commit a transaction is said as: W003 while another
    process writes, W009 when the file or its disk refused, else SQLite's own error."""
    if "locked" in str(exc) or "busy" in str(exc):
        return _busy(path)
    if _unwritable(exc):
        return _unwritten(path, exc)
    return exc


def _unwritten(path: Path, exc: BaseException | str) -> StoreError:
    """W009: a write the file or its disk refused (a full disk) ended the transaction, which
    SQLite rolled back whole (``exc``: the refusal, or what is known of it)."""
    reason = exc.args[0] if isinstance(exc, sqlite3.Error) and exc.args else str(exc)
    return StoreError(f"cannot write the store ({reason}): nothing of this change was kept",
                      hint="free some disk space, or make the file writable, and run the "
                           "command again", location=Location(path), code="W009")


def _not_a_store(path: Path, why: object) -> StoreError:
    """W007: the file is no annotator store (``why``: what SQLite or the check found)."""
    return StoreError(f"not an annotator store ({why})",
                      hint="move the file away and run 'annotator init'",
                      location=Location(path), code="W007")


def _check_version(conn: sqlite3.Connection, path: Path) -> int:
    """The store's schema version, read without writing; refuses a file that is not an
    annotator store (another SQLite database, a negative version) or is from a newer annotator,
    before opening it would switch its journal to WAL."""
    try:
        # one statement, one snapshot: read apart, a second 'init' committing in between
        # would show version 0 beside its tables, a store "of something else"
        version, tables = conn.execute(
            "SELECT (SELECT user_version FROM pragma_user_version), "
            "(SELECT count(*) FROM sqlite_master)").fetchone()
        version = int(version)
    except sqlite3.OperationalError as exc:  # cannot be read: says nothing of what it holds
        raise _cannot_open(path, exc) from None
    except sqlite3.DatabaseError as exc:
        raise _not_a_store(path, exc) from None
    if version < 0 or (version == 0 and tables):
        raise _not_a_store(path, "an SQLite database of something else")
    if version > SCHEMA_VERSION:
        raise StoreError(f"store has schema version {version}, newer than this annotator "
                         f"({SCHEMA_VERSION})", hint="upgrade annotator",
                         location=Location(path), code="W004")
    return version


@contextmanager
def savepoint(conn: sqlite3.Connection, name: str) -> Iterator[None]:
    """A part of the open transaction that happens whole or is rolled back alone (a SAVEPOINT
    ``name``), the transaction going on."""
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # SQLite ends the whole transaction itself on a full disk
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")


class Store:
    """An open store. Use ``Store.open(path)``; close it, or use it as a context manager."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        # SQLite ended the open act's transaction (a full disk): what runs of the act until it
        # closes goes into one begun in its place, rolled back there (``keep_if_free``)
        self.ended = False
        # what the migrations that opening it ran changed that the editor should know (the
        # sources whose date the rule of the day set anew), one line each: the CLI says them
        self.upgraded: list[str] = []

    @property
    def place(self) -> Location:
        """Where an act's refusal says it was refused: the store as the editor reached it,
        relative to the current folder when inside it (``annotator.sqlite`` in the workspace),
        else its absolute path, so that with several editions open the refusal says which."""
        return Location(reached(self.path))

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False) -> Store:
        p = Path(path)
        if not create and not p.exists():
            raise StoreError("store not found", hint="run 'annotator init' first",
                             location=Location(p), code="W001")
        try:
            conn = sqlite3.connect(p, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            try:
                _check_version(conn, p)  # before anything below writes to the file
            except BaseException:
                conn.close()
                raise
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        except sqlite3.OperationalError as exc:
            raise _cannot_open(p, exc) from None
        except sqlite3.DatabaseError as exc:
            raise _not_a_store(p, exc) from None
        store = cls(p, conn)
        try:
            store._migrate()
        except BaseException:  # W002/W008: nothing holds the file open after the refusal
            conn.close()
            raise
        return store

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = _check_version(self.conn, self.path)
        if version >= SCHEMA_VERSION:
            return
        # a migration that makes a table anew drops the old one: with foreign keys on, that
        # would delete or unlink the rows of other tables that refer to it (claims' links)
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            self._migrate_from(version)
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")
        if self.conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'upgraded'"
                             ).fetchone():  # written by the steps, each with its change
            self.upgraded = [r[0] for r in self.conn.execute("SELECT note FROM temp.upgraded")]
            self.conn.execute("DROP TABLE temp.upgraded")

    def _migrate_from(self, version: int) -> None:
        while version < SCHEMA_VERSION:
            step = MIGRATIONS[version]
            # schema.sql is the whole current schema: a new store needs no later migration
            after = SCHEMA_VERSION if version == 0 else version + 1
            try:
                script = step(self.conn) if callable(step) else step
                # the version is checked again inside the step's transaction (a CHECK that
                # fails there): a second command that migrated meanwhile stops this one
                # before a step runs twice, whatever the step
                self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n"
                    f"CREATE TEMP TABLE migrating (at INTEGER CHECK (at = {version}));\n"
                    f"INSERT INTO temp.migrating SELECT user_version FROM pragma_user_version;\n"
                    f"{script}\nPRAGMA user_version = {after};\nDROP TABLE temp.migrating;\n"
                    f"COMMIT;")
            except (sqlite3.OperationalError, sqlite3.IntegrityError) as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if "locked" in str(exc) or "busy" in str(exc) or _unwritable(exc):
                    raise _cannot_open(self.path, exc) from None
                now_at = _check_version(self.conn, self.path)
                if now_at > version:  # another process (a second 'init') migrated meanwhile
                    version = now_at
                    continue
                raise self._not_migrated(after, exc) from None
            version = after

    def _not_migrated(self, after: int, exc: sqlite3.Error) -> StoreError:
        """W008 for a step that failed; naming the decision whose logged changes are not
        JSON (a store mended by hand), which the steps that read the log cannot take."""
        bad = self.conn.execute(
            "SELECT id FROM decisions WHERE json_valid(changes) = 0 ORDER BY id LIMIT 1"
        ).fetchone() if self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'decisions'").fetchone() else None
        if bad is not None:
            return StoreError(f"cannot bring the store to version {after}: the changes "
                              f"decision {bad[0]} logged are not JSON",
                              hint="restore the store from a backup, or mend that row of "
                                   "the decisions table",
                              location=Location(self.path), code="W008")
        return StoreError(f"cannot bring the store to version {after} ({exc})",
                          hint="move the file away and run 'annotator init'",
                          location=Location(self.path), code="W008")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so writers queue, not fail.
        Taken inside another it is a part of that one (a SAVEPOINT), kept only when the outer
        one commits: a decisions file's register import and its lines, two acts, one whole."""
        if self.conn.in_transaction:
            with savepoint(self.conn, "nested"):
                yield self.conn
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _refusal(self.path, exc) from None
        try:
            yield self.conn
        except BaseException as exc:
            ended = self._rollback()
            if _unwritable(exc):
                raise _unwritten(self.path, exc) from None
            if ended and not (isinstance(exc, StoreError) and exc.code == "W009"):
                raise _unwritten(self.path, _ENDED) from None
            raise
        else:
            if self.ended or not self.conn.in_transaction:  # an error of it let pass since
                self._rollback()
                raise _unwritten(self.path, _ENDED)
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self._rollback()
                raise _refusal(self.path, exc) from None

    def _rollback(self) -> bool:
        """Roll the open transaction back, unless SQLite ended it itself (a full disk);
        whether it had ended so (``ended``), which the store then forgets."""
        ended, self.ended = self.ended, False
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        return ended

    def keep_if_free(self, keep: Callable[[sqlite3.Connection], None], what: str) -> bool:
        """Write what the store keeps to spare work (a cache) without waiting; whether it
        was kept. A store that cannot be written, or is busy, only makes the next run work it
        out again (logged, with ``what``). Asked during an act, it is kept with it, in a
        savepoint: a cache that cannot be written leaves the act whole. On a full disk SQLite
        ends the act's whole transaction itself: that ends the act (W009), whose other
        statements would else each commit alone. Should code of the act let W009 pass, what
        it writes after goes into a transaction begun in the ended one's place, which the act's
        end rolls back, saying W009 again (``transaction``)."""
        conn = self.conn
        within = conn.in_transaction
        wait = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
        conn.execute("PRAGMA busy_timeout = 0")  # a cache: never wait for another writer
        try:
            if within:
                with savepoint(conn, "cache"):
                    keep(conn)
            else:
                with self.transaction() as tx:
                    keep(tx)
        except (StoreError, sqlite3.Error) as exc:
            if within and not conn.in_transaction:
                self.ended = True
                conn.execute("BEGIN")
                raise _unwritten(self.path, exc) from None
            log.info("%s not kept: %s", what, exc)
            return False
        finally:
            conn.execute(f"PRAGMA busy_timeout = {wait}")
        return True

    @contextmanager
    def act(self, act: str, target: str, *, editor: str,
            payload: dict[str, Any] | None = None, log_unchanged: bool = True) -> Iterator[Act]:
        """One editor act: the changes and the decision row commit together or not at all.
        ``log_unchanged=False``: an act that changed nothing (a file applied again) leaves
        no decision in the log (its ``decision_id`` stays None)."""
        with self.transaction() as conn:
            record = Act(self)
            yield record
            record.going()
            if not record.changes and not log_unchanged:
                return
            cur = conn.execute(
                "INSERT INTO decisions (at, editor, act, target, payload, changes, undoes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now(), editor, act, target, json.dumps(payload or {}, ensure_ascii=False,
                                                        sort_keys=True),
                 json.dumps(record.changes, ensure_ascii=False), record.undoes))
            record.decision_id = cur.lastrowid
            means: str | None = act
            if record.undoes is not None:  # an undo, or a redo: one more than what it undoes
                root, depth, _ = conn.execute(CHAIN_ROOT, (record.undoes,)).fetchone()
                means = meaning(root, depth + 1)
            conn.executemany("INSERT INTO decided (decision_id, what, key) VALUES (?, ?, ?)",
                             [(record.decision_id, what, key) for what, key in
                              logged(means, target, record.changes)])
            if record.undoes is not None:
                conn.execute("UPDATE decisions SET undone_by = ? WHERE id = ?",
                             (record.decision_id, record.undoes))

    def last_decision(self) -> int:
        """Id of the newest decision in the log (0 when there is none)."""
        row = self.conn.execute("SELECT MAX(id) FROM decisions").fetchone()
        return int(row[0] or 0) if row is not None else 0

    def data_version(self) -> int:
        """Changes when another connection commits (``PRAGMA data_version``)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        rows: list[sqlite3.Row] = self.conn.execute(sql, params).fetchall()
        return rows

    def one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row


# Tables whose rows an act may change, with their primary key columns.
KEYS: dict[str, tuple[str, ...]] = {
    "entities": ("id",), "variants": ("entity_id", "key"),
    "authority_ids": ("entity_id", "scheme"), "mentions": ("id",), "rejections": ("key", "type"),
    "source_rejections": ("source_id", "key", "type"),
    "bib": ("key",), "claims": ("id",), "links": ("id",), "sources": ("id",),
    "pending_passages": ("source_id", "target_source_id"), "pointers": ("pointer",),
    "runs": ("id",),
}


def plain_rows(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]
               ) -> list[tuple[Any, ...]]:
    """Rows as plain tuples: a ``sqlite3.Row`` per row costs as much again for batch reads."""
    cur = conn.cursor()
    cur.row_factory = None
    try:
        return cur.execute(sql, params).fetchall()
    finally:
        cur.close()


def matching(**columns: str | Sequence[str] | None) -> tuple[str, list[str]]:
    """`` AND column IN (?, ...)`` for each column given one value or several (None: not
    filtered), and its parameters: the filters of a listing."""
    sql, params = "", []
    for column, value in columns.items():
        if value is None:
            continue
        values = [value] if isinstance(value, str) else list(value)
        sql += f" AND {column} IN ({', '.join('?' * len(values))})"
        params.extend(values)
    return sql, params


def row_at(conn: sqlite3.Connection, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
    """A row's image now, by its key (a table of ``KEYS``): what an act logs and undo compares."""
    where = " AND ".join(f"{c} = ?" for c in key)
    row = conn.execute(f"SELECT * FROM {table} WHERE {where}",  # noqa: S608 (names from KEYS)
                       tuple(key.values())).fetchone()
    return dict(row) if row is not None else None


def dependents(conn: sqlite3.Connection, table: str, keys: Sequence[dict[str, Any]]
               ) -> list[tuple[str, dict[str, Any]]]:
    """The rows (table, key) that deleting these rows of ``table`` would delete or unlink by
    an ON DELETE CASCADE or SET NULL, which no log records: undo checks that none of them is a
    later act's work before it deletes what an act added."""
    out: list[tuple[str, dict[str, Any]]] = []
    for child, column, parent_column in _cascades(conn).get(table, ()):
        values = [k[parent_column] for k in keys if parent_column in k]
        if not values:
            continue
        cols = KEYS[child]
        out.extend((child, dict(zip(cols, r))) for r in plain_rows(
            conn, f"SELECT {', '.join(cols)} FROM {child} WHERE {column} IN "  # noqa: S608
            "(SELECT value FROM json_each(?))", (json.dumps(values),)))
    return out


_CASCADES: dict[str, list[tuple[str, str, str]]] = {}


def _cascades(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str, str]]]:
    """Parent table -> (child table, its column, the parent's column) of each foreign key of
    the tables acts change that deletes or unlinks with its parent, read once from the schema."""
    if not _CASCADES:
        for child in KEYS:
            for fk in conn.execute(f"PRAGMA foreign_key_list({child})"):  # noqa: S608
                if fk["on_delete"] in ("CASCADE", "SET NULL"):
                    _CASCADES.setdefault(fk["table"], []).append((child, fk["from"], fk["to"]))
    return _CASCADES


def _logged_written(row: dict[str, Any]) -> str | None:
    """The ``date_written`` of a mention row logged before version 23, which had none: the
    words' days its reason names where it is flagged julian, as the migration fills them."""
    julian = "julian" in (row.get("flags") or "").split(",")
    return _written_of_reason(row.get("date_value"), row.get("date_reason")) if julian and \
        row.get("type", "date") == "date" else None


class Act:
    """Records row images while an act runs, so the decision log can undo it exactly."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn
        self.changes: list[dict[str, Any]] = []
        self.undoes: int | None = None
        self.decision_id: int | None = None

    @contextmanager
    def attempt(self) -> Iterator[None]:
        """A part of the act that happens whole or leaves no trace while the act goes on (a
        SAVEPOINT): a decisions file's line that cannot be applied is undone, so the lines
        after it are checked against the store as if it were absent."""
        self.going()
        mark = len(self.changes)
        try:
            with savepoint(self.conn, "attempt"):
                yield
        except BaseException:
            del self.changes[mark:]
            raise

    def going(self) -> None:
        """Refuses any further part of the act once its transaction is gone (W009): SQLite
        ends it whole on a full disk, and an error of that let pass (a decisions file's line
        reported, a text map not read) must not let a later statement begin a transaction
        of its own and commit part of the act alone."""
        if self.gone:
            raise _unwritten(self.store.path, _ENDED)

    @property
    def gone(self) -> bool:
        """Whether SQLite ended the act's transaction (``Store.ended``)."""
        return self.store.ended or not self.conn.in_transaction

    def _row(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        return row_at(self.conn, table, key)

    def _key(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        return {c: row[c] for c in KEYS[table]}

    def insert(self, table: str, row: dict[str, Any], *, naming: str | None = None) -> int:
        """Insert a row; returns its rowid. ``naming``: who chose an entity's name in this
        change (``NAMING``), logged with it."""
        self.going()
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cur = self.conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})",  # noqa: S608
                                tuple(row.values()))
        # an INTEGER id left out is assigned by SQLite; a given id (TEXT or INTEGER) is the key
        full = {**row, "id": cur.lastrowid} if "id" in KEYS[table] and "id" not in row else row
        key = self._key(table, full)
        self._log({"table": table, "key": key, "before": None, "after": self._row(table, key)},
                  naming)
        return int(cur.lastrowid or 0)  # the rowid (for an INTEGER id, the id)

    def _log(self, change: dict[str, Any], naming: str | None) -> None:
        if naming is not None:
            assert naming in NAMING, naming
            change["naming"] = naming
        self.changes.append(change)

    def update(self, table: str, key: dict[str, Any], values: dict[str, Any], *,
               naming: str | None = None) -> None:
        """Change a row's columns (a row that is not there: nothing); ``naming`` as
        ``insert``'s."""
        self.going()
        before = self._row(table, key)
        if before is None:
            return
        sets = ", ".join(f"{c} = ?" for c in values)
        where = " AND ".join(f"{c} = ?" for c in key)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE {where}",  # noqa: S608
                          (*values.values(), *key.values()))
        after = self._row(table, key)
        if after != before:
            self._log({"table": table, "key": key, "before": before, "after": after}, naming)

    def touch(self, table: str, key: dict[str, Any]) -> None:
        """Log a row as the act's though it stays as it is: an editor's confirm of an entity
        the files' pointers made known is the editor's decision about it (``store.decided``),
        which no change of its row would record."""
        self.going()
        row = self._row(table, key)
        if row is not None:
            self._log({"table": table, "key": key, "before": row, "after": row}, None)

    def delete(self, table: str, key: dict[str, Any], *, naming: str | None = None) -> None:
        self.going()
        before = self._row(table, key)
        if before is None:
            return
        where = " AND ".join(f"{c} = ?" for c in key)
        self.conn.execute(f"DELETE FROM {table} WHERE {where}", tuple(key.values()))  # noqa: S608
        self._log({"table": table, "key": key, "before": before, "after": None}, naming)

    def restore(self, changes: list[dict[str, Any]]) -> None:
        """Put back the 'before' images of an earlier act, newest change first; each change
        made keeps the ``naming`` of the one it takes back, so a redo names as the act did."""
        for ch in reversed(changes):
            table, key, before = ch["table"], ch["key"], ch["before"]
            naming = ch.get("naming")
            if table == "mentions" and before is not None and "date_written" not in before:
                before = {**before, "date_written": _logged_written(before)}
            if table == "mentions" and before is not None and "date_set" not in before:
                before = {**before, "date_set": _editor_set(before)}
            if before is None:
                self.delete(table, key, naming=naming)
            elif self._row(table, key) is None:
                if table == "variants" and "loose" not in before:  # logged before version 11
                    from annotator.entities.similar import loose_key

                    before = {**before, "loose": loose_key(before["key"])}
                elif table == "links" and "target_sha256" not in before \
                        and before.get("target_source_id") is not None:
                    # a passage link logged before version 18 names no version: read against
                    # its source as it is, as that release read it
                    source = self._row("sources", {"id": before["target_source_id"]})
                    before = {**before, "target_sha256": source and source["sha256"]}
                self.insert(table, before, naming=naming)
            else:
                self.update(table, key, before, naming=naming)

