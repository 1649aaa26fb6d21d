"""Workspace and sources: add keeps TEI bytes, encodes text, refuses bad input cleanly."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3

import pytest

from annotator import SourceError, StoreError, Workspace
from annotator.store import SCHEMA_VERSION
from annotator.store.connection import MMAP_BYTES
from tests.conftest import DATA, SAMPLE_TEI, SEED_TXT, reopened_at, run


def test_workspace_add_tei_is_byte_identical(ws):
    result = ws.add(DATA / "rich.xml")
    assert result.action == "added"
    assert (ws.root / result.source.file).read_bytes() == (DATA / "rich.xml").read_bytes()
    assert result.source.id == "rich"
    assert len(result.source.sha256) == 64
    assert ws.reading_text("rich").startswith("Berlin, 14 November 1940")


def test_workspace_add_twice_is_noop(ws):
    ws.add(SAMPLE_TEI)
    again = ws.add(SAMPLE_TEI)
    assert again.action == "unchanged"
    assert [s.id for s in ws.sources()] == ["german-soviet-axis-talks"]
    assert ws.store.one("SELECT count(*) FROM decisions")[0] == 1


def test_workspace_add_text_encodes_tei(ws, tei_schema):
    from lxml import etree

    r = ws.add(SEED_TXT)
    path = ws.root / r.source.file
    assert path.name == "german-soviet-axis-talks.xml"
    assert tei_schema.validate(etree.parse(str(path))), tei_schema.error_log.last_error
    text = ws.reading_text(r.source.id)
    assert text.split("\n\n") == [ln for ln in SEED_TXT.read_text().split("\n") if ln.strip()]
    assert r.source.title == "German–Soviet Axis talks"


def test_workspace_add_markdown_headings(ws, tmp_path, tei_schema):
    from lxml import etree

    md = tmp_path / "Notes on Talks.md"
    md.write_text("# Talks\n\nFirst para\nstill first.\n\n## Berlin\n\nIn *Berlin* & more.\n")
    r = ws.add(md)
    assert r.source.id == "notes-on-talks"
    assert ws.reading_text(r.source.id) == ("Talks\n\nFirst para still first.\n\nBerlin\n\n"
                                           "In *Berlin* & more.")
    doc = etree.parse(str(ws.root / r.source.file))
    assert tei_schema.validate(doc), tei_schema.error_log.last_error
    assert len(doc.findall(".//{http://www.tei-c.org/ns/1.0}div")) == 2


@pytest.mark.parametrize("name,data,reading", [
    ("mac.txt", b"Letter\rDear Anna,\r\rBerlin is cold.\r",
     "Letter\n\nDear Anna,\n\nBerlin is cold."),
    ("lines.txt", b"Letter\rDear Anna,\rBerlin is cold.",
     "Letter\n\nDear Anna,\n\nBerlin is cold."),
    ("mac.md", b"# Letter\r\rDear Anna,\r## Berlin\rcold.\r",
     "Letter\n\nDear Anna,\n\nBerlin\n\ncold."),
])
def test_workspace_add_text_with_cr_line_ends(ws, tmp_path, name, data, reading):
    """Lines ended by CR alone (classic Mac files) are lines too: the first is the title."""
    path = tmp_path / name
    path.write_bytes(data)
    r = ws.add(path)
    assert ws.reading_text(r.source.id) == reading
    assert r.source.title == "Letter"


def test_workspace_replace_keeps_matching_mentions(ws, tmp_path):
    src = tmp_path / "letter.txt"
    src.write_text("Letter\n\nHitler met Molotov in Berlin.\n")
    ws.add(src)
    text = ws.reading_text("letter")
    with ws.store.act("add-mention", "mention:new", editor="t") as act:
        for name in ("Hitler", "Molotov"):
            start = text.index(name)
            act.insert("mentions", {"source_id": "letter", "sha256": ws.source("letter").sha256,
                                    "start": start, "end": start + len(name), "type": "person",
                                    "status": "confirmed", "provenance": "editor",
                                    "created_at": "t"})
    src.write_text("Letter\n\nIn 1940 Hitler met Stalin in Berlin.\n")
    with pytest.raises(SourceError) as err:
        ws.add(src)
    assert err.value.code == "S013"
    r = ws.add(src, replace=True)
    assert r.action == "replaced"
    rows = ws.store.query("SELECT start, end, status FROM mentions ORDER BY id")
    new = ws.reading_text("letter")
    statuses = {new[row["start"]:row["end"]] if row["status"] != "stale" else "stale"
                for row in rows}
    assert "Hitler" in statuses and "stale" in statuses
    assert (r.kept, r.stale) == (1, 1)


def test_workspace_replace_keeps_what_an_editor_decided_of_the_files_markup(ws, copy_data):
    """A mention the file's markup gave that an editor decided since stays as decided when the
    source is replaced by a file that still marks its words: rejected, relabelled, split off,
    a date value set; the replaced line counts them. Before, the new file's markup made each
    a confirmed mention of the file's type, entity and value again (the relabelled one a
    second mention beside it)."""
    src = copy_data("marked.xml")
    sid = ws.add(src).source.id
    ms = {m.surface: m for m in ws.mentions(sid)}
    ws.reject(f"mention:{ms['Molotov'].id}")
    ws.relabel(f"mention:{ms['the Foreign Office'].id}", "place")
    ws.set_date(ms["12 November 1940"].id, when="1940-11-13")
    text = ws.reading_text(sid)
    at = text.index("Soviet Union")  # the entity keeps a mention: a split may not empty it
    ws.add_mention(sid, at, at + len("Soviet Union"), "org",
                   entity_id=ms["NKVD"].entity_id)
    ws.split(ms["NKVD"].entity_id, [ms["NKVD"].id], preferred="People's Commissariat")
    decided = {m.surface: (m.type, m.status, m.entity_id, m.date_value)
               for m in ws.mentions(sid) if m.surface in (
                   "Molotov", "the Foreign Office", "12 November 1940", "NKVD", "Soviet Union")}
    src.write_bytes(src.read_bytes().replace(b"Hitler spoke first", b"Hitler spoke at first"))
    out = run(ws, "add", "--replace", str(src))
    assert out.exit_code == 0, out.output
    assert "replaced: marked <- " in out.output
    assert "(5 kept, 0 stale, 4 editor decisions on the file's markup kept)" in out.output
    after = [(m.surface, (m.type, m.status, m.entity_id, m.date_value))
             for m in ws.mentions(sid) if m.surface in decided]
    assert sorted(after) == sorted(decided.items())  # each once, as the editor left it
    assert {m.surface: m.status for m in ws.mentions(sid)}["Berlin"] == "confirmed"


@pytest.mark.parametrize("name,content,code", [
    ("missing.xml", None, "S001"),
    ("empty.xml", b"", "S003"),
    ("broken.xml", b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><text>\n<p>x</text></TEI>", "S005"),
    ("html.xml", b"<html><body>x</body></html>", "S007"),
    ("wrongns.xml", b"<TEI xmlns='urn:other'><text/></TEI>", "S007"),
    ("latin1.txt", "Stra\u00dfe".encode("latin-1"), "S009"),
    ("notes.docx", b"PK\x03\x04", "S012"),
    ("xxe.xml", b'<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><text><p>&x;</p></text></TEI>", "S006"),
    ("bomb.xml", b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                 + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1
                                                           else b"&lol;") * 10)
                            for i in range(1, 10))
                 + b"]><TEI xmlns='http://www.tei-c.org/ns/1.0'><text><p>&lol9;</p></text></TEI>",
     "S006"),
    ("undeclared.xml", b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><text><p>&nbsp;</p></text></TEI>",
     "S005"),
    ("quoted.xml", b'<?xml version="1.0"?>\n'
                   b'<!DOCTYPE TEI SYSTEM "a>b" [<!ATTLIST TEI n CDATA "x">]>'
                   b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><text><p>x</p></text></TEI>", "S006"),
    ("late.xml", b"<!--" + b"x" * 70000 + b'-->\n<!DOCTYPE TEI [<!ENTITY x "y">]>\n'
                 b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><text><p>&x;</p></text></TEI>", "S006"),
    ("external-entity.xml", b'<!DOCTYPE TEI SYSTEM "tei_all.dtd">\n<TEI xmlns="http://www.'
                            b'tei-c.org/ns/1.0"><text><p>a &nbsp; b</p></text></TEI>', "S019"),
])
def test_workspace_add_refuses_bad_files(ws, tmp_path, name, content, code):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SourceError) as err:
        ws.add(path)
    assert err.value.code == code
    assert str(err.value).startswith(str(path))
    assert list(ws.sources_dir.iterdir()) == []
    assert ws.store.one("SELECT count(*) FROM sources")[0] == 0


@pytest.mark.parametrize("doctype", [b'<!DOCTYPE TEI SYSTEM "tei_all.dtd">',
                                     b'<!DOCTYPE TEI PUBLIC "-//TEI//DTD TEI P5//EN" "tei.dtd">',
                                     b"<!DOCTYPE TEI>"])
def test_workspace_add_keeps_a_doctype_without_internal_subset(ws, tmp_path, doctype):
    """Only an internal subset is refused (S006); a DOCTYPE naming an external DTD, which is
    never loaded, is a TEI file like any other."""
    path = tmp_path / "letter.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n' + doctype + b"\n<TEI xmlns='http://www.tei-c.org/"
                     b"ns/1.0'><teiHeader/><text><body><p>Dear Anna,</p></body></text></TEI>")
    ws.add(path)
    assert ws.reading_text("letter") == "Dear Anna,"
    assert (ws.sources_dir / "letter.xml").read_bytes() == path.read_bytes()


def test_workspace_add_refuses_directory(ws, tmp_path):
    d = tmp_path / "folder.xml"
    d.mkdir()
    with pytest.raises(SourceError) as err:
        ws.add(d)
    assert err.value.code == "S002"


def test_workspace_add_refuses_huge_file_before_reading_it(ws, tmp_path, monkeypatch):
    big = tmp_path / "big.xml"
    with open(big, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MiB on paper
    opened: list[str] = []
    real_open = open

    def watching_open(file, *args, **kwargs):  # the real open; only records what is opened
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watching_open)
    with pytest.raises(SourceError) as err:
        ws.add(big)
    monkeypatch.undo()
    assert err.value.code == "S004"
    assert str(big) not in opened
    assert list(ws.sources_dir.iterdir()) == []


def test_workspace_find_walks_up(ws, monkeypatch):
    sub = ws.root / "sources"
    monkeypatch.chdir(sub)
    monkeypatch.delenv("ANNOTATOR_WORKSPACE", raising=False)
    assert Workspace.find().root == ws.root


def test_workspace_find_refuses_a_file(ws):
    with pytest.raises(StoreError) as err:
        Workspace.find(ws.root / "annotator.toml")
    assert err.value.code == "W005"


def test_workspace_not_found(tmp_path, monkeypatch):
    monkeypatch.delenv("ANNOTATOR_WORKSPACE", raising=False)
    with pytest.raises(StoreError) as err:
        Workspace.find(tmp_path)
    assert err.value.code == "W001"


def test_store_pragmas_and_version(ws):
    conn = ws.store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    # pages read through a memory map, not copied by a read() each (an export's kept maps)
    assert conn.execute("PRAGMA mmap_size").fetchone()[0] == MMAP_BYTES


def _as_version(ws, version, *undo):
    """A store of an older schema version (before pointers and mention confidence), reopened."""
    return reopened_at(ws, version, *undo, "DROP TABLE pointers",
                        "ALTER TABLE mentions DROP COLUMN confidence")


def test_store_version_1_gets_the_mentions_kinds_index(ws):
    store = _as_version(ws, 1, "DROP INDEX mentions_kinds").store
    assert store.one("SELECT name FROM sqlite_master WHERE name = 'mentions_kinds'") is not None


def test_store_version_7_gets_the_index_the_queue_counts_from(seed_ws):
    again = reopened_at(seed_ws, 7, "DROP INDEX mentions_entity_state")
    plan = " ".join(str(r[3]) for r in again.store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT entity_id, count(*) FROM mentions WHERE entity_id = 'x' "
        "AND status != 'stale'"))
    assert "COVERING INDEX mentions_entity_state" in plan
    assert again.queue() == sorted(again.queue(), key=lambda i: -again.entity(i).mentions)


def test_store_version_23_gets_the_index_the_export_reads_told_dates_from(seed_ws):
    """The few dates whose tag says more than their value come from a partial index of them
    alone (was: every date's row looked up); a store before it gets it when opened, and the
    export's read finds the same dates through it."""
    from annotator.chronology import EDITOR
    from annotator.store.connection import TOLD_DATES
    from annotator.store.exports import marked_dates

    assert "date_set = 1" in TOLD_DATES and EDITOR not in TOLD_DATES  # a column, no wording
    seed_ws.propose()
    conn = seed_ws.store.conn
    sid, sha = conn.execute("SELECT source_id, sha256 FROM mentions WHERE type = 'date' "
                            "LIMIT 1").fetchone()
    # one date flagged julian, one stated with a doubt, one set by an editor, one certain
    rows = [r[0] for r in conn.execute("SELECT id FROM mentions WHERE source_id = ? AND "
                                       "type = 'date' ORDER BY id LIMIT 4", (sid,))]
    assert len(rows) == 4
    conn.execute("UPDATE mentions SET flags = 'relative,julian', date_value = "
                 "'{\"when\": \"1750-03-01\"}' WHERE id = ?", (rows[0],))
    conn.execute("UPDATE mentions SET date_cert = 'medium', date_stated = 1, date_value = "
                 "'{\"when\": \"1791-05-12\"}' WHERE id = ?", (rows[1],))
    conn.execute("UPDATE mentions SET date_cert = 'low', date_stated = 0, date_set = 1, "
                 "date_reason = ?, "
                 "date_value = '{\"when\": \"1800\"}' WHERE id = ?",
                 (f"{EDITOR} (estimate)", rows[2]))
    conn.execute("UPDATE mentions SET flags = '', date_cert = 'high', date_stated = 1, "
                 "date_value = '{\"when\": \"1801\"}' WHERE id = ?", (rows[3],))
    states = ("confirmed", "proposed")
    told = marked_dates(conn, [(sid, sha)], states)[sid, sha]
    again = reopened_at(seed_ws, 23, "DROP INDEX mentions_told_dates")
    conn = again.store.conn
    assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'mentions_told_dates'"
                        ).fetchone() is not None
    assert marked_dates(conn, [(sid, sha)], states)[sid, sha] == told
    starts = {r[0] for r in conn.execute("SELECT start FROM mentions WHERE id IN (?, ?, ?, ?)",
                                          rows[:3] + [-1])}
    assert {t[0] for t in told} >= starts
    by_start = {t[0]: t[4:] for t in told}
    first = conn.execute("SELECT start FROM mentions WHERE id = ?", (rows[0],)).fetchone()[0]
    assert by_start[first][0] is True  # julian
    last = conn.execute("SELECT start FROM mentions WHERE id = ?", (rows[3],)).fetchone()[0]
    assert last not in by_start or by_start[last][0]  # certain: told only if flagged julian


def test_store_version_4_gets_the_date_columns(seed_ws):
    """A store from before dates had reasons: the columns come, its sources stay readable,
    dated as 'add' dates them now (version 20 dates an older store's sources by today's rule)."""
    dated = seed_ws.source("german-soviet-axis-talks")
    assert dated.date
    again = reopened_at(seed_ws, 4, "DROP INDEX mentions_kinds",
                        "DROP INDEX mentions_told_dates", *(
        f"ALTER TABLE {table} DROP COLUMN {column}"
        for table, column in (("sources", "date"), ("sources", "date_reason"),
                              ("mentions", "date_reason"), ("mentions", "date_cert"))))
    found = again.source("german-soviet-axis-talks")
    assert (found.date, found.date_reason) == (dated.date, dated.date_reason)
    assert again.store.upgraded == [
        "the date of 1 source(s) set by today's rule, a letter's dateline before its source "
        f"description's date (german-soviet-axis-talks undated -> {dated.date}); 'annotator "
        "propose' dates their mentions again"]
    assert again.store.one("SELECT name FROM sqlite_master WHERE name = 'mentions_kinds'")


def test_store_version_2_gets_the_textmaps_table_and_fills_it_on_reading(seed_ws):
    text = seed_ws.reading_text("german-soviet-axis-talks")
    again = _as_version(seed_ws, 2, "DROP TABLE textmaps")
    assert again.store.one("SELECT count(*) AS n FROM textmaps")["n"] == 0
    assert again.reading_text("german-soviet-axis-talks") == text
    assert again.store.one("SELECT count(*) AS n FROM textmaps")["n"] == 1


def test_store_version_3_gets_confidence_and_pointers(seed_ws):
    again = _as_version(seed_ws, 3)
    columns = {r["name"] for r in again.store.query("PRAGMA table_info(mentions)")}
    assert "confidence" in columns
    assert again.store.one("SELECT count(*) AS n FROM pointers")["n"] == 0


def test_store_newer_schema_is_refused(ws):
    path = ws.store.path
    ws.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError) as err:
        Workspace.open(path.parent).sources()
    assert err.value.code == "W004"


def test_workspace_replace_after_editing_in_place(ws):
    path = ws.sources_dir / "memo.xml"
    head = ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>m'
            '</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>'
            '</sourceDesc></fileDesc></teiHeader><text><body><p>')
    path.write_text(head + "Stalin wrote to Molotov.</p></body></text></TEI>")
    ws.add(path)
    sha = ws.source("memo").sha256
    with ws.store.act("add-mention", "mention:new", editor="t") as act:
        act.insert("mentions", {"source_id": "memo", "sha256": sha, "start": 16, "end": 23,
                                "type": "person", "status": "confirmed", "provenance": "editor",
                                "created_at": "t"})
    path.write_text(head + "In 1940 Stalin wrote to Molotov.</p></body></text></TEI>")
    r = ws.add(path, replace=True)
    assert (r.kept, r.stale) == (1, 0)
    row = ws.store.one("SELECT start, end FROM mentions")
    assert ws.reading_text("memo")[row["start"]:row["end"]] == "Molotov"


def test_textmap_kept_by_the_store_is_rebuilt_when_stale_or_damaged(seed_ws, caplog):
    from annotator import Workspace
    from annotator.tei import textmap_pack as textmap_store

    sid = "german-soviet-axis-talks"
    text = seed_ws.reading_text(sid)
    sha = seed_ws.source(sid).sha256
    row = seed_ws.store.one("SELECT code, data FROM textmaps WHERE sha256 = ?", (sha,))
    assert row["code"] == textmap_store.CODE  # kept by add
    for code, data in (("old-code", row["data"]), (textmap_store.CODE, b"damaged")):
        with seed_ws.store.transaction() as conn:
            conn.execute("UPDATE textmaps SET code = ?, data = ?", (code, data))
        with Workspace(seed_ws.root) as fresh:
            assert fresh.reading_text(sid) == text
        again = seed_ws.store.one("SELECT code, data FROM textmaps WHERE sha256 = ?", (sha,))
        assert (again["code"], again["data"]) == (row["code"], row["data"])
    assert "rebuilding the kept text map" in caplog.text


def test_textmap_of_a_replaced_version_is_kept_by_the_replacing_act(ws, tmp_path):
    src = tmp_path / "letter.xml"
    src.write_bytes(SAMPLE_TEI.read_bytes())
    old = ws.add(src).source.sha256
    with ws.store.transaction() as conn:
        conn.execute("DELETE FROM textmaps")
    src.write_bytes(SAMPLE_TEI.read_bytes().replace(b"Molotov", b"Molotow", 1))
    with Workspace(ws.root) as fresh:  # the old version's map is in no memory: built in the act
        new = fresh.add(src, replace=True).source.sha256
        kept = {r["sha256"] for r in fresh.store.query("SELECT sha256 FROM textmaps")}
    assert kept == {old, new} and old != new


def test_textmap_is_not_kept_by_waiting_for_another_writer(seed_ws):
    # Keeping a map is a cache write: it must not wait out the busy timeout (an export of
    # many sources would wait that long for each) while another annotator writes.
    import time

    from annotator import Workspace
    from annotator.store.connection import BUSY_TIMEOUT_MS

    sid = "german-soviet-axis-talks"
    text = seed_ws.reading_text(sid)
    with seed_ws.store.transaction() as conn:
        conn.execute("DELETE FROM textmaps")
    other = sqlite3.connect(seed_ws.store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Workspace(seed_ws.root) as fresh:
            fresh.store  # opened (and migrated) before the clock starts
            t = time.monotonic()
            assert fresh.reading_text(sid) == text
            assert time.monotonic() - t < BUSY_TIMEOUT_MS / 1000 / 2
            assert fresh.store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert seed_ws.store.one("SELECT count(*) AS n FROM textmaps")["n"] == 0  # built, not kept


def _disk_full(store) -> None:
    """The store's disk full: SQLite's own limit on the file's pages, at the pages it has
    (none free: VACUUM), so the next write that needs a page fails as on a full disk."""
    store.conn.execute("VACUUM")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")


def _entity(conn, eid: str) -> None:
    conn.execute("INSERT INTO entities (id, type, preferred, created_at) VALUES (?, 'person', "
                 "?, '2026-12-06T00:00:00Z')", (eid, eid))


def _big_map(conn) -> None:
    conn.execute("INSERT INTO textmaps (sha256, code, data) VALUES ('f' || hex(randomblob(31)), "
                 "'test', zeroblob(1000000))")


@pytest.mark.parametrize("then", ["raise", "attempt", "raw"])
def test_a_cache_kept_during_an_act_on_a_full_disk_ends_the_act(ws, then):
    # SQLite ends the whole transaction itself when the disk is full. A cache written within
    # an act (a text map kept by the act that needed it) must not then be let pass: the
    # act's later statements would each commit alone, half an act kept. The act ends (W009)
    # and nothing of it is in the store. ``then``: the act lets the error pass, as a
    # decisions file reports a line it cannot apply (``Act.attempt``) and goes on to the
    # next, or as a reader that finds no text map, then writes through the connection, not
    # the Act (as store functions do): no later part of the act may commit on its own.
    from annotator import AnnotatorError

    store = ws.store
    _disk_full(store)
    with pytest.raises(StoreError) as err:
        with store.act("test", "entity:person-a", editor="tester") as act:
            _entity(act.conn, "person-a")
            try:
                with act.attempt() if then == "attempt" else contextlib.nullcontext():
                    store.keep_if_free(_big_map, "a test map")
            except AnnotatorError:
                if then == "raise":
                    raise
            if then == "raw":
                _entity(act.conn, "person-b")
            else:
                with act.attempt():
                    act.insert("entities", {"id": "person-b", "type": "person",
                                            "preferred": "person-b",
                                            "created_at": "2026-12-06T00:00:00Z"})
    assert err.value.code == "W009"
    assert "cannot write the store (" in str(err.value)
    assert not store.conn.in_transaction and not store.ended
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.query("SELECT id FROM entities") == []
    assert store.query("SELECT id FROM decisions") == []
    with store.act("test", "entity:person-c", editor="tester") as act:  # the next act: whole
        _entity(act.conn, "person-c")
    assert [r["id"] for r in store.query("SELECT id FROM entities")] == ["person-c"]


def test_a_cache_that_cannot_be_kept_during_an_act_leaves_the_act_whole(ws):
    # A cache that fails while the transaction goes on (here a row SQLite refuses) is
    # rolled back alone: the act commits whole, the cache not kept.
    store = ws.store
    with store.act("test", "entity:person-a", editor="tester") as act:
        _entity(act.conn, "person-a")
        assert not store.keep_if_free(lambda conn: _entity(conn, "person-a"), "a test row")
        _entity(act.conn, "person-b")
    assert [r["id"] for r in store.query("SELECT id FROM entities ORDER BY id")] == [
        "person-a", "person-b"]
    assert len(store.query("SELECT id FROM decisions")) == 1


def test_a_cache_on_a_full_disk_outside_an_act_is_let_pass(ws):
    store = ws.store
    _disk_full(store)
    assert not store.keep_if_free(_big_map, "a test map")
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.keep_if_free(_big_map, "a test map")
    assert store.one("SELECT count(*) AS n FROM textmaps WHERE code = 'test'")["n"] == 1


def test_an_act_on_a_full_disk_says_so_and_keeps_nothing(ws, tmp_path):
    # The act's own write fails: a one-line W009 (exit 2 in the CLI), not SQLite's error.
    src = tmp_path / "letter.xml"
    src.write_bytes(SAMPLE_TEI.read_bytes())
    _disk_full(ws.store)
    with pytest.raises(StoreError) as err:
        ws.add(src)
    assert err.value.code == "W009" and str(ws.store.path) in str(err.value)
    ws.store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert ws.sources() == []
    assert ws.add(src).source.sha256  # room again: the same act goes through


def test_store_version_5_gets_the_source_rejections_table(seed_ws):
    """A store from before rejections in one source: the table comes, the rest is kept."""
    again = reopened_at(seed_ws, 5, "DROP TABLE source_rejections")
    assert again.store.one("SELECT count(*) AS n FROM source_rejections")["n"] == 0
    assert again.source("german-soviet-axis-talks").sha256


def test_store_version_6_gets_the_claims_confidence_and_candidate(seed_ws):
    """A store from before claims had a confidence: the columns come, old claims have none."""
    seed_ws.add_claim("german-soviet-axis-talks", span=(0, 24), kind="editorial")
    again = reopened_at(seed_ws, 6, *(f"ALTER TABLE claims DROP COLUMN {column}"
                                       for column in ("confidence", "agent_candidate")))
    (row,) = again.claims()
    assert (row.confidence, row.agent_candidate) == (None, "")


def test_store_version_8_gets_the_sources_file_names(seed_ws):
    """A store from before file names were recorded: the column comes, empty (not known);
    a source added now records the name of its file. (SQLite 3.40 cannot drop the table's
    last column: it is renamed away.)"""
    again = reopened_at(seed_ws, 8, "ALTER TABLE sources RENAME COLUMN name TO name_v9")
    assert SCHEMA_VERSION >= 9
    assert again.store.one("SELECT name FROM sources WHERE id = 'german-soviet-axis-talks'"
                           )["name"] == ""
    path = again.root / "Letter 1.txt"
    path.write_text("Letter one\n\nAll is well.\n", encoding="utf-8")
    sid = again.add(path).source.id
    assert again.store.one("SELECT name FROM sources WHERE id = ?", (sid,))["name"] == \
        "Letter 1.txt"


def test_workspace_methods_show_their_acts_docs_and_signatures_in_a_notebook(ws):
    """``help(ws.merge)`` and ``ws.merge?`` show the act's docstring and parameters (with
    the workspace in place of what it hands the act), though acts load at first use."""
    import inspect
    import subprocess
    import sys

    forwarded = [name for name, value in vars(Workspace).items()
                 if type(value).__name__ == "_Forward"]
    assert len(forwarded) > 30
    for name in forwarded:
        method = getattr(Workspace, name)
        assert method.__doc__ and method.__doc__.strip(), name
        params = list(inspect.signature(method).parameters)
        assert params[0] == "self" and "ctx" not in params and "review" not in params, name
    sig = inspect.signature(Workspace.merge)
    assert list(sig.parameters)[:3] == ["self", "entity_id", "into"]
    assert "def merge(" in inspect.getsource(Workspace.merge)  # a notebook's ws.merge??
    # wrong arguments are said of the method called, not of the act behind it
    for call, said in ((lambda: ws.merge(), "Workspace.merge(): missing a required argument"),
                       (lambda: ws.entities(bogus=1), "Workspace.entities(): got an unexpected")):
        with pytest.raises(TypeError, match=re.escape(said)):
            call()
    # asking for one act's docstring imports that act only
    code = ("import sys\nfrom annotator import Workspace\nWorkspace.entities.__doc__\n"
            "print(sorted(m for m in sys.modules if m.startswith('annotator.acts.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "annotator.acts.queries" in out and "annotator.acts.claims" not in out


@pytest.mark.parametrize("listing,name,one,other", [
    ("mentions", "types", "person", "org"),
    ("mentions", "status", "confirmed", "rejected"),
    ("entities", "type", "person", "place"),
    ("entities", "status", "confirmed", "proposed"),
    ("register", "type", "person", "place"),
    ("claims", "kinds", "editorial", "quoted"),
    ("claims", "state", "confirmed", "rejected"),
])
def test_workspace_filters_take_one_several_or_comma_separated(seed_ws, listing, name, one,
                                                                 other):
    """Each filter of a listing: a name, an iterable of names, or comma-separated names."""
    from annotator.errors import DecisionError
    from tests.review_seed import SOURCE, propose_by_names

    propose_by_names(seed_ws)
    seed_ws.confirm("person-stalin", "place-berlin")
    seed_ws.reject("org-soviet-information-bureau")
    for i, kind in enumerate(["editorial", "quoted", "unattributed"]):
        claim = seed_ws.add_claim(SOURCE, span=(100 * i, 100 * i + 20), kind=kind)
    seed_ws.reject_claim(claim.id)

    def ids(value):
        return sorted(str(r.id) for r in getattr(seed_ws, listing)(**{name: value}))

    a, b = ids(one), ids((other,))
    assert a and b and not set(a) & set(b)
    assert ids([one, other]) == ids(f"{one}, {other}") == ids((x for x in (other, one))) \
        == sorted(a + b)
    assert ids(None) == ids([]) == ids("")  # nothing given: nothing filtered out
    with pytest.raises(DecisionError) as err:
        ids(f"{one},nosuch")
    assert err.value.code == "D020" and "'nosuch'" in str(err.value)


def test_store_version_9_gets_the_indexes_of_merge_suggestions(seed_ws):
    """A store from before merge suggestions gets their indexes; a suggestion is found through
    them (the queue asks one per card), never by reading every name."""
    from annotator.store import entities as entity_rows

    again = reopened_at(seed_ws, 9, "DROP INDEX variants_family", "DROP INDEX variants_joined",
                        "DROP INDEX authority_value")
    assert SCHEMA_VERSION >= 10
    names = {r["name"] for r in again.store.query("SELECT name FROM sqlite_master "
                                                  "WHERE type = 'index'")}
    assert {"variants_family", "variants_joined", "authority_value"} <= names
    conn = again.store.conn
    sql: list[str] = []
    conn.set_trace_callback(sql.append)
    entity_rows.look_alikes(conn, "person-x")
    conn.set_trace_callback(None)
    plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql[-1])]
    assert not [p for p in plan if p.startswith("SCAN") and p not in ("SCAN mine", "SCAN near")]
    assert {"variants_family", "variants_joined", "authority_value"} <= {
        w for p in plan for w in p.split()}


def test_store_version_10_gets_the_loose_keys_and_finds_smith_and_company(seed_ws):
    """A store from before loose keys gets its names' (``variants.loose``, made in Python) and
    their index; 'Smith & Co' and 'Smith and Company', which share no last word and no spaced
    form, are then suggested as one, found by index (no scan), and so is a name added after."""
    from annotator.store import entities as entity_rows
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws, candidates={"org-smith-co": ("org", ["Smith & Co"]),
                                          "org-smith-and-company": ("org", ["Smith and Company"]),
                                          "org-krupp-gmbh": ("org", ["Krupp GmbH"]),
                                          "org-krupp": ("org", ["Krupp"])})
    again = reopened_at(seed_ws, 10, "DROP INDEX variants_loose",
                        "ALTER TABLE variants DROP COLUMN loose")
    assert SCHEMA_VERSION >= 11
    loose = dict(again.store.query("SELECT key, loose FROM variants WHERE key LIKE 'smith%'"))
    assert loose == {"smith co": "smithcompany", "smith and company": "smithcompany"}
    said = [(s.other.preferred, s.reason) for s in again.similar("org-smith-co")]
    assert said == [("Smith and Company", "\u201cSmith & Co\u201d and \u201cSmith and "
                     "Company\u201d are one name written two ways")]
    # a name given later (an act's own insert) has its loose key too
    again.set_preferred("org-krupp", "Krupp Gesellschaft mit beschr\u00e4nkter Haftung")
    assert [s.other.preferred for s in again.similar("org-krupp-gmbh")] == [
        "Krupp Gesellschaft mit beschr\u00e4nkter Haftung"]
    assert [(s.entity.preferred, s.other.preferred)
            for s in again.merge_suggestions(type="org")] == [
        ("Krupp GmbH", "Krupp Gesellschaft mit beschr\u00e4nkter Haftung"),
        ("Smith & Co", "Smith and Company")]
    conn = again.store.conn
    for ask in (lambda: entity_rows.look_alikes(conn, "org-smith-co"),
                lambda: entity_rows.look_alike_pairs(conn, ["org"])):
        sql: list[str] = []
        conn.set_trace_callback(sql.append)
        ask()
        conn.set_trace_callback(None)
        query = next(q for q in reversed(sql) if "near" in q)
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + query)]
        assert any("variants_loose" in p for p in plan), plan
    again.close()


def test_store_version_10_merge_undone_gives_back_names_with_loose_keys(seed_ws):
    """A merge logged before loose keys (its row images lack ``variants.loose``) is undone all
    the same (the rows are as it left them in the columns it knew), and the names it gives back
    get their loose keys, as every writer of a name makes them: merge suggestions find them."""
    import json

    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws, candidates={"org-smith-co": ("org", ["Smith & Co"]),
                                          "org-smith-and-company": ("org", ["Smith and Company"]),
                                          "org-smith-ltd": ("org", ["Smith Co"])})
    merged = seed_ws.merge("org-smith-co", "org-smith-ltd")
    path = seed_ws.store.path
    seed_ws.close()
    conn = sqlite3.connect(path)
    changes = json.loads(conn.execute("SELECT changes FROM decisions WHERE id = ?",
                                      (merged.id,)).fetchone()[0])
    for ch in changes:  # as version 10 logged it: no loose key in a name's images
        for image in (ch["before"], ch["after"]):
            if ch["table"] == "variants" and image:
                image.pop("loose")
    conn.execute("UPDATE decisions SET changes = ? WHERE id = ?", (json.dumps(changes),
                                                                   merged.id))
    conn.commit()
    conn.close()
    again = reopened_at(Workspace.open(path.parent), 10, "DROP INDEX variants_loose",
                        "ALTER TABLE variants DROP COLUMN loose")
    assert again.undo().undoes == merged.id
    assert dict(again.store.query("SELECT key, loose FROM variants WHERE entity_id = ?",
                                  ("org-smith-co",))) == {"smith co": "smithcompany"}
    # 'Smith and Company' is found by the loose key only
    assert {s.other.id for s in again.similar("org-smith-co")} == {"org-smith-and-company",
                                                                    "org-smith-ltd"}
    again.close()


def test_store_version_11_gets_coordinates_of_places(seed_ws, tmp_path):
    """A store from before coordinates were kept opens: ``entities.geo`` comes, empty (none
    were kept); its entities list as before and a register imported now keeps a place's."""
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws)
    before = [(e.id, e.preferred, e.status) for e in seed_ws.entities()]
    # (SQLite 3.40 cannot drop a table's last column: it is renamed away)
    again = reopened_at(seed_ws, 11, "ALTER TABLE entities RENAME COLUMN geo TO geo_v12")
    assert SCHEMA_VERSION >= 12
    assert [(e.id, e.preferred, e.status, e.geo) for e in again.entities()] == [
        (*row, "") for row in before]
    path = tmp_path / "places.xml"
    path.write_text('<listPlace xmlns="http://www.tei-c.org/ns/1.0"><place xml:id="place-berlin">'
                    "<placeName>Berlin</placeName><location><geo>52.52 13.40</geo></location>"
                    "</place></listPlace>", encoding="utf-8")
    again.import_register(path)
    assert again.entity("place-berlin").geo == "52.52 13.40"
    again.close()


def test_store_version_12_keeps_its_pointers_as_their_keys(ws, tmp_path):
    """A store from before pointers were kept as written opens: ``pointers.written`` comes,
    empty, and its pointers are shown and exported as their keys, as before; a pointer
    recorded now is written as the edition has it."""
    (tmp_path / "g.xml").write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>G'
        "</title></titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p>"
        "</sourceDesc></fileDesc></teiHeader><text><body><p>The <orgName ref="
        '"https://portal.ehri-project.eu/authorities/ehri_cb-350">Gestapo</orgName> and '
        '<placeName ref="https://www.geonames.org/2950159/berlin.html">Berlin</placeName>.</p>'
        "</body></text></TEI>", encoding="utf-8")
    ws.add(tmp_path / "g.xml")
    ws.confirm("org-gestapo", "place-berlin")
    # (SQLite 3.40 cannot drop a table's last column: it is renamed away)
    again = reopened_at(ws, 12, "ALTER TABLE pointers RENAME COLUMN written TO written_v13")
    assert SCHEMA_VERSION >= 13
    assert again.candidate("org-gestapo").refs == (
        "http://portal.ehri-project.eu/authorities/ehri_cb-350",)
    assert b'<ptr target="https://www.geonames.org/2950159"/>' in again.export_register()
    path = tmp_path / "places.xml"
    path.write_text('<listPlace xmlns="http://www.tei-c.org/ns/1.0"><place xml:id="lodz">'
                    "<placeName>Lodz</placeName><idno>https://www.wikidata.org/wiki/Q580</idno>"
                    "</place></listPlace>", encoding="utf-8")
    again.import_register(path)
    assert b'<ptr target="https://www.wikidata.org/wiki/Q580"/>' in again.export_register()
    again.close()


def test_workspace_mention_add_by_offsets_marks_whole_words(seed_ws):
    """'annotator mention add SRC START END person' ending mid-word ('Molot' of 'Molotov')
    marked 'Molot'; now the word it cuts is taken whole, and the CLI says what it marked.
    A span with no word is refused on one line."""
    sid = "german-soviet-axis-talks"
    text = seed_ws.reading_text(sid)
    at = text.index("Molotov")
    done = run(seed_ws, "mention", "add", sid, str(at + 1), str(at + 5), "person")
    assert done.exit_code == 0, done.output
    added = [m for m in seed_ws.mentions(sid) if m.status == "confirmed"]
    assert [(m.start, m.end, m.surface) for m in added] == [(at, at + 7, "Molotov")]
    assert f"span:{sid}:{at}-{at + 7}" in done.stderr
    assert (f"marked 'Molotov' ({at}:{at + 7}), not 'olot' ({at + 1}:{at + 5}), "
            "which cut a word") in done.stderr
    # the span given is said as given: 'v ' of 'Molotov ' (a space), not 'v' with its offsets
    m = text.index("Molotov ")
    done = run(seed_ws, "mention", "add", sid, str(m + 6), str(m + 8), "person")
    assert done.exit_code == 0, done.output
    assert f"marked 'Molotov' ({m}:{m + 7}), not 'v ' ({m + 6}:{m + 8})" in done.stderr
    stop = text.index(".", at)
    done = run(seed_ws, "mention", "add", sid, str(stop), str(stop + 1), "place")
    assert done.exit_code == 2 and "[D022]" in done.stderr and "holds no word" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    # offsets of whole words: as given, nothing said
    hitler = text.index("Hitler")
    done = run(seed_ws, "mention", "add", sid, str(hitler), str(hitler + 6), "person")
    assert done.exit_code == 0 and "marked" not in done.stderr


def test_store_version_14_keeps_what_its_acts_decided(seed_ws):
    """What editors decided (store.decided: the entities and mentions an export inserts for)
    was read by parsing every act's changes in the log on each export, a register import's
    megabytes too; now each act keeps it beside its row (table ``decided``), which a store
    from before it gets filled from its log when opened; undo and redo keep it right."""
    import annotator.store.decided as decided
    from tests.review_seed import propose_by_names

    ids = propose_by_names(seed_ws)
    seed_ws.confirm("person-stalin")
    merge = seed_ws.merge("person-vyacheslav-molotov", "person-joachim-von-ribbentrop")
    seed_ws.link("place-berlin", "wikidata", "Q64")

    def reads(ws):
        return (decided.decided_entities(ws.store), decided.enriched_entities(ws.store),
                decided.changed_mentions(ws.store))

    berlin = {"place-berlin"}
    merged = {"person-vyacheslav-molotov", "person-joachim-von-ribbentrop"}
    moved = set(ids["person-vyacheslav-molotov"])
    got = reads(seed_ws)
    assert got[0] == {"person-stalin"} | merged | berlin
    assert got[1] == merged | berlin  # a confirm adds nothing
    assert moved | set(ids["person-stalin"]) <= got[2]
    again = reopened_at(seed_ws, 14, "DROP TABLE decided")
    assert reads(again) == got
    statements: list[str] = []
    again.store.conn.set_trace_callback(statements.append)
    reads(again)
    again.store.conn.set_trace_callback(None)
    assert statements and not any("changes" in s for s in statements)  # the log's JSON unread
    again.undo()  # the link
    assert reads(again) == (got[0] - berlin, got[1] - berlin, got[2])
    again.undo(merge.id)
    assert reads(again) == ({"person-stalin"}, set(), got[2] - moved)
    again.close()


def test_store_version_15_keeps_the_entities_each_act_deleted(seed_ws):
    """The ids no new entity may take (an act in force deleted them: an undo could put them
    back) and the act that deleted an entity were read by parsing the changes of every act
    in the log, 50 and 32 ms at a time beside a register import; now every act keeps the
    entities it deleted (table ``decided``, undos too), which a version 15 store gets filled
    from its log when opened."""
    from annotator.store import decisions, entities
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws)
    gone = "person-vyacheslav-molotov"
    merge = seed_ws.merge(gone, "person-joachim-von-ribbentrop")  # into the second
    undone = seed_ws.undo(merge.id)
    redone = seed_ws.undo(undone.id)
    again = reopened_at(seed_ws, 15, "DELETE FROM decided WHERE what = 'deleted'",
                        "CREATE INDEX decisions_deleting ON decisions(id)")
    conn = again.store.conn
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'decisions_deleting'"
                        ).fetchone()[0] == 0
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    assert gone in entities.taken_ids(conn, "person")
    assert decisions.entity_removed(conn, gone) == redone.id
    conn.set_trace_callback(None)
    assert not any("changes" in s for s in statements)  # the log's JSON unread
    assert gone not in {e.id for e in again.entities()}
    again.undo(redone.id)  # the merge undone again: the entity is back
    assert gone in {e.id for e in again.entities()}
    assert decisions.entity_removed(conn, gone) == redone.id  # the newest that deleted it
    again.close()


def test_store_version_15_migration_run_twice_keeps_each_row_once(seed_ws):
    """Two commands opening a version 14 store at once both read version 14; the second runs
    the migration after the first committed it (BEGIN IMMEDIATE waits, then succeeds), on a
    table already filled: it filled it again, each act's rows twice or more."""
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws)
    seed_ws.confirm("person-stalin")
    seed_ws.merge("person-vyacheslav-molotov", "person-joachim-von-ribbentrop")

    def rows(ws):
        return sorted((tuple(r) for r in ws.store.conn.execute(
            "SELECT decision_id, what, key FROM decided")), key=repr)

    once = rows(seed_ws)
    assert once
    again = reopened_at(seed_ws, 14)  # the table kept: as the second process finds it
    assert rows(again) == once
    again.close()


def _store_image(path):
    """Every row of every table (by rowid), the indexes and triggers with their SQL, the
    rows breaking a foreign key, and the schema version of a store file."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence' "
            "ORDER BY name")]
        return ({t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()  # noqa: S608
                 for t in tables},
                conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                             "WHERE type != 'table' ORDER BY name").fetchall(),
                conn.execute("PRAGMA foreign_key_check").fetchall(),
                conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


_PACKS = ("mention_packs", "claim_packs")


def _but_packs(image):
    """A store image without what versions 26 and 27 added: ``mention_packs`` and
    ``claim_packs``, empty, and their triggers."""
    tables, schema, *rest = image
    assert [tables[t] for t in _PACKS] == [[], []]
    return ({t: rows for t, rows in tables.items() if t not in _PACKS},
            [r for r in schema if r[2] not in _PACKS and
             not r[1].startswith(tuple(f"{t}_" for t in _PACKS))], *rest)


def _at_version_16(ws):
    """Close the workspace and take its store back to version 16: the tables of FRESH_IDS
    made anew as that release's schema.sql made them (this one's without AUTOINCREMENT, which
    SQLite cannot take away in place), their rows and indexes again, sqlite_sequence emptied
    (SQLite keeps the table itself), and no ``mention_packs`` nor ``claim_packs`` (versions
    26's and 27's; dropping ``mentions`` and ``claims`` dropped their triggers). Returns the
    store's path."""
    from annotator.store.connection import FRESH_IDS

    conn, path, back = ws.store.conn, ws.store.path, []
    for table in FRESH_IDS:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        old = sql[0].replace(f"CREATE TABLE {table} (", f"CREATE TABLE {table}_v16 (", 1)
        assert old.count(" AUTOINCREMENT") == 1
        back += [old.replace(" AUTOINCREMENT", ""),
                 f"INSERT INTO {table}_v16 SELECT * FROM {table}", f"DROP TABLE {table}",
                 f"ALTER TABLE {table}_v16 RENAME TO {table}",
                 *(r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE tbl_name = ? "
                                              "AND type = 'index' AND sql IS NOT NULL",
                                              (table,)))]
    ws.close()
    old_store = sqlite3.connect(path)  # foreign keys off: a drop deletes no other table's rows
    for sql in (*back, "DELETE FROM sqlite_sequence",
                *(f"DROP TABLE {table}" for table in _PACKS), "PRAGMA user_version = 16"):
        old_store.execute(sql)
    old_store.commit()
    old_store.close()
    return path


def test_store_version_16_gives_no_id_twice_and_undoes_a_removal(ws, tmp_path):
    """A version 16 store whose letter, added last, was removed: the removal took the
    highest mention, run, claim and link ids. Opened, it keeps every row, index and trigger,
    the log and ``decided`` as they were, and its tables give no id twice from then on, the
    ids the removal took included: a new source's proposals, a claim and a link get fresh
    ids and the removal's undo puts back exactly what it took (was: the highest id there
    plus one, the letter's, and the undo refused, D008 'mention 4 changed since')."""
    from annotator.store.connection import FRESH_IDS, row_at

    for name, text in (("diary.txt", "Gerhart Hauptmann travelled to Agnetendorf with Max "
                                     "Reinhardt.\n"),
                       ("letter.txt", "Otto Brahm met Gerhart Hauptmann in Berlin on 3 May "
                                      "1890. Brahm wrote to Arthur Schnitzler in Vienna.\n"),
                       ("works.bib", "@book{brahm1913,\n  author = {Brahm, Otto},\n  title = "
                                     "{Kritiken und Essays},\n  year = {1913},\n}\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    ws.add(tmp_path / "diary.txt")
    ws.add(tmp_path / "letter.txt")
    ws.bib_add(tmp_path / "works.bib")
    ws.propose()
    ws.confirm("person-otto-brahm")  # named in the letter only: an editor's work on it
    for sid, quote, page in (("diary", "Gerhart Hauptmann travelled", "p. 12"),
                             ("letter", "Brahm wrote to Arthur Schnitzler", "p. 40")):
        ws.link_claim(ws.add_claim(sid, quote=quote).id, "brahm1913", locus=page)
    removal = ws.remove_source("letter").id
    root = ws.root
    path = _at_version_16(ws)
    before = _store_image(path)
    assert before[3] == 16
    ws = Workspace.open(root)
    conn = ws.store.conn
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert _but_packs(_store_image(path)) == (*before[:3], SCHEMA_VERSION)
    for table in FRESH_IDS:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,))
        assert "INTEGER PRIMARY KEY AUTOINCREMENT" in sql.fetchone()[0]
    changes = json.loads(conn.execute("SELECT changes FROM decisions WHERE id = ?",
                                      (removal,)).fetchone()[0])
    highest = {t: max(ch["key"]["id"] for ch in changes if ch["table"] == t)
               for t in FRESH_IDS}
    for table in FRESH_IDS:  # the letter held the highest ids
        assert highest[table] > conn.execute(
            f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]  # noqa: S608
    note = tmp_path / "note.txt"
    note.write_text("Max Reinhardt staged a play in Vienna.\n", encoding="utf-8")
    ws.add(note)
    ws.propose(["note"])
    claim = ws.add_claim("diary", quote="with Max Reinhardt")
    ws.link_claim(claim.id, "brahm1913", locus="p. 7")
    new = {"mentions": [m.id for m in ws.mentions("note")], "claims": [claim.id],
           "links": [ln.id for ln in ws.claim(claim.id).links],
           "runs": [r[0] for r in conn.execute("SELECT id FROM runs WHERE source_id = 'note'")]}
    for table, ids in new.items():
        assert ids and min(ids) > highest[table], table
    ws.undo(removal)
    assert all(row_at(conn, ch["table"], ch["key"]) == ch["before"] for ch in changes)
    assert (root / "sources" / "letter.xml").exists()
    assert ws.entity("person-otto-brahm").status == "confirmed"
    ws.close()


def test_store_version_16_migration_run_again_keeps_the_highest_ids(seed_ws):
    """Two commands opening a version 16 store at once: the second makes the tables anew
    after the first did, and perhaps after proposals were given ids and dropped (which no act
    logs: only sqlite_sequence knows them). The highest ids given stay, and so do the rows,
    indexes and triggers."""
    from annotator.store.connection import FRESH_IDS, highest_given

    sid = "german-soviet-axis-talks"
    start = seed_ws.reading_text(sid).index("Lebensraum")
    seed_ws.add_mention(sid, start, start + len("Lebensraum"), "place")
    given = {t: highest_given(seed_ws.store.conn, t) for t in FRESH_IDS}
    assert given["mentions"] == max(m.id for m in seed_ws.mentions())
    given["mentions"] += 5  # five proposals given ids, then dropped
    image = _store_image(seed_ws.store.path)
    again = reopened_at(seed_ws, 16, "UPDATE sqlite_sequence SET seq = seq + 5 "
                        "WHERE name = 'mentions'")
    conn = again.store.conn
    assert {t: highest_given(conn, t) for t in FRESH_IDS} == given
    assert _store_image(again.store.path) == image
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_sequence ORDER BY name")] == \
        sorted(FRESH_IDS)
    again.close()


def test_store_migration_step_never_runs_twice_when_another_command_migrated_meanwhile(
        tmp_path, monkeypatch):
    """Another command migrates the store between this one's reading of the version and its
    step's transaction: the step, whatever it does (here rows that a second run would add
    again), does not run a second time; the version is checked inside the transaction."""
    from annotator.store import connection as store_connection
    from annotator.store.connection import MIGRATIONS, SCHEMA_VERSION, Store

    path = tmp_path / "annotator.sqlite"
    Store.open(path, create=True).close()
    last = SCHEMA_VERSION - 1
    old = sqlite3.connect(path)
    old.execute(f"PRAGMA user_version = {last}")
    old.commit()
    old.close()
    calls: list[str] = []

    def step(conn: sqlite3.Connection) -> str:
        if not calls:  # the other command opens the store now, and migrates it first
            calls.append("other")
            Store.open(path).close()
        calls.append("step")
        return "CREATE TABLE IF NOT EXISTS steps (n INTEGER); INSERT INTO steps VALUES (1);"

    monkeypatch.setitem(MIGRATIONS, last, step)
    assert store_connection.MIGRATIONS[last] is step
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("SELECT count(*) FROM steps").fetchone()[0] == 1
    assert calls == ["other", "step", "step"]


def test_store_migration_names_the_decision_whose_logged_changes_are_not_json(seed_ws):
    """A store mended by hand, one decision's logged changes no longer JSON: a migration that
    reads the log stops with W008 naming that decision and how to go on, the store left at
    its version (was: 'malformed JSON' and the hint to start a new store)."""
    from annotator.errors import StoreError

    sid = "german-soviet-axis-talks"
    start = seed_ws.reading_text(sid).index("Lebensraum")
    seed_ws.add_mention(sid, start, start + len("Lebensraum"), "place")
    bad = seed_ws.history()[0].id
    path, root = seed_ws.store.path, seed_ws.root
    with pytest.raises(StoreError) as err:
        reopened_at(seed_ws, 15, f"UPDATE decisions SET changes = '{{cut' WHERE id = {bad}")
    assert err.value.code == "W008"
    assert f"the changes decision {bad} logged are not JSON" in str(err.value)
    assert "backup" in err.value.hint
    assert not [f for f in os.listdir(f"/proc/{os.getpid()}/fd")
                if os.path.realpath(f"/proc/{os.getpid()}/fd/{f}") == str(path)]  # closed
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 15
    conn.close()
    assert root.exists()


def test_store_version_18_gives_a_redo_its_own_rows(seed_ws):
    """A redo keeps the decided rows of what it did again (a merge redone, a preferred name
    chosen again) and the names an editor chose are rows of their own: a version 18 store,
    whose redos kept only the entities they deleted, gets them from its log when opened, the
    same rows as the acts write now, and its reads answer as before."""
    from annotator.store import decided, decisions
    from tests.review_seed import propose_by_names

    propose_by_names(seed_ws)
    merge = seed_ws.merge("person-vyacheslav-molotov", "person-joachim-von-ribbentrop")
    seed_ws.undo(seed_ws.undo(merge.id).id)
    prefer = seed_ws.set_preferred("person-stalin", "Josef Stalin")
    seed_ws.undo(seed_ws.undo(prefer.id).id)

    def rows(ws):
        return sorted((tuple(r) for r in ws.store.conn.execute(
            "SELECT decision_id, what, key FROM decided")), key=repr)

    def reads(ws):
        return (decided.decided_entities(ws.store), decided.enriched_entities(ws.store),
                decisions.preferred_by_editor(ws.store.conn, "person-stalin"))

    now, read = rows(seed_ws), reads(seed_ws)
    assert read[2] and "person-joachim-von-ribbentrop" in read[1]
    again = reopened_at(seed_ws, 18, "DELETE FROM decided WHERE what = 'preferred' OR "
                        "(what != 'deleted' AND decision_id IN "
                        "(SELECT id FROM decisions WHERE undoes IS NOT NULL))")
    assert rows(again) == now and reads(again) == read
    again.close()
